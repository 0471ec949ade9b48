#!/usr/bin/env python3
"""Trains and evaluates one scene of a batch; shared by the Ray and Slurm runners (docs/SCALE.md).

A batch is a list of scene folders: a text file, one folder per line, blank lines and `#` comments
skipped, relative paths taken from the list file's folder. Every scene is trained with the same
options into OUT/<folder name>. `--write` checks the list and writes OUT/batch.json (per scene: the
folder, the model folder, the `splatlift` arguments that train, resume and evaluate it); the runners
then run one scene per index:

- `splatlift train SCENE --out OUT/<name> TRAIN_ARGS`, as block_job.py runs a block: skipped when
  the model holds the point cloud of its cfg.json iterations, continued with `--resume` when it has a
  checkpoint (a killed attempt), started again with `--overwrite` when it has a model but no checkpoint;
- `splatlift eval OUT/<name>` (metrics in OUT/<name>/metrics.json), with `--gt SCENE/gt_instance`
  when the scene has ground truth and the model was trained with masks; skipped when metrics.json
  already scores the final point cloud.

Every attempt is appended to OUT/runs/scenes/<name>.json with the scene's status ("ok" or "failed")
and a failure's one-line reason; batch_summary.py builds the table from those and the model folders.
A failed attempt exits non-zero (raises under Ray), so the runners retry it.

Usage: scene_job.py --write LIST --out OUT [--train-args="-r 2 --iterations 3000"]  (prints the scene count)
       scene_job.py OUT INDEX [--splatlift BIN] [--threads N]   (runs scene INDEX, prints its record as JSON)
"""
import argparse
import json
import os
import shlex
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from block_job import default_splatlift, run_job, run_splatlift  # noqa: E402


class BatchError(Exception):
    """A problem with the scene list or the batch folder, as one line naming the file."""


def read_scene_list(path):
    """[(name, absolute scene folder)] of a scene list; BatchError naming the file (and line) when
    it cannot be read, lists nothing, names a missing folder or two folders of the same name."""
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise BatchError(f"{path}: cannot read the scene list ({getattr(error, 'strerror', None) or error})")
    base = os.path.dirname(os.path.abspath(path))
    scenes, seen = [], {}
    for number, line in enumerate(lines, 1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        folder = os.path.normpath(os.path.join(base, os.path.expanduser(entry)))
        if not os.path.isdir(folder):
            raise BatchError(f"{path}:{number}: {folder}: no such scene folder")
        name = os.path.basename(folder)
        if name in seen:
            raise BatchError(f"{path}:{number}: scene name '{name}' is also line {seen[name]}'s; "
                             "models go to OUT/<folder name>, so every scene needs its own folder name")
        seen[name] = number
        scenes.append((name, folder))
    if not scenes:
        raise BatchError(f"{path}: lists no scene folder (one folder per line, # comments)")
    return scenes


def write_batch(list_path, out, train_args=""):
    """Checks the list and writes OUT/batch.json; returns the batch."""
    arguments = shlex.split(train_args)
    for reserved in ("--out", "--resume", "--overwrite"):
        if any(a == reserved or a.startswith(reserved + "=") for a in arguments):
            raise BatchError(f"--train-args: {reserved} is set by the runner, not in --train-args")
    out = os.path.abspath(out)
    scenes = []
    for name, folder in read_scene_list(list_path):
        model = os.path.join(out, name)
        scenes.append({"name": name, "scene": folder, "model": model,
                       "command": ["train", folder, "--out", model] + arguments,
                       "resumeCommand": ["train", folder, "--out", model, "--resume"],
                       "evalCommand": ["eval", model]})
    batch = {"list": os.path.abspath(list_path), "out": out, "trainArgs": arguments, "scenes": scenes}
    os.makedirs(os.path.join(out, "runs", "scenes"), exist_ok=True)
    write_json(os.path.join(out, "batch.json"), batch)
    return batch


def load_batch(out):
    path = os.path.join(out, "batch.json")
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as error:
        raise BatchError(f"{path}: cannot read the batch ({getattr(error, 'strerror', None) or error}; "
                         "scene_job.py --write LIST --out OUT writes it)")


def write_json(path, value):
    """Writes JSON atomically (a reader never sees half a file)."""
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w") as f:
        json.dump(value, f, indent=1)
    os.replace(temporary, path)


def final_point_cloud(model):
    """The point cloud a finished run of `model` leaves (its cfg.json iterations), or None."""
    try:
        with open(os.path.join(model, "cfg.json")) as f:
            iterations = json.load(f)["iterations"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return os.path.join(model, "point_cloud", f"iteration_{iterations}", "point_cloud.ply")


def eval_arguments(scene):
    """`splatlift eval MODEL`, with `--gt SCENE/gt_instance` for a segmented model of a scene with GT."""
    gt = os.path.join(scene["scene"], "gt_instance")
    segmented = os.path.exists(os.path.join(scene["model"], "lift.json"))
    return scene["evalCommand"] + (["--gt", gt] if segmented and os.path.isdir(gt) else [])


def evaluated(model, point_cloud):
    """Whether metrics.json is newer than the final point cloud (eval already scored it)."""
    metrics = os.path.join(model, "metrics.json")
    return os.path.exists(metrics) and os.path.getmtime(metrics) >= os.path.getmtime(point_cloud)


def record_path(batch, name):
    return os.path.join(batch["out"], "runs", "scenes", f"{name}.json")


def run_scene(batch, index, splatlift, threads=0):
    """Trains and evaluates scene `index`, appends the attempt to its record and returns the record;
    raises RuntimeError (naming the scene and the reason) on a failed attempt, so runners retry."""
    scene = batch["scenes"][index]
    path = record_path(batch, scene["name"])
    try:
        with open(path) as f:
            record = json.load(f)
    except (OSError, ValueError):
        record = {"name": scene["name"], "scene": scene["scene"], "model": scene["model"], "attempts": []}
    attempt = {"host": os.uname().nodename, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    record["attempts"].append(attempt)
    try:
        job = dict(scene, pointCloud=final_point_cloud(scene["model"]))
        train = run_job(job, splatlift, threads, label="scene")
        attempt["train"] = {k: train[k] for k in ("run", "seconds", "cpu_seconds", "peak_mb")}
        point_cloud = final_point_cloud(scene["model"])
        if point_cloud is None or not os.path.exists(point_cloud):
            raise RuntimeError(f"{scene['name']}: splatlift train ended without {point_cloud or 'cfg.json'}")
        if evaluated(scene["model"], point_cloud):
            attempt["eval"] = {"run": "done"}
        else:
            result = run_splatlift(splatlift, eval_arguments(scene), scene["model"])
            attempt["eval"] = dict(result, run="eval")
            if result["status"] != 0:
                raise RuntimeError(f"{scene['name']}: {result['reason']}")
        record.update(status="ok", reason="")
    except RuntimeError as error:
        record.update(status="failed", reason=str(error))
        raise
    finally:
        write_json(path, record)
    return record


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", help="batch folder (holds batch.json)")
    parser.add_argument("index", nargs="?", type=int)
    parser.add_argument("--write", metavar="LIST", help="scene list to turn into OUT/batch.json")
    parser.add_argument("--out", dest="write_out", metavar="OUT")
    parser.add_argument("--train-args", default="", help='`splatlift train` options for every scene, as one string')
    parser.add_argument("--splatlift", default=default_splatlift())
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    try:
        if args.write:
            if not args.write_out:
                parser.error("--write LIST needs --out OUT")
            print(len(write_batch(args.write, args.write_out, args.train_args)["scenes"]))
            return
        if args.out is None or args.index is None:
            parser.error("give OUT INDEX, or --write LIST --out OUT")
        batch = load_batch(args.out)
        if not 0 <= args.index < len(batch["scenes"]):
            raise BatchError(f"{args.out}: scene index {args.index} is outside 0..{len(batch['scenes']) - 1}")
        record = run_scene(batch, args.index, args.splatlift, args.threads)
        print(json.dumps(dict(record["attempts"][-1], scene=record["name"])), flush=True)
    except (BatchError, RuntimeError) as error:
        sys.exit(f"error: {error}")


if __name__ == "__main__":
    main()
