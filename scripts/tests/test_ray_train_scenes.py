"""Batches of scenes (scripts/scene_job.py, batch_summary.py, ray_train_blocks.py with a scene list).

SceneListTest: the list's one-line errors and the summary table, on made-up folders (no Ray, no build).
RayTrainScenesTest: two tiny SplatSynth scenes and a folder that is no scene, on a local Ray; the
first scene's `splatlift train` is SIGKILLed after its first checkpoint, Ray retries it, it resumes,
and its point cloud is byte-identical to an uninterrupted run's; the summary lists both scenes with
their metrics and the broken folder as failed with the trainer's one-line error. Needs `pip install
ray` and a release build (skipped otherwise).
Run: python3 scripts/tests/test_ray_train_scenes.py
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from batch_summary import summarize  # noqa: E402
from block_job import default_splatlift  # noqa: E402
from scene_job import BatchError, read_scene_list, record_path, write_batch, write_json  # noqa: E402
from test_ray_train_blocks import HAVE_RAY, training_pid  # noqa: E402

SPLATLIFT = default_splatlift()
ITERATIONS = 200


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


class SceneListTest(unittest.TestCase):
    def test_list_errors_name_the_file_and_line(self):
        with tempfile.TemporaryDirectory() as tmp:
            os.makedirs(os.path.join(tmp, "a", "room"))
            os.makedirs(os.path.join(tmp, "b", "room"))
            listed = os.path.join(tmp, "scenes.txt")
            write(listed, "# rooms\n\na/room   # the first\n")
            self.assertEqual(read_scene_list(listed), [("room", os.path.join(tmp, "a", "room"))])
            cases = {"# nothing here\n\n": f"{listed}: lists no scene folder",
                     "a/room\nmissing\n": f"{listed}:2: {tmp}/missing: no such scene folder",
                     "a/room\nb/room\n": f"{listed}:2: scene name 'room' is also line 1's"}
            for text, message in cases.items():
                write(listed, text)
                with self.assertRaises(BatchError) as caught:
                    read_scene_list(listed)
                self.assertTrue(str(caught.exception).startswith(message), str(caught.exception))
            with self.assertRaises(BatchError) as caught:
                read_scene_list(os.path.join(tmp, "none.txt"))
            self.assertIn("none.txt: cannot read the scene list", str(caught.exception))
            write(listed, "a/room\n")
            with self.assertRaises(BatchError) as caught:
                write_batch(listed, os.path.join(tmp, "out"), "--iterations 10 --out x")
            self.assertIn("--out is set by the runner", str(caught.exception))

    def test_summary_has_every_scene_failed_ones_with_reasons_and_the_mean(self):
        with tempfile.TemporaryDirectory() as tmp:
            for name in ("one", "two", "bad", "lost"):
                os.makedirs(os.path.join(tmp, "scenes", name))
            listed = os.path.join(tmp, "scenes.txt")
            write(listed, "scenes/one\nscenes/two\nscenes/bad\nscenes/lost\n")
            batch = write_batch(listed, os.path.join(tmp, "out"), "--iterations 10")
            for (name, psnr, miou, count) in (("one", 20.0, 0.5, 100), ("two", 30.0, None, 300)):
                model = os.path.join(tmp, "out", name)
                os.makedirs(os.path.join(model, "point_cloud", "iteration_10"))
                write(os.path.join(model, "point_cloud", "iteration_10", "point_cloud.ply"),
                      f"ply\nformat binary_little_endian 1.0\nelement vertex {count}\nend_header\n")
                write(os.path.join(model, "train_log.jsonl"), '{"iteration": 10, "seconds": 2.5}\n')
                metrics = {"rendering": {"iteration": 10, "psnr": psnr, "ssim": 0.9, "split": "test", "views": []}}
                if miou is not None:
                    scores = {"meanIoU": miou, "fScore": 0.6, "meanBoundaryIoU": 0.4, "panoptic": {"pq": 0.7}}
                    metrics["segmentation"] = {"views": ["v"], "report": {"prediction": scores}}
                write_json(os.path.join(model, "metrics.json"), metrics)
                write_json(record_path(batch, name), {"status": "ok", "reason": "", "attempts": [{"train": {"run": "fresh"}}]})
            write_json(record_path(batch, "bad"), {"status": "failed", "reason": "bad: splatlift train exited with 1: Error: x",
                                                    "attempts": [{}, {}]})
            summary, table = summarize(batch["out"])
            rows = {r["scene"]: r for r in summary["scenes"]}
            self.assertEqual(list(rows), ["one", "two", "bad", "lost"])
            self.assertEqual((rows["one"]["gaussians"], rows["one"]["train_seconds"], rows["one"]["miou"]), (100, 2.5, 0.5))
            self.assertEqual(rows["bad"]["reason"], "splatlift train exited with 1: Error: x")
            self.assertTrue(rows["lost"]["reason"].startswith("never ran"), rows["lost"]["reason"])
            self.assertEqual((summary["ok"], summary["failed"]), (2, 2))
            self.assertEqual((summary["mean"]["psnr"], summary["mean"]["gaussians"], summary["mean"]["miou"]), (25.0, 200, 0.5))
            lines = table.splitlines()
            self.assertEqual(lines[0], "| scene | status | Gaussians | train s | PSNR | SSIM | mIoU | F@0.5 | PQ^scene | mBIoU |")
            self.assertEqual(lines[3], "| two | ok | 300 | 2.5 | 30.00 | 0.9000 | – | – | – | – |")
            self.assertIn("| bad | failed: splatlift train exited with 1: Error: x |", lines[4])
            self.assertEqual(lines[-1], "| mean | 2 of 4 ok | 200 | 2.5 | 25.00 | 0.9000 | 0.500 | 0.600 | 0.700 | 0.400 |")
            with open(os.path.join(batch["out"], "summary.md")) as f:
                self.assertEqual(f.read(), table)


def splatlift(*args):
    subprocess.run([SPLATLIFT, *args], check=True, stdout=subprocess.DEVNULL)


@unittest.skipUnless(HAVE_RAY and os.access(SPLATLIFT, os.X_OK), "needs `pip install ray` and `swift build -c release`")
class RayTrainScenesTest(unittest.TestCase):
    def test_batch_with_a_killed_scene_and_a_broken_one(self):
        with tempfile.TemporaryDirectory() as tmp:
            for seed in (6, 7):
                splatlift("synth", "--preset", "tiny", "--seed", str(seed), "--out", os.path.join(tmp, f"tiny-{seed}"))
            os.makedirs(os.path.join(tmp, "broken"))
            listed = os.path.join(tmp, "scenes.txt")
            write(listed, "# two tiny scenes and a folder that holds none\ntiny-6\ntiny-7\nbroken\n")
            train_args = f"--iterations {ITERATIONS} --checkpoint-every 20"
            splatlift("train", os.path.join(tmp, "tiny-6"), "--out", os.path.join(tmp, "reference"),
                      *train_args.split(), "--threads", "1")

            out = os.path.join(tmp, "out")
            runner = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts", "ray_train_blocks.py"), listed,
                                       "--out", out, f"--train-args={train_args}", "--local-cpus", "2",
                                       "--cpus-per-task", "1", "--retries", "1"],
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            model = os.path.join(out, "tiny-6")
            deadline = time.time() + 300
            while not os.path.exists(os.path.join(model, "checkpoint.bin")) and time.time() < deadline \
                    and runner.poll() is None:
                time.sleep(0.02)
            pid = training_pid(model)
            self.assertIsNotNone(pid, "tiny-6 finished before it could be killed")
            os.kill(pid, signal.SIGKILL)
            output, _ = runner.communicate(timeout=600)
            self.assertEqual(runner.returncode, 1, output)   # 1: a scene (broken) failed

            with open(os.path.join(out, "summary.json")) as f:
                summary = json.load(f)
            rows = {r["scene"]: r for r in summary["scenes"]}
            self.assertEqual(list(rows), ["tiny-6", "tiny-7", "broken"], output)
            for name in ("tiny-6", "tiny-7"):
                self.assertEqual(rows[name]["status"], "ok", output)
                self.assertGreater(rows[name]["gaussians"], 0)
                self.assertGreater(rows[name]["psnr"], 10)
                self.assertGreater(rows[name]["train_seconds"], 0)
                self.assertIn("miou", rows[name], "the tiny scenes have gt_instance/: eval scores segmentation")
            self.assertTrue(rows["tiny-6"]["resumed"], output)
            self.assertEqual(rows["tiny-6"]["attempts"], 2, output)
            self.assertFalse(rows["tiny-7"]["resumed"])
            self.assertEqual(rows["broken"]["status"], "failed")
            self.assertEqual(rows["broken"]["attempts"], 2)
            self.assertTrue(rows["broken"]["reason"].startswith("splatlift train exited with 1: Error: "),
                            rows["broken"]["reason"])
            self.assertEqual(len(rows["broken"]["reason"].splitlines()), 1)
            self.assertEqual(summary["mean"]["scenes"], 2)
            self.assertIn("| mean | 2 of 3 ok |", output)

            ply = f"point_cloud/iteration_{ITERATIONS}/point_cloud.ply"
            with open(os.path.join(tmp, "reference", ply), "rb") as a, open(os.path.join(model, ply), "rb") as b:
                self.assertTrue(a.read() == b.read(), "the resumed scene's point cloud differs from the uninterrupted one")


if __name__ == "__main__":
    unittest.main()
