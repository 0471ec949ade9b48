"""scripts/bench_peers.py's pure-PyTorch renderer against SplatLift on a tiny random scene.
Run: python3 scripts/tests/test_bench_peers.py [-v]. Needs torch (skipped without it) and the
splatlift binary: $SPLATLIFT, else .build/release/splatlift, else .build/debug/splatlift (the tests
that need it are skipped when none exists)."""
import contextlib
import io
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import bench_peers  # noqa: E402

torch = bench_peers.torch
GAUSSIANS, WIDTH, HEIGHT, CHANNELS = 300, 48, 32, 4


def splatlift():
    for path in (os.environ.get("SPLATLIFT"), os.path.join(ROOT, ".build", "release", "splatlift"),
                 os.path.join(ROOT, ".build", "debug", "splatlift")):
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


BINARY = splatlift()


@unittest.skipIf(torch is None, "torch is not installed: scripts/tests/test_bench_peers.py skipped")
class RendererTests(unittest.TestCase):
    """The renderer alone (no binary needed)."""

    def scene(self, n=40, channels=2, seed=0):
        rng = np.random.default_rng(seed)
        cam = bench_peers.benchmark_camera(WIDTH, HEIGHT)
        z = rng.uniform(2, 6, n)
        u, v = rng.uniform(0, WIDTH, n), rng.uniform(0, HEIGHT, n)
        means = np.stack([(u - cam["cx"]) / cam["fx"] * z, (v - cam["cy"]) / cam["fy"] * z, z], axis=1)
        pixels = 0.5 * 12 ** rng.uniform(0, 1, (n, 3))
        return cam, {"means": means.astype(np.float32),
                     "log_scales": np.log(pixels * z[:, None] / cam["fx"]).astype(np.float32),
                     "rotations": rng.normal(size=(n, 4)).astype(np.float32),
                     "opacity_logits": rng.normal(size=n).astype(np.float32),
                     "sh": (rng.normal(size=(n, 16, 3)) * 0.3).astype(np.float32),
                     "features": rng.normal(size=(n, channels)).astype(np.float32)}

    def test_blocks_agree_with_whole_tiles(self):
        """The 8×8-block cull and the chunking change the work, not the image."""
        cam, scene = self.scene()
        p = bench_peers.parameters(scene)
        with torch.no_grad():
            ref = bench_peers.render(p, cam, block=16, chunk=1000)
            for block, chunk in ((8, 32), (4, 7), (2, 1)):
                img = bench_peers.render(p, cam, block=block, chunk=chunk)
                self.assertLess(float((img - ref).abs().max()), 1e-5, f"block {block} chunk {chunk}")

    def test_one_gaussian_by_hand(self):
        """A single isotropic Gaussian on the optical axis: α = o·exp(-½ d²/σ²) with σ² = s²f²/z² + 0.3."""
        cam = bench_peers.benchmark_camera(WIDTH, HEIGHT)
        z, s, o = 4.0, 0.01, 0.8
        sh = np.zeros((1, 16, 3), np.float32)
        sh[0, 0] = (0.7 - 0.5) / bench_peers.SH_C0
        scene = {"means": np.array([[0, 0, z]], np.float32), "log_scales": np.log(np.full((1, 3), s, np.float32)),
                 "rotations": np.array([[1, 0, 0, 0]], np.float32),
                 "opacity_logits": np.array([math.log(o / (1 - o))], np.float32), "sh": sh,
                 "features": np.array([[2.0]], np.float32)}
        with torch.no_grad():
            img = bench_peers.render(bench_peers.parameters(scene), cam).numpy()
        var = (s * cam["fx"] / z) ** 2 + 0.3
        px, py = cam["cx"] - 0.5, cam["cy"] - 0.5
        y, x = np.mgrid[0:HEIGHT, 0:WIDTH]
        alpha = np.minimum(0.99, o * np.exp(-0.5 * ((x - px) ** 2 + (y - py) ** 2) / var))
        alpha[alpha < 1 / 255] = 0
        np.testing.assert_allclose(img[..., 0], 0.7 * alpha, atol=2e-6)
        np.testing.assert_allclose(img[..., 3], 2.0 * alpha, atol=4e-6)

    def test_gradients_finite_and_nonzero(self):
        cam, scene = self.scene()
        p = bench_peers.parameters(scene, requires_grad=True)
        up = torch.randn(HEIGHT, WIDTH, 3 + scene["features"].shape[1], generator=torch.Generator().manual_seed(0))
        times = bench_peers.gradient_step(p, cam, up)
        self.assertGreater(times["forwardPlusBackward"], 0)
        for name, v in p.items():
            self.assertTrue(bool(torch.isfinite(v.grad).all()), name)
            self.assertGreater(float(v.grad.abs().max()), 0, name)

    def test_feature_gradients_stop_at_the_features(self):
        """Upstream on the features only: the features get gradients, geometry and colour none
        (SplatLift's default RenderOptions.featureGradientsReachGeometry = false), unless asked."""
        cam, scene = self.scene()
        up = torch.zeros(HEIGHT, WIDTH, 3 + scene["features"].shape[1])
        up[..., 3:] = torch.randn(HEIGHT, WIDTH, scene["features"].shape[1], generator=torch.Generator().manual_seed(2))
        for reach in (False, True):
            p = bench_peers.parameters(scene, requires_grad=True)
            (bench_peers.render(p, cam, features_reach_geometry=reach) * up).sum().backward()
            self.assertGreater(float(p["features"].grad.abs().max()), 0)
            self.assertEqual(float(p["sh"].grad.abs().max()), 0)
            for name in ("means", "log_scales", "rotations", "opacity_logits"):
                moved = float(p[name].grad.abs().max()) > 0
                self.assertEqual(moved, reach, f"{name} with features_reach_geometry={reach}")


@unittest.skipIf(torch is None, "torch is not installed: scripts/tests/test_bench_peers.py skipped")
@unittest.skipIf(BINARY is None, "no splatlift binary ($SPLATLIFT or .build/*/splatlift)")
class AgainstSplatLiftTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.TemporaryDirectory(prefix="test_bench_peers_")
        cls.ply = os.path.join(cls.folder.name, "scene.ply")
        subprocess.run([BINARY, "bench", "raster", "--gaussians", str(GAUSSIANS), "--width", str(WIDTH),
                        "--height", str(HEIGHT), "--channels", str(CHANNELS), "--threads", "1", "--repeat", "1",
                        "--json", "--no-roofline", "--write-scene", cls.ply], check=True, capture_output=True)
        cls.scene = bench_peers.read_ply(cls.ply)
        cls.cam = bench_peers.benchmark_camera(WIDTH, HEIGHT)

    @classmethod
    def tearDownClass(cls):
        cls.folder.cleanup()

    def test_ply_layout(self):
        s = self.scene
        self.assertEqual(s["means"].shape, (GAUSSIANS, 3))
        self.assertEqual(s["sh"].shape, (GAUSSIANS, 16, 3))
        self.assertEqual(s["features"].shape, (GAUSSIANS, CHANNELS))
        self.assertEqual(s["sh_degree"], 3)
        self.assertTrue((s["means"][:, 2] >= 2 - 1e-4).all() and (s["means"][:, 2] <= 10 + 1e-4).all())

    def test_forward_matches_render_ply(self):
        with torch.no_grad():
            img = bench_peers.render(bench_peers.parameters(self.scene), self.cam)
        db = bench_peers.agreement(BINARY, self.ply, self.cam, img[..., :3].numpy(), self.folder.name, 1)
        self.assertGreater(db, 45, f"PSNR {db:.2f} dB against splatlift render-ply")

    def test_backward_gradients_finite(self):
        p = bench_peers.parameters(self.scene, requires_grad=True)
        up = torch.randn(HEIGHT, WIDTH, 3 + CHANNELS, generator=torch.Generator().manual_seed(1))
        bench_peers.gradient_step(p, self.cam, up)
        for name, v in p.items():
            self.assertTrue(bool(torch.isfinite(v.grad).all()), name)

    def test_script_end_to_end(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            status = bench_peers.main(["--gaussians", str(GAUSSIANS), "--width", str(WIDTH), "--height", str(HEIGHT),
                                       "--channels", str(CHANNELS), "--repeat", "1", "--threads", "1",
                                       "--bin", BINARY, "--json"])
        self.assertEqual(status, 0)
        import json
        result = json.loads(out.getvalue())
        self.assertGreater(result["agreementPSNR"], 45)
        self.assertTrue(result["gradientsFinite"])
        stages = [r["stage"] for r in result["rows"]]
        self.assertIn("forward+backward", stages)
        for r in result["rows"]:
            self.assertGreater(r["splatliftMs"], 0)
            self.assertGreater(r["pytorchMs"], 0)


class RefusalTests(unittest.TestCase):
    def test_missing_binary_is_one_line(self):
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            status = bench_peers.main(["--bin", "/nonexistent/splatlift"])
        self.assertEqual(status, 2)
        lines = err.getvalue().strip().splitlines()
        self.assertEqual(len(lines), 1)
        self.assertIn("PyTorch is not installed" if torch is None else "splatlift binary not found", lines[0])


class OpenSplatScriptTests(unittest.TestCase):
    def test_missing_opensplat_is_refused_with_the_build_recipe(self):
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env = dict(os.environ, OPENSPLAT="/nonexistent/opensplat", PATH="/usr/bin:/bin")
        run = subprocess.run(["bash", os.path.join(root, "scripts", "bench_peers.sh"), root],
                             env=env, capture_output=True, text=True)
        self.assertEqual(run.returncode, 2)
        self.assertTrue(run.stderr.startswith("bench_peers.sh: OpenSplat not found"), run.stderr)
        self.assertIn("-DGPU_RUNTIME=CPU", run.stderr)

    @unittest.skipIf(BINARY is None, "no splatlift binary: the --random-points test is skipped")
    def test_random_points_seed_both_programs(self):
        """--random-points on a transforms.json scene without points: OpenSplat gets a training copy
        naming seed.ply (N points in a cube) and a camera_model. A stand-in `opensplat` copies what
        it was given and fails, which ends the run."""
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        shared = os.environ.get("SPLATLIFT_SHARED_DATA", os.path.join(root, "..", "shared", "data"))
        tiny = os.path.join(shared, "synthetic", "tiny-1")
        if not os.path.isdir(tiny):
            self.skipTest("../shared/data/synthetic/tiny-1 is missing")
        with tempfile.TemporaryDirectory() as tmp:
            scene, capture = os.path.join(tmp, "scene"), os.path.join(tmp, "capture")
            os.makedirs(scene)
            os.makedirs(capture)
            os.symlink(os.path.join(tiny, "images"), os.path.join(scene, "images"))
            with open(os.path.join(tiny, "transforms.json")) as f:
                doc = json.load(f)
            for key in ("ply_file_path", "camera_model"):
                doc.pop(key)
            with open(os.path.join(scene, "transforms.json"), "w") as f:
                json.dump(doc, f)
            fake = os.path.join(tmp, "opensplat")
            with open(fake, "w") as f:
                f.write('#!/bin/sh\n[ "$1" = --help ] && exit 0\n'
                        'cp "$1/transforms.json" "$1/seed.ply" "%s/"\necho "Step 1: 0.5"\nexit 1\n' % capture)
            os.chmod(fake, 0o755)
            run = subprocess.run(["bash", os.path.join(root, "scripts", "bench_peers.sh"), scene, "-n", "1", "--runs", "1",
                                  "--random-points", "500", "--bin", BINARY, "--threads", "1"],
                                 env=dict(os.environ, OPENSPLAT=fake), capture_output=True, text=True)
            self.assertEqual(run.returncode, 1, run.stderr)
            self.assertIn("opensplat failed", run.stderr)
            self.assertIn("seed points: 500 uniform", run.stdout)
            with open(os.path.join(capture, "transforms.json")) as f:
                given = json.load(f)
            self.assertEqual(given["ply_file_path"], "seed.ply")
            self.assertEqual(given["camera_model"], "OPENCV")
            self.assertEqual(len(given["frames"]), len(doc["frames"]) - len(doc["test_filenames"]))
            with open(os.path.join(capture, "seed.ply"), "rb") as f:
                data = f.read()
            end = data.index(b"end_header\n") + len(b"end_header\n")
            self.assertIn(b"element vertex 500\n", data[:end])
            points = np.frombuffer(data[end:], dtype=[("xyz", "<f4", 3), ("rgb", "u1", 3)])
            self.assertEqual(len(points), 500)
            extent = points["xyz"].max(axis=0) - points["xyz"].min(axis=0)
            self.assertLess(float(extent.max() - extent.min()), 0.2 * float(extent.max()), "a cube")


if __name__ == "__main__":
    unittest.main()
