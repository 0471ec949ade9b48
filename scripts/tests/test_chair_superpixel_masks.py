"""scripts/chair_superpixel_masks.py on small RGBA photos it makes itself (needs numpy, pillow and
scikit-image; skipped without scikit-image).
Run: python3 scripts/tests/test_chair_superpixel_masks.py   (ChairSuperpixelScriptTests.swift runs it in `swift test`)."""
import contextlib
import io
import os
import sys
import tempfile
import unittest

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import chair_superpixel_masks as csm  # noqa: E402

try:
    from PIL import Image
    import skimage  # noqa: F401
    HAVE_SKIMAGE = True
except ImportError:
    HAVE_SKIMAGE = False


def photo(w=48, h=40, shift=0):
    """An RGBA photo: a disc (alpha 255) of a red left half and a blue right half, a soft alpha edge
    ring at 100 (below the 0.5 threshold), transparent background of noise colour."""
    rng = np.random.default_rng(7)
    rgba = np.zeros((h, w, 4), np.uint8)
    rgba[..., :3] = rng.integers(0, 255, (h, w, 3))
    yy, xx = np.mgrid[0:h, 0:w]
    d = np.hypot(xx - (w / 2 + shift), yy - h / 2)
    disc = d < 14
    rgba[disc & (xx < w / 2 + shift), :3] = (220, 30, 30)
    rgba[disc & (xx >= w / 2 + shift), :3] = (30, 30, 220)
    rgba[..., 3] = np.where(disc, 255, np.where(d < 15.5, 100, 0))
    return rgba, disc


def options(**kw):
    args = csm.parser().parse_args(["scene", "--out", "out"])
    for k, v in kw.items():
        setattr(args, k, v)
    return args


class LabelMapTests(unittest.TestCase):
    """The pure numbering logic (numpy only)."""

    def test_background_zero_ids_by_area_largest_first(self):
        fg = np.array([[1, 1, 1, 0], [1, 1, 1, 0]], bool)
        raw = np.array([[5, 5, 9, 9], [7, 5, 9, 9]])
        out = csm.label_map(raw, fg)
        # areas on fg: 5 -> 3 pixels, 9 -> 2, 7 -> 1
        np.testing.assert_array_equal(out, [[1, 1, 2, 0], [3, 1, 2, 0]])
        self.assertEqual(out.dtype, np.uint16)

    def test_equal_areas_keep_raw_order_and_unlabelled_foreground_joins_largest(self):
        fg = np.ones((1, 6), bool)
        raw = np.array([[4, 4, 2, 2, 0, 3]])
        out = csm.label_map(raw, fg)
        # 0 joins the largest (2 and 4 tie at 2 pixels: 2 comes first), so 2 -> 3 pixels -> id 1, 4 -> id 2, 3 -> id 3
        np.testing.assert_array_equal(out, [[2, 2, 1, 1, 1, 3]])

    def test_no_foreground_gives_all_zero(self):
        out = csm.label_map(np.ones((3, 3), int), np.zeros((3, 3), bool))
        self.assertFalse(out.any())

    def test_foreground_threshold(self):
        a = np.array([0, 127, 128, 255], np.uint8)
        np.testing.assert_array_equal(csm.foreground(a, 0.5), [False, False, True, True])
        np.testing.assert_array_equal(csm.foreground(np.array([0.2, 0.5]), 0.5), [False, True])


@unittest.skipUnless(HAVE_SKIMAGE, "scikit-image is not installed")
class ScriptTests(unittest.TestCase):
    def scene(self, tmp, folders=("train", "val")):
        truth = {}
        for k, folder in enumerate(folders):
            os.makedirs(os.path.join(tmp, folder))
            for i in range(2):
                rgba, disc = photo(shift=3 * i - k)
                Image.fromarray(rgba, "RGBA").save(os.path.join(tmp, folder, f"r_{i}.png"))
                truth[f"{folder}/r_{i}"] = disc
        return truth

    def run_script(self, argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = csm.main(argv)
        return code, out.getvalue(), err.getvalue()

    def test_writes_label_maps_where_the_loader_looks(self):
        for method in ("slic", "felzenszwalb"):
            with self.subTest(method=method), tempfile.TemporaryDirectory() as tmp:
                truth = self.scene(tmp)
                out = os.path.join(tmp, "sam_masks")
                code, log, err = self.run_script([tmp, "--out", out, "--method", method, "--segments", "4",
                                                  "--min-size", "20"])
                self.assertEqual(code, 0, err)
                self.assertIn("4 photos", log)
                for name, disc in truth.items():
                    with Image.open(os.path.join(out, name + ".png")) as im:
                        self.assertEqual(im.mode, "I;16")
                        labels = np.asarray(im)
                    self.assertEqual(labels.shape, disc.shape)
                    # background and the soft edge (alpha 100 < 128) are 0, every foreground pixel has an id
                    self.assertFalse(labels[~disc].any())
                    self.assertTrue((labels[disc] > 0).all())
                    ids, counts = np.unique(labels[disc], return_counts=True)
                    np.testing.assert_array_equal(ids, np.arange(1, len(ids) + 1))  # ids 1...n
                    self.assertTrue((np.diff(counts) <= 0).all(), counts)  # largest first
                    self.assertGreaterEqual(len(ids), 2)  # the red and blue halves are cut apart

    def test_whole_every_gives_every_nth_photo_the_whole_object(self):
        with tempfile.TemporaryDirectory() as tmp:
            truth = self.scene(tmp, folders=("train",))
            out = os.path.join(tmp, "m")
            code, _, err = self.run_script([tmp, "--out", out, "--folders", "train", "--segments", "4", "--whole-every", "2"])
            self.assertEqual(code, 0, err)
            for i, whole in ((0, True), (1, False)):
                with Image.open(os.path.join(out, "train", f"r_{i}.png")) as im:
                    labels = np.asarray(im)
                disc = truth[f"train/r_{i}"]
                if whole:
                    np.testing.assert_array_equal(labels, disc.astype(np.uint16))
                else:
                    self.assertGreaterEqual(int(labels.max()), 2)
            self.assertEqual(self.run_script([tmp, "--out", out, "--whole-every", "-1"])[0], 2)

    def test_deterministic(self):
        with tempfile.TemporaryDirectory() as tmp:
            self.scene(tmp, folders=("train",))
            for out in ("a", "b"):
                self.assertEqual(self.run_script([tmp, "--out", os.path.join(tmp, out), "--folders", "train"])[0], 0)
            for name in ("r_0.png", "r_1.png"):
                with open(os.path.join(tmp, "a", "train", name), "rb") as a, \
                        open(os.path.join(tmp, "b", "train", name), "rb") as b:
                    self.assertEqual(a.read(), b.read())

    def test_refuses_photos_without_alpha_and_missing_folders(self):
        with tempfile.TemporaryDirectory() as tmp:
            os.makedirs(os.path.join(tmp, "train"))
            Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(os.path.join(tmp, "train", "r_0.png"))
            code, _, err = self.run_script([tmp, "--out", os.path.join(tmp, "m")])
            self.assertEqual(code, 1)
            self.assertIn("r_0.png: has no alpha channel", err)
            self.assertEqual(err.count("\n"), 1)
            code, _, err = self.run_script([tmp, "--out", os.path.join(tmp, "m"), "--folders", "test"])
            self.assertEqual(code, 1)
            self.assertIn("is not a folder", err)


if __name__ == "__main__":
    unittest.main()
