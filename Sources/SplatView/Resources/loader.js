// Fetching the scene, the objects and the binary Gaussian buffer (docs/VIEWER.md), with progress.

export async function fetchJSON(path) {
  const response = await fetch(path);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? `${path}: HTTP ${response.status}`);
  return body;
}

// Reads the Gaussian buffer, calling progress(fraction) as bytes arrive.
export async function fetchGaussians(progress) {
  const response = await fetch("/api/gaussians");
  if (!response.ok) throw new Error(`/api/gaussians: HTTP ${response.status}`);
  const total = Number(response.headers.get("content-length")) || 0;
  const reader = response.body.getReader();
  const chunks = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    if (total) progress(received / total);
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) { bytes.set(chunk, offset); offset += chunk.length; }
  return parseGaussians(bytes.buffer);
}

// {count, floats: Float32Array(14·n), ids: Uint32Array(n), positions: Float32Array(3·n)}.
export function parseGaussians(buffer) {
  const header = new DataView(buffer, 0, 16);
  const magic = String.fromCharCode(...new Uint8Array(buffer, 0, 4));
  if (magic !== "SPLV" || header.getUint32(4, true) !== 1) throw new Error("not a SplatLift Gaussian buffer (version 1)");
  const count = header.getUint32(8, true), stride = header.getUint32(12, true);
  const floats = new Float32Array(buffer, 16, count * stride);
  const ids = new Uint32Array(buffer, 16 + 4 * count * stride, count);
  const positions = new Float32Array(3 * count);
  for (let i = 0; i < count; i++) positions.set(floats.subarray(i * stride, i * stride + 3), 3 * i);
  return { count, floats, ids, positions };
}
