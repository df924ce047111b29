#!/usr/bin/env bash
# Live at the ceiling: N Server-Sent Events readers on one live story (19,000 by
# default: the open-file limit of 20,000 less headroom), one update published
# through the desk form, the time until each reader has it and the server's
# memory per reader; then the editor's publish latency, idle and with the
# readers connected while wrk loads the story page (bench/fanout.rs). Prints
# Markdown rows; loopback only.
#
#   bench/fanout.sh                         # 19,000 readers, 50 publishes each way
#   COUNTS="1000 10000" PUBLISHES=0 bench/fanout.sh
#   LARGE=1 bench/fanout.sh                 # on the large database's live blog
#
# Each N gets a freshly started server, so one run's freed memory cannot hide
# the next run's growth. LARGE=1 uses a copy of the generated database
# (bench/generate.rs; STORIES, UPDATES, SEED and QUICK=1 as for
# bench/misses.sh) and its 5,000-update live blog, else a fresh demo database.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

PORT=${PORT:-18471}
COUNTS=${COUNTS:-19000}
PUBLISHES=${PUBLISHES:-50}
LARGE=${LARGE:-0}
# Streams the server holds at most: the readers and room for retries.
MAX_STREAMS=${MAX_STREAMS:-19500}

need_wrk_and_nginx
build --bin newsdesk --example fanout

# Every reader is an open file on both sides; one process may hold at most the
# hard limit (20,000 here).
ulimit -n "$(ulimit -Hn)"

TMP=$(mktemp -d)
trap 'stop_server; rm -rf "$TMP"' EXIT

if [ "$LARGE" = 1 ]; then
    cp --reflink=auto "$(large_database "$STORIES" "$UPDATES" "$SEED")" "$TMP/bench.db"
    # The live blog: the story with the most live updates.
    SLUG=$(sqlite_value "$TMP/bench.db" "SELECT s.slug FROM stories s JOIN updates u ON u.story_id = s.id
        WHERE u.deleted_at IS NULL GROUP BY s.id ORDER BY COUNT(*) DESC LIMIT 1")
else
    SLUG=junior-doctors-strike-live
fi
DB="sqlite://$TMP/bench.db"
add_bench_editor "$DB"

for n in $COUNTS; do
    start_server "$PORT" "$DB" --max-streams "$MAX_STREAMS"
    echo "$n readers on /news/$SLUG" >&2
    warn_if_busy
    timeout 600 "$EXAMPLES"/fanout --addr "127.0.0.1:$PORT" --slug "$SLUG" \
        --clients "$n" --server-pid "$SERVER_PID" --publishes "$PUBLISHES"
    stop_server
done
