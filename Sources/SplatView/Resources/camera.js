// The view camera (COLMAP convention: world → camera rotation rows = right, down, forward) and
// its orbit and fly controls. Intrinsics follow the canvas: a scene camera keeps its vertical
// field of view and principal point offset when the canvas has another size.

const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const add = (a, b, s = 1) => [a[0] + s * b[0], a[1] + s * b[1], a[2] + s * b[2]];
const cross = (a, b) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const normalize = (a) => { const l = Math.hypot(...a) || 1; return [a[0] / l, a[1] / l, a[2] / l]; };

// v rotated by `angle` about the unit `axis` (Rodrigues).
function rotate(v, axis, angle) {
  const c = Math.cos(angle), s = Math.sin(angle), k = dot(axis, v) * (1 - c), x = cross(axis, v);
  return [v[0] * c + x[0] * s + axis[0] * k, v[1] * c + x[1] * s + axis[1] * k, v[2] * c + x[2] * s + axis[2] * k];
}

export class ViewCamera {
  constructor() {
    this.right = [1, 0, 0]; this.down = [0, 1, 0]; this.forward = [0, 0, 1];
    this.center = [0, 0, -5];
    this.target = [0, 0, 0];
    this.intrinsics = { width: 640, height: 480, fx: 500, fy: 500, cx: 320, cy: 240 };
    this.version = 0;
  }

  // Takes a camera as the API sends it ({width, height, fx, fy, cx, cy, rotation, translation}).
  setFrom(camera, orbitDistance) {
    const r = camera.rotation, t = camera.translation;
    this.right = [r[0], r[1], r[2]]; this.down = [r[3], r[4], r[5]]; this.forward = [r[6], r[7], r[8]];
    // centre = −Rᵀt
    this.center = [0, 1, 2].map((k) => -(r[k] * t[0] + r[3 + k] * t[1] + r[6 + k] * t[2]));
    this.target = add(this.center, this.forward, orbitDistance);
    this.intrinsics = { width: camera.width, height: camera.height, fx: camera.fx, fy: camera.fy, cx: camera.cx, cy: camera.cy };
    this.version++;
  }

  // A camera looking at `target` from `distance` along +z (for a PLY without cameras).
  lookAt(target, distance) {
    this.right = [1, 0, 0]; this.down = [0, -1, 0]; this.forward = [0, 0, -1];
    this.target = target;
    this.center = add(target, this.forward, -distance);
    this.version++;
  }

  // The camera the renderer draws with on a width × height canvas.
  forCanvas(width, height) {
    const i = this.intrinsics, s = height / i.height;
    const rotation = [...this.right, ...this.down, ...this.forward];
    const translation = [-dot(this.right, this.center), -dot(this.down, this.center), -dot(this.forward, this.center)];
    return { width, height, fx: i.fx * s, fy: i.fy * s, cx: width / 2 + (i.cx - i.width / 2) * s, cy: i.cy * s,
             rotation, translation };
  }

  #turn(axis, angle, pivot) {
    this.right = normalize(rotate(this.right, axis, angle));
    this.down = normalize(rotate(this.down, axis, angle));
    this.forward = normalize(cross(this.right, this.down));
    this.center = add(pivot, rotate(add(this.center, pivot, -1), axis, angle));
    this.version++;
  }

  // Orbit about the target: horizontal drag turns about the camera's down axis, vertical about its right axis.
  orbit(dx, dy) {
    this.#turn(this.down, -dx * 0.005, this.target);
    this.#turn(this.right, dy * 0.005, this.target);
  }

  // Fly: turn the view about the camera centre.
  look(dx, dy) {
    const eye = this.center, distance = Math.hypot(...add(this.target, eye, -1));
    this.#turn(this.down, -dx * 0.003, eye);
    this.#turn(this.right, dy * 0.003, eye);
    this.target = add(this.center, this.forward, distance);
  }

  pan(dx, dy) {
    const scale = Math.hypot(...add(this.target, this.center, -1)) / this.intrinsics.fy;
    const shift = add(this.right.map((v) => -v * dx * scale), this.down, -dy * scale);
    this.center = add(this.center, shift);
    this.target = add(this.target, shift);
    this.version++;
  }

  zoom(delta) {
    const offset = add(this.center, this.target, -1);
    this.center = add(this.target, offset.map((v) => v * Math.exp(delta * 0.001)));
    this.version++;
  }

  // Fly: move by (right, down, forward) steps scaled to the orbit distance.
  move(r, d, f) {
    const step = 0.02 * Math.max(Math.hypot(...add(this.target, this.center, -1)), 0.05);
    const shift = add(add(this.right.map((v) => v * r * step), this.down, d * step), this.forward, f * step);
    this.center = add(this.center, shift);
    this.target = add(this.target, shift);
    this.version++;
  }
}
