#!/usr/bin/env bash
# Page benchmark: wrk against the cached demo live story on newsdesk and
# against nginx serving the very same bytes from files, in interleaved rounds
# at several connection counts: how close a dynamic page with its cache comes
# to a static file. Then the same with `Accept-Encoding: gzip, br`, as
# browsers send it, against nginx's gzip_static and brotli_static serving the
# compressed bytes newsdesk sends. Prints Markdown rows; loopback only.
#
#   bench/pages.sh                                  # 3 rounds of 10 s, 16/64/256 connections
#   ROUNDS=1 WRK_SECONDS=5 CONNECTIONS=64 bench/pages.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

PORT=${PORT:-18481}
NGINX_PORT=${NGINX_PORT:-18482}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-16 64 256}
WRK_SECONDS=${WRK_SECONDS:-10}
PAGE=/news/junior-doctors-strike-live
BROWSER_ENCODING="gzip, br"

need_wrk_and_nginx
build --bin newsdesk

TMP=$(mktemp -d)
chmod 755 "$TMP" # nginx's workers drop root and must read the page
cleanup() {
    stop_server
    if [ -n "$NGINX_PID" ]; then
        kill "$NGINX_PID" 2>/dev/null || true
        wait "$NGINX_PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

start_server "$PORT" "sqlite://$TMP/bench.db"
NEWSDESK=http://127.0.0.1:$PORT

# fetch ACCEPT-ENCODING FILE: the page's bytes as newsdesk sends them for that
# header (undecoded); prints the Content-Encoding it answered with, or "none".
fetch() {
    curl -fsS -m 5 -H "Accept-Encoding: $1" -D "$TMP/headers" -o "$2" "$NEWSDESK$PAGE"
    tr -d '\r' <"$TMP/headers" | awk -F': ' 'tolower($1) == "content-encoding" { e = $2 } END { print e ? e : "none" }'
}

# The files nginx serves: the page, and beside it each compressed variant
# newsdesk sends (nginx picks .br before .gz when both are accepted, as newsdesk
# does).
WWW=$TMP/www
mkdir -p "$WWW/news"
fetch identity "$WWW$PAGE" >/dev/null
gzip_answer=$(fetch gzip "$WWW$PAGE.gz")
br_answer=$(fetch br "$WWW$PAGE.br")
[ "$gzip_answer" = gzip ] || { echo "newsdesk answers Accept-Encoding: gzip with $gzip_answer" >&2; exit 1; }
[ "$br_answer" = br ] || rm "$WWW$PAGE.br"
browser_answer=$(fetch "$BROWSER_ENCODING" "$TMP/browser")

start_nginx "$NGINX_PORT" "$WWW" "$TMP/nginx"
wait_for "http://127.0.0.1:$NGINX_PORT$PAGE"
for encoding in identity "$BROWSER_ENCODING"; do
    fetch "$encoding" "$TMP/newsdesk.body" >/dev/null
    cmp -s "$TMP/newsdesk.body" <(curl -fsS -m 5 -H "Accept-Encoding: $encoding" "http://127.0.0.1:$NGINX_PORT$PAGE") ||
        { echo "nginx does not serve the bytes newsdesk sends for Accept-Encoding: $encoding" >&2; exit 1; }
done

# measure ENCODING CONNECTIONS: interleaved rounds on both servers (the order
# flips every round, so a drift in the machine's speed falls on both), then
# one row: median requests/s with its spread, and median p99.
# shellcheck disable=SC2086 # the figures are space-separated lists
measure() {
    local encoding=$1 connections=$2 round name report rps p99
    local -A rps_of=() p99_of=()
    for round in $(seq "$ROUNDS"); do
        if [ $((round % 2)) = 1 ]; then order="newsdesk nginx"; else order="nginx newsdesk"; fi
        for name in $order; do
            warn_if_busy
            report=$TMP/$name.wrk
            if [ "$name" = newsdesk ]; then port=$PORT; else port=$NGINX_PORT; fi
            run_wrk "http://127.0.0.1:$port$PAGE" "$report" --connections "$connections" \
                --duration "${WRK_SECONDS}s" -H "Accept-Encoding: $encoding"
            read -r rps _avg _p50 p99 _max _answered <<<"$(wrk_figures "$report")"
            echo "  $encoding, $connections connections, round $round, $name: $rps requests/s, p99 $p99" >&2
            rps_of[$name]+="$(fmt "$rps") " p99_of[$name]+="$(wrk_ms "$p99") "
        done
    done
    local n_rps n_p99 g_rps g_p99
    n_rps=$(median ${rps_of[newsdesk]}) g_rps=$(median ${rps_of[nginx]})
    n_p99=$(median ${p99_of[newsdesk]}) g_p99=$(median ${p99_of[nginx]})
    row "$(describe "$encoding"), $connections connections: req/s median of $ROUNDS (spread), p99" \
        "$(fmt "$n_rps") ($(spread ${rps_of[newsdesk]})), p99 $n_p99 ms" \
        "nginx $(fmt "$g_rps") ($(spread ${rps_of[nginx]})), p99 $g_p99 ms" \
        "$(ratio "$n_rps" "$g_rps")" "≥ 1.0×"
}

# What a row measures, in words.
describe() {
    if [ "$1" = identity ]; then
        echo "cached story page ($(stat -c %s "$WWW$PAGE") B, uncompressed)"
    elif [ "$browser_answer" = br ]; then
        echo "the same with Accept-Encoding: $1 (br, $(stat -c %s "$TMP/browser") B; nginx brotli_static)"
    else
        echo "the same with Accept-Encoding: $1 (newsdesk answers $browser_answer, not br;" \
            "$(stat -c %s "$TMP/browser") B; nginx gzip_static, the same bytes)"
    fi
}

for encoding in identity "$BROWSER_ENCODING"; do
    for connections in $CONNECTIONS; do
        measure "$encoding" "$connections"
    done
done
