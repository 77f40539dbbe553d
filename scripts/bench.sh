#!/usr/bin/env bash
# bench.sh - time wiresift against tcpdump and tshark on the same generated capture, in one run.
#
# Usage: scripts/bench.sh [OUTDIR]          (default OUTDIR: bench-out)
# Environment:
#   PACKETS (2000000), FLOWS (20000), SEED (1)  generator arguments ("medium" by default)
#   RUNS (3)          timed runs per command after one warm-up; the median is printed
#   GEN               path of gen_capture.py (default: ../shared/bench/gen_capture.py beside the project)
#   SKIP_PEERS=1      time wiresift only; SKIP_TSHARK=1 skip tshark (slow on big files)
#   EXTRA             extra wiresift modes to time, ';'-separated argument lists, e.g. "-T fields -e ip.src"
#   WIRESIFT          the binary to time (default: target/release/wiresift, built here), e.g. target/pgo/wiresift
#   THREADS           workers for every wiresift command (default: wiresift's own choice)
# Needs: python3, GNU time; tcpdump and tshark for the peers (apt-get install -y tcpdump tshark time).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/bench-out}
PACKETS=${PACKETS:-2000000}; FLOWS=${FLOWS:-20000}; SEED=${SEED:-1}; RUNS=${RUNS:-3}
GEN=${GEN:-$here/../shared/bench/gen_capture.py}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench.sh: GNU time is needed: apt-get install -y time" >&2; exit 1; }
[ -f "$GEN" ] || { echo "bench.sh: generator not found at $GEN (set GEN=...)" >&2; exit 1; }

mkdir -p "$out/logs"
cap="$out/bench-$PACKETS-$FLOWS-$SEED.pcap"
if [ ! -s "$cap" ]; then
    echo "generating $cap ..." >&2
    python3 "$GEN" --packets "$PACKETS" --flows "$FLOWS" --seed "$SEED" --format pcap -o "$cap"
fi
if [ -n "${WIRESIFT:-}" ]; then
    ws=$WIRESIFT
else
    (cd "$here" && cargo build --release -q)
    ws="${CARGO_TARGET_DIR:-$here/target}/release/wiresift"
fi
[ -x "$ws" ] || { echo "bench.sh: $ws: not an executable" >&2; exit 1; }
size=$(wc -c < "$cap")
echo "capture: $cap  packets: $PACKETS  bytes: $size  cores: $(nproc)"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
wall_of() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2, p, ":"); s=0; for (i=1; i<=n; i++) s=s*60+p[i]; print s}' "$1"; }
rss_of()  { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }

declare -A RATE
printf '%-48s %9s %12s %10s\n' "command" "wall_s" "pkts/s" "peak_MiB"
run() {  # run NAME CMD...
    local name=$1; shift
    local key walls=() rsss=() i
    key=$(printf '%s' "$name" | tr -c 'A-Za-z0-9_.-' '_')
    "$@" > /dev/null 2>&1 || true
    for ((i = 1; i <= RUNS; i++)); do
        "$TIME" -v -o "$out/logs/$key.$i" "$@" > /dev/null 2>> "$out/logs/$key.stderr" || true
        walls+=("$(wall_of "$out/logs/$key.$i")"); rsss+=("$(rss_of "$out/logs/$key.$i")")
    done
    local w r
    w=$(printf '%s\n' "${walls[@]}" | median); r=$(printf '%s\n' "${rsss[@]}" | median)
    RATE[$name]=$(awk -v p="$PACKETS" -v w="$w" 'BEGIN {print (w > 0 ? p / w : 0)}')
    awk -v n="$name" -v w="$w" -v r="$r" -v p="$PACKETS" 'BEGIN {printf "%-48s %9.2f %12.0f %10.1f\n", n, w, (w > 0 ? p / w : 0), r / 1024}'
}

threads=()
if [ -n "${THREADS:-}" ]; then threads=(--threads "$THREADS"); fi
run "wiresift -r (one line)" "$ws" -r "$cap" "${threads[@]}"
run "wiresift -r -T fields -e frame.number,ip.src,tcp.srcport" "$ws" -r "$cap" "${threads[@]}" -T fields -e frame.number -e ip.src -e tcp.srcport
IFS=';' read -ra extra <<< "${EXTRA:-}"
for e in "${extra[@]}"; do
    [ -n "$e" ] || continue
    # shellcheck disable=SC2086
    run "wiresift -r $e" "$ws" -r "$cap" "${threads[@]}" $e
done
run "wiresift stats" "$ws" stats -r "$cap" "${threads[@]}"
run "wiresift logs conn" "$ws" logs conn -r "$cap" "${threads[@]}"
run "wiresift logs all" "$ws" logs all -r "$cap" "${threads[@]}" -o "$out/zeek"
awk -v a="${RATE["wiresift logs all"]}" -v b="${RATE["wiresift stats"]}" 'BEGIN {if (a > 0) printf "wiresift logs all takes %.2fx the time of stats\n", b / a}'
if [ "${SKIP_PEERS:-0}" != 1 ]; then
    if command -v tcpdump > /dev/null; then run "tcpdump -nr" tcpdump -nr "$cap"; fi
    if [ "${SKIP_TSHARK:-0}" != 1 ] && command -v tshark > /dev/null; then
        run "tshark -r (one line)" tshark -r "$cap"
        run "tshark -T fields -e frame.number,ip.src,tcp.srcport" tshark -r "$cap" -T fields -e frame.number -e ip.src -e tcp.srcport
    fi
    one=${RATE["wiresift -r (one line)"]}
    for peer in "tcpdump -nr" "tshark -r (one line)"; do
        if [ -n "${RATE[$peer]:-}" ]; then
            awk -v a="$one" -v b="${RATE[$peer]}" -v n="$peer" 'BEGIN {if (b > 0) printf "wiresift one-line vs %s: %.1fx\n", n, a / b}'
        fi
    done
    f=${RATE["wiresift -r -T fields -e frame.number,ip.src,tcp.srcport"]}
    t=${RATE["tshark -T fields -e frame.number,ip.src,tcp.srcport"]:-}
    if [ -n "$t" ]; then
        awk -v a="$f" -v b="$t" 'BEGIN {if (b > 0) printf "wiresift -T fields vs tshark -T fields: %.1fx\n", a / b}'
    fi
fi
