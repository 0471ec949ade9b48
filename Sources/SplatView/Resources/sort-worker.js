// Depth sort off the main thread: camera-space depth z = r₂·p + t₂ of every Gaussian, those in
// front of the near plane ordered back to front by a two-pass 16-bit radix sort of the float
// keys (exact, O(n)). Answers {order, count, sortMs, token}.

const NEAR_PLANE = 0.2;
const floatView = new Float32Array(1), bitsView = new Uint32Array(floatView.buffer);
let positions = null;
let keys, order, keysOut, orderOut;
const counts = new Uint32Array(65536);

function sort(view) {
  const start = performance.now();
  const n = positions.length / 3;
  const [r0, r1, r2, t] = view;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const z = r0 * positions[3 * i] + r1 * positions[3 * i + 1] + r2 * positions[3 * i + 2] + t;
    if (!(z > NEAR_PLANE)) continue;
    floatView[0] = z;                 // positive floats order like their bits; inverted: far first
    keys[count] = ~bitsView[0] >>> 0;
    order[count] = i;
    count++;
  }
  for (let shift = 0; shift < 32; shift += 16) {
    counts.fill(0);
    for (let k = 0; k < count; k++) counts[(keys[k] >>> shift) & 0xffff]++;
    let sum = 0;
    for (let b = 0; b < 65536; b++) { const c = counts[b]; counts[b] = sum; sum += c; }
    for (let k = 0; k < count; k++) {
      const d = counts[(keys[k] >>> shift) & 0xffff]++;
      keysOut[d] = keys[k];
      orderOut[d] = order[k];
    }
    [keys, keysOut] = [keysOut, keys];
    [order, orderOut] = [orderOut, order];
  }
  return { count, sortMs: performance.now() - start };
}

self.onmessage = (event) => {
  const message = event.data;
  if (message.positions) {
    positions = message.positions;
    const n = positions.length / 3;
    keys = new Uint32Array(n); order = new Uint32Array(n);
    keysOut = new Uint32Array(n); orderOut = new Uint32Array(n);
    return;
  }
  const { count, sortMs } = sort(message.view);
  const sorted = order.slice(0, count);
  self.postMessage({ order: sorted, count, sortMs, token: message.token }, [sorted.buffer]);
};
