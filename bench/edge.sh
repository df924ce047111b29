#!/usr/bin/env bash
# Edge benchmark: newsdesk behind Varnish and Pushpin, started by
# deploy/run-edge.sh as an operator starts them. Loopback only.
#
#   reader -> Pushpin (public port) -> Varnish -> newsdesk
#
# 1. The live story page through Varnish against nginx serving the very same
#    bytes from a file: wrk (as bench/pages.sh) in alternating rounds, every
#    Varnish answer a cache hit (its counters are checked for each round).
#    Varnish is asked directly, not through Pushpin: Pushpin 1.36's HTTP
#    client (zurl) decompresses what it forwards, so pages through it are
#    another measure.
# 2. Live readers held by Pushpin: as many as the open-file limit allows
#    (at least 10,000 is the aim) on /news/{slug}/events at Pushpin's public
#    port, one update published at the desk, the time until each reader has
#    it; newsdesk's memory and descriptors before and with the readers, and
#    Pushpin's memory per reader. The reference is the same number of readers
#    on newsdesk directly (bench/fanout.rs on a fresh server, this run).
#    The readers are then held HOLD_SECONDS more (default 10), and every
#    request Pushpin made of newsdesk from the first connect to then is
#    counted. Pushpin asks for the next link of every held stream that was
#    sent nothing for 120 to 240 s (newsdesk's Grip-Link names no timeout,
#    and 120 s is Pushpin's default): HOLD_SECONDS=250 shows that.
# 3. Markdown table rows, then what the figures say "on paper".
#
#   bench/edge.sh
#   ROUNDS=5 READERS=12000 bench/edge.sh
#   PUSHPIN_SET="message_rate=100000 message_hwm=1000000" bench/edge.sh
#
# PUSHPIN_SET replaces lines of deploy/pushpin.conf (key=value ...) in a copy
# of deploy/ for this run only, to try a setting before changing the file.
# KEEP=1 keeps the temporary directory (logs, run directory) at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

PORT=${PORT:-18511}               # newsdesk behind the edge
PUBLIC_PORT=${PUBLIC_PORT:-18512} # Pushpin, where readers connect
VARNISH_PORT=${VARNISH_PORT:-18513}
PUBLISH_PORT=${PUBLISH_PORT:-18514}
NGINX_PORT=${NGINX_PORT:-18515}
DIRECT_PORT=${DIRECT_PORT:-18516} # newsdesk alone, for the direct reference
ROUNDS=${ROUNDS:-3}
HOLD_SECONDS=${HOLD_SECONDS:-10}
SETTLE_SECONDS=${SETTLE_SECONDS:-2} # between the last reader connecting and the publish
# The publish also waits until Pushpin's handler has made no request of
# newsdesk for 3 s (its log stops growing): the delivery measured is that of
# a quiet Pushpin, not of one busy with its own next-link fetches (those are
# counted separately).
READERS=${READERS:-}
PUSHPIN_SET=${PUSHPIN_SET:-}
SLUG=junior-doctors-strike-live
PAGE=/news/$SLUG
# Descriptors each process keeps besides the readers' (listeners, the
# database, Pushpin's ZeroMQ sockets, the client's editor): well over what
# any of them was seen to use.
RESERVE=500

started=$SECONDS
need_wrk_and_nginx
command -v varnishd >/dev/null && command -v pushpin >/dev/null ||
    { echo "needs Varnish and Pushpin: make test-tools installs them" >&2; exit 1; }

build --bin newsdesk --example edge --example fanout

# Every reader is an open file in the client and in Pushpin's condure (or in
# newsdesk, for the direct reference). The hard limit cannot be raised without
# CAP_SYS_RESOURCE; the soft one is raised to it here and every process
# started below (run-edge.sh, Pushpin and its services, newsdesk, the
# clients) inherits it.
ulimit -n "$(ulimit -Hn)"
LIMIT=$(ulimit -n)
if [ -z "$READERS" ]; then
    READERS=$(( (LIMIT - RESERVE) / 100 * 100 ))
fi
[ "$READERS" -ge 1 ] || { echo "READERS must be at least 1" >&2; exit 1; }
[ "$READERS" -ge 10000 ] ||
    echo "warning: the open-file limit ($LIMIT) allows only $READERS readers, fewer than 10,000" >&2

TMP=$(mktemp -d)
chmod 755 "$TMP" # nginx's workers drop root and must read the page
BIN=$TMP/bin
RUN_DIR=$TMP/edge
EDGE_PID=
failed=true
cleanup() {
    stop_server
    if [ -n "$EDGE_PID" ]; then
        kill -TERM "$EDGE_PID" 2>/dev/null || true # run-edge.sh stops Pushpin and Varnish
        wait "$EDGE_PID" 2>/dev/null || true
    fi
    if [ -n "$NGINX_PID" ]; then
        kill "$NGINX_PID" 2>/dev/null || true
        wait "$NGINX_PID" 2>/dev/null || true
    fi
    if [ "${KEEP:-0}" = 1 ] || $failed; then
        echo "logs and run directory kept in $TMP" >&2
    else
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT

# The binaries as built now: another build into a shared target directory
# cannot swap them during the run.
mkdir -p "$BIN"
cp "$NEWSDESK_BIN" "$EXAMPLES/edge" "$EXAMPLES/fanout" "$BIN/"
NEWSDESK_BIN=$BIN/newsdesk

DEPLOY=deploy
if [ -n "$PUSHPIN_SET" ]; then
    DEPLOY=$TMP/deploy
    cp -r deploy "$DEPLOY"
    for setting in $PUSHPIN_SET; do
        grep -q "^${setting%%=*}=" "$DEPLOY/pushpin.conf" ||
            { echo "deploy/pushpin.conf has no ${setting%%=*}" >&2; exit 1; }
        sed -i "s|^${setting%%=*}=.*|$setting|" "$DEPLOY/pushpin.conf"
    done
    echo "Pushpin with: $PUSHPIN_SET" >&2
fi

DB="sqlite://$TMP/bench.db"
add_bench_editor "$DB"

# --- the edge and newsdesk behind it ----------------------------------------

"$DEPLOY/run-edge.sh" --origin "127.0.0.1:$PORT" --public-port "$PUBLIC_PORT" \
    --varnish-port "$VARNISH_PORT" --publish-port "$PUBLISH_PORT" \
    --run-dir "$RUN_DIR" --exit-with $$ >"$TMP/run-edge.log" 2>&1 &
EDGE_PID=$!
for _ in $(seq 600); do
    [ -s "$RUN_DIR/ready" ] && break
    kill -0 "$EDGE_PID" 2>/dev/null || { cat "$TMP/run-edge.log" >&2; exit 1; }
    sleep 0.1
done
[ -s "$RUN_DIR/ready" ] || { echo "the edge did not start within 60 s" >&2; cat "$TMP/run-edge.log" >&2; exit 1; }

# newsdesk with the flags run-edge.sh prints, less --bind (start_server's).
eval "edge_flags=($(<"$RUN_DIR/ready"))"
flags=()
for ((i = 0; i < ${#edge_flags[@]}; i++)); do
    if [ "${edge_flags[i]}" = --bind ]; then i=$((i + 1)); else flags+=("${edge_flags[i]}"); fi
done
start_server "$PORT" "$DB" "${flags[@]}"
EDGE_SERVER_PID=$SERVER_PID
for _ in $(seq 50); do
    health=$(curl -fsS -m 2 "http://127.0.0.1:$PORT/healthz" || true)
    grep -q 'cache .*: answering' <<<"$health" && grep -q 'push proxy .*: answering' <<<"$health" && break
    sleep 0.1
done
grep -q 'push proxy .*: answering' <<<"$health" ||
    { echo "newsdesk does not reach the edge:" >&2; echo "$health" >&2; exit 1; }

varnish_counters() { # name...: their values, in the order given
    local args=() name
    for name in "$@"; do args+=(-f "$name"); done
    local out
    out=$(varnishstat -n "$RUN_DIR/varnish" -1 "${args[@]}")
    for name in "$@"; do
        awk -v n="$name" '$1 == n { print $2; found = 1 } END { if (!found) print "?" }' <<<"$out"
    done | paste -sd ' '
}

# --- 1. the story page: Varnish against nginx --------------------------------

echo "story page through Varnish and nginx, $ROUNDS rounds each" >&2
mkdir -p "$TMP/www/news"
# Varnish probed newsdesk while it was starting and may still count it sick
# (two good probes, a second apart, make it healthy again): until then it
# answers 503. Wait for its first 200.
wait_for "http://127.0.0.1:$VARNISH_PORT$PAGE"
# The bytes Varnish sends are nginx's file.
curl -fsS -m 5 -o "$TMP/www$PAGE" "http://127.0.0.1:$VARNISH_PORT$PAGE"
hit=$(curl -fsS -m 5 -D - -o "$TMP/again.html" "http://127.0.0.1:$VARNISH_PORT$PAGE" | tr -d '\r' |
    awk -F': ' 'tolower($1) == "x-cache" { print $2 }')
[ "$hit" = HIT ] || { echo "Varnish answers the page again with X-Cache: $hit, not HIT" >&2; exit 1; }
cmp -s "$TMP/www$PAGE" "$TMP/again.html" || { echo "Varnish's second answer differs from its first" >&2; exit 1; }

start_nginx "$NGINX_PORT" "$TMP/www" "$TMP/nginx"
wait_for "http://127.0.0.1:$NGINX_PORT$PAGE"
cmp -s "$TMP/www$PAGE" <(curl -fsS -m 5 "http://127.0.0.1:$NGINX_PORT$PAGE") ||
    { echo "nginx does not serve the same bytes" >&2; exit 1; }

COUNTERS=(MAIN.client_req MAIN.cache_hit MAIN.cache_miss MAIN.s_pass MAIN.backend_req)
varnish_rps=() nginx_rps=() varnish_p99=() nginx_p99=()
hits_total=0 requests_total=0
for round in $(seq "$ROUNDS"); do
    # Alternating, and the other way round every second round: a drift in
    # the machine's speed falls on both.
    if [ $((round % 2)) = 1 ]; then order="varnish nginx"; else order="nginx varnish"; fi
    for name in $order; do
        warn_if_busy
        report=$TMP/$name.$round.wrk
        if [ "$name" = varnish ]; then
            read -r req0 hit0 miss0 pass0 backend0 <<<"$(varnish_counters "${COUNTERS[@]}")"
            run_wrk "http://127.0.0.1:$VARNISH_PORT$PAGE" "$report"
            read -r req1 hit1 miss1 pass1 backend1 <<<"$(varnish_counters "${COUNTERS[@]}")"
            requests=$((req1 - req0)) hits=$((hit1 - hit0))
            # Every request a hit: none missed, passed or sent to newsdesk.
            if [ "$hits" != "$requests" ] || [ "$((miss1 - miss0 + pass1 - pass0 + backend1 - backend0))" != 0 ]; then
                echo "round $round: of $requests requests to Varnish $hits were hits," \
                    "$((miss1 - miss0)) misses, $((pass1 - pass0)) passes, $((backend1 - backend0)) sent to newsdesk" >&2
                exit 1
            fi
            hits_total=$((hits_total + hits)) requests_total=$((requests_total + requests))
        else
            run_wrk "http://127.0.0.1:$NGINX_PORT$PAGE" "$report"
        fi
        read -r rps _avg _p50 p99 _max answered <<<"$(wrk_figures "$report")"
        echo "  round $round $name: $rps requests/s, p99 $p99, $answered answered" >&2
        if [ "$name" = varnish ]; then
            varnish_rps+=("$rps") varnish_p99+=("$(wrk_ms "$p99")")
        else
            nginx_rps+=("$rps") nginx_p99+=("$(wrk_ms "$p99")")
        fi
    done
done
kill "$NGINX_PID" 2>/dev/null || true
wait "$NGINX_PID" 2>/dev/null || true
NGINX_PID=

# --- 2. live readers held by Pushpin -----------------------------------------

# Pushpin's processes: its runner (run-edge.sh's child) and the runner's
# services: condure, zurl, pushpin-proxy, pushpin-handler.
runner=$(pgrep -P "$EDGE_PID" -x pushpin)
mapfile -t proxy_pids < <(echo "$runner"; pgrep -P "$runner")
proxy_names=$(for pid in "${proxy_pids[@]}"; do cat "/proc/$pid/comm"; done | sort | paste -sd ' ')
[ "$proxy_names" = "condure pushpin pushpin-handler pushpin-proxy zurl" ] ||
    { echo "unexpected Pushpin processes: $proxy_names" >&2; exit 1; }
proxy_flags=()
declare -A proxy_name
for pid in "${proxy_pids[@]}"; do
    proxy_flags+=(--proxy-pid "$pid")
    proxy_name[$pid]=$(cat "/proc/$pid/comm")
done

echo "$READERS readers held by Pushpin" >&2
read -r pass0 <<<"$(varnish_counters MAIN.s_pass)"
log_from=$(date '+%Y-%m-%d %H:%M:%S.%3N')
warn_if_busy
timeout $((SETTLE_SECONDS + HOLD_SECONDS + 900)) "$BIN/edge" --readers-addr "127.0.0.1:$PUBLIC_PORT" \
    --desk-addr "127.0.0.1:$PORT" --slug "$SLUG" --clients "$READERS" \
    --server-pid "$EDGE_SERVER_PID" "${proxy_flags[@]}" --hold-seconds "$HOLD_SECONDS" \
    --settle-seconds "$SETTLE_SECONDS" --quiet-log "$RUN_DIR/log/pushpin-handler.log" \
    >"$TMP/edge.out"
read -r pass1 <<<"$(varnish_counters MAIN.s_pass)"
declare -A E
while read -r name value; do E[$name]=$value; done <"$TMP/edge.out"
# Every request newsdesk got through the edge in that time was a pass in
# Varnish: the readers' connects (Pushpin's proxy logs each), and the next
# links Pushpin's handler fetched for streams it held (it logs each; its
# proxy sends identical ones in flight together as one), by when: while
# readers connected, in the 10 s after the publish (a gap recovery), and
# while they were held after that.
origin_requests=$((pass1 - pass0))
log_time() { date -d "@$1" '+%Y-%m-%d %H:%M:%S.%3N'; }
count_next() { # from, to: next-link fetches logged in [from, to)
    awk -v from="$1" -v to="$2" '/events\?since=/ { t = $2 " " $3; if (t >= from && t < to) n++ } END { print n + 0 }' \
        "$RUN_DIR/log/pushpin-handler.log"
}
published=$(log_time "${E[published_at]}")
after_publish=$(log_time "$(awk -v t="${E[published_at]}" 'BEGIN { printf "%.3f", t + 10 }')")
released=$(log_time "${E[released_at]}")
next_connect=$(count_next "$log_from" "$published")
next_publish=$(count_next "$published" "$after_publish")
next_idle=$(count_next "$after_publish" "$released")
receivers=$(awk -v from="$published" '/publish channel=.* receivers=/ { t = $2 " " $3; if (t >= from) { sub(/.*receivers=/, ""); print; exit } }' \
    "$RUN_DIR/log/pushpin-handler.log")
# Pushpin's memory by process: "condure 51200 → 612000 KiB, ..."
proxy_breakdown=$(for key in "${!E[@]}"; do
    [[ "$key" == proxy_kib.* ]] || continue
    read -r before with <<<"${E[$key]}"
    printf '%s %s %s\n' "${proxy_name[${key#proxy_kib.}]}" "$before" "$with"
done | sort | awk '{ printf "%s%s %.1f → %.1f MiB", (NR > 1 ? ", " : ""), $1, $2 / 1024, $3 / 1024 }')
connects=$(awk -v from="$log_from" -v to="$released" \
    '/events .*accept$/ { t = $2 " " $3; if (t >= from && t < to) n++ } END { print n + 0 }' \
    "$RUN_DIR/log/pushpin-proxy.log")
idle_seconds=$(awk -v a="${E[published_at]}" -v b="${E[released_at]}" 'BEGIN { s = b - a - 10; printf "%.0f", (s > 0 ? s : 0) }')
pushpin_warnings=$(cat "$RUN_DIR"/log/pushpin*.log "$RUN_DIR"/log/condure.log "$RUN_DIR"/log/zurl.log |
    grep -c -e '\[WARN\]' -e '\[ERR' || true)
if [ "$pushpin_warnings" != 0 ]; then
    echo "Pushpin logged $pushpin_warnings warnings or errors, the first:" >&2
    cat "$RUN_DIR"/log/pushpin*.log "$RUN_DIR"/log/condure.log "$RUN_DIR"/log/zurl.log |
        grep -e '\[WARN\]' -e '\[ERR' | head -5 >&2
fi

stop_server
kill -TERM "$EDGE_PID" 2>/dev/null || true
wait "$EDGE_PID" 2>/dev/null || true
EDGE_PID=

# --- the reference: the same readers on newsdesk directly --------------------

echo "$READERS readers on newsdesk directly" >&2
# No total bound on streams: the default (three quarters of the open-file
# limit) would refuse some of them.
start_server "$DIRECT_PORT" "$DB" --max-streams 0
warn_if_busy
timeout 300 "$BIN/fanout" --addr "127.0.0.1:$DIRECT_PORT" --slug "$SLUG" --clients "$READERS" \
    --server-pid "$SERVER_PID" --figures "$TMP/fanout.figures" >/dev/null 2>"$TMP/fanout.err" ||
    { cat "$TMP/fanout.err" >&2; exit 1; }
stop_server
declare -A D
while read -r name value; do D[$name]=$value; done <"$TMP/fanout.figures"
d_p50=${D[p50_ms]} d_p99=${D[p99_ms]} d_max=${D[max_ms]} d_kib=${D[kib_per_client]}
d_post=${D[post_ms]} d_connect=$(fmt "${D[connect_s]}" 1)

# --- 3. the table ------------------------------------------------------------

n=$READERS
n_text=$(printf "%'d" "$n")
v_rps=$(median "${varnish_rps[@]}") g_rps=$(median "${nginx_rps[@]}")
v_p99=$(median "${varnish_p99[@]}") g_p99=$(median "${nginx_p99[@]}")
rss_growth_mib=$(awk -v a="${E[server_kib_before]}" -v b="${E[server_kib_with]}" 'BEGIN { printf "%.1f", (b - a) / 1024 }')
direct_growth_mib=$(awk -v k="$d_kib" -v n="$n" 'BEGIN { printf "%.1f", k * n / 1024 }')
proxy_kib_per_reader=$(awk -v a="${E[proxy_kib_before]}" -v b="${E[proxy_kib_with]}" -v n="$n" 'BEGIN { printf "%.1f", (b - a) / n }')
page_bytes=$(stat -c %s "$TMP/www$PAGE")

echo
echo "Story page $PAGE ($page_bytes bytes, uncompressed), wrk ${WRK[*]:1}, $ROUNDS alternating rounds each;"
echo "$n_text readers (open-file limit $LIMIT); Pushpin $(pushpin --version | awk '{ print $2 }'), Varnish $(varnishd -V 2>&1 | grep -o 'varnish-[0-9.]*' | head -1)${PUSHPIN_SET:+; Pushpin with $PUSHPIN_SET}."
echo
echo "| measure | newsdesk | reference | ratio | target |"
echo "| --- | --- | --- | --- | --- |"
echo "| story page req/s through Varnish (median, spread) | $(fmt "$v_rps") ($(spread "${varnish_rps[@]}")) | nginx $(fmt "$g_rps") ($(spread "${nginx_rps[@]}")) | $(ratio "$v_rps" "$g_rps") | ≥ 0.9× |"
echo "| story page p99 through Varnish (ms, median, spread) | $v_p99 ($(spread "${varnish_p99[@]}")) | nginx $g_p99 ($(spread "${nginx_p99[@]}")) | $(ratio "$v_p99" "$g_p99") | ≤ 1.1× |"
echo "| Varnish answers that were cache hits in the measured rounds | $hits_total of $requests_total | all | $(ratio "$hits_total" "$requests_total") | 1.00× |"
echo "| Pushpin readers' connects refused, dropped or not answered in 30 s (each retried after 3 s) | ${E[reconnects]} | 0 | | 0 |"
echo "| Pushpin readers that received the update | ${E[received]} | $n_text | $(ratio "${E[received]}" "$n") | 1.00× |"
echo "| Pushpin readers whose stream ended before the update | ${E[closed]} | 0 | | 0 |"
echo "| Pushpin readers still connected with nothing 30 s after the POST | ${E[late]} | 0 | | 0 |"
of_received=
[ "${E[received]}" = "$n" ] || of_received=" (of the ${E[received]} that had it)"
echo "| update to $n_text Pushpin readers p50 (ms)$of_received | ${E[p50_ms]} | direct $d_p50 | $(ratio "${E[p50_ms]}" "$d_p50") | |"
echo "| update to $n_text Pushpin readers p99 (ms)$of_received | ${E[p99_ms]} | direct $d_p99 | $(ratio "${E[p99_ms]}" "$d_p99") | ≤ 100 ms |"
echo "| update to $n_text Pushpin readers max (ms)$of_received | ${E[max_ms]} | direct $d_max | $(ratio "${E[max_ms]}" "$d_max") | |"
echo "| publish POST with $n_text readers (ms) | ${E[post_ms]} | direct $d_post | $(ratio "${E[post_ms]}" "$d_post") | |"
echo "| time to connect $n_text readers (s) | ${E[connect_s]} | direct $d_connect | $(ratio "${E[connect_s]}" "$d_connect") | |"
echo "| newsdesk RSS growth with $n_text readers held by Pushpin (MiB) | $rss_growth_mib | 0 | | ≈ 0 |"
echo "| newsdesk RSS growth with $n_text readers connected directly (MiB) | $direct_growth_mib | 0 | | (what Pushpin takes over) |"
echo "| newsdesk open descriptors with $n_text readers held by Pushpin | ${E[server_fds_with]} | ${E[server_fds_before]} before | $(ratio "${E[server_fds_with]}" "${E[server_fds_before]}") | ≈ 1 |"
echo "| of which Varnish's idle backend connections (kept 60 s after the connects) | ${E[server_connections_with]} | ${E[server_connections_before]} before | | ≤ 100 (connects in flight) |"
echo "| newsdesk RSS before and with readers held by Pushpin (MiB) | $(fmt "$(awk -v k="${E[server_kib_with]}" 'BEGIN { print k / 1024 }')" 1) | $(fmt "$(awk -v k="${E[server_kib_before]}" 'BEGIN { print k / 1024 }')" 1) before | $(ratio "${E[server_kib_with]}" "${E[server_kib_before]}") | ≈ 1 |"
echo "| Pushpin memory per reader (KiB) | $proxy_kib_per_reader | direct newsdesk $d_kib | $(ratio "$proxy_kib_per_reader" "$d_kib") | |"
echo "| Pushpin memory with $n_text readers (MiB) | $(fmt "$(awk -v k="${E[proxy_kib_with]}" 'BEGIN { print k / 1024 }')" 1) | $(fmt "$(awk -v k="${E[proxy_kib_before]}" 'BEGIN { print k / 1024 }')" 1) before | | |"
echo "| readers Pushpin published the update to (its log) | ${receivers:-?} | $n_text | $(ratio "${receivers:-0}" "$n") | 1.00× |"
echo "| requests newsdesk answered for $n_text Pushpin readers, connect to release | $origin_requests | $n_text | $(ratio "$origin_requests" "$n") | 1.00× |"
echo "| of which readers' connects (Pushpin proxy log) | $connects | $n_text | $(ratio "$connects" "$n") | 1.00× |"
echo "| next-link fetches while the readers connected (${E[connect_s]} s) and Pushpin settled (${E[quiet_wait_s]} s) | $next_connect | 0 | | 0 |"
echo "| next-link fetches in the 10 s after the publish (gap recovery) | $next_publish | 0 | | 0 |"
if [ "$idle_seconds" -gt 0 ]; then
    echo "| next-link fetches while $n_text readers were held ${idle_seconds} s more | $next_idle | 0 | | ≈ 0 |"
    echo "| readers sent newsdesk's opening frame again while held | ${E[opened_again]} | 0 | | 0 |"
fi
echo "| Pushpin warnings and errors logged | $pushpin_warnings | 0 | | 0 |"
echo
echo "Pushpin's memory by process, before and with the readers: $proxy_breakdown."

# --- 4. on paper ---------------------------------------------------------------

# Pushpin: readers per node (this machine's size: 2 cores, 24 GiB) is the
# least of what memory, delivery time and descriptors allow.
mem_gib=$(awk '/^MemTotal:/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
message_rate=$(awk -F= '$1 == "message_rate" { print $2 }' "$RUN_DIR/pushpin.conf")
awk -v n="$n" -v kib="$proxy_kib_per_reader" -v base="${E[proxy_kib_before]}" -v p99="${E[p99_ms]}" \
    -v post="${E[post_ms]}" -v mem_gib="$mem_gib" -v limit="$LIMIT" \
    -v v_rps="$v_rps" -v page="$page_bytes" -v cores="$(nproc)" -v message_rate="${message_rate:-0}" '
function ceil(x) { return (x == int(x)) ? x : int(x) + 1 }
function fmtn(x,   s, r) { s = sprintf("%d", x); r = ""; while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) } return s r }
BEGIN {
    readers = 1000000
    # memory: 70% of the node for Pushpin, the rest for the system and peaks
    by_mem = (0.7 * mem_gib * 1048576 - base) / (kib > 0 ? kib : 1)
    # delivery: one publish reached n readers in p99 ms (less the POST, which
    # is newsdesk'"'"'s); within a 100 ms p99 a node reaches this many
    rate = n / ((p99 - post) / 1000)
    by_time = rate * 0.1
    per_node = by_mem < by_time ? by_mem : by_time
    nodes = ceil(readers / per_node)
    printf "\nOn paper, from the figures above.\n\n"
    printf "Pushpin nodes for %s concurrent readers of one live story: %s.\n", fmtn(readers), fmtn(nodes)
    printf "- A node is this machine: %d cores, %d GiB, one Pushpin (condure holds the connections).\n", cores, mem_gib
    printf "- Memory: %.1f KiB a reader, 70%% of the node for Pushpin: %s readers a node.\n", kib, fmtn(by_mem)
    printf "- Delivery: %s readers had the update %.0f ms after the POST at p99 (%.0f ms of it the POST);\n", fmtn(n), p99, post
    printf "  Pushpin delivered about %s messages/s, so a 100 ms p99 allows %s readers a node.\n", fmtn(rate), fmtn(by_time)
    if (message_rate > 0 && rate > 0.8 * message_rate)
        printf "  That is Pushpin'"'"'s message_rate=%s (deploy/pushpin.conf), not what the machine can do.\n", message_rate
    printf "- Descriptors: here %s per process (the hard limit, not raisable without CAP_SYS_RESOURCE);\n", fmtn(limit)
    printf "  a production node raises it (fs.nr_open is 1,048,576), so it is not counted.\n"
    printf "- The binding limit is %s; no spare node for failures or reconnect storms is included.\n", (by_mem < by_time ? "memory" : "delivery time")
    printf "  By memory alone it would be %s nodes.\n", fmtn(ceil(readers / by_mem))
    printf "- Each node takes the publish itself (newsdesk publishes to every node, or a ZeroMQ fan-out does).\n"
    views = 100000 / 60
    peak = 2 * views
    usable = 0.5 * v_rps
    vnodes = ceil(peak / usable)
    printf "\nVarnish nodes for 100,000 page views a minute: %d (%d with one spare).\n", vnodes, vnodes + 1
    printf "- 100,000 a minute is %.0f a second; the busiest second is taken as twice that, %.0f.\n", views, peak
    printf "- A page view is one story page from the cache (assets are cached by browsers and are\n"
    printf "  smaller); a node is this machine at half the measured %s req/s: %s a node.\n", fmtn(v_rps), fmtn(usable)
    printf "- Bandwidth, not CPU, binds first: %.0f page views a second of %s bytes uncompressed are %.0f Mbit/s\n", peak, fmtn(page), peak * page * 8 / 1e6
    printf "  (browsers ask for gzip, which is several times smaller). TLS is not measured here.\n"
}'
echo
echo "edge.sh took $((SECONDS - started)) s"
if [ "${E[late]}" != 0 ] || [ "${E[closed]}" != 0 ]; then
    # The figures stand, but some readers never had the update: keep the logs.
    echo "$((E[late] + E[closed])) of $n_text Pushpin readers did not receive the update (Pushpin's logs: $RUN_DIR/log)" >&2
    exit 1
fi
failed=false
