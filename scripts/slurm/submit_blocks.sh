#!/usr/bin/env bash
# Queues a plan's blocks as a Slurm job array (train_blocks.sbatch) and the merge as a job that
# depends on the whole array (merge_blocks.sbatch, afterok). Prints the two job ids.
# Resubmitting after a failure or `scancel` continues: finished blocks are skipped, interrupted
# ones resume from their checkpoints.
# Usage: SPLATLIFT=/path/to/splatlift scripts/slurm/submit_blocks.sh PLAN [extra sbatch options]
set -euo pipefail
plan=$(readlink -f "${1:?usage: submit_blocks.sh PLAN [sbatch options]}"); shift
here=$(dirname "$(readlink -f "$0")")
[ -f "$plan/plan.json" ] || { echo "error: $plan: no plan.json (write one with splatlift partition)" >&2; exit 1; }
export SPLATLIFT=${SPLATLIFT:-$(readlink -f "$here/../../.build/release/splatlift")}
export SPLATLIFT_SCRIPTS=$(readlink -f "$here/..")
count=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["blocks"]))' "$plan/plan.json")
mkdir -p "$plan/runs"
array=$(sbatch --parsable --export=ALL --chdir="$plan/runs" --array=0-$((count - 1)) "$@" "$here/train_blocks.sbatch" "$plan")
merge=$(sbatch --parsable --export=ALL --chdir="$plan/runs" --dependency=afterok:"$array" "$@" "$here/merge_blocks.sbatch" "$plan")
echo "$array $merge"
