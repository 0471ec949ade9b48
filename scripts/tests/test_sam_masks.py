"""scripts/sam_masks.py with a stand-in for SamAutomaticMaskGenerator (needs numpy only).
Run: python3 scripts/tests/test_sam_masks.py   (SamMasksScriptTests.swift runs it in `swift test`)."""
import contextlib
import io
import json
import os
import sys
import tempfile
import unittest
from types import SimpleNamespace

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import sam_masks  # noqa: E402

FIXTURES = os.path.join(ROOT, "Tests", "fixtures")


def mask_from_runs(size, counts):
    """The boolean mask of column-major COCO run lengths (the uncompressed RLE)."""
    h, w = size
    flat = np.repeat(np.arange(len(counts)) % 2 == 1, counts)
    return flat.reshape(w, h).T


class StandInGenerator:
    """Answers like SamAutomaticMaskGenerator(output_mode="binary_mask").generate: one record per
    mask, `segmentation` a boolean HxW array, the other fields numpy values as SAM gives them.
    The masks per photo are the fixtures' (Tests/fixtures/masks/rle_lists)."""

    def __init__(self):
        self.photo = None
        self.masks = {}
        for name in os.listdir(os.path.join(FIXTURES, "masks", "rle_lists")):
            with open(os.path.join(FIXTURES, "masks", "rle_lists", name)) as f:
                records = json.load(f)
            self.masks[os.path.splitext(name)[0]] = [
                mask_from_runs(r["segmentation"]["size"], r["segmentation"]["counts"]) for r in records]

    def read_image(self, path):
        self.photo = os.path.splitext(os.path.basename(path))[0]
        h, w = self.masks[self.photo][0].shape
        return np.zeros((h, w, 3), np.uint8)

    def generate(self, image):
        assert image.ndim == 3 and image.dtype == np.uint8
        records = []
        for m in self.masks[self.photo]:
            ys, xs = np.nonzero(m)
            records.append({"segmentation": m, "area": np.int64(m.sum()),
                            "bbox": np.array([xs.min(), ys.min(), np.ptp(xs) + 1, np.ptp(ys) + 1] if m.any() else
                                             [0, 0, 0, 0], np.float32).tolist(),
                            "predicted_iou": np.float32(0.9), "point_coords": [np.array([1.5, 2.5])],
                            "stability_score": np.float32(0.95), "crop_box": [0, 0, m.shape[1], m.shape[0]]})
        return records


class SamMasksTests(unittest.TestCase):
    def test_encoding_matches_pycocotools_on_random_masks(self):
        with open(os.path.join(FIXTURES, "rle_pycocotools.json")) as f:
            cases = json.load(f)["cases"]
        self.assertEqual(len(cases), 8)
        for case in cases:
            mask = np.array([[c == "1" for c in row] for row in case["rows"]], bool).reshape(case["size"])
            self.assertEqual(sam_masks.rle_counts(mask), case["uncompressed"])
            self.assertEqual(sam_masks.encode_mask(mask), {"size": case["size"], "counts": case["compressed"]})

    def test_writes_one_rle_file_per_photo_as_pycocotools_would(self):
        generator = StandInGenerator()
        with tempfile.TemporaryDirectory() as tmp:
            images = os.path.join(tmp, "images")
            os.makedirs(os.path.join(images, "not_a_photo.jpg"))
            for name in ["view_a.png", "view_b.JPG", "notes.txt", ".hidden.png"]:
                open(os.path.join(images, name), "w").close()
            out = os.path.join(tmp, "out")
            lines = []
            self.assertEqual(sam_masks.write_masks(generator, images, out, generator.read_image, log=lines.append), 2)
            self.assertEqual(sorted(os.listdir(out)), ["view_a.json", "view_b.json"])
            self.assertEqual(lines[-1], "sam_masks: 2/2 view_b.JPG: 4 masks")
            for stem in ["view_a", "view_b"]:
                with open(os.path.join(out, stem + ".json")) as f:
                    written = json.load(f)
                with open(os.path.join(FIXTURES, "masks", "rle", stem + ".json")) as f:
                    expected = json.load(f)   # pycocotools' encoding of the same masks
                self.assertEqual([r["segmentation"] for r in written], [r["segmentation"] for r in expected])
                self.assertEqual([r["area"] for r in written], [r["area"] for r in expected])
                self.assertEqual([r["bbox"] for r in written], [r["bbox"] for r in expected])
                self.assertIsInstance(written[0]["predicted_iou"], float)
                self.assertEqual(written[0]["point_coords"], [[1.5, 2.5]])

    def test_refuses_without_segment_anything_or_checkpoint(self):
        args = SimpleNamespace(model=None, checkpoint="/nonexistent/sam_vit_b_01ec64.pth", device=None)
        saved = sys.modules.get("segment_anything")
        sys.modules["segment_anything"] = None           # makes `import segment_anything` fail
        try:
            with self.assertRaises(sam_masks.MissingRequirement) as raised:
                sam_masks.build_generator(args)
        finally:
            if saved is None:
                del sys.modules["segment_anything"]
            else:
                sys.modules["segment_anything"] = saved
        message = str(raised.exception)
        self.assertIn("pip install segment-anything torch torchvision", message)
        self.assertIn("no SAM checkpoint at /nonexistent/sam_vit_b_01ec64.pth", message)
        self.assertIn("https://dl.fbaipublicfiles.com/segment_anything/sam_vit_b_01ec64.pth", message)
        self.assertEqual(sam_masks.model_for(args), "vit_b")
        self.assertEqual(sam_masks.model_for(SimpleNamespace(model=None, checkpoint=None)), "vit_h")

    def test_main_exits_with_the_message_when_something_is_missing(self):
        with tempfile.TemporaryDirectory() as tmp:
            stderr = io.StringIO()
            with contextlib.redirect_stderr(stderr):
                status = sam_masks.main([tmp, os.path.join(tmp, "out"), "--checkpoint", os.path.join(tmp, "none.pth"),
                                         "--points-per-side", "16"])
            self.assertEqual(status, 2)
            self.assertIn("no SAM checkpoint at", stderr.getvalue())
            self.assertEqual(len(stderr.getvalue().strip().splitlines()), 1)
            self.assertFalse(os.path.exists(os.path.join(tmp, "out")))


if __name__ == "__main__":
    unittest.main()
