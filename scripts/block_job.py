#!/usr/bin/env python3
"""Runs one block of a `splatlift partition` plan to completion; shared by the Ray and Slurm runners.

A block whose final point cloud exists is skipped; one with a checkpoint continues from it
(`train --resume`, bit-identical to an uninterrupted run); one whose folder holds a model without a
checkpoint starts again (`--overwrite`). Prints one JSON line: block, what ran, wall seconds, peak
resident memory of the `splatlift` process (MB), its CPU seconds, exit status. scene_job.py runs the
scenes of a batch with the same functions (block_arguments, run_job).

Usage: block_job.py PLAN BLOCK_INDEX [--splatlift BIN] [--threads N]
"""
import argparse
import json
import os
import subprocess
import sys
import time


def load_plan(path):
    plan_file = path if path.endswith(".json") else os.path.join(path, "plan.json")
    try:
        with open(plan_file) as f:
            return json.load(f)
    except (OSError, ValueError) as error:
        sys.exit(f"error: {plan_file}: cannot read the plan ({error})")


def block_arguments(block, threads):
    """The `splatlift` arguments that finish a job, and which kind of run they are. A job (a plan's
    block, or a scene of a batch, scene_job.py) names its `model` folder, its final `pointCloud`
    (None: not known to be finished), the `command` that trains it from scratch and the
    `resumeCommand` that continues it."""
    if block.get("pointCloud") and os.path.exists(block["pointCloud"]):
        return None, "done"
    if os.path.exists(os.path.join(block["model"], "checkpoint.bin")):
        return block["resumeCommand"], "resume"
    arguments = list(block["command"]) + (["--threads", str(threads)] if threads else [])
    if os.path.exists(os.path.join(block["model"], "cfg.json")):
        return arguments + ["--overwrite"], "restart"
    return arguments, "fresh"


def normal_priority():
    """Ray starts its workers at nice 15; a block's training runs at the normal priority where the
    system allows it (a cluster's CPUs reserved for the task are the block's anyway)."""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, 0)
    except PermissionError:
        pass


def last_line(path, start):
    """The last non-empty line written to the log `path` after byte offset `start` (the one-line
    error `splatlift` prints when it fails), or ''."""
    try:
        with open(path, "rb") as f:
            f.seek(start)
            lines = [line.strip() for line in f.read().decode(errors="replace").splitlines() if line.strip()]
    except OSError:
        return ""
    return lines[-1] if lines else ""


def run_splatlift(splatlift, arguments, model):
    """Runs `splatlift ARGUMENTS`, output appended to MODEL/runner.log; returns wall seconds, CPU
    seconds, peak MB (wait4), exit status and, when it failed, a one-line reason."""
    os.makedirs(model, exist_ok=True)
    log_path = os.path.join(model, "runner.log")
    start = time.time()
    with open(log_path, "a") as log:
        offset = log.tell()
        process = subprocess.Popen([splatlift] + arguments, stdout=log, stderr=subprocess.STDOUT,
                                   preexec_fn=normal_priority)
        _, status, usage = os.wait4(process.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    result = {"seconds": round(time.time() - start, 1), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
              "peak_mb": round(usage.ru_maxrss / 1024, 1), "status": code}
    if code != 0:
        how = f"killed by signal {-code}" if code < 0 else f"exited with {code}"
        detail = last_line(log_path, offset) if code > 0 else ""
        result["reason"] = f"splatlift {arguments[0]} {how}" + (f": {detail}" if detail else "") + f" (log: {log_path})"
    return result


def run_job(job, splatlift, threads=0, label="block"):
    """Trains a job (see block_arguments) to completion; returns its record, {label: name, run, ...}.
    Raises RuntimeError naming the job and the reason on a failed run, so runners retry."""
    arguments, kind = block_arguments(job, threads)
    record = {label: job["name"], "run": kind, "seconds": 0.0, "cpu_seconds": 0.0, "peak_mb": 0.0,
              "host": os.uname().nodename}
    if arguments is None:
        return record
    record.update(run_splatlift(splatlift, arguments, job["model"]))
    if record["status"] != 0:
        raise RuntimeError(f"{job['name']}: {record['reason']}")
    return record


def run_block(plan, index, splatlift, threads=0):
    """Trains block `index`; returns its record (raises on a failed run, so runners retry)."""
    return run_job(plan["blocks"][index], splatlift, threads)


def default_splatlift():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.environ.get("SPLATLIFT", os.path.join(os.path.dirname(here), ".build", "release", "splatlift"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan")
    parser.add_argument("index", type=int)
    parser.add_argument("--splatlift", default=default_splatlift())
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    plan = load_plan(args.plan)
    if not 0 <= args.index < len(plan["blocks"]):
        sys.exit(f"error: {args.plan}: block index {args.index} is outside 0..{len(plan['blocks']) - 1}")
    try:
        print(json.dumps(run_block(plan, args.index, args.splatlift, args.threads)), flush=True)
    except RuntimeError as error:
        sys.exit(f"error: {error}")


if __name__ == "__main__":
    main()
