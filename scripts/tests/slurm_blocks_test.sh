#!/usr/bin/env bash
# scripts/slurm/ on a real single-node Slurm: installs Debian's slurm-wlm and munge when missing,
# starts munged, slurmctld and slurmd on this machine with a throwaway configuration, runs the tests
# below, and stops the daemons it started. Needs root (apt-get, daemons) and a release build. Not
# part of `swift test` (docs/SCALE.md).
# - blocks: a tiny SplatSynth scene's 1x2 plan (submit_blocks.sh: job array + afterok merge), block
#   0 cancelled mid-run (scancel), resubmitted (block 0 resumes from its checkpoint, block 1 is
#   skipped); the merged point cloud equals one trained without interruption.
# - scenes: a batch of two tiny scenes and a folder that is no scene (submit_blocks.sh SCENES.txt:
#   job array + afterany summary); the first scene's `splatlift train` SIGKILLed after its first
#   checkpoint, the array task's next attempt resumes it to the uninterrupted point cloud, and the
#   summary table lists both scenes' metrics and the broken folder as failed with its reason.
# Usage: bash scripts/tests/slurm_blocks_test.sh [blocks|scenes|all]   (default all)
#        SLURM_PLAN=PLAN bash scripts/tests/slurm_blocks_test.sh   (trains and merges PLAN on this Slurm instead)
set -euo pipefail
which=${1:-all}
case $which in blocks|scenes|all) ;; *) echo "usage: slurm_blocks_test.sh [blocks|scenes|all]" >&2; exit 2 ;; esac
root=$(cd "$(dirname "$0")/../.." && pwd)
export SPLATLIFT=${SPLATLIFT:-$root/.build/release/splatlift}
[ -x "$SPLATLIFT" ] || { echo "error: $SPLATLIFT: build first (swift build -c release)" >&2; exit 1; }
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

work=$(mktemp -d /tmp/splatlift-slurm.XXXXXX)
chmod 755 "$work"   # munged's socket must be reachable
host=$(hostname -s)
mkdir -p "$work/state" "$work/spool" "$work/munge"
export SLURM_CONF=$work/slurm.conf
cat > "$SLURM_CONF" <<CONF
ClusterName=splatlift
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT
[ -f /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
munged --foreground --force --socket="$work/munge/socket" --pid-file="$work/munge/pid" \
       --log-file="$work/munge/log" --seed-file="$work/munge/seed" > "$work/munged.out" 2>&1 & pids+=($!)
sleep 1
slurmctld -D -f "$SLURM_CONF" > "$work/slurmctld.out" 2>&1 & pids+=($!)
sleep 2
slurmd -D -f "$SLURM_CONF" > "$work/slurmd.out" 2>&1 & pids+=($!)
for _ in $(seq 60); do sinfo -h -o %t 2>/dev/null | grep -q idle && break; sleep 1; done
sinfo

if [ -n "${SLURM_PLAN:-}" ]; then   # run a given plan through this Slurm instead of the test
  start=$(date +%s)
  read -r array merge < <(bash "$root/scripts/slurm/submit_blocks.sh" "$SLURM_PLAN")
  echo "submitted $SLURM_PLAN: array $array, merge $merge"
  while [ -n "$(squeue -h 2>/dev/null)" ]; do sleep 5; done
  cat "$SLURM_PLAN/runs/"slurm-block-*.jsonl
  echo "blocks and merge: $(( $(date +%s) - start )) s wall"
  exit 0
fi

blocks_test() {
  "$SPLATLIFT" synth --preset tiny --seed 6 --out "$work/scene" >/dev/null
  for name in reference slurm; do
    "$SPLATLIFT" partition "$work/scene" --blocks 1x2 --min-cameras 4 --iterations 400 \
        --train-args="--checkpoint-every 40 --threads 1" --out "$work/$name" >/dev/null
  done
  for i in 0 1; do python3 "$root/scripts/block_job.py" "$work/reference" $i >/dev/null; done
  "$SPLATLIFT" merge "$work/reference" >/dev/null

  read -r array merge < <(bash "$root/scripts/slurm/submit_blocks.sh" "$work/slurm")
  echo "submitted array $array, merge $merge"
  for _ in $(seq 600); do [ -f "$work/slurm/models/block_0_0/checkpoint.bin" ] && break; sleep 0.1; done
  scancel "${array}_0"
  echo "scancel ${array}_0 after its first checkpoint"
  sleep 2
  scancel "$merge"   # its afterok dependency can no longer be met
  for _ in $(seq 600); do [ -z "$(squeue -h -j "$array" 2>/dev/null)" ] && break; sleep 1; done
  [ -f "$work/slurm/models/block_0_0/point_cloud/iteration_400/point_cloud.ply" ] \
    && { echo "FAIL: block 0 finished before scancel" >&2; exit 1; }

  read -r array merge < <(bash "$root/scripts/slurm/submit_blocks.sh" "$work/slurm")
  echo "resubmitted: array $array, merge $merge"
  for _ in $(seq 900); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 1; done
  cat "$work/slurm/runs/"slurm-block-*.jsonl
  ply=merged/point_cloud/iteration_400/point_cloud.ply
  if cmp -s "$work/reference/$ply" "$work/slurm/$ply" && grep -q '"run": "resume"' "$work/slurm/runs/slurm-block-0.jsonl"; then
    echo "PASS: block 0 resumed after scancel; merged point cloud identical to the uninterrupted run ($work)"
  else
    echo "FAIL: see $work" >&2; exit 1
  fi
}

scenes_test() {
  local batch=$work/batch iterations=120
  for seed in 6 7; do "$SPLATLIFT" synth --preset tiny --seed $seed --out "$work/tiny-$seed" >/dev/null; done
  mkdir -p "$work/broken"
  printf '# two tiny scenes and a folder that holds none\ntiny-6\ntiny-7\nbroken\n' > "$work/scenes.txt"
  local train_args="--iterations $iterations --checkpoint-every 20"
  "$SPLATLIFT" train "$work/tiny-6" --out "$work/tiny-6-reference" $train_args --threads 1 >/dev/null
  local start=$(date +%s)
  read -r array summary < <(bash "$root/scripts/slurm/submit_blocks.sh" "$work/scenes.txt" --out "$batch" \
                              --train-args="$train_args")
  echo "submitted scenes: array $array, summary $summary (afterany)"
  for _ in $(seq 3000); do [ -f "$batch/tiny-6/checkpoint.bin" ] && break; sleep 0.02; done
  local pid=$(pgrep -n -f -- "splatlift train $work/tiny-6 --out $batch/tiny-6 ")
  [ -n "$pid" ] || { echo "FAIL: tiny-6 finished before it could be killed" >&2; exit 1; }
  kill -9 "$pid"
  echo "SIGKILLed tiny-6's splatlift train ($pid) after its first checkpoint"
  for _ in $(seq 900); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 1; done
  echo "scenes and summary: $(( $(date +%s) - start )) s wall"
  cat "$batch/runs/"splatlift-summary-*.out
  local ply=point_cloud/iteration_$iterations/point_cloud.ply
  if cmp -s "$work/tiny-6-reference/$ply" "$batch/tiny-6/$ply" && python3 - "$batch/summary.json" <<'PY'
import json, sys
rows = {r["scene"]: r for r in json.load(open(sys.argv[1]))["scenes"]}
assert list(rows) == ["tiny-6", "tiny-7", "broken"], rows
assert all(rows[n]["status"] == "ok" and rows[n]["gaussians"] > 0 and "miou" in rows[n] for n in ("tiny-6", "tiny-7")), rows
assert rows["tiny-6"]["resumed"] and not rows["tiny-7"]["resumed"], rows
assert rows["broken"]["status"] == "failed" and "splatlift train exited with 1: Error:" in rows["broken"]["reason"], rows
PY
  then
    echo "PASS: tiny-6 resumed after SIGKILL to the uninterrupted point cloud; summary has both scenes and the broken one failed ($work)"
  else
    echo "FAIL: see $work" >&2; exit 1
  fi
}

case $which in
  blocks) blocks_test ;;
  scenes) scenes_test ;;
  all) blocks_test; scenes_test ;;
esac
