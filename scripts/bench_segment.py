#!/usr/bin/env python3
"""End to end against post-processing on one scene (Unified-Lift [SUPP] Tab. 1 and Fig. 5).

For every seed, from the same scene, masks and settings:
  1. end to end: `splatlift train` (Unified-Lift objective, SplatLift's default object pipeline),
     scored by `splatlift eval` twice over: the paper's inference (bare codebook argmax per pixel)
     and SplatLift's object ids; the input masks are scored on the same views;
  2. the post-processing baseline: `splatlift train --objective contrastive`, then
     `splatlift cluster --search FIRST:LAST:STEP --gt GT` (HDBSCAN's minimum cluster size chosen on
     the training masks; every size also scored on the ground truth, for the plot), then `eval`.

Times: pre-processing is 0 for every method (no mask pre-association); training is the train
command's wall time without the object pipeline it runs at its final save (timed again with
`splatlift group`); post-processing is that object pipeline (SplatLift), 0 for the bare argmax
(it is read off the render), and the cluster search (baseline).

Writes OUT/table.md and OUT/table.json (mean and spread over seeds) and OUT/fig5.png: PQ^scene of
the baseline against the minimum cluster size, the end-to-end results as horizontal lines. The
plot needs matplotlib (`pip install matplotlib`); without it the tables are still written.

A seed already measured in OUT (its seed-N/result.json exists) is read back, not run again, so
seeds can be added to a table over several runs (delete seed-N to measure it again).

Usage: scripts/bench_segment.py SCENE --out DIR [--seeds 1,2,3] [--iterations 3000] [-r 2]
       [--masks DIR] [--gt DIR] [--search 10:200:10] [--recluster] [--bin .build/release/splatlift]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROWS = [("bare", "end to end, bare argmax (paper)"), ("lifted", "end to end, SplatLift ids"),
        ("baseline", "contrastive + HDBSCAN (searched)"), ("masks", "input masks (per view)")]
METRICS = [("mIoU", "meanIoU"), ("F@0.5", "fScore"), ("PQ^scene", "pq"), ("mBIoU", "meanBoundaryIoU")]
TIMES = ["pre", "train", "post", "total"]


def run(command, log):
    """Runs a splatlift command, its output appended to `log`; returns the wall seconds."""
    start = time.monotonic()
    with open(log, "a") as out:
        out.write("$ " + " ".join(command) + "\n")
        out.flush()
        result = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        sys.exit(f"bench_segment: `{' '.join(command)}` failed (exit {result.returncode}); see {log}")
    return time.monotonic() - start


def scores(section):
    return {key: (section["panoptic"]["pq"] if field == "pq" else section[field]) for key, field in METRICS}


def segmentation_report(model):
    return json.load(open(os.path.join(model, "metrics.json")))["segmentation"]["report"]


def one_seed(args, seed, folder):
    os.makedirs(folder, exist_ok=True)
    log = os.path.join(folder, "commands.log")
    common = ["-r", str(args.resolution), "--iterations", str(args.iterations), "--seed", str(seed), "--overwrite"]
    if args.masks:
        common += ["--masks", args.masks]
    gt = ["--gt", args.gt] if args.gt else []
    end_to_end, baseline = os.path.join(folder, "end-to-end"), os.path.join(folder, "contrastive")

    previous = os.path.join(folder, "result.json")
    if args.recluster:
        if not os.path.isfile(previous):
            sys.exit(f"bench_segment: --recluster needs {previous} from an earlier run")
        times = json.load(open(previous))["seconds"]
        train, group, train_baseline = times["train"], times["group"], times["trainBaseline"]
    else:
        train = run([args.bin, "train", args.scene, "--out", end_to_end] + common, log)
        group = run([args.bin, "group", end_to_end], log)
        train_baseline = run([args.bin, "train", args.scene, "--out", baseline, "--objective", "contrastive"] + common, log)
    run([args.bin, "eval", end_to_end] + gt, log)
    report = segmentation_report(end_to_end)
    cluster = run([args.bin, "cluster", baseline, "--search", args.search,
                   "--gt", args.gt or os.path.join(args.scene, "gt_instance")], log)
    run([args.bin, "eval", baseline] + gt, log)
    search = json.load(open(os.path.join(baseline, "cluster_search.json")))

    trained = train - group
    return {
        "seed": seed,
        "seconds": {"train": train, "group": group, "trainBaseline": train_baseline, "cluster": cluster},
        "bare": dict(scores(report["ungroupedPrediction"]), pre=0, train=trained, post=0, total=trained),
        "lifted": dict(scores(report["prediction"]), pre=0, train=trained, post=group, total=train),
        "baseline": dict(scores(segmentation_report(baseline)["prediction"]), pre=0, train=train_baseline, post=cluster,
                         total=train_baseline + cluster, minClusterSize=search["chosen"]["minClusterSize"]),
        "masks": dict(scores(report["inputMasks"]), pre=0, train=0, post=0, total=0),
        "curve": [{"minClusterSize": t["minClusterSize"], "clusters": t["clusters"],
                   "trainingMasksPQ": t["trainingMasks"]["pq"], "groundTruthPQ": t["groundTruth"]["pq"]}
                  for t in search["trials"]],
    }


def spread(values):
    mean = statistics.fmean(values)
    return mean, (statistics.stdev(values) if len(values) > 1 else 0.0)


def table(results, args):
    seeds = [r["seed"] for r in results]
    lines = [f"Scene `{args.scene}`, -r {args.resolution}, {args.iterations} iterations, seeds {seeds} "
             f"(mean ± sample std; times in seconds on this machine).", "",
             "| method | " + " | ".join(k for k, _ in METRICS) + " | pre | train | post | total |",
             "|---|" + "---|" * (len(METRICS) + len(TIMES))]
    summary = {}
    for key, name in ROWS:
        cells, summary[key] = [], {}
        for column in [k for k, _ in METRICS] + TIMES:
            mean, std = spread([r[key][column] for r in results])
            summary[key][column] = {"mean": mean, "std": std}
            cells.append(f"{mean:.3f} ± {std:.3f}" if column not in TIMES else f"{mean:.0f} ± {std:.0f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    sizes = [r["baseline"]["minClusterSize"] for r in results]
    lines += ["", f"Baseline's searched minimum cluster size per seed: {sizes}."]
    return "\n".join(lines) + "\n", summary


def plot(results, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("bench_segment: matplotlib is not installed (pip install matplotlib); no plot written", file=sys.stderr)
        return
    figure, axes = plt.subplots(figsize=(6.4, 4.0), dpi=120)
    sizes = [p["minClusterSize"] for p in results[0]["curve"]]
    for r in results:
        axes.plot(sizes, [p["groundTruthPQ"] for p in r["curve"]], color="tab:blue", alpha=0.35, linewidth=1)
    mean = [statistics.fmean(r["curve"][i]["groundTruthPQ"] for r in results) for i in range(len(sizes))]
    axes.plot(sizes, mean, color="tab:blue", marker="o", markersize=3, label="contrastive + HDBSCAN")
    chosen = statistics.fmean(r["baseline"]["PQ^scene"] for r in results)
    axes.scatter([statistics.fmean(r["baseline"]["minClusterSize"] for r in results)], [chosen], color="tab:blue",
                 marker="*", s=120, zorder=3, label="baseline, searched size (masks)")
    for key, color, label in [("lifted", "tab:green", "end to end, SplatLift ids"),
                              ("bare", "tab:orange", "end to end, bare argmax (paper)"),
                              ("masks", "tab:gray", "input masks")]:
        axes.axhline(statistics.fmean(r[key]["PQ^scene"] for r in results), color=color, linestyle="--", label=label)
    axes.set_xlabel("HDBSCAN minimum cluster size")
    axes.set_ylabel("PQ$^{scene}$ (test views)")
    axes.set_ylim(0, 1)
    axes.set_title(os.path.basename(os.path.normpath(results[0]["scene"])) + f" ({len(results)} seed(s))")
    axes.legend(loc="best", fontsize=8)
    figure.tight_layout()
    figure.savefig(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scene")
    parser.add_argument("--out", required=True)
    parser.add_argument("--seeds", default="1")
    parser.add_argument("--iterations", type=int, default=3000)
    parser.add_argument("-r", "--resolution", type=int, default=2)
    parser.add_argument("--masks")
    parser.add_argument("--gt", help="ground-truth folder (default: SCENE/gt_instance)")
    parser.add_argument("--search", default="10:200:10")
    parser.add_argument("--recluster", action="store_true",
                        help="keep the trained models and times of an earlier run in OUT; cluster and score again")
    parser.add_argument("--bin", default=os.environ.get("SPLATLIFT", os.path.join(os.path.dirname(__file__), "..",
                                                                                   ".build", "release", "splatlift")))
    args = parser.parse_args()
    if not os.path.isfile(args.bin):
        sys.exit(f"bench_segment: no splatlift binary at {args.bin} (build with `swift build -c release` or pass --bin)")
    os.makedirs(args.out, exist_ok=True)
    results = []
    for seed in [int(s) for s in args.seeds.split(",")]:
        measured = os.path.join(args.out, f"seed-{seed}", "result.json")
        if os.path.isfile(measured) and not args.recluster:
            print(f"seed {seed}: read back from {measured}", flush=True)
            results.append(json.load(open(measured)))
            continue
        print(f"seed {seed}: training end to end and the contrastive baseline ...", flush=True)
        result = one_seed(args, seed, os.path.join(args.out, f"seed-{seed}"))
        result["scene"] = args.scene
        results.append(result)
        json.dump(result, open(measured, "w"), indent=2)
    markdown, summary = table(results, args)
    open(os.path.join(args.out, "table.md"), "w").write(markdown)
    json.dump({"scene": args.scene, "resolution": args.resolution, "iterations": args.iterations,
               "summary": summary, "seeds": results}, open(os.path.join(args.out, "table.json"), "w"), indent=2)
    plot(results, os.path.join(args.out, "fig5.png"))
    print(markdown)
    print(f"wrote {args.out}/table.md, table.json and fig5.png")


if __name__ == "__main__":
    main()
