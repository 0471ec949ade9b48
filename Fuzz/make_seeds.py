#!/usr/bin/env python3
"""Seeds one fuzz target: small valid files cut from the real ones in ../shared/data (a few
vertices, images, points, frames: small inputs fuzz faster), the target's corpus files
(Tests/corpus), for model-folder files a tiny model trained by the release binary, and for `plan`
the plan.json `splatlift partition` wrote. The mask importers are seeded with
Tests/fixtures/masks (written by pycocotools and amg.py's layout; ../shared/data holds no SAM
output), `split` and `gt` with synthetic/*/split.json and tiny-1's gt_instance maps.

Usage: Fuzz/make_seeds.py TARGET OUT_DIR [MODEL_DIR]   (nothing is copied into the project)
"""
import glob
import json
import os
import shutil
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.environ.get("SPLATLIFT_SHARED_DATA", os.path.join(os.path.dirname(ROOT), "shared", "data"))
CORPUS = {"colmap-cameras-bin": ("colmap-bin", "cameras"), "colmap-images-bin": ("colmap-bin", "images"),
          "colmap-points-bin": ("colmap-bin", "points3D"), "colmap-cameras-txt": ("colmap-txt", "cameras"),
          "colmap-images-txt": ("colmap-txt", "images"), "colmap-points-txt": ("colmap-txt", "points3D")}
MODEL_FILES = {"cfg": ["cfg.json"], "lift": ["lift.json"], "codebook": ["codebook.json"], "objects": ["objects.json"],
               "checkpoint": ["checkpoint.bin"], "plan": ["plan.json"]}
FIXTURES = os.path.join(ROOT, "Tests", "fixtures", "masks")


def data(pattern):
    return sorted(glob.glob(os.path.join(DATA, pattern), recursive=True))


def ply_head(path, rows=8):
    raw = open(path, "rb").read()
    end = raw.index(b"end_header\n") + len(b"end_header\n")
    header = raw[:end].decode()
    count = int(next(l for l in header.split("\n") if l.startswith("element vertex")).split()[2])
    size = (len(raw) - end) // max(count, 1)
    header = header.replace(f"element vertex {count}", f"element vertex {min(rows, count)}")
    return header.encode() + raw[end:end + size * min(rows, count)]


def images_bin(path, keep=2, keypoints=4):
    raw = open(path, "rb").read()
    n, at, out = struct.unpack_from("<Q", raw)[0], 8, []
    for _ in range(min(n, keep)):
        name_end = raw.index(b"\x00", at + 64)
        m = struct.unpack_from("<Q", raw, name_end + 1)[0]
        out.append(raw[at:name_end + 1] + struct.pack("<Q", min(m, keypoints)) + raw[name_end + 9:name_end + 9 + 24 * min(m, keypoints)])
        at = name_end + 9 + 24 * m
    return struct.pack("<Q", len(out)) + b"".join(out)


def points_bin(path, keep=4, track=3):
    raw = open(path, "rb").read()
    n, at, out = struct.unpack_from("<Q", raw)[0], 8, []
    for _ in range(min(n, keep)):
        m = struct.unpack_from("<Q", raw, at + 43)[0]
        out.append(raw[at:at + 43] + struct.pack("<Q", min(m, track)) + raw[at + 51:at + 51 + 8 * min(m, track)])
        at += 51 + 8 * m
    return struct.pack("<Q", len(out)) + b"".join(out)


def text_head(path, lines=6, fields=40):
    kept = [" ".join(l.split()[:fields]) for l in open(path).read().split("\n")[:lines]]
    return ("\n".join(kept) + "\n").encode()


def transforms_head(path, frames=2):
    j = json.load(open(path))
    j["frames"] = j["frames"][:frames]
    return json.dumps(j).encode()


def real_seeds(target):
    if target == "ply":
        return [ply_head(p) for p in data("3dgs-ply-samples/**/*.ply") + data("synthetic/tiny-1/sparse_pc.ply")]
    if target == "colmap-cameras-bin":
        return [open(p, "rb").read() for p in data("**/cameras.bin")[:3]]
    if target == "colmap-images-bin":
        return [images_bin(p) for p in data("synthetic/tiny-1/sparse/0/images.bin") + data("vggsfm-cake/**/images.bin")]
    if target == "colmap-points-bin":
        return [points_bin(p) for p in data("synthetic/tiny-1/sparse/0/points3D.bin") + data("vggsfm-cake/**/points3D.bin")]
    if target.startswith("colmap-") and target.endswith("-txt"):
        name = {"cameras": "cameras.txt", "images": "images.txt", "points": "points3D.txt"}[target.split("-")[1]]
        return [text_head(p) for p in data(f"synthetic/tiny-1/sparse/0/{name}")]
    if target == "transforms":
        return [transforms_head(p) for p in data("instant-ngp-fox/transforms.json") + data("nerf-synthetic-chair/transforms_train.json")
                + data("synthetic/tiny-1/transforms.json")]
    if target == "label-png":
        return [open(p, "rb").read() for p in data("synthetic/tiny-1/sam_masks/*.png")[:3] + data("synthetic/tiny-1/gt_instance/*.png")[:1]]
    if target == "image":
        return [open(p, "rb").read() for p in data("synthetic/tiny-1/images/*.png")[:2] + data("vggsfm-cake/**/*.jpg")[:1]]
    if target == "split":
        return [open(p, "rb").read() for p in data("synthetic/*/split.json")]
    if target == "gt":
        return [open(p, "rb").read() for p in data("synthetic/tiny-1/gt_instance/*.png")[:3]]
    if target == "masks-amg":
        return [open(p, "rb").read() for p in sorted(glob.glob(os.path.join(FIXTURES, "amg", "*", "metadata.csv")))]
    if target == "masks-rle":
        return [open(p, "rb").read() for p in sorted(glob.glob(os.path.join(FIXTURES, "rle*", "view_a.json")))]
    if target == "masks-coco":
        return [open(os.path.join(FIXTURES, "coco.json"), "rb").read()]
    return []


def main():
    target, out = sys.argv[1], sys.argv[2]
    model = sys.argv[3] if len(sys.argv) > 3 else None
    os.makedirs(out, exist_ok=True)
    seeds = real_seeds(target)
    for name in MODEL_FILES.get(target, []):
        for p in glob.glob(os.path.join(model or "/nonexistent", "**", name), recursive=True):
            seeds.append(open(p, "rb").read())
    for k, seed in enumerate(seeds):
        open(os.path.join(out, f"seed-{k:02d}"), "wb").write(seed)
    folder, prefix = CORPUS.get(target, (target, ""))
    for p in sorted(glob.glob(os.path.join(ROOT, "Tests", "corpus", folder, prefix + "*"))):
        shutil.copy(p, os.path.join(out, "corpus-" + os.path.basename(p)))
    print(f"{len(seeds)} real seeds and {len(os.listdir(out)) - len(seeds)} corpus files in {out}")


if __name__ == "__main__":
    main()
