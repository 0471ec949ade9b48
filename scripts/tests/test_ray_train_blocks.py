"""scripts/ray_train_blocks.py on a local Ray: a tiny SplatSynth scene cut into 1x2 blocks, one
block's `splatlift train` killed mid-run; Ray retries it, it resumes from its checkpoint, and the
merged model is byte-identical to one trained without interruption.
Needs `pip install ray` (`scripts/setup.sh --test` installs it) and a release build; skipped otherwise.
Run: python3 scripts/tests/test_ray_train_blocks.py"""
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
from block_job import default_splatlift, load_plan, run_block  # noqa: E402

SPLATLIFT = default_splatlift()
try:
    import ray  # noqa: F401
    HAVE_RAY = True
except ImportError:
    HAVE_RAY = False


def splatlift(*args):
    subprocess.run([SPLATLIFT, *args], check=True, stdout=subprocess.DEVNULL)


def training_pid(model):
    """The pid of the `splatlift train` process writing `model` (one this test started), or None."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if argv[0].endswith(b"splatlift") and b"train" in argv and model.encode() in argv:
            return int(pid)
    return None


@unittest.skipUnless(HAVE_RAY and os.access(SPLATLIFT, os.X_OK), "needs `pip install ray` and `swift build -c release`")
class RayTrainBlocksTest(unittest.TestCase):
    def test_killed_block_resumes_and_merge_is_unchanged(self):
        with tempfile.TemporaryDirectory() as tmp:
            scene = os.path.join(tmp, "scene")
            splatlift("synth", "--preset", "tiny", "--seed", "6", "--out", scene)
            plans = []
            for name in ("reference", "ray"):
                plan = os.path.join(tmp, name)
                splatlift("partition", scene, "--blocks", "1x2", "--min-cameras", "4", "--iterations", "400",
                          "--train-args=--checkpoint-every 40 --threads 1", "--out", plan)
                plans.append(plan)
            reference, ray_plan = plans
            plan = load_plan(reference)
            for index in range(len(plan["blocks"])):
                run_block(plan, index, SPLATLIFT)
            splatlift(*load_plan(reference)["mergeCommand"])

            runner = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts", "ray_train_blocks.py"), ray_plan,
                                       "--local-cpus", "2", "--cpus-per-block", "1"],
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            model = load_plan(ray_plan)["blocks"][0]["model"]
            checkpoint = os.path.join(model, "checkpoint.bin")
            deadline = time.time() + 300
            while not os.path.exists(checkpoint) and time.time() < deadline and runner.poll() is None:
                time.sleep(0.05)
            pid = training_pid(model)
            self.assertIsNotNone(pid, "block_0_0 finished before it could be killed")
            os.kill(pid, signal.SIGKILL)
            output, _ = runner.communicate(timeout=600)
            self.assertEqual(runner.returncode, 0, output)

            with open(os.path.join(ray_plan, "runs", "ray.json")) as f:
                runs = {r["block"]: r for r in json.load(f)["blocks"]}
            self.assertEqual(runs["block_0_0"]["run"], "resume", output)
            self.assertGreater(runs["block_0_1"]["peak_mb"], 0)
            ply = "merged/point_cloud/iteration_400/point_cloud.ply"
            with open(os.path.join(reference, ply), "rb") as a, open(os.path.join(ray_plan, ply), "rb") as b:
                self.assertTrue(a.read() == b.read(), "the merged point clouds differ")
            with open(os.path.join(reference, "merged", "objects.json")) as a, \
                    open(os.path.join(ray_plan, "merged", "objects.json")) as b:
                self.assertEqual(json.load(a)["objects"], json.load(b)["objects"])


if __name__ == "__main__":
    unittest.main()
