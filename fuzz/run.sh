#!/usr/bin/env bash
# Run fuzz targets one after another for a fixed time each, on the stable
# toolchain (no sanitizer: the parser crates are #![deny(unsafe_code)], so
# what is looked for is a panic, which libFuzzer reports as a crash).
#
#   fuzz/run.sh [SECONDS] [TARGET...]      (default: 60 s, every target)
#
# Prints one line per target: runs, seconds, exec/s, corpus size, and the
# crash file if there was one (in fuzz/artifacts/<target>/). Exits 1 when a
# target crashed. CARGO_TARGET_DIR, when set, is used as the target dir.
# Seed first (./seed.sh) for a useful run; corpus/ grows as it runs.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
secs="${1:-60}"
shift || true
target_dir="${CARGO_TARGET_DIR:-$here/target}"
if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi
cargo fuzz build -s none --target-dir "$target_dir" || exit 2
# Run the binaries just built (cargo fuzz run would rebuild before each).
bin="$target_dir/x86_64-unknown-linux-gnu/release"
failed=0
printf '%-20s %10s %5s %9s %7s  %s\n' target runs secs exec/s corpus crash
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    log="$(mktemp)"
    "$bin/$t" -artifact_prefix="artifacts/$t/" \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 "corpus/$t" >"$log" 2>&1
    rc=$?
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    took="$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)"
    speed="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
    corpus="$(find "corpus/$t" -type f | wc -l)"
    crash=""
    if [ "$rc" -ne 0 ]; then
        failed=1
        crash="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)"
        crash="${crash:-exit $rc, log kept in $log}"
        grep -m1 -A3 "panicked at" "$log" | sed 's/^/    /'
    else
        rm -f "$log"
    fi
    printf '%-20s %10s %5s %9s %7s  %s\n' "$t" "${runs:-?}" "${took:-?}" "${speed:-?}" "$corpus" "$crash"
done
exit "$failed"
