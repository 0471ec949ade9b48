// The viewer page: loads the scene, its objects and Gaussians, keeps the depth order fresh
// through the sort worker, draws on demand and wires the panel, the mouse and the keys.
// `window.splatView` exposes the state and actions (the browser test drives them).

import { fetchJSON, fetchGaussians } from "./loader.js";
import { SplatRenderer } from "./renderer.js";
import { ViewCamera } from "./camera.js";
import { ObjectPanel } from "./objects.js";
import { bindInput } from "./input.js";

const $ = (id) => document.getElementById(id);

function fail(text) {
  $("loading").hidden = true;
  $("message").hidden = false;
  $("message").textContent = text;
}

class Viewer {
  constructor(canvas, renderer, scene, objects, splats) {
    this.canvas = canvas;
    this.renderer = renderer;
    this.scene = scene;
    this.splats = splats;
    this.camera = new ViewCamera();
    this.colorByObject = false;
    this.fixedSize = null;
    this.cameraIndex = -1;
    this.frameMs = 0;
    this.sortMs = 0;
    this.frames = 0;
    this.sortedVersion = -1;
    this.drawnVersion = -1;
    this.pendingSort = null;
    this.dirty = true;
    this.idle = [];
    this.objects = new ObjectPanel(objects, splats, () => this.#objectsChanged());
    renderer.setGaussians(splats);
    this.#objectsChanged();
    this.worker = new Worker("/app/sort-worker.js");
    this.worker.postMessage({ positions: splats.positions });
    this.worker.onmessage = (event) => this.#sorted(event.data);
    this.orbitDistance = this.#sceneDistance();
    const firstTraining = scene.views.findIndex((view) => view.split === "train");
    if (scene.views.length > 0) this.setCamera(Math.max(firstTraining, 0));
    else this.camera.lookAt(this.#centroid(), this.orbitDistance);
    this.#resize();
    new ResizeObserver(() => this.#resize()).observe(canvas.parentElement);
    requestAnimationFrame(() => this.#frame());
  }

  #centroid() {
    const p = this.splats.positions, n = this.splats.count || 1, c = [0, 0, 0];
    for (let i = 0; i < p.length; i++) c[i % 3] += p[i] / n;
    return c;
  }

  // The distance from the first camera to the centroid along its view (the orbit radius).
  #sceneDistance() {
    const c = this.#centroid();
    if (this.scene.views.length === 0) {
      let r = 0;
      const p = this.splats.positions;
      for (let i = 0; i < p.length; i += 3) r = Math.max(r, Math.hypot(p[i] - c[0], p[i + 1] - c[1], p[i + 2] - c[2]));
      return 2.5 * (r || 1);
    }
    const cam = this.scene.views[0].camera, r = cam.rotation, t = cam.translation;
    const depth = r[6] * c[0] + r[7] * c[1] + r[8] * c[2] + t[2];
    return depth > 0.3 ? depth : 3;
  }

  #resize() {
    const size = this.fixedSize ?? (() => {
      const box = this.canvas.parentElement.getBoundingClientRect(), dpr = window.devicePixelRatio || 1;
      return [Math.max(1, Math.floor(box.width * dpr)), Math.max(1, Math.floor(box.height * dpr))];
    })();
    this.canvas.width = size[0];
    this.canvas.height = size[1];
    const dpr = this.fixedSize ? 1 : window.devicePixelRatio || 1;
    this.canvas.style.width = `${size[0] / dpr}px`;
    this.canvas.style.height = `${size[1] / dpr}px`;
    this.dirty = true;
  }

  #objectsChanged() {
    this.renderer.setObjects(this.objects.state());
    this.dirty = true;
  }

  setCamera(index) {
    const views = this.scene.views;
    if (views.length === 0) return;
    this.cameraIndex = ((index % views.length) + views.length) % views.length;
    this.camera.setFrom(views[this.cameraIndex].camera, this.orbitDistance);
    $("cameras").value = String(this.cameraIndex);
  }

  // Renders at exactly width × height canvas pixels (null: fill the window).
  setSize(width, height) {
    this.fixedSize = width && height ? [width, height] : null;
    this.#resize();
  }

  get viewCamera() { return this.camera.forCanvas(this.canvas.width, this.canvas.height); }

  #requestSort() {
    if (this.pendingSort !== null || this.sortedVersion === this.camera.version) return;
    const r = this.camera.forward, c = this.camera.center;
    this.pendingSort = this.camera.version;
    this.worker.postMessage({ view: [r[0], r[1], r[2], -(r[0] * c[0] + r[1] * c[1] + r[2] * c[2])], token: this.camera.version });
  }

  #sorted({ order, count, sortMs, token }) {
    this.renderer.setOrder(order, count);
    this.sortMs = sortMs;
    this.sortedVersion = token;
    this.pendingSort = null;
    this.dirty = true;
  }

  #frame() {
    this.#requestSort();
    if (this.sortedVersion >= 0 && (this.dirty || this.drawnVersion !== this.camera.version)) {
      const start = performance.now();
      this.renderer.draw(this.viewCamera, this.scene.background, this.colorByObject);
      this.renderer.finish();
      this.frameMs = performance.now() - start;
      this.frames++;
      this.drawnVersion = this.camera.version;
      this.dirty = false;
      $("readout").textContent = `${this.frameMs.toFixed(1)} ms/frame · sort ${this.sortMs.toFixed(1)} ms · `
        + `${this.renderer.drawCount.toLocaleString()} splats · ${this.canvas.width}×${this.canvas.height}`;
    }
    if (this.#isSettled()) this.idle.splice(0).forEach((resolve) => resolve());
    requestAnimationFrame(() => this.#frame());
  }

  #isSettled() {
    return !this.dirty && this.pendingSort === null && this.sortedVersion === this.camera.version
      && this.drawnVersion === this.camera.version;
  }

  // Resolves once the current view is sorted and drawn.
  settled() { return new Promise((resolve) => this.idle.push(resolve)); }

  // Selects the object under canvas pixel (x, y) (GPU id pass); `add` keeps the selection.
  selectAt(x, y, add = false) {
    const id = this.renderer.pick(this.viewCamera, Math.floor(x), Math.floor(y), this.objects.pickCandidates());
    this.objects.select(id === 0 ? [] : [id], add);
    return id;
  }

  toggleColorByObject(on = !this.colorByObject) {
    this.colorByObject = on;
    $("color-by-object").checked = on;
    this.dirty = true;
  }

  status(text) { $("status").textContent = text; }

  async extractSelected() {
    const ids = this.objects.selected();
    if (ids.length === 0) throw new Error("select an object first");
    const response = await fetch("/api/extract", { method: "POST", body: JSON.stringify({ ids }) });
    if (!response.ok) throw new Error((await response.json()).error);
    return response.arrayBuffer();
  }

  async removeSelected(out) {
    const ids = this.objects.selected();
    if (ids.length === 0) throw new Error("select an object first");
    const response = await fetch("/api/remove", { method: "POST", body: JSON.stringify(out ? { ids, out } : { ids }) });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error);
    return body;
  }

  // Mean draw time over `frames` forced redraws (each waits for the GPU).
  benchmark(frames = 20) {
    const camera = this.viewCamera, start = performance.now();
    for (let i = 0; i < frames; i++) {
      this.renderer.draw(camera, this.scene.background, this.colorByObject);
      this.renderer.finish();
    }
    return (performance.now() - start) / frames;
  }
}

async function start() {
  const canvas = $("canvas");
  let renderer;
  try {
    renderer = new SplatRenderer(canvas);
  } catch (error) {
    window.splatView = { error: "webgl2" };
    return fail("This viewer needs WebGL2, which this browser or its graphics driver does not offer. "
      + "Enable hardware acceleration or try a current Firefox, Chrome or Safari. "
      + "(`splatlift render` draws the same views on the CPU.)");
  }
  try {
    const [scene, objectList] = await Promise.all([fetchJSON("/api/scene"), fetchJSON("/api/objects")]);
    $("title").textContent = scene.name;
    document.title = `${scene.name} — SplatLift`;
    const splats = await fetchGaussians((fraction) => {
      $("progress").value = fraction;
      $("loading-text").textContent = `${Math.round(fraction * 100)}%`;
    });
    $("loading").hidden = true;
    scene.views.forEach((view, i) => $("cameras").add(new Option(`${i}: ${view.name} (${view.split})`, String(i))));
    const viewer = new Viewer(canvas, renderer, scene, objectList.objects, splats);
    bindInput(viewer, $);
    window.splatView = viewer;
    viewer.ready = true;
  } catch (error) {
    window.splatView = { error: String(error.message ?? error) };
    fail(`Could not load the model: ${error.message ?? error}`);
  }
}

start();
