#!/usr/bin/env bash
# Fan-out benchmark: N Server-Sent Events clients on the demo live story, one
# update published through the admin form, the time until every client has it
# and the server's resident memory per client. Loopback only.
#
#   bench/fanout.sh                 # N = 1000, then 10000
#   COUNTS="100 2000" bench/fanout.sh
#
# Each N gets a freshly started server, so one run's freed memory cannot hide
# the next run's growth.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

PORT=${PORT:-18471}
COUNTS=${COUNTS:-1000 10000}
SLUG=junior-doctors-strike-live

echo "building release binaries (a clean build takes several minutes on 2 cores)" >&2
cargo build --release --bin newsdesk --example fanout

# Every client is an open file on both sides; one process may hold at most the
# hard limit (20,000 here), which is enough for 10,000 clients in one process.
ulimit -n "$(ulimit -Hn)"

TMP=$(mktemp -d)
trap 'stop_server; rm -rf "$TMP"' EXIT

DB="sqlite://$TMP/bench.db"
add_bench_editor "$DB"

results=()
for n in $COUNTS; do
    start_server "$PORT" "$DB"
    echo "N=$n" >&2
    warn_if_busy
    results+=("$(timeout 300 "$RELEASE"/examples/fanout --addr "127.0.0.1:$PORT" \
        --slug "$SLUG" --clients "$n" --server-pid "$SERVER_PID")")
    stop_server
done

printf '\n%8s %9s %9s %9s %11s %9s\n' clients "p50 ms" "p99 ms" "max ms" KiB/client "POST ms"
for row in "${results[@]}"; do
    # shellcheck disable=SC2086 # the row is tab-separated numbers
    printf '%8s %9s %9s %9s %11s %9s\n' $row
done
