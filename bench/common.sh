# Shared by the benchmark scripts (sourced, not run).

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

# A release newsdesk on loopback for one benchmark: start_server PORT DB, then
# stop_server. Every client is 127.0.0.1, so the per-address stream limit is
# off. Its log goes to $TMP/server.log; $SERVER_PID is its process id.
SERVER_PID=
start_server() {
    target/release/newsdesk serve --bind "127.0.0.1:$1" --database "$2" --content content \
        --max-streams-per-address 0 \
        >>"$TMP/server.log" 2>&1 &
    SERVER_PID=$!
    wait_for "http://127.0.0.1:$1/healthz" || { cat "$TMP/server.log" >&2; exit 1; }
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
    echo "$BENCH_PASSWORD" | target/release/newsdesk editor add bench --database "$1" --content content >/dev/null
}
