#!/usr/bin/env bash
# Puts Varnish and Pushpin in front of a newsdesk, the way production puts a
# CDN with GRIP (Fastly and Fanout) in front of it:
#
#   reader -> Pushpin (public port) -> Varnish -> newsdesk (origin)
#
# Pushpin holds the live streams and takes newsdesk's publishes; Varnish
# caches pages, feeds and media and takes newsdesk's purges. The configs are
# rendered from deploy/varnish.vcl, deploy/pushpin.conf and deploy/routes
# into a run directory, which also holds every socket, log and pid file, so
# several edges can run at once on different ports. Nothing of the Debian
# packages' services is used (or needs to run).
#
# Runs in the foreground until Ctrl-C or SIGTERM, then stops both.
# The integration tests start it the same way (tests/app/edge_servers.rs).

set -euo pipefail

usage() {
    cat <<'EOF'
Usage: deploy/run-edge.sh [OPTIONS]

Starts Varnish and Pushpin in front of a newsdesk and prints the flags to
start newsdesk with. Ctrl-C (or SIGTERM) stops both.

Options (each also an environment variable):
  --origin HOST:PORT    newsdesk's --bind address       EDGE_ORIGIN        127.0.0.1:8080
  --public-port PORT    Pushpin: where readers connect   EDGE_PUBLIC_PORT   7999
  --varnish-port PORT   Varnish: newsdesk's --purge-url  EDGE_VARNISH_PORT  6081
  --publish-port PORT   Pushpin's publish endpoint:      EDGE_PUBLISH_PORT  5561
                        newsdesk's --grip-url
  --grip-key KEY        key of Pushpin's Grip-Sig        EDGE_GRIP_KEY      random
                        (letters, digits, - _ . ~)
  --run-dir DIR         configs, sockets, logs           EDGE_RUN_DIR       a new
                                                         ${TMPDIR:-/tmp}/newsdesk-edge.XXXXXX
  --render-only         write the configs into the run directory and exit
  --exit-with PID       also stop when process PID ends (for test harnesses)
  -h, --help            this text

Needs varnishd (with vmod_xkey, Debian: varnish varnish-modules) and pushpin
(Debian: pushpin, which brings zurl and condure). Runs as root or not.
EOF
}

die() {
    echo "run-edge: $*" >&2
    exit 1
}

origin=${EDGE_ORIGIN:-127.0.0.1:8080}
public_port=${EDGE_PUBLIC_PORT:-7999}
varnish_port=${EDGE_VARNISH_PORT:-6081}
publish_port=${EDGE_PUBLISH_PORT:-5561}
grip_key=${EDGE_GRIP_KEY:-}
run_dir=${EDGE_RUN_DIR:-}
render_only=false
exit_with=

while [ $# -gt 0 ]; do
    case "$1" in
        --origin) origin=${2:?--origin needs HOST:PORT}; shift 2 ;;
        --public-port) public_port=${2:?--public-port needs a port}; shift 2 ;;
        --varnish-port) varnish_port=${2:?--varnish-port needs a port}; shift 2 ;;
        --publish-port) publish_port=${2:?--publish-port needs a port}; shift 2 ;;
        --grip-key) grip_key=${2:?--grip-key needs a key}; shift 2 ;;
        --run-dir) run_dir=${2:?--run-dir needs a directory}; shift 2 ;;
        --render-only) render_only=true; shift ;;
        --exit-with) exit_with=${2:?--exit-with needs a PID}; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done

# --- check what we were given: these values go into config files ----------

is_port() { [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ]; }
for port in "$public_port" "$varnish_port" "$publish_port"; do
    is_port "$port" || die "not a port: $port"
done
[ "$public_port" != "$varnish_port" ] && [ "$public_port" != "$publish_port" ] &&
    [ "$varnish_port" != "$publish_port" ] || die "the three ports must differ"

[[ "$origin" =~ ^([A-Za-z0-9.-]+):([0-9]+)$ ]] || die "--origin must be HOST:PORT (an IPv4 address or a name), not: $origin"
origin_host=${BASH_REMATCH[1]}
origin_port=${BASH_REMATCH[2]}
is_port "$origin_port" || die "not a port: $origin_port"

if [ -z "$grip_key" ]; then
    # 32 random bytes, URL-safe: the key travels in newsdesk's --grip-url.
    grip_key=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
fi
[[ "$grip_key" =~ ^[A-Za-z0-9._~-]+$ ]] || die "the GRIP key may hold only letters, digits and - _ . ~"
[[ -z "$exit_with" || "$exit_with" =~ ^[0-9]+$ ]] || die "--exit-with needs a PID"

deploy_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
made_run_dir=false
if [ -z "$run_dir" ]; then
    run_dir=$(mktemp -d "${TMPDIR:-/tmp}/newsdesk-edge.XXXXXX")
    made_run_dir=true
fi
mkdir -p "$run_dir"
run_dir=$(cd "$run_dir" && pwd)
# The run directory's path goes into pushpin.conf and ipc:// socket names,
# which Linux limits to 107 bytes (the longest is
# pushpin/pushpin-condure-out-stream, 34 bytes, below the run directory).
[[ "$run_dir" =~ ^[A-Za-z0-9/._+-]+$ ]] || die "the run directory's path may hold only letters, digits and / . _ + -: $run_dir"
[ "${#run_dir}" -le 72 ] || die "the run directory's path is too long for socket names (72 bytes at most): $run_dir"

# --- render the templates --------------------------------------------------

render() { # template, output
    sed -e "s|@ORIGIN_HOST@|$origin_host|g" \
        -e "s|@ORIGIN_PORT@|$origin_port|g" \
        -e "s|@PUBLIC_PORT@|$public_port|g" \
        -e "s|@VARNISH_PORT@|$varnish_port|g" \
        -e "s|@PUBLISH_PORT@|$publish_port|g" \
        -e "s|@GRIP_KEY@|$grip_key|g" \
        -e "s|@RUN_DIR@|$run_dir|g" \
        "$1" >"$2"
    if grep -q '@[A-Z_]*@' "$2"; then
        die "placeholder left unreplaced in $2: $(grep -o '@[A-Z_]*@' "$2" | head -1)"
    fi
}

mkdir -p "$run_dir/log" "$run_dir/pushpin" "$run_dir/varnish"
rm -f "$run_dir/ready"
render "$deploy_dir/varnish.vcl" "$run_dir/varnish.vcl"
render "$deploy_dir/pushpin.conf" "$run_dir/pushpin.conf"
render "$deploy_dir/routes" "$run_dir/routes"
chmod 600 "$run_dir/pushpin.conf" # holds the GRIP key

grip_url="http://127.0.0.1:$publish_port/?iss=pushpin&key=$grip_key"
newsdesk_flags="--bind $origin --purge-url http://127.0.0.1:$varnish_port/ --grip-url '$grip_url' --trusted-proxy 127.0.0.1 --site-url http://127.0.0.1:$public_port"

if $render_only; then
    echo "run-edge: configs written to $run_dir"
    exit 0
fi

command -v varnishd >/dev/null || die "varnishd not found (Debian: apt-get install varnish varnish-modules)"
command -v pushpin >/dev/null || die "pushpin not found (Debian: apt-get install pushpin)"

# --- start -----------------------------------------------------------------

varnish_pid=
pushpin_pid=

stop() {
    trap - INT TERM HUP EXIT
    local pid
    for pid in $pushpin_pid $varnish_pid; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    # Both stop within a second or two; anything left after 10 s is killed.
    for _ in $(seq 100); do
        local alive=false
        for pid in $pushpin_pid $varnish_pid; do
            if kill -0 "$pid" 2>/dev/null; then alive=true; fi
        done
        $alive || break
        sleep 0.1
    done
    for pid in $pushpin_pid $varnish_pid; do
        kill -KILL "$pid" 2>/dev/null || true
    done
    # Pushpin's services (condure, zurl, proxy, handler) and Varnish's child
    # outlive a killed parent: kill those still running from this directory.
    local file
    for file in "$run_dir"/pushpin/*.pid "$run_dir"/varnish/*.pid; do
        [ -f "$file" ] || continue
        pid=$(cat "$file" 2>/dev/null) || continue
        if [[ "$pid" =~ ^[0-9]+$ ]] && grep -qF "$run_dir" "/proc/$pid/cmdline" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done
    wait 2>/dev/null || true
    rm -f "$run_dir/ready"
}

fail() {
    echo "run-edge: $*" >&2
    local log
    for log in "$run_dir"/log/*.log; do
        [ -s "$log" ] || continue
        echo "--- $log (last lines)" >&2
        tail -n 15 "$log" >&2
    done
    stop
    exit 1
}

# A clean stop removes the run directory if we made it; a failure keeps it, logs and all.
clean_exit() {
    stop
    if $made_run_dir; then
        # Retried: a process that just ended may have been writing a last log line.
        for _ in 1 2 3 4 5; do
            rm -rf "$run_dir" 2>/dev/null && break
            sleep 0.2
        done
    fi
    exit 0
}
trap clean_exit INT TERM HUP
trap 'stop' EXIT

# -F: stay in the foreground, as our child. -j none: no privilege separation,
# so the same command works as root and as any user (the run directory is
# ours). -T on a port of the kernel's choice: varnishadm -n finds it.
# http_gzip_support=off: Varnish neither rewrites Accept-Encoding nor
# compresses; the origin's own variants are cached as they are.
varnishd -F -j none \
    -n "$run_dir/varnish" \
    -a "127.0.0.1:$varnish_port" \
    -T 127.0.0.1:0 \
    -f "$run_dir/varnish.vcl" \
    -s malloc,256m \
    -p http_gzip_support=off \
    -P "$run_dir/varnish/varnishd.pid" \
    >"$run_dir/log/varnishd.log" 2>&1 &
varnish_pid=$!

pushpin --config "$run_dir/pushpin.conf" >"$run_dir/log/pushpin.log" 2>&1 &
pushpin_pid=$!

# The head of an HTTP answer from 127.0.0.1:PORT, or a failure. Plain bash,
# so that no curl is needed.
http_head() { # port, method
    local reply
    reply=$(timeout 2 bash -c '
        exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf "%s / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" "$2" >&3
        head -c 4096 <&3' _ "$1" "$2" 2>/dev/null) || return 1
    [[ "$reply" == HTTP/1.* ]] || return 1
    printf '%s\n' "$reply" | tr -d '\r' | sed '/^$/q'
}

varnish_answers() { # port: Varnish itself answers there (X-Varnish)
    # A PURGE without keys: Varnish refuses it itself (400 directly, 403
    # through Pushpin), so this needs no origin, which may not be up yet.
    local head
    head=$(http_head "$1" PURGE) && grep -qi '^X-Varnish:' <<<"$head"
}

deadline=$((SECONDS + 60))
# Varnish answers; Pushpin answers through it; the publish endpoint answers.
until varnish_answers "$varnish_port" && varnish_answers "$public_port" &&
    http_head "$publish_port" GET >/dev/null; do
    kill -0 "$varnish_pid" 2>/dev/null || fail "varnishd exited (is port $varnish_port free?)"
    kill -0 "$pushpin_pid" 2>/dev/null || fail "pushpin exited (are ports $public_port and $publish_port free?)"
    [ "$SECONDS" -lt "$deadline" ] || fail "Varnish and Pushpin did not answer within 60 s"
    sleep 0.1
done

cat <<EOF
Edge ready. Run directory (configs, logs): $run_dir
  readers:  http://127.0.0.1:$public_port/   Pushpin -> Varnish -> newsdesk at $origin
  Varnish:  http://127.0.0.1:$varnish_port/   (varnishstat -n $run_dir/varnish, varnishlog -n $run_dir/varnish)
  publish:  http://127.0.0.1:$publish_port/
Start newsdesk with:
  newsdesk serve $newsdesk_flags
Ctrl-C stops Varnish and Pushpin.
EOF
echo "$newsdesk_flags" >"$run_dir/ready"

# Wait for a signal, for either process to end, or for --exit-with's process
# to end (a test run that was killed leaves nothing running).
while :; do
    kill -0 "$varnish_pid" 2>/dev/null || fail "varnishd exited"
    kill -0 "$pushpin_pid" 2>/dev/null || fail "pushpin exited"
    if [ -n "$exit_with" ] && ! kill -0 "$exit_with" 2>/dev/null && [ ! -d "/proc/$exit_with" ]; then
        # Whoever made the run directory is gone too: nobody will read it.
        made_run_dir=true
        clean_exit
    fi
    sleep 0.5 &
    wait $! || true
done
