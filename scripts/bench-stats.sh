#!/usr/bin/env bash
# bench-stats.sh - time `wiresift stats` against tshark's statistics and capinfos on the same
# generated capture, in one run.
#
# Usage: scripts/bench-stats.sh [OUTDIR]     (default OUTDIR: bench-out, shared with bench.sh)
# Environment:
#   PACKETS (2000000), FLOWS (20000), SEED (1)  generator arguments ("medium" by default)
#   RUNS (3)        timed runs per command after one warm-up; the median is printed
#   GEN             path of gen_capture.py (default: ../shared/bench/gen_capture.py beside the project)
#   WIRESIFT        the binary to time (default: target/release/wiresift, built here)
#   SKIP_TSHARK=1   skip tshark (slow on big files)
# Prints wall time and CPU time (user + system): on a machine shared with other work the wall
# time counts their load too, the CPU time much less so. Rates are packets per second of each.
# With several threads each worker reads its own part of the (classic pcap) file, and the
# workers' CPU times add up; the one-core figures are the --threads 1 rows.
# Needs: python3, GNU time; tshark and capinfos for the peers (apt-get install -y tshark time).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/bench-out}
PACKETS=${PACKETS:-2000000}; FLOWS=${FLOWS:-20000}; SEED=${SEED:-1}; RUNS=${RUNS:-3}
GEN=${GEN:-$here/../shared/bench/gen_capture.py}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench-stats.sh: GNU time is needed: apt-get install -y time" >&2; exit 1; }

mkdir -p "$out/logs"
cap="$out/bench-$PACKETS-$FLOWS-$SEED.pcap"
if [ ! -s "$cap" ]; then
    [ -f "$GEN" ] || { echo "bench-stats.sh: generator not found at $GEN (set GEN=...)" >&2; exit 1; }
    echo "generating $cap ..." >&2
    python3 "$GEN" --packets "$PACKETS" --flows "$FLOWS" --seed "$SEED" --format pcap -o "$cap"
fi
if [ -z "${WIRESIFT:-}" ]; then
    (cd "$here" && cargo build --release -q)
    WIRESIFT="${CARGO_TARGET_DIR:-$here/target}/release/wiresift"
fi
echo "capture: $cap  packets: $PACKETS  bytes: $(wc -c < "$cap")  cores: $(nproc)  load: $(cut -d' ' -f1-3 /proc/loadavg)"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
field() { awk -F': ' -v k="$2" '$0 ~ k {print $2}' "$1"; }
wall_of() { field "$1" 'Elapsed \\(wall clock\\)' | awk '{n=split($1, p, ":"); s=0; for (i=1; i<=n; i++) s=s*60+p[i]; print s}'; }
cpu_of() { awk -F': ' '/User time|System time/ {s+=$2} END {print s}' "$1"; }

declare -A CPU
printf '%-44s %8s %11s %8s %11s %9s\n' "command" "wall_s" "pkts/s" "cpu_s" "pkts/cpu-s" "peak_MiB"
run() {  # run NAME CMD...
    local name=$1; shift
    local key walls=() cpus=() rsss=() i
    key=stats_$(printf '%s' "$name" | tr -c 'A-Za-z0-9_.-' '_')
    "$@" > /dev/null 2>&1 || true
    for ((i = 1; i <= RUNS; i++)); do
        "$TIME" -v -o "$out/logs/$key.$i" "$@" > /dev/null 2>> "$out/logs/$key.stderr" || true
        walls+=("$(wall_of "$out/logs/$key.$i")"); cpus+=("$(cpu_of "$out/logs/$key.$i")")
        rsss+=("$(field "$out/logs/$key.$i" 'Maximum resident set size')")
    done
    local w c r
    w=$(printf '%s\n' "${walls[@]}" | median); c=$(printf '%s\n' "${cpus[@]}" | median)
    r=$(printf '%s\n' "${rsss[@]}" | median)
    CPU[$name]=$c
    awk -v n="$name" -v w="$w" -v c="$c" -v r="$r" -v p="$PACKETS" 'BEGIN {
        printf "%-44s %8.2f %11.0f %8.2f %11.0f %9.1f\n", n, w, (w > 0 ? p / w : 0), c, (c > 0 ? p / c : 0), r / 1024}'
}

run "wiresift stats (every section, all cores)" "$WIRESIFT" stats -r "$cap"
run "wiresift stats --threads 1" "$WIRESIFT" stats --threads 1 -r "$cap"
run "wiresift stats --threads 1 --section conv" "$WIRESIFT" stats --threads 1 -r "$cap" --section conv
run "wiresift stats --threads 1 --section summary" "$WIRESIFT" stats --threads 1 -r "$cap" --section summary
if command -v capinfos > /dev/null; then run "capinfos" capinfos "$cap"; fi
if [ "${SKIP_TSHARK:-0}" != 1 ] && command -v tshark > /dev/null; then
    run "tshark -q -z conv,tcp" tshark -q -z conv,tcp -r "$cap"
    t=${CPU["tshark -q -z conv,tcp"]}
    for mine in "wiresift stats --threads 1" "wiresift stats --threads 1 --section conv"; do
        awk -v a="${CPU[$mine]}" -v b="$t" -v n="$mine" 'BEGIN {if (a > 0) printf "%s vs tshark -z conv,tcp (CPU time): %.1fx\n", n, b / a}'
    done
fi
