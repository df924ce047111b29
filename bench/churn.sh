#!/usr/bin/env bash
# Nothing lost under load: waves of live-stream clients connecting and
# disconnecting while an editor publishes every second (memory and open
# descriptors must come back, staying clients miss nothing), then mixed load
# (readers, feed pollers, streams, publishing) with zero errors. Loopback only.
#
#   bench/churn.sh                          # 60 s of waves of 5,000, 300 s mixed
#   SECONDS_CHURN=20 WAVE=1000 SECONDS_MIXED=30 bench/churn.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

PORT=${PORT:-18491}
WAVE=${WAVE:-5000}
SECONDS_CHURN=${SECONDS_CHURN:-60}
SECONDS_MIXED=${SECONDS_MIXED:-300}
SLUG=junior-doctors-strike-live

build --bin newsdesk --example churn

# Every client is an open file on both sides.
ulimit -n "$(ulimit -Hn)"

TMP=$(mktemp -d)
trap 'stop_server; rm -rf "$TMP"' EXIT
DB="sqlite://$TMP/bench.db"
add_bench_editor "$DB"

echo "| measure | newsdesk | reference | ratio | target |"
echo "| --- | --- | --- | --- | --- |"
start_server "$PORT" "$DB"
warn_if_busy
timeout $((SECONDS_CHURN + 300)) "$EXAMPLES"/churn --addr "127.0.0.1:$PORT" \
    --slug "$SLUG" --server-pid "$SERVER_PID" --seconds "$SECONDS_CHURN" churn --wave "$WAVE"
stop_server

[ "$SECONDS_MIXED" -gt 0 ] || exit 0
start_server "$PORT" "$DB"
warn_if_busy
timeout $((SECONDS_MIXED + 300)) "$EXAMPLES"/churn --addr "127.0.0.1:$PORT" \
    --slug "$SLUG" --server-pid "$SERVER_PID" --seconds "$SECONDS_MIXED" mixed
stop_server
