#!/usr/bin/env bash
# Fill fuzz/corpus/<target>/ with seeds taken from a directory of captures
# (default: the shared development corpus beside the repository).
#
#   fuzz/seed.sh [CAPTURES_DIR]
#
# Whole files (their first 64 KiB) seed file_reader and file_parts; single packets with
# their 2-byte link-type prefix seed dissect; runs of packets seed
# dissector_defrag; each dissected layer's bytes seed its view_* target and
# views; the certificates of TLS handshakes seed x509. The extraction uses
# wiresift's own reader and dissector (examples/seed.rs), built without
# fuzzing instrumentation.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
captures="${1:-$here/../../shared/captures/dev}"
if [ ! -d "$captures" ]; then
    echo "seed.sh: no capture directory at $captures" >&2
    exit 1
fi
captures="$(cd "$captures" && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"
cd "$here"
cargo run --quiet --release --example seed -- "$captures" "$here/corpus"
