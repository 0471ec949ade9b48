#!/usr/bin/env python3
"""Frame time of `splatlift view` in headless Chromium (software GL, SwiftShader): opens the page
on MODEL (a model folder or a 3DGS PLY) at WIDTHxHEIGHT, and prints the mean draw time over
--frames redraws at the first scene camera (each waits for the GL to finish) and the depth sort
alone in a fresh Web Worker for the same view.

    scripts/bench_viewer.py MODEL [--size 1280x720] [--frames 10]
    scripts/bench_viewer.py --random 100000 [--size 1280x720]   # a PLY of random Gaussians

A benchmark, not a test: it asserts nothing. Needs the release binary, chromium, chromium-driver
and selenium (scripts/setup.sh installs them).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tests"))
from test_viewer import chromium, settle, wait_ready  # noqa: E402

# The depth sort alone: a fresh sort worker with the page's positions sorts the first camera's
# view six times (the first run warms the JIT up and is left out).
SORT_BENCHMARK = """
const done = arguments[arguments.length - 1];
const worker = new Worker("/app/sort-worker.js"), times = [];
worker.postMessage({positions: splatView.splats.positions});
const f = splatView.camera.forward, c = splatView.camera.center;
const view = [f[0], f[1], f[2], -(f[0] * c[0] + f[1] * c[1] + f[2] * c[2])];
worker.onmessage = (event) => { times.push(event.data.sortMs);
  if (times.length === 6) { worker.terminate(); done(times.slice(1)); } else worker.postMessage({view, token: 0}); };
worker.postMessage({view, token: 0});
"""

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def random_ply(path, count, seed=0):
    """A binary 3DGS PLY (SH degree 0) of `count` Gaussians in a 4-unit cube, viewed from its orbit."""
    rng = np.random.default_rng(seed)
    names = ["x", "y", "z", "nx", "ny", "nz", "f_dc_0", "f_dc_1", "f_dc_2", "opacity",
             "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3"]
    data = np.zeros((count, len(names)), dtype="<f4")
    data[:, 0:3] = rng.uniform(-2, 2, (count, 3))
    data[:, 6:9] = rng.normal(0, 1, (count, 3))
    data[:, 9] = rng.uniform(-2, 3, count)
    data[:, 10:13] = np.log(rng.uniform(0.01, 0.05, (count, 3)))
    data[:, 13:17] = rng.normal(0, 1, (count, 4))
    header = "ply\nformat binary_little_endian 1.0\nelement vertex %d\n%send_header\n" % (
        count, "".join(f"property float {n}\n" for n in names))
    with open(path, "wb") as f:
        f.write(header.encode())
        f.write(data.tobytes())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", nargs="?")
    parser.add_argument("--random", type=int, help="benchmark a PLY of this many random Gaussians instead")
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--frames", type=int, default=10)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "splatlift"))
    args = parser.parse_args()
    width, height = map(int, args.size.split("x"))
    model = args.model
    if args.random:
        model = os.path.join(tempfile.mkdtemp(prefix="bench-viewer-"), f"random-{args.random}.ply")
        random_ply(model, args.random)
    if not model:
        parser.error("give MODEL or --random N")

    server = subprocess.Popen([args.binary, "view", model, "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        url = re.search(r"http://\S+", line).group(0)
        driver = chromium(width + 400, height + 200)
        try:
            start = time.time()
            state = wait_ready(driver, url, timeout=600)
            if not state.get("ok"):
                sys.exit(f"the page did not start: {state}")
            load_s = time.time() - start
            driver.execute_script(f"splatView.setSize({width}, {height});")
            settle(driver)
            info = driver.execute_script("return {n: splatView.splats.count, drawn: splatView.renderer.drawCount, "
                                         "renderer: splatView.renderer.gl.getParameter(splatView.renderer.gl.RENDERER)};")
            frame = driver.execute_script(f"return splatView.benchmark({args.frames});")
            sorts = driver.execute_async_script(SORT_BENCHMARK)
            print(f"{os.path.basename(model.rstrip('/'))}: {info['n']} Gaussians ({info['drawn']} drawn at the first camera), "
                  f"{width}x{height}, {info['renderer']}")
            print(f"  load + first frame {load_s:.1f} s; frame {frame:.1f} ms (mean of {args.frames}); "
                  f"sort alone {np.median(sorts):.1f} ms (median of {len(sorts)}; min {min(sorts):.1f}, max {max(sorts):.1f})")
        finally:
            driver.quit()
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
