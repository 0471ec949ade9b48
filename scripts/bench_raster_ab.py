#!/usr/bin/env python3
"""Side-by-side `splatlift bench raster` of two binaries on the same machine, in one run.

The machine is shared and its speed drifts, so only ratios measured side by side mean anything:
the binaries run alternately (A, B, A, B, ...) --rounds times, each `bench raster --json` with
its own --repeat timed runs after a warm-up, and the table gives, per stage, the minimum and the
median over the rounds of each round's median, and the ratio A/B of both.

    scripts/bench_raster_ab.py OLD_BINARY NEW_BINARY [--rounds 3] [--repeat 5] [-- more bench raster args]

Example (docs/PERFORMANCE.md):
    scripts/bench_raster_ab.py /work/runs/splatlift-speed-base .build/release/splatlift --rounds 5
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

STAGES = ["project", "bin", "forward", "backward", "backwardRaster", "backwardProject",
          "forwardPlusBackward", "total", "cpuProject", "cpuBin", "cpuForward", "cpuBackward",
          "cpuBackwardRaster", "cpuBackwardProject"]


def run(binary, repeat, extra):
    cmd = [binary, "bench", "raster", "--json", "--repeat", str(repeat)] + extra
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    line = [l for l in out.splitlines() if l.startswith("{")][-1]
    return json.loads(line)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("a", help="the old binary (e.g. today's main)")
    p.add_argument("b", help="the new binary")
    p.add_argument("--rounds", type=int, default=3, help="alternating runs of each binary")
    p.add_argument("--repeat", type=int, default=5, help="timed runs inside each bench raster")
    args, extra = p.parse_known_args()
    args.extra = [x for x in extra if x != "--"]
    results = {"a": [], "b": []}
    loads = []
    for r in range(args.rounds):
        for key, binary in (("a", args.a), ("b", args.b)):
            # The old binary may not know --no-roofline; the new one is told to skip the roofline.
            extra = list(args.extra)
            if key == "b":
                extra.append("--no-roofline")
            res = run(binary, args.repeat, extra)
            results[key].append(res)
            loads.append(res.get("loadAverage1m", 0))
            print(f"round {r + 1} {key}: forward {res['medianMilliseconds']['forward']:.1f} ms, "
                  f"backward {res['medianMilliseconds']['backward']:.1f} ms, load {res.get('loadAverage1m', 0):.2f}",
                  file=sys.stderr)
    a0 = results["a"][0]
    print(f"{a0['gaussians']} Gaussians, {a0['width']}x{a0['height']}, 3 + {a0['channels']} channels, "
          f"{a0['threads']} threads; {args.rounds} alternating rounds x {args.repeat} timed runs; "
          f"load average {min(loads):.2f}-{max(loads):.2f}")
    print(f"evaluations per view: forward A {a0['forwardEvaluations']} B {results['b'][0]['forwardEvaluations']}, "
          f"backward A {a0['backwardEvaluations']} B {results['b'][0]['backwardEvaluations']}")
    print("| stage (ms) | A min | A median | B min | B median | A/B (min) | A/B (median) |")
    print("|---|---|---|---|---|---|---|")
    for s in STAGES:
        a = [r["medianMilliseconds"][s] for r in results["a"]]
        b = [r["medianMilliseconds"][s] for r in results["b"]]
        am, amed, bm, bmed = min(a), statistics.median(a), min(b), statistics.median(b)
        print(f"| {s} | {am:.1f} | {amed:.1f} | {bm:.1f} | {bmed:.1f} | {am / bm:.2f}x | {amed / bmed:.2f}x |")


if __name__ == "__main__":
    main()
