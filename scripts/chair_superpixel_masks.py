#!/usr/bin/env python3
"""A deliberately poor, view-inconsistent stand-in for SAM on RGBA photos (NeRF-synthetic): per
photo, the alpha channel separates the object from the background, and superpixels (SLIC or
Felzenszwalb, scikit-image) cut the object into pieces that do not correspond from view to view.
It writes SplatLift's mask format, one label map per photo:

    python3 scripts/chair_superpixel_masks.py SCENE --out SCENE/sam_masks [--folders train val]
    splatlift train SCENE --out MODEL -r 4 ...

SCENE is a NeRF-synthetic folder (`transforms_train.json`, `train/r_0.png`, ...). For every PNG of
every folder in --folders (default: those of train, val and test that exist) it writes
OUT/<folder>/<stem>.png, a single-channel 16-bit PNG of the photo's size, which is where the scene
loader looks for the mask of view `<folder>/<stem>.png`:

- 0 (no mask) where alpha < --alpha-threshold (default 0.5, on alpha in [0, 1]): the background;
- ids 1...n on the foreground, one per superpixel, numbered by area, largest first (equal areas by
  the segmenter's own order), so 1 is always the largest piece. Every foreground pixel gets an id.
  With `--whole-every N`, every Nth photo of a folder instead has the whole foreground as mask 1:
  a segmenter that finds the object in some views and only its pieces in the others.

Superpixels: `--method slic` (default) runs skimage.segmentation.slic on the RGB with the foreground
as its mask (`--segments` about that many pieces inside the object, `--compactness`); `--method
felzenszwalb` runs skimage.segmentation.felzenszwalb on the whole RGB (`--scale`, `--min-size`) and
keeps its segments inside the foreground (a segment cut by the alpha edge keeps one id). Both are
deterministic: the same photos and options give the same files, byte for byte. The pieces follow
colour and position in each photo alone, so a piece of one view has no counterpart in the next:
the point of the stand-in is that ids mean nothing across views, as SAM's do, only worse.

Needs numpy, pillow and scikit-image (`pip install scikit-image pillow`); says so when missing.
Its test: scripts/tests/test_chair_superpixel_masks.py (run by `swift test`, skipped without
scikit-image).
"""
import argparse
import os
import sys

import numpy as np

DEFAULT_FOLDERS = ("train", "val", "test")


class MissingRequirement(Exception):
    """pillow or scikit-image is missing; the message says how to get it."""


def require():
    """Imports PIL.Image and skimage.segmentation, or raises MissingRequirement."""
    try:
        from PIL import Image
        import skimage.segmentation as segmentation
    except ImportError as e:
        raise MissingRequirement(f"{e.name or e} is not installed: pip install scikit-image pillow") from e
    return Image, segmentation


def foreground(alpha, threshold):
    """The object: alpha (uint8 0...255 or float 0...1) at or above `threshold` (in [0, 1])."""
    a = np.asarray(alpha)
    a = a.astype(np.float64) / 255.0 if a.dtype == np.uint8 else a.astype(np.float64)
    return a >= threshold


def superpixels(rgb, fg, segmentation, method="slic", segments=12, compactness=10.0, scale=400.0, min_size=200):
    """Raw superpixel labels (any non-negative ints) of an HxWx3 uint8 photo; only the values on
    `fg` matter."""
    if not fg.any():
        return np.zeros(fg.shape, np.int64)
    if method == "slic":
        return segmentation.slic(rgb, n_segments=segments, compactness=compactness, mask=fg, start_label=1,
                                 convert2lab=True, channel_axis=-1)
    if method == "felzenszwalb":
        return segmentation.felzenszwalb(rgb, scale=scale, sigma=0.8, min_size=min_size, channel_axis=-1) + 1
    raise ValueError(f"unknown method {method!r} (slic or felzenszwalb)")


def label_map(raw, fg):
    """SplatLift's label map: 0 off the foreground, ids 1...n on it by area, largest first (equal areas
    in the order of the raw labels). A foreground pixel whose raw label is 0 (SLIC leaves none, but
    another segmenter might) joins the largest piece, so every foreground pixel has an id."""
    raw = np.asarray(raw)
    out = np.zeros(fg.shape, np.uint16)
    if not fg.any():
        return out
    values, counts = np.unique(raw[fg], return_counts=True)
    if values[0] == 0 and len(values) > 1:  # unlabelled foreground goes to the largest real piece
        largest = values[1:][np.argmax(counts[1:])]
        raw = np.where(fg & (raw == 0), largest, raw)
        values, counts = np.unique(raw[fg], return_counts=True)
    if len(values) > 65535:
        raise ValueError(f"{len(values)} pieces do not fit a 16-bit label map")
    order = np.argsort(-counts, kind="stable")  # largest first; ties keep the raw labels' order
    ids = np.zeros(len(values), np.uint16)
    ids[order] = np.arange(1, len(values) + 1)
    out[fg] = ids[np.searchsorted(values, raw[fg])]
    return out


def photo_masks(path, Image, segmentation, args, whole=False):
    """The label map of one RGBA photo file; `whole`: the foreground is one mask (id 1)."""
    with Image.open(path) as im:
        if "A" not in im.getbands():
            raise ValueError(f"{path}: has no alpha channel (mode {im.mode}); this stand-in needs RGBA photos")
        rgba = np.asarray(im.convert("RGBA"))
    fg = foreground(rgba[..., 3], args.alpha_threshold)
    if whole:
        return fg.astype(np.uint16)
    raw = superpixels(rgba[..., :3], fg, segmentation, args.method, args.segments, args.compactness, args.scale,
                      args.min_size)
    return label_map(raw, fg)


def write_label_map(labels, path, Image):
    """A 16-bit single-channel PNG."""
    Image.fromarray(labels.astype(np.uint16)).save(path)


def run(scene, out, folders, args, log=print):
    """Writes OUT/<folder>/<stem>.png for every PNG of SCENE/<folder>; returns (photos, pieces)."""
    Image, segmentation = require()
    if not folders:
        folders = [f for f in DEFAULT_FOLDERS if os.path.isdir(os.path.join(scene, f))]
    if not folders:
        raise ValueError(f"{scene}: has none of the folders {', '.join(DEFAULT_FOLDERS)}; give --folders")
    photos = pieces = 0
    for folder in folders:
        src = os.path.join(scene, folder)
        if not os.path.isdir(src):
            raise ValueError(f"{src}: is not a folder")
        names = sorted(n for n in os.listdir(src) if n.lower().endswith(".png") and not n.startswith("."))
        if not names:
            raise ValueError(f"{src}: has no PNG photos")
        dst = os.path.join(out, folder)
        os.makedirs(dst, exist_ok=True)
        for i, name in enumerate(names):
            whole = args.whole_every > 0 and i % args.whole_every == 0
            labels = photo_masks(os.path.join(src, name), Image, segmentation, args, whole)
            write_label_map(labels, os.path.join(dst, os.path.splitext(name)[0] + ".png"), Image)
            photos += 1
            pieces += int(labels.max())
        log(f"{folder}: {len(names)} photos -> {dst}")
    log(f"{photos} photos, {pieces / max(photos, 1):.1f} pieces per photo on average")
    return photos, pieces


def parser():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scene", help="NeRF-synthetic scene folder (RGBA PNGs in train/, val/, test/)")
    p.add_argument("--out", required=True, help="output masks folder, e.g. SCENE/sam_masks")
    p.add_argument("--folders", nargs="*", default=None, help="photo folders inside SCENE (default: train val test)")
    p.add_argument("--method", choices=("slic", "felzenszwalb"), default="slic")
    p.add_argument("--segments", type=int, default=12, help="SLIC: about this many pieces inside the object")
    p.add_argument("--compactness", type=float, default=10.0, help="SLIC: colour against position (Lab units)")
    p.add_argument("--scale", type=float, default=400.0, help="Felzenszwalb: larger gives larger pieces")
    p.add_argument("--min-size", type=int, default=200, help="Felzenszwalb: smallest piece, in pixels")
    p.add_argument("--alpha-threshold", type=float, default=0.5, help="foreground where alpha >= this (0...1)")
    p.add_argument("--whole-every", type=int, default=0,
                   help="every Nth photo of a folder (sorted names, from the first) gets the whole object as one "
                        "mask, as SAM returns the object in some views and pieces in others (default 0: never)")
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    if args.segments < 1 or not 0 < args.alpha_threshold <= 1 or args.whole_every < 0:
        print("error: --segments must be >= 1, --alpha-threshold in (0, 1] and --whole-every >= 0", file=sys.stderr)
        return 2
    try:
        run(args.scene, args.out, args.folders, args)
    except MissingRequirement as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except (ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
