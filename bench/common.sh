# Shared by the benchmark scripts (sourced, not run).

# Where cargo puts release builds, and the server binary the scripts run:
# cargo's, unless a script copied it (so that a build elsewhere into a shared
# target directory cannot swap it mid-run).
RELEASE=${CARGO_TARGET_DIR:-target}/release
NEWSDESK_BIN=${NEWSDESK_BIN:-$RELEASE/newsdesk}

# Waits up to 10 s for URL to answer 2xx.
wait_for() {
    for _ in $(seq 100); do
        curl -fsS -m 1 -o /dev/null "$1" 2>/dev/null && return
        sleep 0.1
    done
    echo "$1 did not answer within 10 s" >&2
    return 1
}

# Warns when other processes (a build, say) keep the CPU busy: on 2 cores
# they take time from the server and the figures would be theirs too.
warn_if_busy() {
    # busy and idle ticks of all CPUs, from /proc/stat's first line
    ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6 }' /proc/stat; }
    local busy0 idle0 busy1 idle1
    read -r busy0 idle0 < <(ticks)
    sleep 1
    read -r busy1 idle1 < <(ticks)
    local percent=$(( 100 * (busy1 - busy0) / (busy1 - busy0 + idle1 - idle0 + 1) ))
    if [ "$percent" -gt 10 ]; then
        echo "warning: the CPU was ${percent}% busy just before this run; figures are skewed" >&2
    fi
}

# A release newsdesk on loopback for one benchmark: start_server PORT DB
# [MORE FLAGS...], then stop_server. Every client is 127.0.0.1, so the
# per-address stream limit is off. Its log goes to $TMP/server.log;
# $SERVER_PID is its process id.
SERVER_PID=
start_server() {
    local port=$1 db=$2
    shift 2
    "$NEWSDESK_BIN" serve --bind "127.0.0.1:$port" --database "$db" --content content \
        --max-streams-per-address 0 "$@" \
        >>"$TMP/server.log" 2>&1 &
    SERVER_PID=$!
    wait_for "http://127.0.0.1:$port/healthz" || { cat "$TMP/server.log" >&2; exit 1; }
}

# SIGTERM lets actix finish in-flight requests; give it 10 s, then SIGKILL.
stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 100); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}

# Creates the editor "bench" with a random password in $BENCH_PASSWORD.
add_bench_editor() {
    export BENCH_PASSWORD="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    echo "$BENCH_PASSWORD" | "$NEWSDESK_BIN" editor add bench --database "$1" --content content >/dev/null
}

# wrk and nginx, from Debian's packages when missing.
need_wrk_and_nginx() {
    if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
        echo "installing wrk and nginx (Debian packages)" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk nginx >/dev/null
    fi
}

# The page benchmarks' load: 2 threads, 100 connections, 10 s.
WRK=(wrk --threads 2 --connections 100 --duration 10s --timeout 5s --latency)

# run_wrk URL REPORT: wrk's report into the file REPORT; fails (showing it)
# on any socket error or non-2xx answer.
run_wrk() {
    timeout 60 "${WRK[@]}" "$1" >"$2"
    if grep -q -e 'Non-2xx' -e 'Socket errors' "$2"; then
        cat "$2" >&2
        return 1
    fi
}

# wrk_figures REPORT: requests/s, average, p50, p99 and max latency, and the
# requests answered, space-separated (latencies as wrk writes them: 8.70ms).
wrk_figures() {
    awk '
        $1 == "Requests/sec:" { rps = $2 }
        $1 == "Latency" && !avg { avg = $2; max = $4 }
        $1 == "50%" { p50 = $2 }
        $1 == "99%" { p99 = $2 }
        / requests in / { requests = $1 }
        END { printf "%s %s %s %s %s %s", rps, avg, p50, p99, max, requests }' "$1"
}

# A latency as wrk writes it (950.00us, 8.70ms, 1.20s, 2.00m) in milliseconds.
wrk_ms() {
    awk -v t="$1" 'BEGIN {
        n = t + 0
        if (t ~ /us$/) n /= 1000
        else if (t ~ /ms$/) n = n
        else if (t ~ /m$/) n *= 60000
        else if (t ~ /s$/) n *= 1000
        printf "%.2f", n }'
}

# start_nginx PORT ROOT DIR: nginx serving the directory ROOT on
# 127.0.0.1:PORT, a foreground child ($NGINX_PID) with its config, pid file
# and logs in DIR. Two workers, like actix's two on this machine; no access
# log, as newsdesk keeps none; no cap on requests per connection, as actix
# has none. ROOT and its parents must be readable by nginx's workers, which
# drop root.
NGINX_PID=
start_nginx() {
    local port=$1 root=$2 dir=$3
    mkdir -p "$dir"
    cat >"$dir/nginx.conf" <<EOF
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    sendfile on;
    keepalive_requests 1000000;
    default_type "text/html; charset=utf-8";
    server {
        listen 127.0.0.1:$port;
        root $root;
    }
}
EOF
    nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" -g 'daemon off;' &
    NGINX_PID=$!
}
