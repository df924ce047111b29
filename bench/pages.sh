#!/usr/bin/env bash
# Page benchmark: wrk against the demo live story on newsdesk, then against
# nginx serving the very same bytes from a file: how close a dynamic page with
# its cache comes to a static file. Loopback only.
#
#   bench/pages.sh      # 2 threads, 100 connections, 10 s each
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

PORT=${PORT:-18481}
NGINX_PORT=${NGINX_PORT:-18482}
PAGE=/news/junior-doctors-strike-live
WRK=(wrk --threads 2 --connections 100 --duration 10s --timeout 5s --latency)

if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
    echo "installing wrk and nginx (Debian packages)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk nginx >/dev/null
fi
# A clean release build takes several minutes on 2 cores.
cargo build --release --bin newsdesk

TMP=$(mktemp -d)
chmod 755 "$TMP" # nginx's workers drop root and must read the page
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT

target/release/newsdesk serve --bind "127.0.0.1:$PORT" --database "sqlite://$TMP/bench.db" \
    --content content >"$TMP/newsdesk.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$PORT/healthz"

# The page exactly as newsdesk sends it to wrk (which asks for no compression).
mkdir -p "$TMP/www/news"
curl -fsS -m 5 -o "$TMP/www$PAGE" "http://127.0.0.1:$PORT$PAGE"

# nginx as a foreground process with every path in $TMP. Two workers, like
# actix's two on this machine; no access log, as newsdesk keeps none; no cap
# on requests per connection, as actix has none.
mkdir -p "$TMP/nginx"
cat >"$TMP/nginx.conf" <<EOF
worker_processes 2;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $TMP/nginx/body;
    proxy_temp_path $TMP/nginx/proxy;
    fastcgi_temp_path $TMP/nginx/fastcgi;
    uwsgi_temp_path $TMP/nginx/uwsgi;
    scgi_temp_path $TMP/nginx/scgi;
    sendfile on;
    keepalive_requests 1000000;
    default_type "text/html; charset=utf-8";
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $TMP/www;
    }
}
EOF
nginx -p "$TMP/nginx" -e "$TMP/nginx/error.log" -c "$TMP/nginx.conf" -g 'daemon off;' &
PIDS+=($!)
wait_for "http://127.0.0.1:$NGINX_PORT$PAGE"
cmp -s "$TMP/www$PAGE" <(curl -fsS -m 5 "http://127.0.0.1:$NGINX_PORT$PAGE") ||
    { echo "nginx does not serve the same bytes" >&2; exit 1; }

rows=()
for server in newsdesk:$PORT nginx:$NGINX_PORT; do
    name=${server%%:*}
    echo "wrk → $name" >&2
    warn_if_busy
    timeout 60 "${WRK[@]}" "http://127.0.0.1:${server#*:}$PAGE" >"$TMP/$name.wrk"
    if grep -q -e 'Non-2xx' -e 'Socket errors' "$TMP/$name.wrk"; then
        cat "$TMP/$name.wrk" >&2
        exit 1
    fi
    rows+=("$(awk -v name="$name" '
        $1 == "Requests/sec:" { rps = $2 }
        $1 == "Latency" && !avg { avg = $2; max = $4 }
        $1 == "50%" { p50 = $2 }
        $1 == "99%" { p99 = $2 }
        END { printf "%s %s %s %s %s %s", name, rps, avg, p50, p99, max }' "$TMP/$name.wrk")")
done

printf '\npage: %s, %s bytes; wrk: %s\n' "$PAGE" "$(stat -c %s "$TMP/www$PAGE")" "${WRK[*]:1}"
printf '%-9s %12s %10s %10s %10s %10s\n' server "requests/s" "avg" "p50" "p99" "max"
for row in "${rows[@]}"; do
    # shellcheck disable=SC2086 # the row is space-separated fields
    printf '%-9s %12s %10s %10s %10s %10s\n' $row
done
