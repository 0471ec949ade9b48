#!/usr/bin/env python3
"""Trains the blocks of a `splatlift partition` plan on Ray, then merges them.

One Ray task per block, each reserving --cpus-per-block CPUs (and training with as many threads);
a failed or killed block is retried (--retries) and continues from its checkpoint. Ray is the
cluster in RAY_ADDRESS, or a local one this script starts (and stops) with --local-cpus CPUs.
When every block has finished, `splatlift merge PLAN` runs here. Writes PLAN/runs/ray.json (per
block: wall and CPU seconds, peak memory, host, how it ran) and prints the same table.

Usage: ray_train_blocks.py PLAN [--cpus-per-block 1] [--retries 2] [--splatlift BIN] [--no-merge]
Needs `pip install ray` (docs/SCALE.md).
"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from block_job import default_splatlift, load_plan, run_block  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan", help="plan folder written by `splatlift partition`")
    parser.add_argument("--cpus-per-block", type=int, default=1)
    parser.add_argument("--retries", type=int, default=2, help="times a failed block is run again")
    parser.add_argument("--local-cpus", type=int, default=os.cpu_count(), help="CPUs of the local Ray (no RAY_ADDRESS)")
    parser.add_argument("--splatlift", default=default_splatlift())
    parser.add_argument("--no-merge", action="store_true")
    return parser.parse_args()


def main():
    args = parse_args()
    plan = load_plan(args.plan)
    if not os.access(args.splatlift, os.X_OK):
        sys.exit(f"error: {args.splatlift}: no splatlift binary (swift build -c release, or --splatlift / SPLATLIFT)")
    try:
        import ray
    except ImportError:
        sys.exit("error: ray is not installed (pip install ray)")

    address = os.environ.get("RAY_ADDRESS")
    if address:
        ray.init(address=address)
    else:
        ray.init(num_cpus=args.local_cpus, include_dashboard=False)

    @ray.remote(num_cpus=args.cpus_per_block, max_retries=args.retries, retry_exceptions=True)
    def train(index):
        return run_block(plan, index, args.splatlift, args.cpus_per_block)

    start = time.time()
    records = ray.get([train.remote(i) for i in range(len(plan["blocks"]))])
    blocks_seconds = round(time.time() - start, 1)
    ray.shutdown()

    summary = {"blocks": records, "blocks_wall_seconds": blocks_seconds}
    if not args.no_merge:
        merge_start = time.time()
        process = subprocess.Popen([args.splatlift] + plan["mergeCommand"])
        _, status, usage = os.wait4(process.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"error: {args.plan}: splatlift merge failed")
        summary["merge"] = {"seconds": round(time.time() - merge_start, 1), "peak_mb": round(usage.ru_maxrss / 1024, 1)}
    os.makedirs(os.path.join(args.plan, "runs"), exist_ok=True)
    with open(os.path.join(args.plan, "runs", "ray.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(f"{'block':12} {'run':8} {'seconds':>8} {'CPU s':>8} {'peak MB':>8}  host")
    for r in records:
        print(f"{r['block']:12} {r['run']:8} {r['seconds']:8.1f} {r['cpu_seconds']:8.1f} {r['peak_mb']:8.1f}  {r['host']}")
    print(f"blocks wall time {blocks_seconds} s" + (f"; merge {summary['merge']['seconds']} s, "
                                                    f"{summary['merge']['peak_mb']} MB" if "merge" in summary else ""))


if __name__ == "__main__":
    main()
