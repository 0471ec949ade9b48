// WebGL2 splat rasterizer: one instanced quad per Gaussian, drawn back to front in the order the
// sort worker sends, with the CPU rasterizer's projection (EWA, 0.3 px low-pass, 3σ quads, the
// same Jacobian clamp and near plane), its alpha rule (min(0.99, o·exp(power)), dropped below
// 1/255) and premultiplied "over" blending onto the background. An id pass renders the blending
// weight of every object at one pixel into float targets (12 objects per pass) for picking.

const TEXELS_PER_GAUSSIAN = 4;
const GAUSSIANS_PER_ROW = 1024;
const OBJECT_TEXTURE_WIDTH = 256;
const OBJECTS_PER_PICK_PASS = 12;

const VERTEX_SHADER = `#version 300 es
precision highp float;
precision highp int;
uniform highp sampler2D u_data;
uniform highp sampler2D u_objects;
uniform mat3 u_rotation;      // world → camera, as a GLSL (column-major) matrix
uniform vec3 u_translation;
uniform vec4 u_intrinsics;    // fx, fy, cx, cy in pixels
uniform vec2 u_size;          // width, height in pixels
uniform int u_colorByObject;
in vec2 a_corner;
in uint a_index;
out vec3 v_color;
out vec2 v_offset;
flat out vec3 v_conic;
flat out float v_opacity;
flat out uint v_id;

void cull() { gl_Position = vec4(0.0, 0.0, 2.0, 1.0); }

void main() {
  ivec2 base = ivec2(int(a_index % ${GAUSSIANS_PER_ROW}u) * ${TEXELS_PER_GAUSSIAN}, int(a_index / ${GAUSSIANS_PER_ROW}u));
  vec4 t0 = texelFetch(u_data, base, 0);
  vec4 t1 = texelFetch(u_data, base + ivec2(1, 0), 0);
  vec4 t2 = texelFetch(u_data, base + ivec2(2, 0), 0);
  vec4 t3 = texelFetch(u_data, base + ivec2(3, 0), 0);
  uint id = uint(t2.z + 0.5);
  vec4 object = texelFetch(u_objects, ivec2(int(id % ${OBJECT_TEXTURE_WIDTH}u), int(id / ${OBJECT_TEXTURE_WIDTH}u)), 0);
  int flags = int(object.a * 255.0 + 0.5);
  if ((flags & 1) != 0) { cull(); return; }             // hidden
  vec3 p = u_rotation * t0.xyz + u_translation;
  if (!(p.z > 0.2)) { cull(); return; }
  float fx = u_intrinsics.x, fy = u_intrinsics.y;
  float invZ = 1.0 / p.z;
  vec2 limit = 1.3 * u_size / (2.0 * vec2(fx, fy));
  vec2 clamped = clamp(p.xy * invZ, -limit, limit) * p.z;
  // T = J·W: the rows of the EWA Jacobian times the camera rotation.
  mat3 w = transpose(u_rotation);                        // rows of W as columns
  vec3 row0 = fx * invZ * w[0] - fx * clamped.x * invZ * invZ * w[2];
  vec3 row1 = fy * invZ * w[1] - fy * clamped.y * invZ * invZ * w[2];
  mat3 sigma = mat3(t1.x, t1.y, t1.z, t1.y, t1.w, t2.x, t1.z, t2.x, t2.y);
  float a = dot(row0, sigma * row0) + 0.3;
  float b = dot(row0, sigma * row1);
  float c = dot(row1, sigma * row1) + 0.3;
  float det = a * c - b * b;
  if (!(det > 0.0)) { cull(); return; }
  float mid = 0.5 * (a + c);
  float lambda = mid + sqrt(max(0.1, mid * mid - det));
  float radius = ceil(3.0 * sqrt(lambda));
  vec2 mean = vec2(fx * p.x * invZ + u_intrinsics.z, fy * p.y * invZ + u_intrinsics.w);
  vec2 offset = a_corner * radius;
  vec2 pixel = mean + offset;
  gl_Position = vec4(pixel.x / u_size.x * 2.0 - 1.0, 1.0 - pixel.y / u_size.y * 2.0, 0.0, 1.0);
  v_offset = offset;
  v_conic = vec3(c, -b, a) / det;
  v_opacity = t0.w;
  v_id = id;
  vec3 color = t3.rgb;
  if (u_colorByObject == 1 && id != 0u) color = mix(color, object.rgb, 0.75);
  if ((flags & 2) != 0) color = mix(color, vec3(1.0, 0.85, 0.1), 0.5);   // selected
  v_color = color;
}`;

const SPLAT_FUNCTION = `
float splatAlpha(vec2 d, vec3 conic, float opacity) {
  float power = -0.5 * (conic.x * d.x * d.x + conic.z * d.y * d.y) - conic.y * d.x * d.y;
  if (power > 0.0) return 0.0;
  float alpha = min(0.99, opacity * exp(power));
  return alpha < 1.0 / 255.0 ? 0.0 : alpha;
}`;

const COLOR_FRAGMENT_SHADER = `#version 300 es
precision highp float;
in vec3 v_color;
in vec2 v_offset;
flat in vec3 v_conic;
flat in float v_opacity;
flat in uint v_id;
out vec4 fragColor;
${SPLAT_FUNCTION}
void main() {
  float alpha = splatAlpha(v_offset, v_conic, v_opacity);
  if (alpha == 0.0) discard;
  fragColor = vec4(v_color * alpha, alpha);
}`;

const ID_FRAGMENT_SHADER = `#version 300 es
precision highp float;
precision highp int;
in vec3 v_color;
in vec2 v_offset;
flat in vec3 v_conic;
flat in float v_opacity;
flat in uint v_id;
uniform uint u_firstObjectSlot;
uniform highp usampler2D u_slots;   // object id → candidate slot + 1 (0: not a candidate)
layout(location = 0) out vec4 out0;
layout(location = 1) out vec4 out1;
layout(location = 2) out vec4 out2;
layout(location = 3) out vec4 out3;
${SPLAT_FUNCTION}
void main() {
  float alpha = splatAlpha(v_offset, v_conic, v_opacity);
  if (alpha == 0.0) discard;
  uint slot = texelFetch(u_slots, ivec2(int(v_id % ${OBJECT_TEXTURE_WIDTH}u), int(v_id / ${OBJECT_TEXTURE_WIDTH}u)), 0).r;
  int k = int(slot) - 1 - int(u_firstObjectSlot);
  vec4 one[4] = vec4[4](vec4(0.0, 0.0, 0.0, alpha), vec4(0.0, 0.0, 0.0, alpha), vec4(0.0, 0.0, 0.0, alpha), vec4(0.0, 0.0, 0.0, alpha));
  if (k >= 0 && k < ${OBJECTS_PER_PICK_PASS}) one[k / 3][k % 3] = alpha;
  out0 = one[0]; out1 = one[1]; out2 = one[2]; out3 = one[3];
}`;

function compile(gl, type, source) {
  const shader = gl.createShader(type);
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(`shader: ${gl.getShaderInfoLog(shader)}`);
  return shader;
}

function link(gl, fragmentSource) {
  const program = gl.createProgram();
  gl.attachShader(program, compile(gl, gl.VERTEX_SHADER, VERTEX_SHADER));
  gl.attachShader(program, compile(gl, gl.FRAGMENT_SHADER, fragmentSource));
  gl.bindAttribLocation(program, 0, "a_corner");
  gl.bindAttribLocation(program, 1, "a_index");
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`program: ${gl.getProgramInfoLog(program)}`);
  return program;
}

// The 3D covariance Σ = (R·S)(R·S)ᵀ of every Gaussian, as the CPU rasterizer forms it.
function covariance(scale, q) {
  const [w, x, y, z] = q;
  const m00 = (1 - 2 * (y * y + z * z)) * scale[0], m01 = 2 * (x * y - w * z) * scale[1], m02 = 2 * (x * z + w * y) * scale[2];
  const m10 = 2 * (x * y + w * z) * scale[0], m11 = (1 - 2 * (x * x + z * z)) * scale[1], m12 = 2 * (y * z - w * x) * scale[2];
  const m20 = 2 * (x * z - w * y) * scale[0], m21 = 2 * (y * z + w * x) * scale[1], m22 = (1 - 2 * (x * x + y * y)) * scale[2];
  return [m00 * m00 + m01 * m01 + m02 * m02, m00 * m10 + m01 * m11 + m02 * m12, m00 * m20 + m01 * m21 + m02 * m22,
          m10 * m10 + m11 * m11 + m12 * m12, m10 * m20 + m11 * m21 + m12 * m22, m20 * m20 + m21 * m21 + m22 * m22];
}

export class SplatRenderer {
  constructor(canvas) {
    const gl = canvas.getContext("webgl2", { antialias: false, alpha: false, preserveDrawingBuffer: true });
    if (!gl) throw new Error("no WebGL2");
    this.gl = gl;
    this.canvas = canvas;
    this.floatTargets = !!gl.getExtension("EXT_color_buffer_float");
    this.colorProgram = link(gl, COLOR_FRAGMENT_SHADER);
    this.idProgram = link(gl, ID_FRAGMENT_SHADER);
    this.vao = gl.createVertexArray();
    gl.bindVertexArray(this.vao);
    const corners = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, corners);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    this.orderBuffer = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, this.orderBuffer);
    gl.enableVertexAttribArray(1);
    gl.vertexAttribIPointer(1, 1, gl.UNSIGNED_INT, 0, 0);
    gl.vertexAttribDivisor(1, 1);
    this.drawCount = 0;
    this.objectFlags = new Uint8Array(OBJECT_TEXTURE_WIDTH * OBJECT_TEXTURE_WIDTH * 4);
    this.objectTexture = this.#texture();
    this.slotTexture = this.#texture();
  }

  #texture() {
    const gl = this.gl, texture = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, texture);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    return texture;
  }

  // Uploads the Gaussians of a parsed buffer (loader.js) into the data texture.
  setGaussians(splats) {
    const gl = this.gl, n = splats.count;
    const rows = Math.max(1, Math.ceil(n / GAUSSIANS_PER_ROW));
    const data = new Float32Array(rows * GAUSSIANS_PER_ROW * TEXELS_PER_GAUSSIAN * 4);
    const f = splats.floats;
    for (let i = 0; i < n; i++) {
      const s = i * 14, o = i * 16;
      const cov = covariance([f[s + 3], f[s + 4], f[s + 5]], [f[s + 6], f[s + 7], f[s + 8], f[s + 9]]);
      data[o] = f[s]; data[o + 1] = f[s + 1]; data[o + 2] = f[s + 2]; data[o + 3] = f[s + 13];
      data[o + 4] = cov[0]; data[o + 5] = cov[1]; data[o + 6] = cov[2]; data[o + 7] = cov[3];
      data[o + 8] = cov[4]; data[o + 9] = cov[5]; data[o + 10] = splats.ids[i];
      data[o + 12] = f[s + 10]; data[o + 13] = f[s + 11]; data[o + 14] = f[s + 12];
    }
    this.dataTexture = this.#texture();
    gl.bindTexture(gl.TEXTURE_2D, this.dataTexture);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA32F, GAUSSIANS_PER_ROW * TEXELS_PER_GAUSSIAN, rows, 0, gl.RGBA, gl.FLOAT, data);
  }

  // The back-to-front order from the sort worker.
  setOrder(indices, count) {
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.orderBuffer);
    gl.bufferData(gl.ARRAY_BUFFER, indices, gl.DYNAMIC_DRAW);
    this.drawCount = count;
  }

  // objects: Map id → {color: [r, g, b] in 0..1, hidden, selected}.
  setObjects(objects) {
    const gl = this.gl, flags = this.objectFlags;
    flags.fill(0);
    for (const [id, o] of objects) {
      if (id >= OBJECT_TEXTURE_WIDTH * OBJECT_TEXTURE_WIDTH) continue;
      flags.set([Math.round(o.color[0] * 255), Math.round(o.color[1] * 255), Math.round(o.color[2] * 255),
                 (o.hidden ? 1 : 0) | (o.selected ? 2 : 0)], id * 4);
    }
    gl.bindTexture(gl.TEXTURE_2D, this.objectTexture);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, OBJECT_TEXTURE_WIDTH, OBJECT_TEXTURE_WIDTH, 0, gl.RGBA, gl.UNSIGNED_BYTE, flags);
  }

  #bind(program, camera, colorByObject) {
    const gl = this.gl;
    gl.useProgram(program);
    gl.bindVertexArray(this.vao);
    gl.activeTexture(gl.TEXTURE0); gl.bindTexture(gl.TEXTURE_2D, this.dataTexture);
    gl.activeTexture(gl.TEXTURE1); gl.bindTexture(gl.TEXTURE_2D, this.objectTexture);
    gl.activeTexture(gl.TEXTURE2); gl.bindTexture(gl.TEXTURE_2D, this.slotTexture);
    gl.uniform1i(gl.getUniformLocation(program, "u_data"), 0);
    gl.uniform1i(gl.getUniformLocation(program, "u_objects"), 1);
    const r = camera.rotation;   // row-major; GLSL wants columns
    gl.uniformMatrix3fv(gl.getUniformLocation(program, "u_rotation"), false,
                        [r[0], r[3], r[6], r[1], r[4], r[7], r[2], r[5], r[8]]);
    gl.uniform3fv(gl.getUniformLocation(program, "u_translation"), camera.translation);
    gl.uniform4f(gl.getUniformLocation(program, "u_intrinsics"), camera.fx, camera.fy, camera.cx, camera.cy);
    gl.uniform2f(gl.getUniformLocation(program, "u_size"), camera.width, camera.height);
    gl.uniform1i(gl.getUniformLocation(program, "u_colorByObject"), colorByObject ? 1 : 0);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
  }

  // Draws the splats for `camera` (its width × height is the canvas size) over `background`.
  draw(camera, background, colorByObject) {
    const gl = this.gl;
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.viewport(0, 0, camera.width, camera.height);
    gl.clearColor(background[0], background[1], background[2], 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    if (!this.dataTexture || this.drawCount === 0) return;
    this.#bind(this.colorProgram, camera, colorByObject);
    gl.drawArraysInstanced(gl.TRIANGLE_STRIP, 0, 4, this.drawCount);
  }

  // The id of the object holding most blending weight at pixel (x, y) (top-left origin) among
  // `candidates` (ascending ids, 0 included), or 0 where nothing draws: `render --segmentation`'s rule.
  pick(camera, x, y, candidates) {
    const gl = this.gl;
    const slots = new Uint32Array(OBJECT_TEXTURE_WIDTH * OBJECT_TEXTURE_WIDTH);
    candidates.forEach((id, k) => { if (id < slots.length) slots[id] = k + 1; });
    gl.bindTexture(gl.TEXTURE_2D, this.slotTexture);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.R32UI, OBJECT_TEXTURE_WIDTH, OBJECT_TEXTURE_WIDTH, 0, gl.RED_INTEGER, gl.UNSIGNED_INT, slots);
    const format = this.floatTargets ? gl.RGBA16F : gl.RGBA8;
    const framebuffer = gl.createFramebuffer();
    gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
    const targets = [0, 1, 2, 3].map((k) => {
      const texture = this.#texture();
      gl.texImage2D(gl.TEXTURE_2D, 0, format, 1, 1, 0, gl.RGBA, this.floatTargets ? gl.HALF_FLOAT : gl.UNSIGNED_BYTE, null);
      gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0 + k, gl.TEXTURE_2D, texture, 0);
      return texture;
    });
    gl.drawBuffers([gl.COLOR_ATTACHMENT0, gl.COLOR_ATTACHMENT1, gl.COLOR_ATTACHMENT2, gl.COLOR_ATTACHMENT3]);
    let best = 0, bestID = 0;
    const pixel = new Float32Array(4), bytes = new Uint8Array(4);
    for (let first = 0; first < candidates.length; first += OBJECTS_PER_PICK_PASS) {
      gl.viewport(-x, -(camera.height - 1 - y), camera.width, camera.height);
      gl.clearColor(0, 0, 0, 0);
      gl.clear(gl.COLOR_BUFFER_BIT);
      this.#bind(this.idProgram, camera, false);
      gl.uniform1i(gl.getUniformLocation(this.idProgram, "u_slots"), 2);
      gl.uniform1ui(gl.getUniformLocation(this.idProgram, "u_firstObjectSlot"), first);
      gl.drawArraysInstanced(gl.TRIANGLE_STRIP, 0, 4, this.drawCount);
      for (let k = 0; k < OBJECTS_PER_PICK_PASS && first + k < candidates.length; k++) {
        if (k % 3 === 0) {
          gl.readBuffer(gl.COLOR_ATTACHMENT0 + k / 3);
          if (this.floatTargets) gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.FLOAT, pixel);
          else { gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, bytes); bytes.forEach((v, i) => { pixel[i] = v / 255; }); }
        }
        const weight = pixel[k % 3];
        if (weight > best) { best = weight; bestID = candidates[first + k]; }
      }
    }
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    targets.forEach((t) => gl.deleteTexture(t));
    gl.deleteFramebuffer(framebuffer);
    return bestID;
  }

  // Waits until the GL has drawn everything (a one-pixel read forces it; gl.finish() alone does not
  // wait in Chromium's GPU process).
  finish() {
    const gl = this.gl;
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, this.finishPixel ??= new Uint8Array(4));
  }
}
