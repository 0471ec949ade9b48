#!/usr/bin/env python3
"""The summary table of a batch of scenes (scene_job.py); both runners end with it.

One row per scene of OUT/batch.json, in list order: Gaussians (of the evaluated point cloud),
training seconds (train_log.jsonl: training time, continued across resumes, without loading and
evaluation), test PSNR and SSIM, and where eval scored segmentation the lifted ids' mIoU, F@0.5,
PQ^scene and mean boundary IoU (scene matching), each from OUT/<name>/metrics.json. A scene that
failed (or never ran) stays in the table as failed, with the one-line reason from
OUT/runs/scenes/<name>.json. The last row is the mean over the scenes that succeeded.

Prints the table as markdown and writes OUT/summary.md and OUT/summary.json; exits with 1 when a
scene failed (the summary is written all the same).

Usage: batch_summary.py OUT
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scene_job import BatchError, load_batch, record_path, write_json  # noqa: E402

# (key, column title, format) of the metrics columns.
COLUMNS = [("gaussians", "Gaussians", "{:.0f}"), ("train_seconds", "train s", "{:.1f}"),
           ("psnr", "PSNR", "{:.2f}"), ("ssim", "SSIM", "{:.4f}"),
           ("miou", "mIoU", "{:.3f}"), ("f_score", "F@0.5", "{:.3f}"),
           ("pq", "PQ^scene", "{:.3f}"), ("mbiou", "mBIoU", "{:.3f}")]
SEGMENTATION = ("miou", "f_score", "pq", "mbiou")


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def ply_vertices(path):
    """The vertex count in a PLY header, or None."""
    try:
        with open(path, "rb") as f:
            for line in f:
                if line.startswith(b"element vertex"):
                    return int(line.split()[2])
                if line.startswith(b"end_header"):
                    return None
    except (OSError, ValueError, IndexError):
        return None
    return None


def training_seconds(model):
    """The `seconds` of train_log.jsonl's last line, or None."""
    try:
        with open(os.path.join(model, "train_log.jsonl"), "rb") as f:
            lines = f.read().splitlines()
        return json.loads(lines[-1])["seconds"] if lines else None
    except (OSError, ValueError, KeyError, IndexError):
        return None


def scene_row(batch, scene, runner_error=None):
    """A scene's row: its metrics when it succeeded, else status "failed" and the reason."""
    record = read_json(record_path(batch, scene["name"]))
    row = {"scene": scene["name"], "folder": scene["scene"], "model": scene["model"],
           "attempts": len(record["attempts"]) if record else 0,
           "resumed": any(a.get("train", {}).get("run") == "resume" for a in (record or {}).get("attempts", []))}
    metrics = read_json(os.path.join(scene["model"], "metrics.json")) or {}
    rendering = metrics.get("rendering")
    if record is None or record.get("status") != "ok" or rendering is None:
        if record and record.get("status") == "failed":
            reason = record["reason"].removeprefix(scene["name"] + ": ")
        elif record and record.get("status") == "ok":
            reason = f"{scene['model']}/metrics.json has no test-view scores"
        else:
            reason = runner_error or f"never ran: no {record_path(batch, scene['name'])} (the job was cancelled " \
                                     "or its worker died)"
        return dict(row, status="failed", reason=reason)
    iteration = rendering["iteration"]
    row.update(status="ok", reason="", iteration=iteration, psnr=rendering["psnr"], ssim=rendering["ssim"],
               gaussians=ply_vertices(os.path.join(scene["model"], "point_cloud", f"iteration_{iteration}",
                                                   "point_cloud.ply")),
               train_seconds=training_seconds(scene["model"]))
    segmentation = metrics.get("segmentation")
    if segmentation:
        lifted = segmentation["report"]["prediction"]
        row.update(miou=lifted["meanIoU"], f_score=lifted["fScore"], pq=lifted["panoptic"]["pq"],
                   mbiou=lifted["meanBoundaryIoU"], gt_views=len(segmentation["views"]))
        masks = segmentation["report"].get("inputMasks")
        if masks:
            row["input_masks"] = {"miou": masks["meanIoU"], "f_score": masks["fScore"], "pq": masks["panoptic"]["pq"],
                                  "mbiou": masks["meanBoundaryIoU"]}
    return row


def mean_row(rows):
    """Means of every column over the successful scenes that have it (with how many had it)."""
    ok = [r for r in rows if r["status"] == "ok"]
    mean = {"scenes": len(ok)}
    for key, _, _ in COLUMNS:
        values = [r[key] for r in ok if r.get(key) is not None]
        if values:
            mean[key] = sum(values) / len(values)
            mean[key + "_scenes"] = len(values)
    return mean


def markdown(rows, mean):
    columns = [c for c in COLUMNS if c[0] not in SEGMENTATION or any(r.get(c[0]) is not None for r in rows)]

    def cells(values):
        return [fmt.format(values[key]) if values.get(key) is not None else "–" for key, _, fmt in columns]

    lines = ["| scene | status | " + " | ".join(title for _, title, _ in columns) + " |",
             "|---|---|" + "---:|" * len(columns)]
    for r in rows:
        status = "ok" + (" (resumed)" if r["resumed"] else "") if r["status"] == "ok" \
            else "failed: " + r["reason"].replace("|", "\\|")
        lines.append(f"| {r['scene']} | {status} | " + " | ".join(cells(r)) + " |")
    lines.append(f"| mean | {mean['scenes']} of {len(rows)} ok | " + " | ".join(cells(mean)) + " |")
    return "\n".join(lines) + "\n"


def summarize(out, runner_errors=None):
    """Builds, writes and returns (summary dict, markdown) for batch folder OUT. `runner_errors`
    ({scene name: reason}) are reasons the runner saw for scenes whose record does not say."""
    batch = load_batch(out)
    rows = [scene_row(batch, s, (runner_errors or {}).get(s["name"])) for s in batch["scenes"]]
    mean = mean_row(rows)
    summary = {"out": batch["out"], "list": batch["list"], "trainArgs": batch["trainArgs"],
               "ok": mean["scenes"], "failed": len(rows) - mean["scenes"], "scenes": rows, "mean": mean}
    table = markdown(rows, mean)
    write_json(os.path.join(batch["out"], "summary.json"), summary)
    with open(os.path.join(batch["out"], "summary.md"), "w") as f:
        f.write(table)
    return summary, table


def main():
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        sys.exit("usage: batch_summary.py OUT")
    try:
        summary, table = summarize(sys.argv[1])
    except BatchError as error:
        sys.exit(f"error: {error}")
    print(table, end="")
    print(f"wrote {summary['out']}/summary.md and summary.json")
    sys.exit(1 if summary["failed"] else 0)


if __name__ == "__main__":
    main()
