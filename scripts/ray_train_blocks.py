#!/usr/bin/env python3
"""Trains the blocks of a `splatlift partition` plan on Ray, then merges them; or trains and
evaluates a batch of scenes on Ray, then writes one summary table.

Plan: one Ray task per block, each reserving --cpus-per-task CPUs (and training with as many
threads); a failed or killed block is retried (--retries) and continues from its checkpoint. When
every block has finished, `splatlift merge PLAN` runs here. Writes PLAN/runs/ray.json (per block:
wall and CPU seconds, peak memory, host, how it ran) and prints the same table.

Scene list (a text file instead of a plan folder: one scene folder per line, `#` comments; see
scene_job.py): one Ray task per scene, `splatlift train SCENE --out OUT/<name> TRAIN_ARGS` then
`splatlift eval OUT/<name>`, with the same CPUs and retries (a killed scene resumes from its
checkpoint). Then batch_summary.py's table of all scenes (OUT/summary.md, OUT/summary.json); the
exit status is 1 when a scene failed.

Ray is the cluster in RAY_ADDRESS, or a local one this script starts (and stops) with --local-cpus CPUs.

Usage: ray_train_blocks.py PLAN [--cpus-per-task 1] [--retries 2] [--splatlift BIN] [--no-merge]
       ray_train_blocks.py SCENES.txt --out OUT [--train-args="-r 2 --iterations 3000"] [--cpus-per-task 1] [--retries 2]
Needs `pip install ray` (docs/SCALE.md).
"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from batch_summary import summarize  # noqa: E402
from block_job import default_splatlift, load_plan, run_block  # noqa: E402
from scene_job import BatchError, run_scene, write_batch  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", metavar="PLAN|SCENES.txt",
                        help="plan folder written by `splatlift partition`, or a scene list file")
    parser.add_argument("--out", help="batch folder for a scene list (a model folder per scene)")
    parser.add_argument("--train-args", default="", help='`splatlift train` options for every scene, as one string')
    parser.add_argument("--cpus-per-task", "--cpus-per-block", dest="cpus", type=int, default=1,
                        help="CPUs a block's or scene's task reserves and trains with")
    parser.add_argument("--retries", type=int, default=2, help="times a failed block or scene is run again")
    parser.add_argument("--local-cpus", type=int, default=os.cpu_count(), help="CPUs of the local Ray (no RAY_ADDRESS)")
    parser.add_argument("--splatlift", default=default_splatlift())
    parser.add_argument("--no-merge", action="store_true")
    args = parser.parse_args()
    if not os.path.exists(args.source):
        sys.exit(f"error: {args.source}: no such plan folder or scene list")
    args.batch = os.path.isfile(args.source)
    if args.batch and not args.out:
        parser.error(f"{args.source} is a scene list: give --out OUT for the models")
    if not args.batch and (args.out or args.train_args):
        parser.error(f"--out and --train-args are for a scene list; {args.source} is a plan "
                     "(its training options are in plan.json, the merge goes to PLAN/merged)")
    return args


def start_ray(args):
    try:
        import ray
    except ImportError:
        sys.exit("error: ray is not installed (pip install ray)")
    address = os.environ.get("RAY_ADDRESS")
    if address:
        ray.init(address=address)
    else:
        ray.init(num_cpus=args.local_cpus, include_dashboard=False)
    return ray


def train_plan(args):
    plan = load_plan(args.source)
    ray = start_ray(args)

    @ray.remote(num_cpus=args.cpus, max_retries=args.retries, retry_exceptions=True)
    def train(index):
        return run_block(plan, index, args.splatlift, args.cpus)

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
            sys.exit(f"error: {args.source}: splatlift merge failed")
        summary["merge"] = {"seconds": round(time.time() - merge_start, 1), "peak_mb": round(usage.ru_maxrss / 1024, 1)}
    os.makedirs(os.path.join(args.source, "runs"), exist_ok=True)
    with open(os.path.join(args.source, "runs", "ray.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(f"{'block':12} {'run':8} {'seconds':>8} {'CPU s':>8} {'peak MB':>8}  host")
    for r in records:
        print(f"{r['block']:12} {r['run']:8} {r['seconds']:8.1f} {r['cpu_seconds']:8.1f} {r['peak_mb']:8.1f}  {r['host']}")
    print(f"blocks wall time {blocks_seconds} s" + (f"; merge {summary['merge']['seconds']} s, "
                                                    f"{summary['merge']['peak_mb']} MB" if "merge" in summary else ""))


def last_line(error):
    """The last line of a Ray task error (its traceback ends with the exception's message)."""
    lines = [line.strip() for line in str(getattr(error, "cause", None) or error).splitlines() if line.strip()]
    return lines[-1] if lines else type(error).__name__


def train_batch(args):
    try:
        batch = write_batch(args.source, args.out, args.train_args)
    except BatchError as error:
        sys.exit(f"error: {error}")
    ray = start_ray(args)

    @ray.remote(num_cpus=args.cpus, max_retries=args.retries, retry_exceptions=True)
    def scene(index):
        return run_scene(batch, index, args.splatlift, args.cpus)

    start = time.time()
    tasks = [scene.remote(i) for i in range(len(batch["scenes"]))]
    errors = {}
    for entry, task in zip(batch["scenes"], tasks):
        try:
            ray.get(task)
        except Exception as error:  # a task that failed all its retries; the summary shows it
            errors[entry["name"]] = last_line(error)
    ray.shutdown()
    summary, table = summarize(batch["out"], errors)
    print(table, end="")
    print(f"{summary['ok']} of {len(summary['scenes'])} scenes ok in {time.time() - start:.1f} s; "
          f"wrote {batch['out']}/summary.md and summary.json")
    sys.exit(1 if summary["failed"] else 0)


def main():
    args = parse_args()
    if not os.access(args.splatlift, os.X_OK):
        sys.exit(f"error: {args.splatlift}: no splatlift binary (swift build -c release, or --splatlift / SPLATLIFT)")
    if args.batch:
        train_batch(args)
    else:
        train_plan(args)


if __name__ == "__main__":
    main()
