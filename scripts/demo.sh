#!/usr/bin/env bash
# Sets up (system packages), builds in release mode and runs the demo: a generated scene, joint
# RGB + segmentation training, evaluation, extract / remove / mesh of one object, report.
# Extra arguments go to `splatlift demo` (e.g. --out DIR, --iterations N).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product splatlift
.build/release/splatlift demo "$@"
