#!/usr/bin/env bash
# Runs the whole test suite in release mode (numeric kernels are ~100x slower in debug builds).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
swift test -c release "$@"
