#!/usr/bin/env python3
"""Checks a model trained jointly on an RGBA scene (NeRF-synthetic: alpha = the object) whose masks
mean nothing across views, e.g. scripts/chair_superpixel_masks.py's:

    python3 scripts/real_consistency.py MODEL --scene SCENE --mask-view train/r_0.png --out DIR \
        [--splatlift .build/release/splatlift] [-r 4]

(a) Cross-view consistency. `splatlift render MODEL --split test --segmentation` writes every test
    view's 16-bit object ids. The foreground F is alpha >= 0.5 on the photo's alpha averaged over
    r x r blocks (the render's resolution, as SplatLift downscales). The object's id is the majority
    id over F of all test views together; consistency = the share of F's pixels, over all test
    views, whose rendered id is that id. Also written: the same per view and the ids that hold most
    of F. An object cut into several ids counts only its largest here.
(b) Extraction. The user path: the object is selected by a 2D mask on a training view
    (`splatlift extract MODEL --mask VIEW:alpha.png --out object.ply`, alpha.png = that photo's
    alpha >= 0.5 as a black/white PNG), so however many ids the object was cut into, the ids with
    more than 70% of their rendered area inside the mask are extracted. The PLY is rendered with
    `splatlift render-ply --transforms SCENE/transforms_<split>.json --downscale r` over black and
    over white; its coverage is alpha = 1 - (white - black) (exact for over-compositing, up to 8-bit
    rounding), thresholded at 0.5, and compared with F per test view: IoU (sum of intersections over
    sum of unions, and the mean of the per-view IoUs). Also: the ids extracted (the PLY's object_id)
    and the share of F's pixels, over all test views, whose rendered id is one of them (the
    consistency of the object as the set of ids one 2D mask selects). The whole model's PLY is scored the same way
    for reference (floaters in the empty background lower its IoU as well).

Writes DIR/report.json (every figure, per view too), DIR/alpha_mask.png, DIR/object.ply,
DIR/renders/ (render --segmentation), DIR/object_black/, DIR/object_white/, DIR/model_black/,
DIR/model_white/ and prints a summary. Needs numpy and pillow.
"""
import argparse
import glob
import json
import os
import subprocess
import sys

import numpy as np
from PIL import Image


def box_alpha(alpha_u8, r):
    """Alpha in [0, 1] averaged over r x r blocks (the image cropped to a multiple of r)."""
    a = np.asarray(alpha_u8, np.float64) / 255.0
    h, w = a.shape[0] // r, a.shape[1] // r
    return a[: h * r, : w * r].reshape(h, r, w, r).mean(axis=(1, 3))


def foreground(path, r):
    """The photo's foreground at 1/r resolution: block-averaged alpha >= 0.5."""
    with Image.open(path) as im:
        if "A" not in im.getbands():
            raise ValueError(f"{path}: has no alpha channel")
        return box_alpha(np.asarray(im.getchannel("A")), r) >= 0.5


def consistency(id_maps, fg_maps):
    """(majority id, share of foreground pixels with it, per-view shares, [(id, share)] of the top ids)
    over the views' id maps and foregrounds (lists of equal-shaped arrays)."""
    ids = np.concatenate([m[f] for m, f in zip(id_maps, fg_maps)])
    if ids.size == 0:
        raise ValueError("the test views have no foreground pixels")
    values, counts = np.unique(ids, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    majority = int(values[order[0]])
    per_view = [float((m[f] == majority).mean()) if f.any() else None for m, f in zip(id_maps, fg_maps)]
    top = [(int(values[k]), float(counts[k] / ids.size)) for k in order[:8]]
    return majority, float(counts[order[0]] / ids.size), per_view, top


PLY_TYPES = {"float": "<f4", "float32": "<f4", "double": "<f8", "float64": "<f8", "int": "<i4", "int32": "<i4",
             "uint": "<u4", "uint32": "<u4", "short": "<i2", "int16": "<i2", "ushort": "<u2", "uint16": "<u2",
             "char": "i1", "int8": "i1", "uchar": "u1", "uint8": "u1"}


def ply_object_ids(path):
    """The `object_id` column of a binary little-endian 3DGS PLY (one vertex element)."""
    with open(path, "rb") as f:
        header = []
        while True:
            line = f.readline().decode("ascii").strip()
            header.append(line)
            if line == "end_header":
                break
        count = next(int(l.split()[2]) for l in header if l.startswith("element vertex"))
        props = [l.split() for l in header if l.startswith("property")]
        dtype = np.dtype([(p[2], PLY_TYPES[p[1]]) for p in props])
        data = np.frombuffer(f.read(count * dtype.itemsize), dtype=dtype, count=count)
    return data["object_id"].astype(np.int64)


def coverage(black, white):
    """Alpha of an over-composited render from its renders over black and over white (uint8 RGB)."""
    b = np.asarray(black, np.float64) / 255.0
    w = np.asarray(white, np.float64) / 255.0
    return np.clip(1.0 - (w - b).mean(axis=2), 0.0, 1.0)


def iou(pred, gt):
    """(intersection, union) pixel counts of two boolean maps."""
    return int((pred & gt).sum()), int((pred | gt).sum())


def run(cmd, log):
    log("$ " + " ".join(cmd))
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def render_ply_iou(splatlift, ply, transforms, r, out, name, fgs, log):
    """Renders `ply` from every camera of `transforms` over black and white; IoU of its coverage >= 0.5
    with the foregrounds `fgs` ({stem: bool map})."""
    for bg, value in (("black", "0,0,0"), ("white", "1,1,1")):
        run([splatlift, "render-ply", ply, "--transforms", transforms, "--downscale", str(r), "--background", value,
             "--out", os.path.join(out, f"{name}_{bg}")], log)
    inter = union = 0
    per_view = {}
    for stem, fg in sorted(fgs.items()):
        with Image.open(os.path.join(out, f"{name}_black", stem + ".png")) as b, \
                Image.open(os.path.join(out, f"{name}_white", stem + ".png")) as w:
            a = coverage(b.convert("RGB"), w.convert("RGB"))
        if a.shape != fg.shape:
            raise ValueError(f"{name} render of {stem} is {a.shape[1]}x{a.shape[0]}, the foreground {fg.shape[1]}x{fg.shape[0]}")
        i, u = iou(a >= 0.5, fg)
        inter += i
        union += u
        per_view[stem] = i / u if u else 1.0
    return {"iou": inter / union if union else 1.0, "mean_view_iou": float(np.mean(list(per_view.values()))),
            "per_view": per_view}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model", help="model folder trained with masks")
    p.add_argument("--scene", required=True, help="the RGBA scene folder (transforms_train.json, train/, val/)")
    p.add_argument("--mask-view", required=True, help="training view whose alpha selects the object, e.g. train/r_0.png")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--splatlift", default=".build/release/splatlift")
    p.add_argument("-r", "--resolution", type=int, default=4, help="the model's -r (default 4)")
    p.add_argument("--test-transforms", default=None,
                   help="the test cameras (default: SCENE/transforms_test.json, else transforms_val.json)")
    args = p.parse_args(argv)
    log = lambda s: print(s, flush=True)  # noqa: E731
    os.makedirs(args.out, exist_ok=True)
    r, sl = args.resolution, args.splatlift
    transforms = args.test_transforms or next(
        (t for t in (os.path.join(args.scene, f"transforms_{s}.json") for s in ("test", "val")) if os.path.exists(t)), None)
    if transforms is None:
        raise SystemExit("error: no transforms_test.json or transforms_val.json in the scene; give --test-transforms")
    with open(transforms) as f:
        frames = json.load(f)["frames"]
    photos, folders = {}, {}
    for fr in frames:
        path = os.path.normpath(os.path.join(os.path.dirname(transforms), fr["file_path"]))
        if not os.path.splitext(path)[1]:
            path += ".png"
        stem = os.path.splitext(os.path.basename(path))[0]
        photos[stem] = path
        folders[stem] = os.path.basename(os.path.dirname(path))
    fgs = {stem: foreground(path, r) for stem, path in photos.items()}

    # (a) rendered ids on the test views
    renders = os.path.join(args.out, "renders")
    run([sl, "render", args.model, "--split", "test", "--segmentation", "--out", renders], log)
    stems = sorted(fgs)

    def id_file(stem):
        """render names a view by its stem, or by folder/stem when another view has the same stem."""
        nested = os.path.join(renders, folders[stem], stem + "_ids.png")
        return nested if os.path.exists(nested) else os.path.join(renders, stem + "_ids.png")
    missing = [s for s in stems if not os.path.exists(id_file(s))]
    if missing:
        raise SystemExit(f"error: render wrote no id map for {len(missing)} test views (e.g. {missing[0]})")
    id_maps = [np.asarray(Image.open(id_file(s))).astype(np.int64) for s in stems]
    majority, share, per_view, top = consistency(id_maps, [fgs[s] for s in stems])
    background_ids = np.concatenate([m[~fgs[s]] for m, s in zip(id_maps, stems)])
    report = {"model": args.model, "scene": args.scene, "test_views": len(stems), "resolution": r,
              "consistency": {"majority_id": majority, "share": share,
                              "per_view_min": float(np.min(per_view)), "per_view_mean": float(np.mean(per_view)),
                              "top_ids": top, "per_view": dict(zip(stems, per_view)),
                              "background_pixels_with_an_id": float((background_ids != 0).mean())}}

    # (b) the object selected by the alpha of a training view, extracted and rendered
    view_photo = os.path.join(args.scene, args.mask_view)
    with Image.open(view_photo) as im:
        alpha = np.asarray(im.getchannel("A"))
    mask_png = os.path.join(args.out, "alpha_mask.png")
    Image.fromarray(np.where(alpha >= 128, 255, 0).astype(np.uint8)).save(mask_png)
    obj = os.path.join(args.out, "object.ply")
    out = run([sl, "extract", args.model, "--mask", f"{args.mask_view}:{mask_png}", "--out", obj], log)
    selected = sorted(set(ply_object_ids(obj).tolist()))
    in_selection = np.concatenate([np.isin(m[fgs[s]], selected) for m, s in zip(id_maps, stems)])
    report["extract"] = {"command_output": out.strip(), "mask_view": args.mask_view, "selected_ids": selected,
                         "foreground_share_with_selected_ids": float(in_selection.mean())}
    report["extract"].update(render_ply_iou(sl, obj, transforms, r, args.out, "object", fgs, log))
    clouds = sorted(glob.glob(os.path.join(args.model, "point_cloud", "iteration_*", "point_cloud.ply")),
                    key=lambda s: int(s.split("iteration_")[1].split(os.sep)[0]))
    report["whole_model"] = {"ply": clouds[-1]}
    report["whole_model"].update(render_ply_iou(sl, clouds[-1], transforms, r, args.out, "model", fgs, log))

    with open(os.path.join(args.out, "report.json"), "w") as f:
        json.dump(report, f, indent=1)
    c, e, w = report["consistency"], report["extract"], report["whole_model"]
    log(f"consistency: {c['share']:.4f} of the foreground pixels of {len(stems)} test views have the majority id "
        f"{majority} (per view min {c['per_view_min']:.3f}, mean {c['per_view_mean']:.3f}); top ids "
        + ", ".join(f"{i}: {s:.3f}" for i, s in top[:5]))
    log(f"extract selected ids {e['selected_ids']}: they hold {e['foreground_share_with_selected_ids']:.4f} of the "
        f"test views' foreground pixels")
    log(f"extract ({e['command_output'].splitlines()[-1] if e['command_output'] else ''}): IoU with alpha {e['iou']:.4f} "
        f"(mean per view {e['mean_view_iou']:.4f}); whole model: {w['iou']:.4f} (mean per view {w['mean_view_iou']:.4f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
