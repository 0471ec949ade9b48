#!/usr/bin/env python3
"""SplatLift's CPU rasterizer side by side with a pure-PyTorch 3DGS renderer on the CPU (issue #22).

    python3 scripts/bench_peers.py [--gaussians 100000] [--width 400] [--height 300] [--channels 16]
                                   [--repeat 3] [--threads 2] [--seed 1] [--block 8] [--chunk 32]
                                   [--rounds 1] [--bin PATH] [--json] [--no-check]

The peer installs from PyPI (`pip install torch`; the CPU is enough) so the comparison runs on any
machine. What it does:

1. `splatlift bench raster --write-scene S.ply --json --no-roofline` with the same size, seed and
   thread count writes the seeded random scene (SH degree 3, RGB + --channels features) as a 3DGS
   PLY into a temporary folder and times SplatLift's CPU rasterizer on it (project, bin, forward,
   backward; median and minimum over --repeat runs after a warm-up).
2. The PLY is loaded into torch (float32, torch.set_num_threads(--threads)) and drawn from the
   same camera (pinhole at the origin looking down +z, fx = fy = W / (2 tan 30°), cx = W/2,
   cy = H/2, black background) by `render` below, a pure-PyTorch renderer (eager mode, no custom
   kernels) written for CPU speed with the 3DGS conventions SplatLift follows (docs/METHOD.md):
   EWA projection with the 1.3× frustum clamp of the Jacobian, +0.3 px on the 2D covariance
   diagonal, radius 3·sqrt(λmax) and 16×16 tile rectangles, depth order, α = min(0.99, o·G),
   α < 1/255 skipped, a pixel stops before the Gaussian that would take its transmittance below
   1e-4, SH colour + 0.5 clamped at 0, near plane z > 0.2.
   * projection and SH colour: all Gaussians at once;
   * binning: index tensors list each Gaussian on the --block×--block pixel blocks (default 8) that
     meet both its 16×16 tile rectangle and the bounding box of its α ≥ 1/255 ellipse (the other
     pixels skip it anyway, so the image is the tile renderer's), sorted by (block, depth);
   * blending: all blocks at once, --chunk Gaussians of each block per step as a batched (blocks,
     pixels, chunk) tensor (the quadratic form is one batched matmul in block-centred
     coordinates), the transmittance carried between steps as a sum of log(1 − α) (cumsum within
     a step); a block leaves the batch when its list ends or all its pixels have stopped, so
     memory per step is bounded by blocks × pixels × chunk.
   Forward is timed under torch.no_grad(); forward+backward is a forward with autograd followed by
   backward() of Σ upstream·output, random upstream gradients on colour and features, into means,
   log-scales, rotations, opacity logits, SH and features; as in SplatLift's default (what `bench
   raster` times), the features' gradients stop at the features and do not reach α and the geometry. Wall and process CPU time, median and
   minimum over --repeat runs after one warm-up.
   Two settings keep a shared machine from slowing the peer unfairly: OMP_WAIT_POLICY=PASSIVE
   (unless set; spinning OpenMP threads lose whole time slices when the machine is loaded) and
   glibc's mallopt so freed tensors are reused instead of returned to the OS and faulted back in.
3. Prints a table (stage, SplatLift ms, PyTorch ms, ratio PyTorch / SplatLift) and the agreement
   of the two forward renders: `splatlift render-ply` draws the same PLY from the same camera (a
   transforms.json written next to it) and the PSNR of PyTorch's colour against it (both clamped to
   [0, 1], 8-bit PNG) is printed. Below 35 dB the two do not draw the same image, the timings are
   not comparable, the script says so and exits 1.

--rounds N alternates SplatLift and PyTorch N times (each --repeat runs) and reports the median of
the per-round medians and the minimum over all runs. The machine may be shared: only ratios
measured side by side in one run mean anything. --json prints one JSON object instead of text.

The binary is --bin, else $SPLATLIFT, else .build/release/splatlift. The script exits with a
one-line message (status 2) when torch cannot be imported or the binary is missing.
See docs/PERFORMANCE.md ("Peers"); scripts/tests/test_bench_peers.py tests the renderer.
"""
import argparse
import json
import math
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib

import numpy as np

# On a shared machine an OpenMP thread that spins at a barrier while its partner is descheduled
# burns the time slice (measured: forward 1.3-5.8 s spinning, 0.75 s passive, 2 threads, load 5).
# Must be set before torch loads libgomp; an explicit OMP_WAIT_POLICY wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def keep_freed_memory():
    """glibc returns freed blocks above 128 kB to the OS and every render faults them back in
    (0.1-0.25 s of system time per forward here); keep them, as jemalloc or tcmalloc would."""
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 32 << 20)    # M_MMAP_THRESHOLD: heap, not mmap, up to 32 MB
        libc.mallopt(-1, 1 << 30)     # M_TRIM_THRESHOLD: do not give the heap top back
    except (OSError, AttributeError):
        pass


try:
    import torch
    import torch.nn.functional as F
except ImportError:  # the script still imports (for --help and the unittest's skip)
    torch = None

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TILE = 16
SH_C0 = 0.28209479177387814
SH_C1 = 0.4886025119029199
SH_C2 = (1.0925484305920792, -1.0925484305920792, 0.31539156525252005, -1.0925484305920792, 0.5462742152960396)
SH_C3 = (-0.5900435899266435, 2.890611442640554, -0.4570457994644658, 0.3731763325901154,
         -0.4570457994644658, 1.445305721320277, -0.5900435899266435)


class Refusal(Exception):
    """A clear one-line reason to stop (missing torch, missing binary, failed peer run)."""


# ----------------------------------------------------------------------------------------------
# Scene and camera

def read_ply(path):
    """The 3DGS binary PLY as numpy arrays: means (N,3), log_scales (N,3), rotations (N,4, w x y z,
    unnormalised), opacity_logits (N,), sh (N,16,3) coefficient-major, features (N,C)."""
    with open(path, "rb") as f:
        if f.readline().strip() != b"ply":
            raise Refusal(f"{path}: not a PLY file")
        names, count = [], None
        while True:
            line = f.readline()
            if not line:
                raise Refusal(f"{path}: PLY header has no end_header")
            words = line.decode("ascii", "replace").split()
            if not words:
                continue
            if words[0] == "format" and words[1] != "binary_little_endian":
                raise Refusal(f"{path}: only binary_little_endian PLY is read")
            if words[0] == "element" and words[1] == "vertex":
                count = int(words[2])
            elif words[0] == "property":
                if words[1] != "float":
                    raise Refusal(f"{path}: property {words[-1]} is {words[1]}, only float is read")
                names.append(words[2])
            elif words[0] == "end_header":
                break
        data = np.fromfile(f, dtype=np.dtype([(n, "<f4") for n in names]), count=count)
    col = lambda n: np.asarray(data[n], dtype=np.float32)
    stack = lambda ns: np.stack([col(n) for n in ns], axis=1) if ns else np.zeros((count, 0), np.float32)
    rest = sorted((n for n in names if n.startswith("f_rest_")), key=lambda n: int(n[7:]))
    per_channel = len(rest) // 3
    sh = np.zeros((count, 16, 3), np.float32)
    sh[:, 0, :] = stack(["f_dc_0", "f_dc_1", "f_dc_2"])
    if per_channel:
        r = stack(rest).reshape(count, 3, per_channel)            # channel-major, as 3DGS writes it
        sh[:, 1:1 + per_channel, :] = r.transpose(0, 2, 1)
    feats = sorted((n for n in names if n.startswith("obj_dc_")), key=lambda n: int(n[7:]))
    return {
        "means": stack(["x", "y", "z"]), "log_scales": stack(["scale_0", "scale_1", "scale_2"]),
        "rotations": stack(["rot_0", "rot_1", "rot_2", "rot_3"]), "opacity_logits": col("opacity"),
        "sh": sh, "features": stack(feats), "sh_degree": int(round(math.sqrt(1 + per_channel))) - 1,
    }


def benchmark_camera(width, height):
    """`bench raster`'s camera (BenchmarkScene.camera): OpenCV axes, world = camera frame."""
    f = width / (2 * math.tan(math.pi / 6))
    return {"width": width, "height": height, "fx": f, "fy": f, "cx": width / 2, "cy": height / 2,
            "R": np.eye(3, dtype=np.float64), "t": np.zeros(3, np.float64)}


def write_transforms(path, cam, image_name="bench"):
    """A transforms.json with the one camera (nerfstudio: c2w with OpenGL axes, y and z flipped)."""
    r, t = np.asarray(cam["R"], np.float64), np.asarray(cam["t"], np.float64)
    c2w = np.eye(4)
    c2w[:3, :3] = r.T @ np.diag([1.0, -1.0, -1.0])
    c2w[:3, 3] = -r.T @ t
    doc = {"camera_model": "PINHOLE", "w": cam["width"], "h": cam["height"], "fl_x": cam["fx"], "fl_y": cam["fy"],
           "cx": cam["cx"], "cy": cam["cy"],
           "frames": [{"file_path": f"images/{image_name}.png", "transform_matrix": c2w.tolist()}]}
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)


def read_png(path):
    """An 8-bit RGB/RGBA/grey PNG as a float array (H, W, 3) in [0, 1] (PIL when present)."""
    try:
        from PIL import Image
        return np.asarray(Image.open(path).convert("RGB"), dtype=np.float64) / 255
    except ImportError:
        pass
    with open(path, "rb") as f:
        blob = f.read()
    pos, idat, header = 8, b"", None
    while pos < len(blob):
        n, kind = struct.unpack(">I4s", blob[pos:pos + 8])
        body = blob[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = header
    if depth != 8 or interlace or ctype not in (0, 2, 6):
        raise Refusal(f"{path}: only 8-bit non-interlaced grey/RGB/RGBA PNG is read (install Pillow)")
    bpp = {0: 1, 2: 3, 6: 4}[ctype]
    raw, stride = zlib.decompress(idat), w * bpp
    out, prev = bytearray(h * stride), bytearray(stride)
    for y in range(h):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out[y * stride:(y + 1) * stride] = line
        prev = line
    img = np.frombuffer(bytes(out), np.uint8).reshape(h, w, bpp).astype(np.float64) / 255
    return np.repeat(img, 3, axis=2) if bpp == 1 else img[:, :, :3]


def psnr(a, b):
    mse = float(np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * math.log10(1 / mse)


# ----------------------------------------------------------------------------------------------
# The pure-PyTorch renderer

def parameters(scene, requires_grad=False):
    """The scene's arrays as float32 torch leaves."""
    keys = ("means", "log_scales", "rotations", "opacity_logits", "sh", "features")
    return {k: torch.tensor(scene[k], dtype=torch.float32).requires_grad_(requires_grad) for k in keys}


def sh_colour(sh, dirs, degree):
    """Σ basis_k(dir)·sh_k + 0.5 clamped at 0, the 3DGS SH colour (sh: (N,16,3), dirs unit (N,3))."""
    x, y, z = dirs[:, 0], dirs[:, 1], dirs[:, 2]
    basis = [torch.full_like(x, SH_C0)]
    if degree >= 1:
        basis += [-SH_C1 * y, SH_C1 * z, -SH_C1 * x]
    if degree >= 2:
        xx, yy, zz, xy, yz, xz = x * x, y * y, z * z, x * y, y * z, x * z
        basis += [SH_C2[0] * xy, SH_C2[1] * yz, SH_C2[2] * (2 * zz - xx - yy), SH_C2[3] * xz, SH_C2[4] * (xx - yy)]
    if degree >= 3:
        basis += [SH_C3[0] * y * (3 * xx - yy), SH_C3[1] * xy * z, SH_C3[2] * y * (4 * zz - xx - yy),
                  SH_C3[3] * z * (2 * zz - 3 * xx - 3 * yy), SH_C3[4] * x * (4 * zz - xx - yy),
                  SH_C3[5] * z * (xx - yy), SH_C3[6] * x * (xx - 3 * yy)]
    b = torch.stack(basis, dim=1)                                   # (N, K)
    return torch.clamp_min(torch.einsum("nk,nkc->nc", b, sh[:, :b.shape[1], :]) + 0.5, 0.0)


def project(p, cam, sh_degree=3):
    """Screen-space Gaussians for all N at once: a dict of px, py, conic (a, b, c), opacity, colour,
    depth (differentiable) and the tile rectangles and visibility (integer, no gradient)."""
    w, h, fx, fy, cx, cy = cam["width"], cam["height"], cam["fx"], cam["fy"], cam["cx"], cam["cy"]
    rc = torch.tensor(cam["R"], dtype=torch.float32)
    tc = torch.tensor(cam["t"], dtype=torch.float32)
    means = p["means"]
    t = means @ rc.T + tc                                            # view space
    tx, ty, tz = t[:, 0], t[:, 1], t[:, 2]
    q = p["rotations"]
    q = q / torch.clamp_min(q.norm(dim=1, keepdim=True), 1e-12)
    qw, qx, qy, qz = q[:, 0], q[:, 1], q[:, 2], q[:, 3]
    rot = torch.stack([
        1 - 2 * (qy * qy + qz * qz), 2 * (qx * qy - qw * qz), 2 * (qx * qz + qw * qy),
        2 * (qx * qy + qw * qz), 1 - 2 * (qx * qx + qz * qz), 2 * (qy * qz - qw * qx),
        2 * (qx * qz - qw * qy), 2 * (qy * qz + qw * qx), 1 - 2 * (qx * qx + qy * qy)], dim=1).view(-1, 3, 3)
    m = rot * torch.exp(p["log_scales"])[:, None, :]                 # R·diag(s)
    sigma = m @ m.transpose(1, 2)
    # EWA: J at the mean, its x/y clamped to 1.3× the half field of view as in 3DGS.
    tz_safe = torch.where(tz > 0.2, tz, torch.ones_like(tz))
    lim_x, lim_y = 1.3 * w / (2 * fx), 1.3 * h / (2 * fy)
    txc = torch.clamp(tx / tz_safe, -lim_x, lim_x) * tz_safe
    tyc = torch.clamp(ty / tz_safe, -lim_y, lim_y) * tz_safe
    zero = torch.zeros_like(tz)
    j = torch.stack([fx / tz_safe, zero, -fx * txc / (tz_safe * tz_safe),
                     zero, fy / tz_safe, -fy * tyc / (tz_safe * tz_safe)], dim=1).view(-1, 2, 3)
    tm = j @ rc
    cov2 = tm @ sigma @ tm.transpose(1, 2)
    a, b, c = cov2[:, 0, 0] + 0.3, cov2[:, 0, 1], cov2[:, 1, 1] + 0.3
    det = a * c - b * b
    det_safe = torch.where(det > 0, det, torch.ones_like(det))
    px = fx * tx / tz_safe + cx - 0.5                                # pixel i's centre at i
    py = fy * ty / tz_safe + cy - 0.5
    with torch.no_grad():
        mid = 0.5 * (a + c)
        lam = mid + torch.sqrt(torch.clamp_min(mid * mid - det, 0.1))
        radius = torch.ceil(3 * torch.sqrt(lam))
        tiles_x, tiles_y = (w + TILE - 1) // TILE, (h + TILE - 1) // TILE

        def tile(v, n):   # Int(min(n, max(0, v))) as in the Swift reference
            return torch.clamp(v, 0, n).floor().long()
        x0, y0 = tile((px - radius) / TILE, tiles_x), tile((py - radius) / TILE, tiles_y)
        x1, y1 = tile((px + radius + TILE - 1) / TILE, tiles_x), tile((py + radius + TILE - 1) / TILE, tiles_y)
        visible = (tz > 0.2) & (det > 0) & (x1 > x0) & (y1 > y0)
    centre = -(rc.T @ tc)
    d = means - centre
    dirs = d / torch.clamp_min(d.norm(dim=1, keepdim=True), 1e-12)
    colour = sh_colour(p["sh"], dirs, sh_degree)
    return {"width": w, "height": h, "px": px, "py": py, "a": c / det_safe, "b": -b / det_safe, "c": a / det_safe,
            "opacity": torch.sigmoid(p["opacity_logits"]), "colour": colour, "depth": tz,
            "rect": (x0, y0, x1, y1), "visible": visible, "tiles": (tiles_x, tiles_y)}


def bin_blocks(s, block=8):
    """Block entries sorted by (block, depth, index) for block×block pixel blocks: a Gaussian is
    listed on the blocks that meet both its 3DGS tile rectangle (16×16 tiles, so no pixel gets a
    Gaussian that 3DGS's tile lists would not give it) and the bounding box of its α ≥ 1/255
    ellipse (a conservative cull: the other pixels would skip it anyway). Returns the Gaussian id of
    each entry, each block's [start, end) into them and the block grid. Integer work (no gradient)."""
    with torch.no_grad():
        w, h = s["width"], s["height"]
        bx, by = -(-w // block), -(-h // block)
        x0, y0, x1, y1 = s["rect"]
        # dᵀQd ≤ 2L with L = ln(255·o): half extents √(2L·Σxx), √(2L·Σyy) of Σ = Q⁻¹, widened a little.
        det = s["a"] * s["c"] - s["b"] * s["b"]
        two_l = 2 * torch.log(255 * s["opacity"])
        hx = torch.sqrt(torch.clamp_min(two_l * s["c"] / det, 0)) * 1.001 + 0.02
        hy = torch.sqrt(torch.clamp_min(two_l * s["a"] / det, 0)) * 1.001 + 0.02
        lox = torch.maximum(torch.maximum(x0 * TILE, torch.ceil(s["px"] - hx).long()), torch.zeros_like(x0))
        hix = torch.minimum(torch.minimum(x1 * TILE - 1, torch.floor(s["px"] + hx).long()), torch.full_like(x1, w - 1))
        loy = torch.maximum(torch.maximum(y0 * TILE, torch.ceil(s["py"] - hy).long()), torch.zeros_like(y0))
        hiy = torch.minimum(torch.minimum(y1 * TILE - 1, torch.floor(s["py"] + hy).long()), torch.full_like(y1, h - 1))
        keep = s["visible"] & (two_l > 0) & (hix >= lox) & (hiy >= loy)
        vis = torch.nonzero(keep).squeeze(1)
        order = vis[torch.sort(s["depth"].detach()[vis], stable=True).indices]   # depth, then index
        bx0, by0 = lox[order] // block, loy[order] // block
        wx, wy = hix[order] // block - bx0 + 1, hiy[order] // block - by0 + 1
        counts = wx * wy
        total = int(counts.sum())
        gid = torch.repeat_interleave(order, counts)
        first = torch.cumsum(counts, 0) - counts
        k = torch.arange(total) - torch.repeat_interleave(first, counts)
        wxe = torch.repeat_interleave(wx, counts)
        cell = (torch.repeat_interleave(by0, counts) + k // wxe) * bx + torch.repeat_interleave(bx0, counts) + k % wxe
        cell, perm = torch.sort(cell, stable=True)
        gid = gid[perm]
        per_block = torch.bincount(cell, minlength=bx * by)
        end = torch.cumsum(per_block, 0)
    return gid, end - per_block, end, (bx, by)


def blend(s, features, gid, start, end, grid, block=8, chunk=32, alpha_threshold=1 / 255, min_transmittance=1e-4,
          features_reach_geometry=False):
    """Front-to-back blending of colour and features for every block at once, `chunk` Gaussians of
    each block per step. Returns (H, W, 3 + C) (black background). As in SplatLift's default
    (RenderOptions.featureGradientsReachGeometry = false, what `bench raster` times), the features'
    gradients reach the features only, not α and the geometry, unless features_reach_geometry."""
    bx, by = grid
    n_blocks, pix = bx * by, block * block
    h, w = s["height"], s["width"]
    ch = 3 + features.shape[1]
    counts = end - start
    steps = max(1, -(-int(counts.max()) // chunk)) if counts.numel() else 1
    n = s["px"].shape[0]
    with torch.no_grad():
        # Each block's entries padded to steps·chunk with a dummy Gaussian (index n: opacity 0).
        slot = torch.arange(steps * chunk)
        entry = start[:, None] + slot[None, :]
        padded_ids = torch.where(slot[None, :] < counts[:, None], gid[entry.clamp_max(max(gid.numel() - 1, 0))],
                                 torch.full_like(entry, n)) if gid.numel() else torch.full_like(entry, n)
        ids = torch.arange(n_blocks)
        centre_x = ((ids % bx) * block + (block - 1) / 2).float()
        centre_y = ((ids // bx) * block + (block - 1) / 2).float()
        ly, lx = torch.meshgrid(torch.arange(block, dtype=torch.float32), torch.arange(block, dtype=torch.float32),
                                indexing="ij")
        lx, ly = lx.reshape(-1) - (block - 1) / 2, ly.reshape(-1) - (block - 1) / 2
        monomials = torch.stack([lx * lx, ly * ly, lx * ly, lx, ly, torch.ones_like(lx)], dim=1)   # (pix, 6)
        inside = (centre_x[:, None] + lx[None, :] < w) & (centre_y[:, None] + ly[None, :] < h)      # (blocks, pix)
    # Per block entry: the coefficients of power = -½(a dx² + c dy²) - b dx dy, dx = x - px, as a
    # polynomial in the pixel's block-centred (lx, ly) (centred coordinates keep float32 exact
    # enough), the opacity and the blended channels. One gather for all steps.
    zero = torch.zeros(1)
    cat = lambda v: torch.cat([v, zero.expand(1, *v.shape[1:])])
    px = cat(s["px"])[padded_ids] - centre_x[:, None]
    py = cat(s["py"])[padded_ids] - centre_y[:, None]
    a, b, c = cat(s["a"])[padded_ids], cat(s["b"])[padded_ids], cat(s["c"])[padded_ids]
    table = torch.cat([torch.stack([-0.5 * a, -0.5 * c, -b, a * px + b * py, c * py + b * px,
                                    -0.5 * (a * px * px + c * py * py) - b * px * py,
                                    cat(s["opacity"])[padded_ids]], dim=2),
                       cat(torch.cat([s["colour"], features], dim=1))[padded_ids]], dim=2)
    # One tensor per step: indexing a step's active rows then costs its backward one step's
    # zeros, not the whole table's (unbind's backward stacks the steps' gradients once).
    table = table.view(n_blocks, steps, chunk, 7 + ch).unbind(1)
    below = float(np.nextafter(np.float32(alpha_threshold), np.float32(0)))    # α ≥ 1/255 ⟺ α > below
    log_min = float(np.nextafter(np.float32(math.log(min_transmittance)), np.float32(-1)))
    active = torch.nonzero(counts > 0).squeeze(1)
    split = not features_reach_geometry and ch > 3 and torch.is_grad_enabled()   # colour in acc, features in acc_f
    log_t = torch.zeros(active.numel(), pix)
    acc = torch.zeros(active.numel(), pix, 3 if split else ch)
    acc_f = torch.zeros(active.numel(), pix, ch - 3 if split else 0)
    done_ids, done_acc = [], []
    for step in range(steps):
        if not active.numel():
            break
        blk = table[step][active]                                                    # (A, chunk, 7 + ch)
        power = torch.matmul(monomials, blk[:, :, :6].transpose(1, 2))               # (A, pix, chunk)
        alpha = torch.clamp_max(blk[:, None, :, 6] * torch.exp(power), 0.99)
        alpha = F.threshold(alpha, below, 0.0)                                       # α < 1/255: skipped
        log1m = torch.log1p(-alpha)
        cum = F.threshold(log_t[:, :, None] + torch.cumsum(log1m, dim=2), log_min, -math.inf)  # log T after; -inf: stopped
        weight = alpha * torch.exp(cum - log1m)                                      # α·T before
        if not split:
            acc = acc + torch.matmul(weight, blk[:, :, 7:])
        else:   # features blended with weights that carry no gradient back (Unified-Lift's blocking)
            acc = acc + torch.matmul(weight, blk[:, :, 7:10])
            acc_f = acc_f + torch.matmul(weight.detach(), blk[:, :, 10:])
        log_t = cum[:, :, -1]
        with torch.no_grad():
            going = ((log_t > -math.inf) & inside[active]).any(dim=1) & (counts[active] > (step + 1) * chunk)
        if not bool(going.all()):
            done_ids.append(active[~going])
            done_acc.append((acc[~going], acc_f[~going]))
            active, acc, acc_f, log_t = active[going], acc[going], acc_f[going], log_t[going]
    ids = torch.cat(done_ids) if done_ids else torch.zeros(0, dtype=torch.long)
    rows = torch.cat([torch.cat([c for c, _ in done_acc] + [torch.zeros(1, pix, acc.shape[2])]),
                      torch.cat([f for _, f in done_acc] + [torch.zeros(1, pix, acc_f.shape[2])])], dim=2)
    where = torch.full((n_blocks,), ids.numel(), dtype=torch.long)                   # empty blocks: the zero row
    where[ids] = torch.arange(ids.numel())
    image = rows[where].view(by, bx, block, block, ch).permute(0, 2, 1, 3, 4)
    return image.reshape(by * block, bx * block, ch)[:h, :w]


def render(p, cam, block=8, chunk=32, timings=None, features_reach_geometry=False):
    """(H, W, 3 + C) colour and features of the parameters `p` from `cam`; stage seconds into `timings`."""
    clock = time.perf_counter
    t0 = clock()
    s = project(p, cam)
    t1 = clock()
    gid, start, end, grid = bin_blocks(s, block)
    t2 = clock()
    image = blend(s, p["features"], gid, start, end, grid, block=block, chunk=chunk,
                  features_reach_geometry=features_reach_geometry)
    t3 = clock()
    if timings is not None:
        timings.update(project=t1 - t0, bin=t2 - t1, blend=t3 - t2, entries=int(gid.numel()))
    return image


def gradient_step(p, cam, upstream, block=8, chunk=32):
    """Forward with autograd, then backward of Σ upstream·output into p's .grad. Returns the wall
    and process CPU seconds of forward and backward."""
    for v in p.values():
        v.grad = None
    w0, c0 = time.perf_counter(), time.process_time()
    image = render(p, cam, block=block, chunk=chunk)
    w1, c1 = time.perf_counter(), time.process_time()
    (image * upstream).sum().backward()
    w2, c2 = time.perf_counter(), time.process_time()
    return {"forwardWithGraph": w1 - w0, "backward": w2 - w1, "forwardPlusBackward": w2 - w0,
            "cpuForwardWithGraph": c1 - c0, "cpuBackward": c2 - c1, "cpuForwardPlusBackward": c2 - c0}


# ----------------------------------------------------------------------------------------------
# The benchmark

def splatlift_binary(option):
    path = option or os.environ.get("SPLATLIFT") or os.path.join(ROOT, ".build", "release", "splatlift")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise Refusal(f"splatlift binary not found at {path}: build it (swift build -c release) or pass --bin PATH "
                      "(or set $SPLATLIFT)")
    return path


def run(cmd):
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise Refusal(f"{' '.join(cmd[:3])} … failed (status {done.returncode}): "
                      + (done.stderr.strip().splitlines() or ["no message"])[-1])
    return done.stdout


def splatlift_bench(binary, args, scene_path=None):
    cmd = [binary, "bench", "raster", "--gaussians", str(args.gaussians), "--width", str(args.width),
           "--height", str(args.height), "--channels", str(args.channels), "--threads", str(args.threads),
           "--seed", str(args.seed), "--repeat", str(args.repeat), "--json", "--no-roofline"]
    if scene_path:
        cmd += ["--write-scene", scene_path]
    return json.loads(run(cmd))


def splatlift_render(binary, ply, cam, folder, threads):
    """SplatLift's render of `ply` from `cam` (render-ply with a one-camera transforms.json)."""
    write_transforms(os.path.join(folder, "transforms.json"), cam)
    out = os.path.join(folder, "render")
    run([binary, "render-ply", ply, "--out", out, "--transforms", os.path.join(folder, "transforms.json"),
         "--threads", str(threads)])
    pngs = sorted(f for f in os.listdir(out) if f.endswith(".png"))
    if len(pngs) != 1:
        raise Refusal(f"render-ply wrote {len(pngs)} images into {out}, expected 1")
    return read_png(os.path.join(out, pngs[0]))


def agreement(binary, ply, cam, torch_rgb, folder, threads):
    """PSNR (dB) of PyTorch's colour (H, W, 3, float) against SplatLift's render, both clamped and 8-bit."""
    ref = splatlift_render(binary, ply, cam, folder, threads)
    ours = np.round(np.clip(np.asarray(torch_rgb, np.float64), 0, 1) * 255) / 255
    if ref.shape != ours.shape:
        raise Refusal(f"render-ply image is {ref.shape}, PyTorch's {ours.shape}")
    return psnr(ours, ref)


def torch_bench(scene, cam, args):
    """Per-run seconds of each stage (wall and process CPU time) over --repeat runs after one
    warm-up; also the first forward image and whether every gradient is finite."""
    upstream_gen = torch.Generator().manual_seed(args.seed + 1)
    upstream = torch.randn(cam["height"], cam["width"], 3 + args.channels, generator=upstream_gen)
    frozen = parameters(scene, requires_grad=False)
    leaves = parameters(scene, requires_grad=True)
    runs, image = [], None
    for k in range(args.repeat + 1):
        stages = {}
        with torch.no_grad():
            w0, c0 = time.perf_counter(), time.process_time()
            img = render(frozen, cam, block=args.block, chunk=args.chunk, timings=stages)
            stages.update(forward=time.perf_counter() - w0, cpuForward=time.process_time() - c0)
        if image is None:
            image = img
        stages.update(gradient_step(leaves, cam, upstream, block=args.block, chunk=args.chunk))
        if k > 0:
            runs.append(stages)
    grads_finite = all(v.grad is not None and bool(torch.isfinite(v.grad).all()) for v in leaves.values())
    return runs, image, grads_finite


STAGES = [  # (label, SplatLift JSON key(s) summed, PyTorch key)
    ("project", ["project"], "project"),
    ("bin", ["bin"], "bin"),
    ("blend (forward raster)", ["forward"], "blend"),
    ("forward (project+bin+blend)", ["project", "bin", "forward"], "forward"),
    ("backward", ["backward"], "backward"),
    ("forward+backward", ["project", "bin", "forward", "backward"], "forwardPlusBackward"),
    ("CPU time: forward", ["cpuProject", "cpuBin", "cpuForward"], "cpuForward"),
    ("CPU time: backward", ["cpuBackward"], "cpuBackward"),
    ("CPU time: forward+backward", ["cpuProject", "cpuBin", "cpuForward", "cpuBackward"], "cpuForwardPlusBackward"),
]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gaussians", type=int, default=100000)
    ap.add_argument("--width", type=int, default=400)
    ap.add_argument("--height", type=int, default=300)
    ap.add_argument("--channels", type=int, default=16, help="feature channels besides RGB")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs after one warm-up, each side")
    ap.add_argument("--threads", type=int, default=2, help="threads for both (torch.set_num_threads)")
    ap.add_argument("--seed", type=int, default=1, help="scene seed")
    ap.add_argument("--block", type=int, default=8, help="PyTorch: pixel block side (divides 16)")
    ap.add_argument("--chunk", type=int, default=32, help="PyTorch: Gaussians per block per blending step")
    ap.add_argument("--rounds", type=int, default=1, help="alternate SplatLift and PyTorch this many times")
    ap.add_argument("--bin", help="splatlift binary (default $SPLATLIFT, else .build/release/splatlift)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--no-check", action="store_true", help="skip the render-ply agreement check")
    args = ap.parse_args(argv)
    try:
        if torch is None:
            raise Refusal("PyTorch is not installed: pip install torch (the CPU wheel is enough)")
        if args.block not in (1, 2, 4, 8, 16):
            raise Refusal("--block must be 1, 2, 4, 8 or 16")
        if min(args.gaussians, args.width, args.height, args.repeat, args.threads, args.chunk, args.rounds) < 1 \
                or args.channels < 0:
            raise Refusal("sizes, --repeat, --threads, --chunk and --rounds must be ≥ 1, --channels ≥ 0")
        binary = splatlift_binary(args.bin)
        keep_freed_memory()
        torch.set_num_threads(args.threads)
        return report(binary, args)
    except Refusal as e:
        print(f"bench_peers: {e}", file=sys.stderr)
        return 2


def report(binary, args):
    cam = benchmark_camera(args.width, args.height)
    with tempfile.TemporaryDirectory(prefix="bench_peers_") as folder:
        ply = os.path.join(folder, "scene.ply")
        ours, theirs, psnr_db, finite, load = [], [], None, True, []
        scene = None
        for r in range(args.rounds):
            sl = splatlift_bench(binary, args, ply if r == 0 else None)
            ours.append(sl)
            load.append(sl["loadAverage1m"])
            if scene is None:
                scene = read_ply(ply)
            runs, image, ok = torch_bench(scene, cam, args)
            theirs.append(runs)
            finite = finite and ok
            if r == 0 and not args.no_check:
                psnr_db = agreement(binary, ply, cam, image[..., :3].numpy(), folder, args.threads)
        load.append(os.getloadavg()[0])
    rows = []
    for label, keys, key in STAGES:
        sl_med = statistics.median(sum(o["medianMilliseconds"][k] for k in keys) for o in ours)
        sl_min = min(sum(o["minMilliseconds"][k] for k in keys) for o in ours)
        per_round = [statistics.median(run[key] for run in runs) * 1000 for runs in theirs]
        pt_med = statistics.median(per_round)
        pt_min = min(run[key] for runs in theirs for run in runs) * 1000
        rows.append({"stage": label, "splatliftMs": sl_med, "pytorchMs": pt_med, "ratio": pt_med / sl_med,
                     "splatliftMinMs": sl_min, "pytorchMinMs": pt_min, "ratioMin": pt_min / sl_min})
    result = {"gaussians": args.gaussians, "width": args.width, "height": args.height, "channels": args.channels,
              "threads": args.threads, "repeat": args.repeat, "rounds": args.rounds, "seed": args.seed,
              "block": args.block, "chunk": args.chunk, "torch": torch.__version__, "pytorchBlockEntries": theirs[0][0]["entries"],
              "splatliftTileEntries": ours[0]["tileEntries"], "loadAverage1m": load,
              "agreementPSNR": psnr_db, "gradientsFinite": finite, "rows": rows}
    if args.json:
        print(json.dumps(result, sort_keys=True))
    else:
        print(f"bench_peers: {args.gaussians} Gaussians, {args.width}×{args.height}, 3 + {args.channels} channels, "
              f"{args.threads} thread(s) each, --repeat {args.repeat}, {args.rounds} round(s), torch {torch.__version__}, "
              f"{args.block}×{args.block} blocks, chunk {args.chunk}")
        print(f"  SplatLift tile entries {ours[0]['tileEntries']}, forward evaluations {ours[0]['forwardEvaluations']}; "
              f"PyTorch {args.block}×{args.block}-block entries {theirs[0][0]['entries']}; "
              f"1-minute load average {', '.join(f'{v:.2f}' for v in load)}")
        print(f"  {'stage':30s}{'SplatLift ms':>14s}{'PyTorch ms':>14s}{'ratio':>8s}   (min: SplatLift, PyTorch, ratio)")
        for row in rows:
            print(f"  {row['stage']:30s}{row['splatliftMs']:14.1f}{row['pytorchMs']:14.1f}{row['ratio']:8.2f}"
                  f"   ({row['splatliftMinMs']:.1f}, {row['pytorchMinMs']:.1f}, {row['ratioMin']:.2f})")
        print("  ratio = PyTorch / SplatLift (above 1: SplatLift is faster)")
        if psnr_db is not None:
            verdict = "same image" if psnr_db >= 35 else "DIFFERENT images: the timings are not comparable"
            print(f"  agreement: PSNR of PyTorch's RGB against splatlift render-ply {psnr_db:.2f} dB ({verdict})")
        print(f"  PyTorch gradients finite: {'yes' if finite else 'NO'}")
    return 0 if (psnr_db is None or psnr_db >= 35) and finite else 1


if __name__ == "__main__":
    sys.exit(main())
