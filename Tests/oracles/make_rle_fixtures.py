#!/usr/bin/env python3
"""Writes Tests/fixtures/rle_pycocotools.json for COCORLETests.swift and scripts/tests (offline; needs
numpy and pycocotools, which CI does not: the JSON is committed).

Random binary masks (seeded) and edge cases, each with pycocotools' encodings of it:
  rows          the mask, row-major, one string of '0'/'1' per row
  compressed    pycocotools.mask.encode(...)["counts"] (the LEB128-like string, column-major runs)
  uncompressed  the column-major run lengths (numpy), checked to be what pycocotools compresses to
                that same string (frPyObjects of the uncompressed form)
Run: python3 Tests/oracles/make_rle_fixtures.py
"""
import json
import os

import numpy as np
from pycocotools import mask as mask_utils


def random_masks(rng):
    masks = [
        np.zeros((3, 4), bool),                        # empty: one run
        np.ones((3, 4), bool),                         # full: a leading run of 0
        np.eye(5, 7, dtype=bool),                      # single pixels, first pixel set
    ]
    for h, w in [(6, 5), (9, 13), (17, 11)]:          # salt: many short runs, negative deltas
        masks.append(rng.random((h, w)) < 0.5)
    for h, w, blobs in [(30, 40, 3), (48, 64, 4)]:     # blobs: long runs, multi-character numbers
        yy, xx = np.mgrid[0:h, 0:w]
        m = np.zeros((h, w), bool)
        for _ in range(blobs):
            cy, cx = rng.uniform(0, h), rng.uniform(0, w)
            ry, rx = rng.uniform(3, h / 2), rng.uniform(3, w / 2)
            m |= ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2 < 1
        masks.append(m)
    return masks


def main():
    rng = np.random.default_rng(17)
    cases = []
    for m in random_masks(rng):
        rle = mask_utils.encode(np.asfortranarray(m.astype(np.uint8)))
        assert (mask_utils.decode(rle).astype(bool) == m).all()
        h, w = m.shape
        flat = m.T.reshape(-1)                         # column-major, as COCO counts run
        changes = np.flatnonzero(flat[1:] != flat[:-1]) + 1
        bounds = np.concatenate([[0], changes, [h * w]])
        runs = np.diff(bounds).tolist()
        if flat[0]:
            runs = [0] + runs
        assert mask_utils.area(rle) == m.sum()
        assert mask_utils.frPyObjects({"size": [h, w], "counts": runs}, h, w)["counts"] == rle["counts"]
        cases.append({
            "size": [h, w],
            "rows": ["".join("1" if v else "0" for v in row) for row in m],
            "compressed": rle["counts"].decode("ascii"),
            "uncompressed": runs,
        })
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "rle_pycocotools.json")
    with open(out, "w") as f:
        json.dump({"generator": "Tests/oracles/make_rle_fixtures.py", "cases": cases}, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(cases)} masks to {os.path.normpath(out)} ({os.path.getsize(out)} bytes)")


if __name__ == "__main__":
    main()
