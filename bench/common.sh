# Shared by the benchmark scripts (sourced, not run).

# Where cargo puts release builds, and the server binary the scripts run:
# cargo's, unless a script copied it (so that a build elsewhere into a shared
# target directory cannot swap it mid-run).
RELEASE=${CARGO_TARGET_DIR:-target}/release
NEWSDESK_BIN=${NEWSDESK_BIN:-$RELEASE/newsdesk}
# The benchmark programs (bench/*.rs), likewise.
EXAMPLES=${EXAMPLES:-$RELEASE/examples}

# build TARGETS...: a release build of them (--bin newsdesk, --example
# fanout, ...), unless SKIP_BUILD=1 says the caller built and copied them
# (bench/run.sh).
build() {
    [ "${SKIP_BUILD:-0}" = 1 ] && return
    echo "building $* (release; a clean build takes several minutes on 2 cores)" >&2
    cargo build --release --locked "$@"
}

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
# $SERVER_PID is its process id. launch_server is the same without waiting.
SERVER_PID=
start_server() {
    launch_server "$@"
    wait_for "http://127.0.0.1:$1/healthz" || { cat "$TMP/server.log" >&2; exit 1; }
}
launch_server() {
    local port=$1 db=$2
    shift 2
    "$NEWSDESK_BIN" serve --bind "127.0.0.1:$port" --database "$db" --content content \
        --max-streams-per-address 0 "$@" \
        >>"$TMP/server.log" 2>&1 &
    SERVER_PID=$!
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

# wrk and nginx with its brotli_static module, from Debian's packages when missing.
need_wrk_and_nginx() {
    if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null || [ ! -f "$NGINX_BROTLI_MODULE" ]; then
        echo "installing wrk, nginx and its brotli_static module (Debian packages)" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            wrk nginx libnginx-mod-http-brotli-static >/dev/null
    fi
}

# The page benchmarks' load: 2 threads, 100 connections, 10 s.
WRK=(wrk --threads 2 --connections 100 --duration 10s --timeout 5s --latency)

# run_wrk URL REPORT [WRK FLAGS...]: wrk's report into the file REPORT; fails
# (showing it) on any socket error or non-2xx answer. Flags given override
# those of $WRK (wrk takes the last of a repeated flag).
run_wrk() {
    timeout 120 "${WRK[@]}" "${@:3}" "$1" >"$2"
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
# 127.0.0.1:PORT (with a file's .gz and .br siblings, see
# nginx_precompressed), a foreground child ($NGINX_PID) with its config, pid file
# and logs in DIR. Two workers, like actix's two on this machine; no access
# log, as newsdesk keeps none; no cap on requests per connection, as actix
# has none. ROOT and its parents must be readable by nginx's workers, which
# drop root.
NGINX_PID=
start_nginx() {
    local port=$1 root=$2 dir=$3
    mkdir -p "$dir"
    cat >"$dir/nginx.conf" <<EOF
$([ -f "$NGINX_BROTLI_MODULE" ] && echo "load_module $NGINX_BROTLI_MODULE;")
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
        $(nginx_precompressed)
    }
}
EOF
    nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" -g 'daemon off;' &
    NGINX_PID=$!
}

# start_nginx's server block for pages: the static file as it is, and its
# precompressed .gz and .br siblings when the client accepts them (gzip_static,
# and brotli_static from Debian's libnginx-mod-http-brotli-static, loaded when
# installed). The compressed bytes are whatever files sit beside the page.
nginx_precompressed() {
    echo "gzip_static on; gzip_vary on;"
    [ -f "$NGINX_BROTLI_MODULE" ] && echo "brotli_static on;"
}
NGINX_BROTLI_MODULE=/usr/lib/nginx/modules/ngx_http_brotli_static_module.so

# --- figures and rows --------------------------------------------------------

# median and spread (min–max) of numbers
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
spread() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%s–%s", lo, hi }'; }
# a / b to two places, "–" when b is 0
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "–"; else printf "%.2f", a / b }'; }
# a number to d places (default 0)
fmt() { awk -v n="$1" -v d="${2:-0}" 'BEGIN { printf "%.*f", d, n }'; }
# a whole number with thousands separated: 19000 → 19,000
thousands() { echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'; }

# row MEASURE NEWSDESK REFERENCE RATIO TARGET: one Markdown table row.
# TARGET is read by bench/run.sh (judge_rows): an operator (≤ ≥ < > or none
# for "equal"), a number and a unit; "×" means the ratio column is judged,
# any other unit (or none) the newsdesk column's first number. Anything else
# (≈, "documented") is shown and not judged.
row() { printf '| %s | %s | %s | %s | %s |\n' "$@"; }

# --- the large database ------------------------------------------------------

# Where generated databases are kept between runs.
BENCH_DATA=${CARGO_TARGET_DIR:-target}/bench-data
# The dataset generator (bench/generate.rs), built when a database is to be
# generated; GENERATE_BIN names a build to use instead.
GENERATE_BIN=${GENERATE_BIN:-}

# generate_database STORIES UPDATES SEED FILE: the one call of the generator.
generate_database() {
    if [ -z "$GENERATE_BIN" ]; then
        cargo build --release --locked --example generate >&2
        GENERATE_BIN=$RELEASE/examples/generate
    fi
    "$GENERATE_BIN" --stories "$1" --updates "$2" --seed "$3" --database "$4"
}

# large_database STORIES UPDATES SEED: prints the path of a generated
# database of that size, generating it only when no run made it before. The
# name holds the sizes, the seed and a digest of the generator and the
# migrations, so a change to either makes a new one.
large_database() {
    local digest file
    digest=$({ cat bench/generate.rs bench/dataset/*.rs migrations/*.sql 2>/dev/null || true; } |
        sha256sum | cut -c1-12)
    file=$BENCH_DATA/stories$1-updates$2-seed$3-$digest.db
    if [ ! -f "$file" ]; then
        mkdir -p "$BENCH_DATA"
        echo "generating $file (once; later runs reuse it)" >&2
        rm -f "$file.partial"
        generate_database "$1" "$2" "$3" "$file.partial" >&2
        mv "$file.partial" "$file"
    fi
    echo "$file"
}

# Sizes of the large database: the issue's (a newsroom's ten years), or
# QUICK=1's for trying the scripts.
if [ "${QUICK:-0}" = 1 ]; then
    STORIES=${STORIES:-5000} UPDATES=${UPDATES:-50000}
else
    STORIES=${STORIES:-100000} UPDATES=${UPDATES:-1000000}
fi
SEED=${SEED:-1}

# sqlite_value FILE SQL [ARGS...]: the first column of the first row (python3's
# sqlite3 module, so no sqlite3 command is needed), read-only.
sqlite_value() {
    python3 - "$@" <<'PY'
import sqlite3, sys
path, sql, *args = sys.argv[1:]
row = sqlite3.connect(f"file:{path}?mode=ro", uri=True).execute(sql, args).fetchone()
if row is None:
    sys.exit(f"no row for: {sql}")
print(row[0])
PY
}
