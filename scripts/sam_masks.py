#!/usr/bin/env python3
"""Runs segment-anything's automatic mask generator (SAM) on a folder of photos and writes, per
photo, OUT/<photo stem>.json: the list of SAM's mask records with the mask as COCO RLE, the format
`splatlift masks import` reads.

    python3 scripts/sam_masks.py SCENE/images SCENE/sam_json --checkpoint sam_vit_h_4b8939.pth
    splatlift masks import SCENE/sam_json --images SCENE/images --out SCENE/sam_masks

Needs `pip install segment-anything torch torchvision` (torchvision brings pillow, which reads the
photos) and a checkpoint; it says what is missing and where the official weights are published.
Runs on CUDA when torch sees a GPU, else on the CPU (slow: minutes per photo for vit_h).
"""
import argparse
import json
import os
import sys

import numpy as np

WEIGHTS = "https://dl.fbaipublicfiles.com/segment_anything/"
CHECKPOINTS = {"vit_h": "sam_vit_h_4b8939.pth", "vit_l": "sam_vit_l_0b3195.pth", "vit_b": "sam_vit_b_01ec64.pth"}
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg")
# SamAutomaticMaskGenerator settings passed on when given (None = SAM's default).
GENERATOR_SETTINGS = {
    "points_per_side": (int, "points sampled along each side of the photo (SAM: 32)"),
    "points_per_batch": (int, "points run through the model at once (SAM: 64; lower saves memory)"),
    "pred_iou_thresh": (float, "drop masks whose predicted IoU is lower (SAM: 0.88)"),
    "stability_score_thresh": (float, "drop masks whose stability score is lower (SAM: 0.95)"),
    "crop_n_layers": (int, "also run on crops of the photo, this many levels deep (SAM: 0)"),
    "min_mask_region_area": (int, "remove mask islands and holes smaller than this, in pixels (needs opencv-python)"),
}


class MissingRequirement(Exception):
    """segment_anything or the checkpoint is missing; the message says how to get it."""


def rle_counts(mask):
    """COCO run lengths of a 2D boolean mask: column-major, alternating unset/set, starting unset."""
    flat = np.asarray(mask, dtype=bool).T.reshape(-1)
    if flat.size == 0:
        return []
    bounds = np.concatenate([[0], np.flatnonzero(flat[1:] != flat[:-1]) + 1, [flat.size]])
    runs = np.diff(bounds).tolist()
    return [0] + runs if flat[0] else runs


def rle_string(counts):
    """pycocotools' compressed counts string (rleToString): LEB128-like, 5 bits per character
    ('0'...'o'), from the fourth run on the difference to the run two places before."""
    out = []
    for i, count in enumerate(counts):
        x = count - counts[i - 2] if i > 2 else count
        more = True
        while more:
            c = x & 0x1F
            x >>= 5
            more = x != -1 if c & 0x10 else x != 0
            out.append(chr(c + (0x20 if more else 0) + 48))
    return "".join(out)


def encode_mask(mask):
    """A boolean mask as COCO compressed RLE, as pycocotools.mask.encode gives it (counts as str)."""
    h, w = np.shape(mask)
    return {"size": [int(h), int(w)], "counts": rle_string(rle_counts(mask))}


def plain(value):
    """numpy scalars and arrays (and lists of them) as JSON-ready Python values."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def write_masks(generator, images_dir, out_dir, read_image, log=print):
    """Runs `generator.generate(read_image(path))` (SamAutomaticMaskGenerator in binary_mask mode:
    records whose `segmentation` is an HxW boolean array) on every PNG/JPEG file in `images_dir` and
    writes `out_dir/<stem>.json` per photo, each file atomically. Returns the number of photos."""
    names = sorted(n for n in os.listdir(images_dir) if n.lower().endswith(IMAGE_EXTENSIONS)
                   and not n.startswith(".") and os.path.isfile(os.path.join(images_dir, n)))
    os.makedirs(out_dir, exist_ok=True)
    for index, name in enumerate(names):
        records = []
        for ann in generator.generate(read_image(os.path.join(images_dir, name))):
            record = {key: plain(value) for key, value in ann.items() if key != "segmentation"}
            records.append({"segmentation": encode_mask(ann["segmentation"]), **record})
        target = os.path.join(out_dir, os.path.splitext(name)[0] + ".json")
        with open(target + ".partial", "w") as f:
            json.dump(records, f)
        os.replace(target + ".partial", target)
        log(f"sam_masks: {index + 1}/{len(names)} {name}: {len(records)} masks")
    return len(names)


def read_image_rgb(path):
    from PIL import Image  # installed with torchvision
    with Image.open(path) as image:
        return np.array(image.convert("RGB"))


def model_for(args):
    """--model, else the model the checkpoint's file name names, else vit_h."""
    if args.model:
        return args.model
    name = os.path.basename(args.checkpoint or "")
    return next((m for m in CHECKPOINTS if m in name), "vit_h")


def build_generator(args):
    """SamAutomaticMaskGenerator for the arguments; MissingRequirement says what is missing."""
    model = model_for(args)
    checkpoint = args.checkpoint or CHECKPOINTS[model]
    missing = []
    try:
        import torch
        from segment_anything import SamAutomaticMaskGenerator, sam_model_registry
    except ImportError as error:
        missing.append(f"cannot import segment_anything ({error}); install it with: "
                       "pip install segment-anything torch torchvision")
    if not os.path.isfile(checkpoint):
        missing.append(f"no SAM checkpoint at {checkpoint}; the official weights are published by Meta: "
                       + ", ".join(f"{m}: {WEIGHTS}{f}" for m, f in CHECKPOINTS.items())
                       + " (pass the file with --checkpoint and its kind with --model)")
    if missing:
        raise MissingRequirement("; ".join(missing))
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    sam = sam_model_registry[model](checkpoint=checkpoint).to(device=device)
    settings = {key: getattr(args, key) for key in GENERATOR_SETTINGS if getattr(args, key) is not None}
    return SamAutomaticMaskGenerator(sam, output_mode="binary_mask", **settings)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("images", help="folder of photos (PNG/JPEG)")
    parser.add_argument("out", help="folder for the <photo stem>.json files")
    parser.add_argument("--checkpoint", metavar="PATH", help="SAM checkpoint (default: the official file name for --model, "
                                             "e.g. sam_vit_h_4b8939.pth, in the current folder)")
    parser.add_argument("--model", choices=sorted(CHECKPOINTS),
                        help="SAM model kind (default: named in the checkpoint's file name, else vit_h)")
    parser.add_argument("--device", help="torch device (default: cuda when available, else cpu)")
    for key, (kind, text) in GENERATOR_SETTINGS.items():
        parser.add_argument("--" + key.replace("_", "-"), type=kind, metavar="N" if kind is int else "X", help=text)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if not os.path.isdir(args.images):
        print(f"sam_masks.py: {args.images}: not a folder", file=sys.stderr)
        return 2
    try:
        generator = build_generator(args)
    except MissingRequirement as error:
        print(f"sam_masks.py: {error}", file=sys.stderr)
        return 2
    count = write_masks(generator, args.images, args.out, read_image_rgb)
    print(f"sam_masks: wrote {count} mask files to {args.out}; next: "
          f"splatlift masks import {args.out} --images {args.images} --out SCENE/sam_masks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
