#!/usr/bin/env python3
"""Is every ground-truth object one predicted object? Reads `splatlift render MODEL --segmentation`
id maps (<view>_ids.png) and the scene's gt_instance/ maps; a predicted id is a part of GT object g
when it covers at least 10% of g's pixels and at least half of its own pixels lie on g. Prints per
GT object its parts, then how many GT objects are one object, split (2+ parts) or missing (none).

Usage: gt_object_splits.py RENDERS SCENE     (needs numpy and Pillow)
"""
import json
import os
import sys

import numpy as np
from PIL import Image


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    renders, scene = sys.argv[1:]
    with open(os.path.join(scene, "gt_instance", "instances.json")) as f:
        instances = json.load(f)
    gt_all, pred_all = [], []
    for name in sorted(os.listdir(renders)):
        if not name.endswith("_ids.png"):
            continue
        view = name[: -len("_ids.png")]
        gt_all.append(np.array(Image.open(os.path.join(scene, "gt_instance", view + ".png"))).astype(np.int64).ravel())
        pred_all.append(np.array(Image.open(os.path.join(renders, name))).astype(np.int64).ravel())
    if not gt_all:
        sys.exit(f"error: {renders}: no *_ids.png (run splatlift render MODEL --segmentation)")
    gt, pred = np.concatenate(gt_all), np.concatenate(pred_all)
    verdicts = {"one": 0, "split": 0, "missing": 0}
    for g in sorted(set(gt.tolist()) - {0}):
        on_g = gt == g
        parts = []
        for p in sorted(set(pred[on_g].tolist()) - {0}):
            inside = np.count_nonzero(on_g & (pred == p))
            if inside >= 0.1 * on_g.sum() and inside >= 0.5 * np.count_nonzero(pred == p):
                parts.append(p)
        verdict = "one" if len(parts) == 1 else "split" if parts else "missing"
        verdicts[verdict] += 1
        info = instances.get(str(g), {})
        print(f"GT {g:4d} {info.get('name', '?'):16s} {'background' if info.get('is_background') else 'object':10s} "
              f"{int(on_g.sum()):7d} px  parts {parts}  {verdict}")
    print(f"{sum(verdicts.values())} GT objects on these views: {verdicts['one']} one object, "
          f"{verdicts['split']} split, {verdicts['missing']} missing")


if __name__ == "__main__":
    main()
