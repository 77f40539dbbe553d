#!/usr/bin/env bash
# pgo-check.sh - check the profile-guided build: it builds, and it prints what the plain build
# prints (one line a packet, the layer tree, JSON, stats and every log of the sample capture).
#
# Usage: scripts/pgo-check.sh [PLAIN]   (PLAIN: the plain build to compare with,
#                                        default target/debug/wiresift as the tests leave it)
# The profile-guided build needs the toolchain's llvm-tools; where that component cannot be
# installed the check says so and passes.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
plain=${1:-${CARGO_TARGET_DIR:-$here/target}/debug/wiresift}
if [ ! -x "$plain" ]; then
    (cd "$here" && cargo build -q)
fi
if ! rustup component add llvm-tools > /dev/null 2>&1; then
    echo "pgo-check.sh: skipping: the toolchain's llvm-tools component cannot be installed here"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sample="$tmp/sample.pcap"
"$plain" sample "$sample" > /dev/null
"$here/scripts/pgo-build.sh" "$sample"
pgo="$here/target/pgo/wiresift"

fail=0
for mode in "" "-V" "-T json" "-T fields -e frame.number -e ip.src -e tcp.stream -e dns.qry.name"; do
    # shellcheck disable=SC2086
    if ! diff <("$plain" -r "$sample" $mode 2>&1) <("$pgo" -r "$sample" $mode 2>&1) > /dev/null; then
        echo "pgo-check.sh: the profile-guided build prints otherwise: wiresift -r $sample $mode" >&2
        fail=1
    fi
done
if ! diff <("$plain" stats -r "$sample" 2>&1) <("$pgo" stats -r "$sample" 2>&1) > /dev/null; then
    echo "pgo-check.sh: the profile-guided build prints otherwise: wiresift stats" >&2
    fail=1
fi
"$plain" logs all -r "$sample" -o "$tmp/plain" > /dev/null
"$pgo" logs all -r "$sample" -o "$tmp/pgo" > /dev/null
# The #open and #close lines carry the time of the run.
if ! diff -r -I '^#open' -I '^#close' "$tmp/plain" "$tmp/pgo" > /dev/null; then
    echo "pgo-check.sh: the profile-guided build writes other logs" >&2
    fail=1
fi
[ "$fail" = 0 ] && echo "pgo-check.sh: the profile-guided build prints what the plain build prints"
exit "$fail"
