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
