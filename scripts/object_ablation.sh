#!/usr/bin/env bash
# Runs the object pipeline of a trained model with each stage switched off in turn (and with the
# other candidate source), scores every variant with `splatlift eval`, and prints a markdown table
# (lifted mIoU / F@0.5 / PQ^scene / mBIoU, objects, seconds). The model folder is copied per variant.
# Usage: scripts/object_ablation.sh MODEL [GT_DIR]   (SPLATLIFT=path/to/splatlift to choose the binary)
set -euo pipefail
model=${1:?usage: object_ablation.sh MODEL [GT_DIR]}
gt=${2:-}
bin=${SPLATLIFT:-$(dirname "$0")/../.build/release/splatlift}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
variants=("default:" "masks:--candidates masks" "features:--candidates features" "no-entry-grouping:--no-entry-grouping"
          "no-voting:--no-voting" "no-mask-majority:--no-mask-majority" "no-splitting:--no-splitting")
echo "| variant | mIoU | F@0.5 | PQ^scene | mBIoU | objects | group s |"
echo "|---|---|---|---|---|---|---|"
for entry in "${variants[@]}"; do
  name=${entry%%:*}; options=${entry#*:}
  copy="$work/$name"; cp -r "$model" "$copy"
  start=$(date +%s%N)
  # shellcheck disable=SC2086
  "$bin" group "$copy" $options > /dev/null
  seconds=$(( ($(date +%s%N) - start) / 1000000000 ))
  "$bin" eval "$copy" ${gt:+--gt "$gt"} > /dev/null
  python3 - "$copy" "$name" "$seconds" <<'PY'
import json, sys
folder, name, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
p = json.load(open(folder + "/metrics.json"))["segmentation"]["report"]["prediction"]
objects = len(json.load(open(folder + "/objects.json"))["objects"])
print("| %s | %.3f | %.3f | %.3f | %.3f | %d | %.0f |" % (name, p["meanIoU"], p["fScore"], p["panoptic"]["pq"],
                                                       p["meanBoundaryIoU"], objects, seconds))
PY
  rm -rf "$copy"
done
