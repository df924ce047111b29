#!/usr/bin/env bash
# Misses at a newsroom's real size: on a generated database (bench/generate.rs,
# kept under target/bench-data), what a page costs when the page cache does
# not have it. Prints Markdown rows; loopback only.
#
# 1. `serve` started on the database to its first 200: once importing
#    content/ anew, once again (a restart: content unchanged).
# 2. wrk p99 of the story, front, topic, search and feed pages on a server
#    with the cache off (--page-cache-mib 0), each against the same page on a
#    server with it on (a hit), the two servers asked in turn.
# 3. Page 100 of the 5,000-update live blog against its page 1, cache off.
# 4. Resident memory of the cache-on server after start, and after fetching
#    up to FILL_PAGES different story pages (each in both encodings) to fill
#    its cache (CACHE_MIB, 128 MiB as newsdesk's default).
#
#   bench/misses.sh                   # 100,000 stories, 1,000,000 updates
#   QUICK=1 bench/misses.sh           # 5,000 stories, 50,000 updates
#   STORIES=20000 UPDATES=200000 MISS_CONNECTIONS=8 bench/misses.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

PORT=${PORT:-18531}         # cache on
OFF_PORT=${OFF_PORT:-18532} # cache off
MISS_CONNECTIONS=${MISS_CONNECTIONS:-4}
WRK_SECONDS=${WRK_SECONDS:-10}
FILL_PAGES=${FILL_PAGES:-20000}
CACHE_MIB=${CACHE_MIB:-128} # the cache-on server's --page-cache-mib (newsdesk's default)
# Live updates per story page (src/handlers/reader/story.rs, UPDATES_PER_PAGE).
PER_PAGE=50
DEEP_PAGE=100

need_wrk_and_nginx
build --bin newsdesk

TMP=$(mktemp -d)
PIDS=()
cleanup() {
    for SERVER_PID in "${PIDS[@]}"; do stop_server; done
    rm -rf "$TMP"
}
trap cleanup EXIT

# A copy of the generated database: serving it writes (the content import,
# sessions), and the generated one stays as it was for the next run.
source_db=$(large_database "$STORIES" "$UPDATES" "$SEED")
DB_FILE=$TMP/large.db
cp --reflink=auto "$source_db" "$DB_FILE"
DB="sqlite://$DB_FILE"
db() { sqlite_value "$DB_FILE" "$@"; }

# --- what to ask for -----------------------------------------------------------

# The live blog: the story with the most live updates.
BLOG=$(db "SELECT s.slug FROM stories s JOIN updates u ON u.story_id = s.id
           WHERE u.deleted_at IS NULL GROUP BY s.id ORDER BY COUNT(*) DESC LIMIT 1")
blog_updates=$(db "SELECT COUNT(*) FROM updates u JOIN stories s ON s.id = u.story_id
                   WHERE s.slug = ? AND u.deleted_at IS NULL" "$BLOG")
deep_page=$(( (blog_updates + PER_PAGE - 1) / PER_PAGE ))
[ "$deep_page" -le "$DEEP_PAGE" ] || deep_page=$DEEP_PAGE
# Page n newest first holds the updates past the last one of page n - 1, as
# its "older" link says (?before=): the update at position (n - 1) * 50.
cursor=$(db "SELECT u.id FROM updates u JOIN stories s ON s.id = u.story_id
             WHERE s.slug = ? AND u.deleted_at IS NULL
             ORDER BY u.posted_at DESC, u.id DESC LIMIT 1 OFFSET ?" \
    "$BLOG" "$(( (deep_page - 1) * PER_PAGE - 1 ))")
# A story from the middle of the archive, the topic with the most stories,
# and a word of that story's headline to search for.
published="FROM stories WHERE status = 'published'"
STORY=$(db "SELECT slug $published ORDER BY published_at LIMIT 1 OFFSET (SELECT COUNT(*) / 2 $published)")
TOPIC=$(db "SELECT t.slug FROM topics t JOIN story_topics st ON st.topic_id = t.id
            GROUP BY t.id ORDER BY COUNT(*) DESC LIMIT 1")
WORD=$(db "SELECT headline FROM stories WHERE slug = ?" "$STORY" |
    tr -c '[:alpha:]' '\n' | awk 'length($0) >= 5 { print tolower($0); exit }')
echo "blog /news/$BLOG ($blog_updates updates, page $deep_page before $cursor), story /news/$STORY," \
    "topic /topics/$TOPIC, search \"$WORD\"" >&2

# --- 1. start to first 200 -------------------------------------------------------

# first_200 SECONDS-FILE: launches the cache-on server and writes the seconds
# until / first answers 200 (polled every 10 ms) into SECONDS-FILE.
first_200() {
    local out=$1 started
    started=$(date +%s.%N)
    launch_server "$PORT" "$DB" --page-cache-mib "$CACHE_MIB"
    PIDS=("$SERVER_PID")
    for _ in $(seq 3000); do
        if curl -fsS -m 1 -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null; then
            awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }' >"$out"
            return
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.log" >&2; exit 1; }
        sleep 0.01
    done
    echo "no 200 from / within 30 s" >&2
    exit 1
}

warn_if_busy
first_200 "$TMP/first.s"
stop_server
first_200 "$TMP/restart.s"
ON_PID=$SERVER_PID
row "serve start on the large database to first 200 of / (s; imports content/ anew)" \
    "$(cat "$TMP/first.s") s" "–" "" "≤ 2 s"
row "serve restart on the large database to first 200 of / (s; content/ unchanged)" \
    "$(cat "$TMP/restart.s") s" "–" "" "≤ 2 s"
rss_started=$(awk '/^VmRSS:/ { print $2 }' "/proc/$ON_PID/status")

# --- 2 and 3. misses against hits ------------------------------------------------

start_server "$OFF_PORT" "$DB" --page-cache-mib 0
OFF_PID=$SERVER_PID
PIDS+=("$OFF_PID")

# p99 PORT PATH: "p99-ms requests/s" of wrk on that page.
p99() {
    warn_if_busy
    run_wrk "http://127.0.0.1:$1$2" "$TMP/wrk" --threads 2 --connections "$MISS_CONNECTIONS" \
        --duration "${WRK_SECONDS}s"
    read -r rps _avg _p50 p99 _max _answered <<<"$(wrk_figures "$TMP/wrk")"
    echo "  $1$2: p99 $p99, $rps requests/s" >&2
    echo "$(wrk_ms "$p99") $(fmt "$rps")"
}
wrk_note="wrk, $MISS_CONNECTIONS connections"
for page in "story /news/$STORY" "front /" "topic /topics/$TOPIC" "search /search?q=$WORD" "feed /feed.xml"; do
    read -r name path <<<"$page"
    curl -fsS -m 10 -o /dev/null "http://127.0.0.1:$PORT$path" # the hit's page in the cache
    read -r off_p99 off_rps <<<"$(p99 "$OFF_PORT" "$path")"
    read -r on_p99 on_rps <<<"$(p99 "$PORT" "$path")"
    row "cache off: $name page $path, p99 ($wrk_note)" "$off_p99 ms ($off_rps req/s)" \
        "cache on $on_p99 ms ($on_rps req/s)" "$(ratio "$off_p99" "$on_p99")" "≤ 10 ms"
done

read -r first_p99 first_rps <<<"$(p99 "$OFF_PORT" "/news/$BLOG")"
read -r deep_p99 deep_rps <<<"$(p99 "$OFF_PORT" "/news/$BLOG?before=$cursor")"
row "cache off: page $deep_page of the $(thousands "$blog_updates")-update live blog, p99 ($wrk_note)" \
    "$deep_p99 ms ($deep_rps req/s)" "page 1 $first_p99 ms ($first_rps req/s)" \
    "$(ratio "$deep_p99" "$first_p99")" "≤ 1.2×"
SERVER_PID=$OFF_PID
stop_server
PIDS=("$ON_PID")

# --- 4. memory with a full cache ---------------------------------------------------

stories=$(db "SELECT COUNT(*) $published")
fill=$(( stories < FILL_PAGES ? stories : FILL_PAGES ))
echo "filling the cache: $fill story pages, plain and compressed" >&2
db_list() { # the first $fill published story paths, newest first
    python3 - "$DB_FILE" "$fill" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
for (slug,) in db.execute("SELECT slug FROM stories WHERE status = 'published' ORDER BY published_at DESC LIMIT ?", (int(sys.argv[2]),)):
    print(f"/news/{slug}")
PY
}
db_list | awk -v base="http://127.0.0.1:$PORT" '{ printf "url = \"%s%s\"\noutput = \"/dev/null\"\n", base, $0 }' >"$TMP/fill.curl"
filled_at=$SECONDS
for encoding in identity "gzip, br"; do
    curl -fsS --no-progress-meter -m 600 --parallel --parallel-max 4 -H "Accept-Encoding: $encoding" -K "$TMP/fill.curl"
done
rss_full=$(awk '/^VmRSS:/ { print $2 }' "/proc/$ON_PID/status")
row "resident memory, large database, page cache filled by $(thousands "$fill") story pages in $((SECONDS - filled_at)) s (MiB; --page-cache-mib $CACHE_MIB)" \
    "$(fmt "$(awk -v k="$rss_full" 'BEGIN { print k / 1024 }')")" \
    "$(fmt "$(awk -v k="$rss_started" 'BEGIN { print k / 1024 }')") after start" \
    "$(ratio "$rss_full" "$rss_started")" "documented, bounded by --page-cache-mib"
