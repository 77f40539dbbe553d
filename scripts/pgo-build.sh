#!/usr/bin/env bash
# pgo-build.sh - build wiresift with profile-guided optimisation.
#
# An instrumented build first reads the training captures the ways wiresift
# is used (one line a packet, JSON, stats, every log); the release build is
# then laid out and inlined by that profile. The gain is mostly in the
# instruction cache: the code a packet runs through from the link layer to
# the logs is far larger than the cache, and the profile keeps the hot paths
# together. See "Profile-guided build" in the README for measurements.
#
# Usage: scripts/pgo-build.sh CAPTURE...   (the result: target/pgo/wiresift)
# Train on captures like the ones the build will read; a handful of varied
# real ones is enough (the profile counts how often code runs, not how long).
# Needs: the llvm-tools component of the toolchain (rustup component add llvm-tools).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -eq 0 ]; then
    echo "usage: scripts/pgo-build.sh CAPTURE...  (captures to train on)" >&2
    exit 2
fi
for cap in "$@"; do
    [ -r "$cap" ] || { echo "pgo-build.sh: $cap: cannot read" >&2; exit 1; }
done
sysroot=$(rustc --print sysroot)
host=$(rustc -vV | sed -n 's/^host: //p')
profdata="$sysroot/lib/rustlib/$host/bin/llvm-profdata"
if [ ! -x "$profdata" ]; then
    echo "pgo-build.sh: llvm-profdata is not in the toolchain; install it with: rustup component add llvm-tools" >&2
    exit 1
fi

work="$here/target/pgo"
rm -rf "$work/profiles" "$work/logs"
mkdir -p "$work/profiles" "$work/logs"
echo "pgo-build.sh: instrumented build ..." >&2
(cd "$here" && RUSTFLAGS="-Cprofile-generate=$work/profiles" cargo build --release -q --target-dir "$work/gen")
gen="$work/gen/release/wiresift"
echo "pgo-build.sh: training on $# capture(s) ..." >&2
for cap in "$@"; do
    # A capture wiresift rejects still trains what ran before the error.
    "$gen" -r "$cap" > /dev/null 2>&1 || true
    "$gen" -r "$cap" -T json > /dev/null 2>&1 || true
    "$gen" stats -r "$cap" > /dev/null 2>&1 || true
    "$gen" logs all -r "$cap" -o "$work/logs" > /dev/null 2>&1 || true
done
"$profdata" merge -o "$work/merged.profdata" "$work/profiles"
echo "pgo-build.sh: optimised build ..." >&2
(cd "$here" && RUSTFLAGS="-Cprofile-use=$work/merged.profdata" cargo build --release -q --target-dir "$work/use")
cp "$work/use/release/wiresift" "$work/wiresift"
echo "pgo-build.sh: wrote $work/wiresift" >&2
