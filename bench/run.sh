#!/usr/bin/env bash
# Every benchmark in one session, one table: bench/RESULTS.md (measure,
# newsdesk, reference, ratio, target, machine, date), with the commit, the
# machine and how long it took. Each benchmark is its own script (bench/*.sh)
# printing Markdown rows; this one builds once, runs them in turn and judges
# every row against its target (a miss says by how much). Loopback only.
#
#   bench/run.sh                    # the issue's sizes: 100,000 stories,
#                                   # 1,000,000 updates, 19,000 readers, 3 rounds
#   QUICK=1 bench/run.sh            # small sizes for trying it; writes
#                                   # target/bench-data/RESULTS-quick.md
#   ONLY="pages import" bench/run.sh
#
# Benchmarks: pages, misses, fanout, import, churn, edge, media, photos,
# lighthouse. The generated database is kept under target/bench-data (see
# bench/common.sh).
# Logs of the last run: target/bench-data/logs/.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

ONLY=${ONLY:-pages misses fanout import churn edge media photos lighthouse}
if [ "${QUICK:-0}" = 1 ]; then
    mode="QUICK=1: small sizes, for trying it"
    RESULTS=${RESULTS:-$BENCH_DATA/RESULTS-quick.md}
    READERS=${READERS:-2000}
    ROUNDS=${ROUNDS:-1}
    WRK_SECONDS=${WRK_SECONDS:-5}
    CHURN=(SECONDS_CHURN=20 WAVE=1000 SECONDS_MIXED=30)
    EDGE=(ROUNDS=1 READERS="$READERS")
    MEDIA=(RUNS=3)
else
    mode="full"
    RESULTS=${RESULTS:-bench/RESULTS.md}
    READERS=${READERS:-19000}
    ROUNDS=${ROUNDS:-3}
    WRK_SECONDS=${WRK_SECONDS:-10}
    CHURN=() EDGE=("ROUNDS=$ROUNDS") MEDIA=()
fi
FILES=${FILES:-10000}
PUBLISHES=${PUBLISHES:-50}

started=$SECONDS
commit=$(git rev-parse --short HEAD)
git diff --quiet HEAD -- || commit="$commit (with uncommitted changes)"
# Binaries given from elsewhere are not this commit's: the table says so.
given=
[ "$NEWSDESK_BIN" = "$RELEASE/newsdesk" ] || given="server binary $NEWSDESK_BIN (NEWSDESK_BIN)"
[ -z "$GENERATE_BIN" ] || given="${given:+$given; }generator $GENERATE_BIN (GENERATE_BIN)"
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
memory=$(awk '/^MemTotal:/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
MACHINE="$(nproc) cores, $cpu, $memory"
DATE=$(date -u +%F)
LOGS=$BENCH_DATA/logs
rm -rf "$LOGS"
mkdir -p "$LOGS"

# Every process the benchmarks start may hold up to the hard open-file limit.
ulimit -n "$(ulimit -Hn)"

# --- one build, copied: another build into the shared target directory ------
# cannot swap a binary during the run.

need_wrk_and_nginx
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cargo build --release --locked --bin newsdesk --example fanout --example churn --example edge --example media
mkdir -p "$TMP/bin/examples"
cp "$NEWSDESK_BIN" "$TMP/bin/"
cp "$EXAMPLES"/{fanout,churn,edge,media} "$TMP/bin/examples/"
export NEWSDESK_BIN=$TMP/bin/newsdesk EXAMPLES=$TMP/bin/examples SKIP_BUILD=1

# The large database, generated now if no run made it before: its time is
# not any benchmark's.
generated=$SECONDS
if [[ " $ONLY " =~ \ (misses|fanout)\  ]]; then
    large_database "$STORIES" "$UPDATES" "$SEED" >/dev/null
fi
generated=$((SECONDS - generated))

# --- the benchmarks ------------------------------------------------------------

declare -A took status
# bench NAME ENV...: runs bench/NAME.sh with ENV (VAR=value), its rows into
# $TMP/NAME.rows and everything it says into $LOGS/NAME.log.
bench() {
    local name=$1 at=$SECONDS
    shift
    echo "== $name" >&2
    if env "$@" bash "bench/$name.sh" >"$LOGS/$name.out" 2>"$LOGS/$name.log"; then
        status[$name]=ok
    else
        status[$name]="failed (exit $?): $(grep -v '^  ' "$LOGS/$name.log" | tail -1)"
        echo "$name ${status[$name]}" >&2
    fi
    grep '^| ' "$LOGS/$name.out" | grep -v -e '^| measure |' -e '^| --- |' >"$TMP/$name.rows" || true
    took[$name]=$((SECONDS - at))
}

for name in $ONLY; do
    case $name in
    pages) bench pages ROUNDS="$ROUNDS" WRK_SECONDS="$WRK_SECONDS" ;;
    misses) bench misses WRK_SECONDS="$WRK_SECONDS" ;;
    fanout) bench fanout LARGE=1 COUNTS="$READERS" PUBLISHES="$PUBLISHES" ;;
    import) bench import FILES="$FILES" ;;
    churn) bench churn "${CHURN[@]}" ;;
    edge)
        if command -v varnishd >/dev/null && command -v pushpin >/dev/null; then
            bench edge "${EDGE[@]}"
        else
            status[edge]="skipped: Varnish and Pushpin are not installed (make test-tools)"
            row "edge benchmark (bench/edge.sh)" "${status[edge]}" "" "" "" >"$TMP/edge.rows"
            took[edge]=0
        fi
        ;;
    media) bench media "${MEDIA[@]}" ;;
    photos) bench photos ROUNDS="$ROUNDS" WRK_SECONDS="$WRK_SECONDS" ;;
    lighthouse) bench lighthouse ;;
    *) echo "no benchmark $name" >&2; exit 1 ;;
    esac
done

# --- the table -------------------------------------------------------------------

# judge_rows: each row's target cell with its verdict. A target is an
# operator (≤ ≥ < >, or none for "equal"), a number and a unit: "×" judges
# the ratio column, anything else the first number of the newsdesk column.
# Targets of any other form (≈ 0, documented) are left as they are.
judge_rows() {
    awk '
    function number(s) {
        if (!match(s, /[0-9][0-9,]*(\.[0-9]+)?/)) return ""
        s = substr(s, RSTART, RLENGTH); gsub(",", "", s); return s
    }
    function strip(s) { sub(/^ +/, "", s); sub(/ +$/, "", s); return s }
    {
        n = split($0, cell, "|")
        if (n != 7) { print; next }
        target = strip(cell[6]); rest = target; op = "="
        split("≤ ≥ < >", ops, " ")
        for (i = 1; i <= 4; i++)
            if (index(rest, ops[i] " ") == 1) { op = ops[i]; rest = substr(rest, length(ops[i]) + 2) }
        if (!match(rest, /^[0-9][0-9,]*(\.[0-9]+)?/)) { print; next }
        limit = number(rest)
        by_ratio = index(substr(rest, RLENGTH + 1), "×") == 1
        value = number(by_ratio ? cell[5] : cell[3])
        if (value == "") { print; next }
        value += 0; limit += 0
        met = (op == "≤") ? value <= limit : (op == "≥") ? value >= limit : \
              (op == "<") ? value < limit : (op == ">") ? value > limit : value == limit
        judged++
        if (met) { verdict = "met"; kept++ }
        else if (limit == 0) verdict = sprintf("**miss: %s, not 0**", value)
        else verdict = sprintf("**miss: %.2f× the target**", value / limit)
        cell[6] = " " target ": " verdict " "
        line = ""
        for (i = 2; i < n; i++) line = line "|" cell[i]
        print line "|"
    }
    END { printf "%d %d\n", kept, judged > "/dev/stderr" }'
}

minutes() { awk -v s="$1" 'BEGIN { printf "%.1f min", s / 60 }'; }
total=$((SECONDS - started))
{
    echo "# Benchmark results"
    echo
    echo "Written by \`bench/run.sh\` ($mode); regenerate it rather than editing it."
    echo "Every figure below was measured in this one run, on this machine."
    echo
    echo "- commit: $commit${given:+; not built from it: $given}"
    echo "- machine: $MACHINE; date: $DATE (UTC)"
    echo "- took: $(minutes "$total") in all$( ((generated > 0)) && echo ", of which $(minutes "$generated") generating the database")"
    for name in $ONLY; do
        busy=$(grep -c 'CPU was .* busy' "$LOGS/$name.log" 2>/dev/null || true)
        echo "  - $name: $(minutes "${took[$name]}"), ${status[$name]}$( ((busy > 0)) && echo "; busy-CPU warnings: $busy")"
    done
    echo "- sizes: $(thousands "$STORIES") stories and $(thousands "$UPDATES") updates (seed $SEED)," \
        "$(thousands "$READERS") stream readers, rounds of wrk per page measure: $ROUNDS of ${WRK_SECONDS} s," \
        "$(thousands "$FILES") content files"
    echo "- a busy-CPU warning: another process kept the CPU over 10% busy in the second before a measure"
    echo
    echo "| measure | newsdesk | reference | ratio | target | machine | date |"
    echo "| --- | --- | --- | --- | --- | --- | --- |"
    for name in $ONLY; do
        judge_rows <"$TMP/$name.rows" 2>>"$TMP/verdicts" |
            awk -v cells=" $MACHINE | $DATE |" '{ print $0 cells }'
    done
    echo
    awk '{ kept += $1; judged += $2 } END { printf "Targets met: %d of %d judged.\n", kept, judged }' "$TMP/verdicts"
} >"$RESULTS"

cat "$RESULTS"
echo "written to $RESULTS; logs in $LOGS" >&2
for name in $ONLY; do
    [ "${status[$name]}" = ok ] || [[ "${status[$name]}" == skipped* ]] || exit 1
done
