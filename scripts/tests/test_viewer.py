#!/usr/bin/env python3
"""Browser test of `splatlift view` (docs/VIEWER.md), run by ViewerBrowserTests with a server
already serving a trained model:

    test_viewer.py --url http://127.0.0.1:PORT/ --binary .build/release/splatlift --model MODEL --out DIR

Headless Chromium (Debian's chromium + chromium-driver, software GL) opens the page, and the
tests check what issue #16 asks: the first frame at a training camera against the CPU render,
clicked pixels against the CPU id map, hide, extract against `splatlift extract --ids`, and the
bad requests. DIR receives the screenshots and the extracted PLYs.
"""
import argparse
import base64
import http.client
import io
import json
import os
import subprocess
import sys
import unittest
import urllib.parse
import urllib.request

import numpy as np
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

ARGS = None
CAMERA = None       # the first training camera, where the page starts


def chromium(width=1200, height=800, webgl=True):
    options = webdriver.ChromeOptions()
    gl = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"] if webgl else ["--disable-3d-apis"]
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}",
                 "--force-device-scale-factor=1"] + gl:
        options.add_argument(flag)
    binary = next((p for p in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] if os.path.exists(p)), None)
    if binary:
        options.binary_location = binary
    driver_path = next((p for p in ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"] if os.path.exists(p)), None)
    return webdriver.Chrome(options=options, service=Service(driver_path) if driver_path else None)


def wait_ready(driver, url, timeout=120):
    driver.set_script_timeout(timeout)
    driver.get(url)
    return driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const poll = () => {
          const v = window.splatView;
          if (v && v.error) return done({error: v.error});
          if (v && v.ready) return v.settled().then(() => done({ok: true}));
          setTimeout(poll, 50);
        };
        poll();""")


def settle(driver):
    driver.execute_async_script("window.splatView.settled().then(arguments[arguments.length - 1]);")


def canvas_image(driver):
    """The canvas as an H×W×3 float array in [0, 1]."""
    data = driver.execute_script("return document.getElementById('canvas').toDataURL('image/png');")
    png = base64.b64decode(data.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.float64) / 255


def get(path):
    with urllib.request.urlopen(urllib.parse.urljoin(ARGS.url, path)) as response:
        return response.read()


def cpu_render(query):
    image = Image.open(io.BytesIO(get(f"/api/render?{query}")))
    return np.asarray(image.convert("RGB") if image.mode != "I;16" and image.mode != "I" else image)


def cpu_ids(camera):
    return np.asarray(Image.open(io.BytesIO(get(f"/api/render?camera={camera}&layer=ids"))), dtype=np.int64)


def psnr(a, b):
    mse = float(np.mean((a - b) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(1 / mse)


def request(method, path, body=None, raw_path=False):
    """(status, body text) for a request sent as is (no path normalising)."""
    parts = urllib.parse.urlparse(ARGS.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    data = body.encode() if isinstance(body, str) else body
    connection.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, text


def interior_pixels(ids, count):
    """Up to `count` pixels deep inside objects (a 5×5 block of one id), one per object first."""
    h, w = ids.shape
    candidates = {}
    for y in range(2, h - 2):
        for x in range(2, w - 2):
            block = ids[y - 2:y + 3, x - 2:x + 3]
            if ids[y, x] > 0 and (block == ids[y, x]).all():
                candidates.setdefault(int(ids[y, x]), []).append((x, y))
    chosen = []
    round_ = 0
    while len(chosen) < count and any(len(v) > round_ for v in candidates.values()):
        for object_id, pixels in sorted(candidates.items()):
            if len(pixels) > round_ and len(chosen) < count:
                pick = pixels[(len(pixels) // 2 + round_ * 7) % len(pixels)]
                chosen.append((pick[0], pick[1], object_id))
        round_ += 1
    return chosen


class ViewerTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        global CAMERA
        cls.scene = json.loads(get("/api/scene"))
        CAMERA = next(i for i, view in enumerate(cls.scene["views"]) if view["split"] == "train")
        cls.view = cls.scene["views"][CAMERA]
        cls.driver = chromium()
        state = wait_ready(cls.driver, ARGS.url)
        assert state.get("ok"), f"the page did not start: {state}"
        assert cls.driver.execute_script("return splatView.cameraIndex;") == CAMERA, "the page starts elsewhere"
        cam = cls.view["camera"]
        cls.width, cls.height = cam["width"], cam["height"]
        cls.driver.execute_script(f"splatView.setSize({cls.width}, {cls.height});")
        settle(cls.driver)
        cls.ids = cpu_ids(CAMERA)

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()

    def setUp(self):
        self.driver.execute_script(f"splatView.objects.select([]); splatView.objects.showAll(); "
                                   f"splatView.toggleColorByObject(false); splatView.setCamera({CAMERA});")
        settle(self.driver)

    def click(self, x, y):
        canvas = self.driver.find_element(By.ID, "canvas")
        ActionChains(self.driver).move_to_element_with_offset(canvas, x - self.width // 2, y - self.height // 2) \
            .click().perform()
        return self.driver.execute_script("return splatView.objects.selected();")

    def test_1_first_frame_matches_cpu_render(self):
        page = canvas_image(self.driver)
        Image.fromarray((page * 255).round().astype(np.uint8)).save(os.path.join(ARGS.out, "page-first-camera.png"))
        cpu = cpu_render(f"camera={CAMERA}&sh=0") / 255
        Image.fromarray((cpu * 255).round().astype(np.uint8)).save(os.path.join(ARGS.out, "cpu-first-camera.png"))
        score = psnr(page, cpu)
        full = psnr(page, cpu_render(f"camera={CAMERA}") / 255)
        print(f"first frame vs CPU render, camera {CAMERA} ({self.width}x{self.height}): PSNR {score:.2f} dB "
              f"(SH degree 0), {full:.2f} dB (the model's SH degree {self.scene['shDegree']})", file=sys.stderr)
        self.assertGreaterEqual(score, 28)

    def test_2_clicks_select_the_rendered_objects(self):
        pixels = interior_pixels(self.ids, 5)
        self.assertEqual(len(pixels), 5, "the id map has too few object pixels")
        for x, y, expected in pixels:
            selected = self.click(x, y)
            print(f"click ({x}, {y}): CPU id {expected}, page selected {selected}", file=sys.stderr)
            self.assertEqual(selected, [expected], f"pixel ({x}, {y})")

    def test_3_hide_changes_only_the_selected_object(self):
        # A thing standing in the room, wholly in view (no pixel on the image border): walls and
        # floor show through the soft edges of what stands before them, so hiding one of those
        # changes pixels that the id map gives to other objects.
        border = set(np.unique(np.concatenate([self.ids[0], self.ids[-1], self.ids[:, 0], self.ids[:, -1]])).tolist())
        inside = [p for p in interior_pixels(self.ids, 50) if p[2] not in border]
        self.assertTrue(inside, "no object lies wholly in view")
        counts = {p[2]: int((self.ids == p[2]).sum()) for p in inside}
        x, y, target = next(p for p in inside if p[2] == max(counts, key=counts.get))
        before = canvas_image(self.driver)
        self.assertEqual(self.click(x, y), [target])
        self.driver.find_element(By.TAG_NAME, "body").send_keys("h")
        settle(self.driver)
        self.assertEqual(self.driver.execute_script("return splatView.objects.hiddenIDs();"), [target])
        after = canvas_image(self.driver)
        Image.fromarray((after * 255).round().astype(np.uint8)).save(os.path.join(ARGS.out, f"page-hidden-{target}.png"))
        changed = np.abs(after - before).max(axis=2) > 2.5 / 255
        own, others = self.ids == target, (self.ids != target)
        own_changed, others_kept = changed[own].mean(), 1 - changed[others].mean()
        print(f"hide object {target}: {own_changed:.1%} of its {own.sum()} pixels changed, "
              f"{others_kept:.1%} of the other {others.sum()} pixels kept", file=sys.stderr)
        self.assertGreaterEqual(own_changed, 0.9)
        self.assertGreaterEqual(others_kept, 0.95)

    def test_4_extract_equals_the_cli(self):
        _, _, target = interior_pixels(self.ids, 1)[0]
        self.driver.execute_script(f"splatView.objects.select([{target}]);")
        data = self.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            splatView.extractSelected().then((buffer) => {
              let text = ""; const bytes = new Uint8Array(buffer);
              for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
              done(btoa(text));
            }, (error) => done("error: " + error.message));""")
        self.assertFalse(data.startswith("error"), data)
        page_ply = base64.b64decode(data)
        cli_path = os.path.join(ARGS.out, f"cli-extract-{target}.ply")
        subprocess.run([ARGS.binary, "extract", ARGS.model, "--ids", str(target), "--out", cli_path], check=True,
                       capture_output=True)
        with open(cli_path, "rb") as f:
            cli_ply = f.read()
        print(f"extract object {target}: page {len(page_ply)} bytes, CLI {len(cli_ply)} bytes", file=sys.stderr)
        self.assertEqual(page_ply, cli_ply)

    def test_5_remove_writes_a_new_model_folder(self):
        _, _, target = interior_pixels(self.ids, 1)[0]
        self.driver.execute_script(f"splatView.objects.select([{target}]);")
        name = f"{os.path.basename(ARGS.model)}-viewer-removed-{target}"
        body = self.driver.execute_async_script(f"""
            const done = arguments[arguments.length - 1];
            splatView.removeSelected("{name}").then(done, (error) => done({{error: error.message}}));""")
        self.assertNotIn("error", body)
        self.assertTrue(os.path.exists(os.path.join(body["path"], "cfg.json")), body)
        self.assertNotEqual(os.path.realpath(body["path"]), os.path.realpath(ARGS.model))
        again = request("POST", "/api/remove", json.dumps({"ids": [target], "out": name}))
        self.assertEqual(again[0], 409, again)

    def test_6_bad_requests_get_one_line_4xx(self):
        camera = dict(self.view["camera"])
        nan_camera = dict(camera, fx="NaN")
        cases = [
            ("unknown id", "POST", "/api/extract", json.dumps({"ids": [9999]}), 404),
            ("unknown id (remove)", "POST", "/api/remove", json.dumps({"ids": [9999]}), 404),
            ("malformed JSON", "POST", "/api/extract", '{"ids": [1,', 400),
            ("wrong JSON shape", "POST", "/api/extract", json.dumps({"ids": "one"}), 400),
            ("'..' in a page path", "GET", "/app/../index.html", None, 400),
            ("'..' in an output name", "POST", "/api/remove", json.dumps({"ids": [1], "out": "../escape"}), 400),
            ("camera with NaN (string)", "POST", "/api/render", json.dumps({"camera": nan_camera}), 400),
            ("camera with NaN (bare)", "POST", "/api/render", json.dumps({"camera": dict(camera, cx=float("nan"))}), 400),
            ("unknown camera", "GET", "/api/render?camera=9999", None, 404),
            ("unknown layer", "GET", f"/api/render?camera={CAMERA}&layer=depth", None, 400),
            ("unknown route", "GET", "/api/nothing", None, 404),
        ]
        for name, method, path, body, expected in cases:
            with self.subTest(name):
                status, text = request(method, path, body)
                print(f"{name}: {status} {text.strip()}", file=sys.stderr)
                self.assertEqual(status, expected)
                self.assertEqual(text.count("\n"), 1)
                self.assertTrue(text.endswith("\n"))
                self.assertIn("error", json.loads(text))
                self.assertEqual(request("GET", "/api/scene")[0], 200, "the server stopped answering")
        good = request("POST", "/api/render", json.dumps({"camera": camera, "sh": 0}))
        self.assertEqual(good[0], 200)

    def test_7_frame_time_and_colour_by_object(self):
        self.driver.execute_script("splatView.toggleColorByObject(true);")
        settle(self.driver)
        Image.fromarray((canvas_image(self.driver) * 255).round().astype(np.uint8)).save(
            os.path.join(ARGS.out, "page-objects.png"))
        ms = self.driver.execute_script("return splatView.benchmark(10);")
        sort_ms = self.driver.execute_script("return splatView.sortMs;")
        print(f"frame {ms:.2f} ms, sort {sort_ms:.2f} ms at {self.width}x{self.height}, "
              f"{self.scene['gaussians']} Gaussians", file=sys.stderr)
        self.assertGreater(ms, 0)

    def test_8_a_browser_without_webgl2_gets_a_message(self):
        driver = chromium(webgl=False)
        try:
            state = wait_ready(driver, ARGS.url)
            message = driver.find_element(By.ID, "message")
            print(f"without WebGL: {state}, message: {message.text[:60]}...", file=sys.stderr)
            self.assertEqual(state, {"error": "webgl2"})
            self.assertTrue(message.is_displayed())
            self.assertIn("WebGL2", message.text)
        finally:
            driver.quit()


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--out", required=True)
    ARGS, rest = parser.parse_known_args()
    os.makedirs(ARGS.out, exist_ok=True)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
