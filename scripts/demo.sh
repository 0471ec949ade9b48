#!/usr/bin/env bash
# Sets up (system packages), builds in release mode and runs the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product splatlift
.build/release/splatlift --help
