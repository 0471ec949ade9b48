#!/usr/bin/env python3
"""Plots `splatlift bench raster --sweep --json` output: seconds per training step and resident bytes per
Gaussian against the number of Gaussians, one line per image size (docs/PERFORMANCE.md).

Usage: splatlift bench raster --sweep --json > sweep.json; python3 scripts/plot_sweep.py sweep.json OUT.png
Needs matplotlib (pip install matplotlib).
"""
import json
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-2])
    try:
        report = json.load(open(sys.argv[1]))
        points = report["points"]
    except (OSError, ValueError, KeyError) as error:
        sys.exit(f"plot_sweep: {sys.argv[1]}: not a `bench raster --sweep --json` report ({error})")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit("plot_sweep: matplotlib is not installed (pip install matplotlib)")
    sizes = sorted({(p["width"], p["height"]) for p in points}, key=lambda s: s[0] * s[1])
    figure, (time_axes, memory_axes) = plt.subplots(1, 2, figsize=(10, 4), dpi=110)
    for width, height in sizes:
        row = sorted((p for p in points if (p["width"], p["height"]) == (width, height)), key=lambda p: p["gaussians"])
        counts = [p["gaussians"] for p in row]
        time_axes.plot(counts, [p["secondsPerStep"] for p in row], marker="o", label=f"{width}×{height}")
        memory_axes.plot(counts, [p["bytesPerGaussian"] for p in row], marker="o", label=f"{width}×{height}")
    floor = points[0]["parameterAndAdamBytesPerGaussian"]
    memory_axes.axhline(floor, color="gray", linestyle=":", label=f"parameters + Adam ({floor} B)")
    memory_axes.axhline(1024, color="tab:red", linestyle="--", label="1 KB")
    time_axes.set(xscale="log", yscale="log", xlabel="Gaussians", ylabel="seconds per training step",
                  title=f"training step (RGB, SH 3), {report['threads']} thread(s)")
    memory_axes.set(xscale="log", yscale="log", xlabel="Gaussians", ylabel="peak resident bytes per Gaussian",
                    title="memory held by the run")
    for axes in (time_axes, memory_axes):
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(sys.argv[2])
    print(f"wrote {sys.argv[2]}")


if __name__ == "__main__":
    main()
