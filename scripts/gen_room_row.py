#!/usr/bin/env python3
"""A row of SplatSynth rooms as one scene folder, for block-partitioned training (docs/SCALE.md).

Generates --rooms SplatSynth rooms (`splatlift synth`, seeds 1..N) and places room k at
x = k * --spacing metres: every room is closed in by its own backdrop sphere (radius 30 m), so a
spacing above 60 m keeps what each room's photos show consistent in the joined scene. Writes
images/, sam_masks/, gt_instance/ (ids of room k offset by 100 k; instances.json joined),
sparse/0 (COLMAP text: ids offset per room, poses and points moved) and split.json. Photos are
named room<k>_<name>.

Usage: gen_room_row.py --out DIR [--rooms 2] [--spacing 64] [--preset small] [--views N] [--splatlift BIN]
Needs numpy and Pillow (16-bit ground-truth maps).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

import numpy as np
from PIL import Image

ID_OFFSET = 100


def read_lines(path):
    with open(path) as f:
        return [line.rstrip("\n") for line in f if not line.startswith("#")]


def shift_room(sparse, k, offset):
    """Room k's COLMAP text model with ids made unique and the world moved by `offset` along x."""
    cams, images, points = [], [], []
    for line in read_lines(os.path.join(sparse, "cameras.txt")):
        if line.strip():
            f = line.split()
            cams.append(" ".join([str(k * 1000 + int(f[0]))] + f[1:]))
    lines = read_lines(os.path.join(sparse, "images.txt"))
    for header, keypoints in zip(lines[0::2], lines[1::2]):
        f = header.split()
        q = np.array([float(v) for v in f[1:5]])
        t = np.array([float(v) for v in f[5:8]])
        w, x, y, z = q / np.linalg.norm(q)
        rot = np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
                        [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
                        [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]])
        t = t - rot @ np.array([offset, 0.0, 0.0])  # X' = X + d  =>  t' = t - R d
        kp = keypoints.split()
        for i in range(2, len(kp), 3):
            if kp[i] != "-1":
                kp[i] = str(k * 10_000_000 + int(kp[i]))
        images.append(" ".join([str(k * 100_000 + int(f[0]))] + f[1:5] + [repr(float(v)) for v in t]
                               + [str(k * 1000 + int(f[8])), f"room{k}_{f[9]}"]))
        images.append(" ".join(kp))
    for line in read_lines(os.path.join(sparse, "points3D.txt")):
        if not line.strip():
            continue
        f = line.split()
        track = f[8:]
        for i in range(0, len(track), 2):
            track[i] = str(k * 100_000 + int(track[i]))
        points.append(" ".join([str(k * 10_000_000 + int(f[0])), repr(float(f[1]) + offset)] + f[2:8] + track))
    return cams, images, points


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--rooms", type=int, default=2)
    parser.add_argument("--spacing", type=float, default=64.0)
    parser.add_argument("--preset", default="small")
    parser.add_argument("--views", type=int)
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--splatlift", default=os.environ.get("SPLATLIFT", os.path.join(here, "..", ".build", "release", "splatlift")))
    args = parser.parse_args()
    if args.rooms < 1 or args.spacing <= 60:
        sys.exit("error: --rooms must be at least 1 and --spacing above 60 (the rooms' backdrops would meet)")
    if os.path.exists(args.out) and os.listdir(args.out):
        sys.exit(f"error: {args.out}: exists and is not empty")
    rooms = os.path.join(args.out, ".rooms")
    cams, images, points, train, test, instances = [], [], [], [], [], {}
    for k in range(args.rooms):
        room = os.path.join(rooms, f"room{k}")
        synth = [args.splatlift, "synth", "--preset", args.preset, "--seed", str(k + 1), "--out", room]
        subprocess.run(synth + (["--views", str(args.views)] if args.views else []), check=True, stdout=subprocess.DEVNULL)
        c, i, p = shift_room(os.path.join(room, "sparse", "0"), k, k * args.spacing)
        cams += c; images += i; points += p
        for folder in ("images", "sam_masks"):
            os.makedirs(os.path.join(args.out, folder), exist_ok=True)
            for name in sorted(os.listdir(os.path.join(room, folder))):
                if name.endswith(".png"):
                    shutil.copyfile(os.path.join(room, folder, name), os.path.join(args.out, folder, f"room{k}_{name}"))
        os.makedirs(os.path.join(args.out, "gt_instance"), exist_ok=True)
        for name in sorted(os.listdir(os.path.join(room, "gt_instance"))):
            if name.endswith(".png"):
                ids = np.array(Image.open(os.path.join(room, "gt_instance", name))).astype(np.uint16)
                ids[ids > 0] += ID_OFFSET * k
                Image.fromarray(ids).save(os.path.join(args.out, "gt_instance", f"room{k}_{name}"))
        with open(os.path.join(room, "gt_instance", "instances.json")) as f:
            for key, value in json.load(f).items():
                instances[str(int(key) + ID_OFFSET * k)] = dict(value, room=k)
        with open(os.path.join(room, "split.json")) as f:
            split = json.load(f)
        train += [f"room{k}_{n}" for n in split["train"]]
        test += [f"room{k}_{n}" for n in split["test"]]
    sparse = os.path.join(args.out, "sparse", "0")
    os.makedirs(sparse)
    for name, lines in (("cameras.txt", cams), ("images.txt", images), ("points3D.txt", points)):
        with open(os.path.join(sparse, name), "w") as f:
            f.write("\n".join(lines) + "\n")
    with open(os.path.join(args.out, "gt_instance", "instances.json"), "w") as f:
        json.dump(instances, f, indent=1)
    with open(os.path.join(args.out, "split.json"), "w") as f:
        json.dump({"train": train, "test": test}, f, indent=1)
    shutil.rmtree(rooms)
    print(f"{args.out}: {args.rooms} rooms, {len(images) // 2} views, {len(points)} points")


if __name__ == "__main__":
    main()
