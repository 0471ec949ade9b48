#!/usr/bin/env bash
# Queues a plan's blocks, or a batch of scenes, on Slurm as a job array (train_blocks.sbatch, one
# task per block or scene) and one job after the array; prints the two job ids.
# - PLAN (a `splatlift partition` folder): merge_blocks.sbatch with --dependency=afterok, since a
#   merge needs every block.
# - SCENES.txt (a scene list: one scene folder per line, `#` comments; scripts/scene_job.py): every
#   scene trained into OUT/<name> with TRAIN_ARGS and evaluated, then summarize_scenes.sbatch with
#   --dependency=afterany, so the summary table (OUT/summary.md, .json) also shows failed scenes.
# Resubmitting after a failure or `scancel` continues: finished blocks or scenes are skipped,
# interrupted ones resume from their checkpoints.
# Usage: SPLATLIFT=/path/to/splatlift scripts/slurm/submit_blocks.sh PLAN [sbatch options]
#        SPLATLIFT=... scripts/slurm/submit_blocks.sh SCENES.txt --out OUT [--train-args="-r 2"] [sbatch options]
set -euo pipefail
usage="usage: submit_blocks.sh PLAN [sbatch options] | SCENES.txt --out OUT [--train-args=\"...\"] [sbatch options]"
source=${1:?$usage}; shift
here=$(dirname "$(readlink -f "$0")")
export SPLATLIFT=${SPLATLIFT:-$(readlink -f "$here/../../.build/release/splatlift")}
export SPLATLIFT_SCRIPTS=$(readlink -f "$here/..")
[ -e "$source" ] || { echo "error: $source: no such plan folder or scene list" >&2; exit 1; }

if [ -d "$source" ]; then
  plan=$(readlink -f "$source")
  [ -f "$plan/plan.json" ] || { echo "error: $plan: no plan.json (write one with splatlift partition)" >&2; exit 1; }
  count=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["blocks"]))' "$plan/plan.json")
  mkdir -p "$plan/runs"
  array=$(sbatch --parsable --export=ALL --chdir="$plan/runs" --array=0-$((count - 1)) "$@" "$here/train_blocks.sbatch" "$plan")
  after=$(sbatch --parsable --export=ALL --chdir="$plan/runs" --dependency=afterok:"$array" "$@" "$here/merge_blocks.sbatch" "$plan")
  echo "$array $after"
  exit 0
fi

out="" train_args=""
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=${2:?--out needs a folder}; shift 2 ;;
    --out=*) out=${1#--out=}; shift ;;
    --train-args) train_args=${2?--train-args needs a value}; shift 2 ;;
    --train-args=*) train_args=${1#--train-args=}; shift ;;
    *) break ;;
  esac
done
[ -n "$out" ] || { echo "error: $source is a scene list: give --out OUT for the models" >&2; exit 1; }
count=$(python3 "$SPLATLIFT_SCRIPTS/scene_job.py" --write "$source" --out "$out" --train-args="$train_args")
out=$(readlink -f "$out")
array=$(sbatch --parsable --export=ALL --chdir="$out/runs" --job-name=splatlift-scene --array=0-$((count - 1)) "$@" "$here/train_blocks.sbatch" "$out")
after=$(sbatch --parsable --export=ALL --chdir="$out/runs" --dependency=afterany:"$array" "$@" "$here/summarize_scenes.sbatch" "$out")
echo "$array $after"
