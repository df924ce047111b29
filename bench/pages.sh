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

need_wrk_and_nginx
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

"$NEWSDESK_BIN" serve --bind "127.0.0.1:$PORT" --database "sqlite://$TMP/bench.db" \
    --content content >"$TMP/newsdesk.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$PORT/healthz"

# The page exactly as newsdesk sends it to wrk (which asks for no compression).
mkdir -p "$TMP/www/news"
curl -fsS -m 5 -o "$TMP/www$PAGE" "http://127.0.0.1:$PORT$PAGE"

start_nginx "$NGINX_PORT" "$TMP/www" "$TMP/nginx"
PIDS+=("$NGINX_PID")
wait_for "http://127.0.0.1:$NGINX_PORT$PAGE"
cmp -s "$TMP/www$PAGE" <(curl -fsS -m 5 "http://127.0.0.1:$NGINX_PORT$PAGE") ||
    { echo "nginx does not serve the same bytes" >&2; exit 1; }

rows=()
for server in newsdesk:$PORT nginx:$NGINX_PORT; do
    name=${server%%:*}
    echo "wrk → $name" >&2
    warn_if_busy
    run_wrk "http://127.0.0.1:${server#*:}$PAGE" "$TMP/$name.wrk"
    rows+=("$name $(wrk_figures "$TMP/$name.wrk")")
done

printf '\npage: %s, %s bytes; wrk: %s\n' "$PAGE" "$(stat -c %s "$TMP/www$PAGE")" "${WRK[*]:1}"
printf '%-9s %12s %10s %10s %10s %10s %10s\n' server "requests/s" "avg" "p50" "p99" "max" "requests"
for row in "${rows[@]}"; do
    # shellcheck disable=SC2086 # the row is space-separated fields
    printf '%-9s %12s %10s %10s %10s %10s %10s\n' $row
done
