// Mouse, wheel, keys and panel buttons → viewer actions.

function download(buffer, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([buffer], { type: "application/octet-stream" }));
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

export function bindInput(viewer, $) {
  const canvas = viewer.canvas, objects = viewer.objects;
  let fly = false, drag = null;
  const held = new Set();

  const report = (promise, done) => promise.then(done).catch((error) => viewer.status(`error: ${error.message}`));
  const actions = {
    isolate: () => objects.isolateSelected(),
    hide: () => objects.hideSelected(),
    showAll: () => objects.showAll(),
    extract: () => report(viewer.extractSelected(), (buffer) => {
      const name = `objects-${objects.selected().join("-")}.ply`;
      download(buffer, name);
      viewer.status(`extracted ${name} (${buffer.byteLength.toLocaleString()} bytes)`);
    }),
    remove: () => {
      const out = prompt("Name of the new model folder (beside the opened model; empty: automatic):", "");
      if (out === null) return;
      report(viewer.removeSelected(out || undefined), (body) => viewer.status(`wrote ${body.path} (${body.gaussians} Gaussians)`));
    },
    mode: () => { fly = !fly; $("mode").textContent = fly ? "Fly" : "Orbit"; },
    colorByObject: () => viewer.toggleColorByObject(),
  };
  $("isolate").onclick = actions.isolate;
  $("hide").onclick = actions.hide;
  $("show-all").onclick = actions.showAll;
  $("extract").onclick = actions.extract;
  $("remove").onclick = actions.remove;
  $("mode").onclick = actions.mode;
  $("color-by-object").onchange = (event) => viewer.toggleColorByObject(event.target.checked);
  $("cameras").onchange = (event) => viewer.setCamera(Number(event.target.value));

  const canvasPixel = (event) => {
    const box = canvas.getBoundingClientRect();
    return [(event.clientX - box.left) * canvas.width / box.width, (event.clientY - box.top) * canvas.height / box.height];
  };
  canvas.addEventListener("contextmenu", (event) => event.preventDefault());
  canvas.addEventListener("pointerdown", (event) => {
    drag = { x: event.clientX, y: event.clientY, moved: 0, pan: event.button === 2 || event.shiftKey && event.button !== 0 };
    canvas.setPointerCapture(event.pointerId);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    drag.x = event.clientX; drag.y = event.clientY;
    drag.moved += Math.abs(dx) + Math.abs(dy);
    if (drag.pan) viewer.camera.pan(dx, dy);
    else if (fly) viewer.camera.look(dx, dy);
    else viewer.camera.orbit(dx, dy);
  });
  canvas.addEventListener("pointerup", (event) => {
    if (drag && drag.moved < 3 && event.button === 0) {
      const [x, y] = canvasPixel(event);
      const id = viewer.selectAt(x, y, event.shiftKey);
      viewer.status(id ? `selected object ${id}` : "no object here");
    }
    drag = null;
  });
  canvas.addEventListener("wheel", (event) => { event.preventDefault(); viewer.camera.zoom(event.deltaY); }, { passive: false });

  const keys = {
    KeyI: actions.isolate, KeyH: actions.hide, KeyA: () => !fly && actions.showAll(), KeyE: actions.extract,
    Delete: actions.remove, KeyC: actions.colorByObject, KeyF: actions.mode,
    BracketLeft: () => viewer.setCamera(viewer.cameraIndex - 1), BracketRight: () => viewer.setCamera(viewer.cameraIndex + 1),
    Escape: () => objects.select([]),
  };
  const moves = { KeyW: [0, 0, 1], KeyS: [0, 0, -1], KeyA: [-1, 0, 0], KeyD: [1, 0, 0], KeyQ: [0, 1, 0], KeyE: [0, -1, 0],
                  ArrowUp: [0, 0, 1], ArrowDown: [0, 0, -1], ArrowLeft: [-1, 0, 0], ArrowRight: [1, 0, 0] };
  window.addEventListener("keydown", (event) => {
    if (event.target.tagName === "INPUT" || event.target.tagName === "SELECT") return;
    if (fly && moves[event.code]) { held.add(event.code); return; }
    keys[event.code]?.();
  });
  window.addEventListener("keyup", (event) => held.delete(event.code));
  const step = () => {
    for (const code of held) viewer.camera.move(...moves[code]);
    requestAnimationFrame(step);
  };
  step();
}
