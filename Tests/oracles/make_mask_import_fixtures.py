#!/usr/bin/env python3
"""Writes Tests/fixtures/masks/ for MaskImportTests.swift and MasksCommandTests.swift (offline; needs
numpy and pycocotools, which CI does not: the files are committed).

The same masks of two small photos in every source kind `splatlift masks import` reads:
  images/        view_a.png (8x6) and view_b.png (7x5), RGB
  amg/           segment-anything scripts/amg.py folders: <stem>/0.png, 1.png, ... (0/255) + metadata.csv
  rle/           <stem>.json: SAM mask records, segmentation = pycocotools' compressed RLE
  rle_lists/     <stem>.json: the same records with uncompressed RLE counts (lists)
  coco.json      one COCO annotations file (view_a compressed, view_b iscrowd uncompressed)
  labels/        <stem>.png: the expected label maps (16-bit), painted here independently of the Swift
                 code: largest mask first (equal areas in source order), ids renumbered 1..n in
                 painting order for the masks left visible; also the label-PNG source kind
Run: python3 Tests/oracles/make_mask_import_fixtures.py
"""
import json
import os
import shutil
import struct
import zlib

import numpy as np
from pycocotools import mask as mask_utils

AMG_HEADER = ("id,area,bbox_x0,bbox_y0,bbox_w,bbox_h,point_input_x,point_input_y,predicted_iou,"
              "stability_score,crop_box_x0,crop_box_y0,crop_box_w,crop_box_h")


def rect(h, w, x0, y0, x1, y1):
    m = np.zeros((h, w), bool)
    m[y0:y1, x0:x1] = True
    return m


def scene():
    """Per image stem: (h, w, masks in source order)."""
    a = [rect(6, 8, 0, 0, 8, 4),             # 32 px: the largest, under everything
         rect(6, 8, 2, 1, 6, 6),             # 20 px: over the first
         rect(6, 8, 3, 2, 5, 4),             # 4 px: inside the second, on top
         rect(6, 8, 7, 5, 8, 6),             # 1 px: alone in a corner
         np.zeros((6, 8), bool)]             # empty: never visible
    b = [rect(5, 7, 1, 1, 3, 3),             # 4 px: covered by the next two (3 px each), so it vanishes
         rect(5, 7, 1, 1, 3, 2) | rect(5, 7, 0, 0, 1, 1),
         rect(5, 7, 1, 2, 3, 3) | rect(5, 7, 6, 4, 7, 5),
         rect(5, 7, 4, 0, 7, 3)]             # 9 px: the largest
    return {"view_a": (6, 8, a), "view_b": (5, 7, b)}


def paint(h, w, masks):
    order = sorted(range(len(masks)), key=lambda i: (-int(masks[i].sum()), i))
    labels = np.zeros((h, w), np.int64)
    for rank, i in enumerate(order):
        if masks[i].sum() > 0:
            labels[masks[i]] = rank + 1
    out = np.zeros_like(labels)
    for new, old in enumerate([r + 1 for r in range(len(order)) if (labels == r + 1).any()]):
        out[labels == old] = new + 1
    return out


def png(path, pixels, bit_depth, color_type):
    """A minimal PNG writer (filter 0, zlib)."""
    h, w = pixels.shape[:2]
    dtype = ">u2" if bit_depth == 16 else "u1"
    raw = b"".join(b"\0" + pixels[y].astype(dtype).tobytes() for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def runs(m):
    flat = m.T.reshape(-1)
    bounds = np.concatenate([[0], np.flatnonzero(flat[1:] != flat[:-1]) + 1, [flat.size]])
    return ([0] if flat[0] else []) + np.diff(bounds).tolist()


def record(m, compressed):
    h, w = m.shape
    counts = mask_utils.encode(np.asfortranarray(m.astype(np.uint8)))["counts"].decode() if compressed else runs(m)
    ys, xs = np.nonzero(m)
    bbox = [int(xs.min()), int(ys.min()), int(np.ptp(xs)) + 1, int(np.ptp(ys)) + 1] if m.any() else [0, 0, 0, 0]
    return {"segmentation": {"size": [h, w], "counts": counts}, "area": int(m.sum()), "bbox": bbox,
            "predicted_iou": 0.9, "point_coords": [[bbox[0] + 0.5, bbox[1] + 0.5]], "stability_score": 0.95,
            "crop_box": [0, 0, w, h]}


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "masks")
    shutil.rmtree(root, ignore_errors=True)
    for sub in ["images", "amg", "rle", "rle_lists", "labels"]:
        os.makedirs(os.path.join(root, sub))
    coco = {"images": [], "annotations": [], "categories": [{"id": 1, "name": "mask"}]}
    for image_id, (stem, (h, w, masks)) in enumerate(sorted(scene().items()), start=1):
        yy, xx = np.mgrid[0:h, 0:w]
        photo = np.stack([xx * 30 + 20, yy * 40 + 10, np.full((h, w), 128)], -1)
        png(os.path.join(root, "images", stem + ".png"), photo, 8, 2)
        folder = os.path.join(root, "amg", stem)
        os.makedirs(folder)
        rows = [AMG_HEADER]
        for i, m in enumerate(masks):
            png(os.path.join(folder, f"{i}.png"), m.astype(np.uint8) * 255, 8, 0)
            r = record(m, True)
            rows.append(",".join(str(v) for v in [i, r["area"], *r["bbox"], *r["point_coords"][0], r["predicted_iou"],
                                                  r["stability_score"], *r["crop_box"]]))
        with open(os.path.join(folder, "metadata.csv"), "w") as f:
            f.write("\n".join(rows))                  # amg.py writes no final newline
        for sub, compressed in [("rle", True), ("rle_lists", False)]:
            with open(os.path.join(root, sub, stem + ".json"), "w") as f:
                json.dump([record(m, compressed) for m in masks], f)
        coco["images"].append({"id": image_id, "file_name": stem + ".jpg", "width": w, "height": h})
        for m in masks:
            crowd = stem == "view_b"
            coco["annotations"].append({"id": len(coco["annotations"]) + 1, "image_id": image_id, "category_id": 1,
                                        "iscrowd": int(crowd), **{k: v for k, v in record(m, not crowd).items()
                                                                  if k in ("segmentation", "area", "bbox")}})
        png(os.path.join(root, "labels", stem + ".png"), paint(h, w, masks), 16, 0)
    with open(os.path.join(root, "coco.json"), "w") as f:
        json.dump(coco, f)
    size = sum(os.path.getsize(os.path.join(d, n)) for d, _, names in os.walk(root) for n in names)
    print(f"wrote {os.path.normpath(root)} ({size} bytes)")


if __name__ == "__main__":
    main()
