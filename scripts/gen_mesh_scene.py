#!/usr/bin/env python3
"""Synthetic multi-view instance-segmentation scenes built from real meshes, rendered with pybullet.

What it makes
  A small room (textured floor, 2-3 textured walls, a sky backdrop) with a table, a square
  table or a tray that holds 2-4 objects, plus more objects on the floor: 8-13 objects and
  13-18 ground-truth instances in all (floor, walls, backdrop, table/tray, objects). The objects are mesh assets that ship with pybullet_data
  (duck, teddy, bunny, soccer ball, lego brick, jenga block, mug, domino, torus, random blobs,
  toy blocks, r2d2, racecar, ...), each with a random scale, yaw, tint or procedural texture.
  A multi-link URDF (r2d2, racecar, the tables) is one instance. The output folder has exactly
  the layout of the gen_scene.py scenes (see shared/data/synthetic/README.md): images/,
  gt_instance/, sam_masks/, depth/, sparse/0 (COLMAP text + bin), sparse_pc.ply,
  transforms.json, split.json and scene.json.

How
  * pybullet in DIRECT mode with the CPU TinyRenderer (no GUI, no GPU). RGB is rendered at
    ss x the resolution and box-filtered in linear light, GT instance ids, link ids and depth are
    rendered at 1x (pixel-centre sample). TinyRenderer samples pixel (c, r) at integer screen
    coordinates with y flipped; the projection matrix carries a half-pixel principal-point shift
    so that every sample sits at the COLMAP pixel centre (c + 0.5, r + 0.5).
  * Depth = camera z from the nonlinear depth buffer: z = far*near / (far - (far-near)*d).
  * Pixels that hit nothing are the "backdrop" instance: a sky sphere of radius 30 m, coloured
    with gen_scene.tex_backdrop (unlit, view independent), depth from the ray/sphere hit.
  * No shadows: TinyRenderer's shadow map is unusable (view-dependent dark bands), so the
    shading is ambient + one directional diffuse light, no specular (view independent).
  * Layout: objects are placed analytically (lowest mesh vertex 1 mm above the supporting
    surface, footprint rectangles 4 cm apart, no physics); objects too big for the table top are
    shrunk. Cameras orbit the centre at varied radius and height, >= 0.35 m from every object.
    Layouts are retried (up to 10) until every object covers >= 3 px in >= 3 train views of a
    half-resolution pre-pass.
  * SAM masks come from the shared simulator, gen_scene.simulate_sam; the COLMAP (txt + bin),
    PLY and 16-bit PNG writers are gen_scene.py's too, so those files have exactly its format.
    RGB PNGs use a faster writer here (Sub filter, zlib level 6).
  * The poses are checked numerically: pybullet ray casts through COLMAP pixel centres hit the
    floor/walls at the rendered depth, and every points3D track is depth-tested across views.

Usage
  python3 scripts/gen_mesh_scene.py --seed 101 --out /work/scenes/mesh-101 [--views 48]
      [--width 320 --height 240] [--objects K] [--noise bench|hard] [--corruption-scale X]
      [--jobs J] [--shared DIR] [--quiet]
Same arguments give the same files, for any --jobs.
"""

import argparse
import importlib.util
import json
import math
import os
import shutil
import struct
import sys
import tempfile
import time
import zlib

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402

GEN_VERSION = "1.0"
NEAR, FAR = 0.1, 100.0          # clip planes of every render (m)
BACKDROP_R = 30.0               # sky sphere radius (m), as in gen_scene.py
GROUND_EXT = 21.0               # half size of the outer ground (corners stay inside the sky sphere)
GAP = 0.001                     # clearance between a resting object and its support (no z-fighting)
GS = None                       # the gen_scene module (loaded in main)
PB = None                       # the pybullet module
DATA = None                     # pybullet_data path

# --------------------------------------------------------------------------------------
# Asset catalogue (paths relative to pybullet_data)
# --------------------------------------------------------------------------------------
# mesh: OBJ file; scale: mesh scale of the asset's own URDF; fix: rotation that makes the asset
# stand upright (+z up); size: range of the largest extent after scaling (m); tex: "own" (keep
# the asset's texture, random tint), "proc" (procedural texture, UVs generated if missing),
# "image" (a pybullet_data image as texture). floor_only: too big for a table top.
OBJECTS = {
    "duck": dict(mesh="duck.obj", scale=0.05, fix="x90", size=(0.22, 0.34), tex="own"),
    "teddy": dict(mesh="teddy2_VHACD_CHs.obj", scale=0.1, fix="x90", size=(0.25, 0.4), tex="proc"),
    "bunny": dict(mesh="bunny.obj", scale=0.1, fix="x90", size=(0.25, 0.4), tex="proc"),
    "soccerball": dict(mesh="soccerball.obj", scale=1.0, fix="", size=(0.2, 0.32), tex="own"),
    "checker_ball": dict(mesh="textured_sphere_smooth.obj", scale=1.0, fix="", size=(0.16, 0.26), tex="own"),
    "lego": dict(mesh="lego/lego.obj", scale=0.1, fix="x90", size=(0.14, 0.22), tex="proc"),
    "jenga": dict(mesh="jenga/jenga.obj", scale=(0.15, 0.05, 0.03), fix="", size=(0.26, 0.4), tex="own"),
    "mug": dict(mesh="objects/mug.obj", scale=1.0, fix="", size=(0.16, 0.26), tex="proc"),
    "domino": dict(mesh="domino/domino.obj", scale=1.0, fix="", size=(0.2, 0.32), tex="own", lying=0.4),
    "torus": dict(mesh="torus/torus_textured.obj", scale=0.1, fix="x90", size=(0.25, 0.4), tex="own"),
    "blob": dict(mesh="random_urdfs/{n:03d}/{n:03d}.obj", scale=0.015, fix="", size=(0.16, 0.28), tex="proc"),
    "cube": dict(mesh="cube.obj", scale=0.05, fix="", size=(0.13, 0.22), tex="image"),
    "cylinder": dict(mesh="toys/cylinder.obj", scale=1.0, fix="", size=(0.16, 0.26), tex="proc"),
    "prism": dict(mesh="toys/prism.obj", scale=1.0, fix="", size=(0.16, 0.26), tex="proc"),
    "sorter": dict(mesh="toys/shape_sorter.obj", scale=1.0, fix="", size=(0.2, 0.3), tex="image"),
    "r2d2": dict(urdf="r2d2.urdf", size=(0.4, 0.55), tex="own", floor_only=True),
    "racecar": dict(urdf="racecar/racecar.urdf", size=(0.45, 0.6), tex="own", floor_only=True),
}
IMAGE_TEXTURES = ["tex256.png", "uvmap.png", "checker_blue.png", "checker_grid.jpg", "colors16.png"]

# Supports: top = height of the supporting surface, half = half extents of that surface, and
# foot = half extents of the whole footprint, all for scale 1 (the URDF origin is on the floor).
SUPPORTS = {
    "table": dict(urdf="table/table.urdf", scale=(0.6, 0.85), top=0.625, thick=0.05,
                  half=(0.75, 0.5), foot=(0.75, 0.5), n_on=(3, 4)),
    "table_square": dict(urdf="table_square/table_square.urdf", scale=(0.95, 1.25), top=0.64, thick=0.08,
                         half=(0.3, 0.3), foot=(0.3, 0.3), n_on=(2, 3)),
    "tray": dict(urdf="tray/traybox.urdf", scale=(1.6, 2.1), top=0.005, thick=0.0, z0=0.005,
                 half=(0.2, 0.2), foot=(0.3, 0.3), n_on=(2, 3)),
}

DEFAULT_POINTS = 12000


class silent_c_output:
    """Send C-level stdout and stderr to /dev/null (pybullet prints a 'build time' banner on
    import and connect), flushing the C buffers before the descriptors are restored."""

    def __enter__(self):
        sys.stdout.flush()
        sys.stderr.flush()
        self.saved = [os.dup(1), os.dup(2)]
        self.null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(self.null, 1)
        os.dup2(self.null, 2)

    def __exit__(self, *exc):
        import ctypes
        ctypes.CDLL(None).fflush(None)
        for fd, saved in zip((1, 2), self.saved):
            os.dup2(saved, fd)
            os.close(saved)
        os.close(self.null)


def import_pybullet():
    with silent_c_output():
        import pybullet
        import pybullet_data
    return pybullet, pybullet_data.getDataPath()


def pb_connect():
    with silent_c_output():
        cid = PB.connect(PB.DIRECT)
    PB.setAdditionalSearchPath(DATA, physicsClientId=cid)
    return cid


def load_gen_scene(shared):
    """Import gen_scene.py from the shared folder (or a tools folder, or the file itself)."""
    cands = [shared, os.path.join(shared, "gen_scene.py"), os.path.join(shared, "tools", "gen_scene.py")]
    path = next((c for c in cands if os.path.isfile(c)), None)
    if path is None:
        sys.exit("gen_mesh_scene: cannot find gen_scene.py under %s (use --shared)" % shared)
    spec = importlib.util.spec_from_file_location("gen_scene", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod, path


# --------------------------------------------------------------------------------------
# Small math helpers
# --------------------------------------------------------------------------------------


def rot_x(a):
    c, s = math.cos(a), math.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]], float)


def rot_y(a):
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]], float)


def rot_z(a):
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]], float)


def quat_xyzw(R):
    """Rotation matrix -> pybullet quaternion (x, y, z, w)."""
    w, x, y, z = GS.rotmat2qvec(np.asarray(R, float))
    return [float(x), float(y), float(z), float(w)]


def srgb_to_lin(c):
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


SRGB8_TO_LIN = srgb_to_lin(np.arange(256) / 255.0)


def lin_to_srgb(x):
    x = np.clip(x, 0, 1)
    return np.where(x <= 0.0031308, 12.92 * x, 1.055 * np.power(x, 1 / 2.4) - 0.055)


def hsv(h, s, v):
    return np.array(GS.hsv2rgb(h, s, v), float)


def rect_gap(a, b):
    """Distance between two axis-aligned rectangles (x0, x1, y0, y1); negative = overlap."""
    dx = max(a[0] - b[1], b[0] - a[1])
    dy = max(a[2] - b[3], b[2] - a[3])
    return max(dx, dy) if max(dx, dy) < 0 else math.hypot(max(dx, 0.0), max(dy, 0.0))


# --------------------------------------------------------------------------------------
# Procedural, tileable textures (numpy, sRGB floats in [0, 1])
# --------------------------------------------------------------------------------------


def tile_noise(rng, h, w, sy, sx=None, octaves=3):
    """Periodic smooth noise (Gaussian-filtered white noise, FFT), about N(0.5, 0.18), in [0, 1]."""
    sx = sy if sx is None else sx
    fy, fx = np.fft.fftfreq(h)[:, None], np.fft.fftfreq(w)[None, :]
    out, amp = np.zeros((h, w)), 1.0
    for o in range(octaves):
        k = 2.0 ** o
        filt = np.exp(-2 * math.pi ** 2 * ((sy / k) ** 2 * fy ** 2 + (sx / k) ** 2 * fx ** 2))
        n = np.real(np.fft.ifft2(np.fft.fft2(rng.normal(size=(h, w))) * filt))
        out += amp * n / (n.std() + 1e-12)
        amp *= 0.5
    out /= out.std() + 1e-12
    return np.clip(0.5 + 0.18 * out, 0, 1)


def _mix(c1, c2, w):
    return c1[None, None] + (np.asarray(c2) - c1)[None, None] * w[..., None]


def tex_planks(rng, n, rows, boards):
    """n x n texel tile of wooden planks: `rows` rows, `boards` boards per row per tile."""
    c1 = hsv(rng.uniform(0.05, 0.1), rng.uniform(0.35, 0.6), rng.uniform(0.5, 0.75))
    n = (n // (rows * boards)) * rows * boards  # whole rows and boards per tile
    rh, bl = n // rows, n // boards
    v, u = np.mgrid[0:n, 0:n]
    row = v // rh
    off = (rng.integers(0, bl, size=rows))[row]
    col = ((u + off) % n) // bl
    tint = rng.uniform(-1, 1, size=(rows, boards))[row, col]
    grain = tile_noise(rng, n, n, n / 200.0, n / 12.0)
    out = _mix(c1, c1 * 0.6, 0.8 * np.clip((grain - 0.45) * 3.5, 0, 1)) * (1 + 0.15 * tint)[..., None]
    seam = ((v % rh) < max(1, n // 300)) | (((u + off) % bl) < max(1, n // 400))
    out[seam] *= 0.55
    return np.clip(out, 0, 1)


def tex_tiles(rng, n, k, alt):
    c1 = hsv(rng.random(), rng.uniform(0.05, 0.3), rng.uniform(0.6, 0.85))
    c2 = hsv(rng.random(), rng.uniform(0.1, 0.4), rng.uniform(0.3, 0.5)) if alt else c1
    ts = n // k
    n = ts * k
    v, u = np.mgrid[0:n, 0:n]
    i, j = u // ts, v // ts
    base = _mix(c1, c2, ((i + j) % 2).astype(float))
    base *= (1 + 0.08 * rng.uniform(-1, 1, size=(k, k))[j, i])[..., None]
    base *= (0.9 + 0.2 * tile_noise(rng, n, n, n / 40.0))[..., None]
    grout = ((u % ts) < max(2, n // 150)) | ((v % ts) < max(2, n // 150))
    base[grout] = c1 * 0.55
    return np.clip(base, 0, 1)


def tex_bricks(rng, n, rows, per_row):
    c1 = hsv(rng.uniform(0.0, 0.06), rng.uniform(0.4, 0.65), rng.uniform(0.5, 0.72))
    c2 = hsv(rng.uniform(0.02, 0.08), rng.uniform(0.3, 0.6), rng.uniform(0.3, 0.5))
    n = (n // (rows * per_row)) * rows * per_row
    v, u = np.mgrid[0:n, 0:n]
    bh, bw = n // rows, n // per_row
    row = v // bh
    uo = (u + (row % 2) * (bw // 2)) % n
    cb = uo // bw
    base = _mix(c1, c2, rng.random(size=(rows, per_row))[row, cb] ** 2)
    base *= (0.85 + 0.3 * tile_noise(rng, n, n, n / 120.0))[..., None]
    mort = ((uo % bw) < max(2, n // 110)) | ((v % bh) < max(2, n // 110))
    base[mort] = np.array([0.72, 0.7, 0.66])
    return np.clip(base, 0, 1)


def tex_wallpaper(rng, n, stripes):
    hue = rng.random()
    c1 = hsv(hue, rng.uniform(0.05, 0.3), rng.uniform(0.7, 0.9))
    c2 = hsv(hue + rng.uniform(-0.1, 0.1), rng.uniform(0.15, 0.45), rng.uniform(0.45, 0.7))
    n = (n // (2 * stripes)) * 2 * stripes
    v, u = np.mgrid[0:n, 0:n]
    sw = n // stripes
    out = _mix(c1, c2, ((u % sw) < sw // 2).astype(float))
    q = sw // 2
    du, dv = (u % q) - q / 2, (v % q) - q / 2
    dots = du * du + dv * dv < (0.14 * q) ** 2
    out[dots] *= 0.72
    return np.clip(out * (0.95 + 0.1 * tile_noise(rng, n, n, n / 16.0))[..., None], 0, 1)


def tex_plaster(rng, n):
    hue = rng.random()
    c1 = hsv(hue, rng.uniform(0.05, 0.3), rng.uniform(0.7, 0.9))
    c2 = hsv(hue + rng.uniform(-0.1, 0.1), rng.uniform(0.1, 0.4), rng.uniform(0.45, 0.7))
    w = np.clip((tile_noise(rng, n, n, n / 10.0, octaves=4) - 0.35) / 0.3, 0, 1)
    return np.clip(_mix(c1, c2, w) * (0.93 + 0.14 * tile_noise(rng, n, n, n / 250.0))[..., None], 0, 1)


def tex_panel(rng, nu, nv, frac_low, boards):
    """Wainscot: vertical boards below frac_low of the height, plaster above, a dark trim line.
    Image row 0 is the top of the wall."""
    hue = rng.random()
    c1 = hsv(hue, rng.uniform(0.05, 0.3), rng.uniform(0.7, 0.9))
    c2 = hsv(hue + rng.uniform(-0.1, 0.1), rng.uniform(0.1, 0.4), rng.uniform(0.45, 0.7))
    v, u = np.mgrid[0:nv, 0:nu]
    hgt = 1.0 - (v + 0.5) / nv
    upper = c1[None, None] * (0.9 + 0.2 * tile_noise(rng, nv, nu, nu / 8.0))[..., None]
    bw = max(1, nu // boards)
    lower = c2[None, None] * (1 - 0.35 * ((u % bw) < max(2, nu // 200)))[..., None]
    out = np.where((hgt < frac_low)[..., None], lower, upper)
    trim = (hgt >= frac_low) & (hgt < frac_low + 0.025)
    out[trim] = c2 * 0.6
    return np.clip(out, 0, 1)


def tex_ground(rng, n):
    c1 = hsv(rng.uniform(0.2, 0.33), rng.uniform(0.25, 0.45), rng.uniform(0.35, 0.55))
    c2 = hsv(rng.uniform(0.08, 0.14), rng.uniform(0.2, 0.4), rng.uniform(0.4, 0.6))
    w = np.clip((tile_noise(rng, n, n, n / 12.0, octaves=4) - 0.4) / 0.2, 0, 1)
    return _mix(c1, c2, w)


def tex_object(rng, kind, n=256):
    """Tileable object texture: stripes, checker, dots, noise or plaid with two random colours."""
    hue = rng.random()
    c1 = hsv(hue, rng.uniform(0.45, 0.9), rng.uniform(0.55, 0.95))
    c2 = hsv(hue + rng.uniform(0.25, 0.75), rng.uniform(0.3, 0.8), rng.uniform(0.3, 0.8))
    k = int(rng.integers(2, 5))
    p = (n // (6 * k)) * 6
    n = p * k
    v, u = np.mgrid[0:n, 0:n]
    if kind == "stripes":
        w = (((u + v) if rng.random() < 0.5 else u) % p < p // 2).astype(float)
    elif kind == "checker":
        w = (((u // p) + (v // p)) % 2).astype(float)
    elif kind == "dots":
        du, dv = (u % p) - p / 2, (v % p) - p / 2
        w = (du * du + dv * dv < (0.3 * p) ** 2).astype(float)
    elif kind == "plaid":
        w = 0.5 * ((u % p) < p // 3) + 0.5 * ((v % p) < p // 3)
    else:
        w = np.clip((tile_noise(rng, n, n, n / 14.0) - 0.42) / 0.16, 0, 1)
    out = _mix(c1, c2, w) * (0.9 + 0.2 * tile_noise(rng, n, n, n / 60.0))[..., None]
    return np.clip(out, 0, 1), c1


def write_rgb_png(path, rgb, level=6):
    """RGB8 PNG with the 'Sub' filter on every row: much faster than gen_scene.write_png (zlib 9)
    for photographic images, and about the same size."""
    h, w, _ = rgb.shape
    x = rgb.reshape(h, w * 3).astype(np.int16)
    x[:, 3:] -= rgb.reshape(h, w * 3)[:, :-3]
    raw = np.concatenate([np.ones((h, 1), np.uint8), (x & 0xFF).astype(np.uint8)], 1).tobytes()

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, level)) + chunk(b"IEND", b""))


def save_texture(path, img):
    write_rgb_png(path, np.clip(np.round(img * 255), 0, 255).astype(np.uint8), level=1)
    return path


# --------------------------------------------------------------------------------------
# OBJ helpers: textured boxes for the room, UV generation for meshes without UVs
# --------------------------------------------------------------------------------------


def write_box_obj(path, half, period, v_from_bottom=True):
    """Axis-aligned box centred at 0 with UVs in metres / period (tileable textures).
    period = (pu, pv); faces normal to x use (y, z), normal to y use (x, z), normal to z use (x, y).
    v starts at the bottom of the box when v_from_bottom (so a wall texture starts at the floor)."""
    pu, pv = period
    lines, vi = ["# generated by gen_mesh_scene.py"], 1
    faces = []
    for axis in range(3):
        for sgn in (1, -1):
            a, b = [(1, 2), (0, 2), (0, 1)][axis]
            corners = []
            for ca, cb in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
                p = [0.0, 0.0, 0.0]
                p[axis] = sgn * half[axis]
                p[a], p[b] = ca * half[a], cb * half[b]
                corners.append(p)
            n = [0, 0, 0]
            n[axis] = sgn
            c = np.array(corners)
            if np.cross(c[1] - c[0], c[2] - c[0])[axis] * sgn < 0:  # counter-clockwise seen from outside
                corners = corners[::-1]
            for p in corners:
                uu = p[a] / pu
                vv = ((p[b] + half[b]) if (v_from_bottom and b == 2) else p[b]) / pv
                lines.append("v %.6f %.6f %.6f" % tuple(p))
                lines.append("vt %.6f %.6f" % (uu, vv))
                lines.append("vn %d %d %d" % tuple(n))
            faces.append((vi, vi + 1, vi + 2))
            faces.append((vi, vi + 2, vi + 3))
            vi += 4
    lines += ["f %d/%d/%d %d/%d/%d %d/%d/%d" % (a, a, a, b, b, b, c, c, c) for a, b, c in faces]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def read_obj(path):
    """Vertices, texture coords, normals and triangulated faces [(v, vt, vn) x 3] of an OBJ."""
    V, T, N, F = [], [], [], []
    for ln in open(path, errors="replace"):
        e = ln.split()
        if not e:
            continue
        if e[0] == "v":
            V.append([float(x) for x in e[1:4]])
        elif e[0] == "vt":
            T.append([float(x) for x in e[1:3]])
        elif e[0] == "vn":
            N.append([float(x) for x in e[1:4]])
        elif e[0] == "f":
            cs = []
            for tok in e[1:]:
                ids = (tok.split("/") + ["", ""])[:3]
                cs.append(tuple(int(i) if i else 0 for i in ids))
            for k in range(1, len(cs) - 1):
                F.append((cs[0], cs[k], cs[k + 1]))
    return np.array(V, float), np.array(T, float), np.array(N, float), F


_VERT_CACHE = {}


def mesh_vertices(rel):
    if rel not in _VERT_CACHE:
        _VERT_CACHE[rel] = read_obj(os.path.join(DATA, rel))[0]
    return _VERT_CACHE[rel]


def write_uv_obj(src, dst, period):
    """Copy an OBJ without UVs, adding per-face planar UVs (projection along the dominant axis
    of each face normal, coordinates / period). Keeps vertex normals if present."""
    V, _, N, F = read_obj(src)
    out = ["# %s with generated UVs (gen_mesh_scene.py)" % os.path.basename(src)]
    out += ["v %.6f %.6f %.6f" % tuple(v) for v in V]
    out += ["vn %.6f %.6f %.6f" % tuple(n) for n in N]
    ti = 1
    flines = []
    for f in F:
        idx = [(c[0] - 1) if c[0] > 0 else len(V) + c[0] for c in f]
        p = V[idx]
        nrm = np.cross(p[1] - p[0], p[2] - p[0])
        ax = int(np.argmax(np.abs(nrm)))
        a, b = [(1, 2), (0, 2), (0, 1)][ax]
        for q in p:
            out.append("vt %.6f %.6f" % (q[a] / period, q[b] / period))
        toks = []
        for k, c in enumerate(f):
            vn = c[2] if (len(N) and c[2]) else 0
            toks.append("%d/%d/%d" % (idx[k] + 1, ti + k, vn) if vn else "%d/%d" % (idx[k] + 1, ti + k))
        ti += 3
        flines.append("f " + " ".join(toks))
    with open(dst, "w") as fh:
        fh.write("\n".join(out + flines) + "\n")
    return dst


# --------------------------------------------------------------------------------------
# Layout (pure data, deterministic from the seed)
# --------------------------------------------------------------------------------------


def build_room(rng, n_walls, tmp):
    """Room size, walls, textures (written to tmp), backdrop colours and the light."""
    U = rng.uniform
    Rx, Ry = float(U(3.1, 3.7)), float(U(3.1, 3.7))
    wall_h = float(U(2.3, 2.8))
    sides = ["north", "east", "south", "west"]
    start = int(rng.integers(4))
    walled = [sides[(start + i) % 4] for i in range(n_walls)]
    floor_kind = str(rng.choice(["planks", "tiles", "tiles_alt"]))
    fperiod = 2.0
    if floor_kind == "planks":
        img = tex_planks(rng, 1024, int(rng.integers(9, 14)), int(rng.integers(1, 3)))
    else:
        img = tex_tiles(rng, 1024, int(rng.integers(4, 7)), floor_kind == "tiles_alt")
    surfaces = [dict(name="floor", kind="floor", texture=floor_kind, period=[fperiod, fperiod],
                     file=save_texture(os.path.join(tmp, "floor.png"), img), half=[Rx, Ry, 0.01],
                     pos=[0.0, 0.0, -0.01], yaw=0.0)]
    surfaces.append(dict(name="ground", kind="floor", texture="ground", period=[8.0, 8.0],
                         file=save_texture(os.path.join(tmp, "ground.png"), tex_ground(rng, 512)),
                         half=[GROUND_EXT, GROUND_EXT, 0.01], pos=[0.0, 0.0, -0.012], yaw=0.0))
    wall_tex = [str(t) for t in rng.permutation(["bricks", "wallpaper", "plaster", "panel"])]
    T = 0.06
    for i, side in enumerate(walled):
        t = wall_tex[i]
        ns = side in ("north", "south")
        length = 2 * (Rx if ns else Ry) + 2 * T
        sgn = 1.0 if side in ("north", "east") else -1.0
        pos = [0.0, sgn * (Ry + T / 2), wall_h / 2] if ns else [sgn * (Rx + T / 2), 0.0, wall_h / 2]
        period = [2.0, 2.0]
        if t == "bricks":
            img = tex_bricks(rng, 1024, int(rng.integers(11, 15)) * 2, int(rng.integers(4, 6)) * 2)
        elif t == "wallpaper":
            img = tex_wallpaper(rng, 1024, int(rng.integers(4, 9)) * 2)
        elif t == "plaster":
            img = tex_plaster(rng, 1024)
        else:
            img = tex_panel(rng, 1024, 1024, float(U(0.3, 0.42)), int(rng.integers(10, 18)))
            period = [2.0, wall_h]
        surfaces.append(dict(name="wall_" + side, kind="wall", texture=t, period=period,
                             file=save_texture(os.path.join(tmp, "wall_%s.png" % side), img),
                             half=[length / 2, T / 2, wall_h / 2], pos=pos, yaw=0.0 if ns else math.pi / 2))
    bd = dict(horizon=list(hsv(U(0.52, 0.62), U(0.08, 0.2), U(0.78, 0.9))),
              zenith=list(hsv(U(0.55, 0.65), U(0.3, 0.55), U(0.6, 0.8))),
              ground=list(hsv(U(0.08, 0.15), U(0.1, 0.25), U(0.45, 0.6))),
              hills=list(hsv(U(0.25, 0.4), U(0.2, 0.4), U(0.35, 0.55))),
              seed=int(rng.integers(1, 10000)))
    open_sides = [s for s in sides if s not in walled]
    oa = {"north": math.pi / 2, "east": 0.0, "south": -math.pi / 2, "west": math.pi}[open_sides[0]]
    ka, ke = oa + U(-0.6, 0.6), U(0.7, 1.1)
    light = dict(direction=[math.cos(ka) * math.cos(ke), math.sin(ka) * math.cos(ke), math.sin(ke)],
                 color=[1.0, 0.97, 0.92], ambient=float(U(0.45, 0.55)), diffuse=float(U(0.5, 0.6)),
                 specular=0.0, shadow=0)
    return dict(Rx=Rx, Ry=Ry, wall_h=wall_h, walls=walled, surfaces=surfaces, backdrop=bd,
                backdrop_R=BACKDROP_R, light=light)


def choose_kinds(rng, K):
    """K object kinds: each catalogue entry at most once, except random blobs which may repeat."""
    names = [k for k in OBJECTS if k != "blob"]
    kinds = list(rng.permutation(names))[:K]
    while len(kinds) < K:
        kinds.append("blob")
    if rng.random() < 0.5 and "blob" not in kinds:
        kinds[-1] = "blob"
    return [str(k) for k in kinds]


def object_spec(rng, kind, idx, tmp, tag, shrink=1.0):
    """Random scale / orientation / appearance for one object (no position yet)."""
    a = OBJECTS[kind]
    spec = dict(kind=kind, name="%s_%d" % (kind, idx), yaw=float(rng.uniform(0, 2 * math.pi)))
    target = float(rng.uniform(*a["size"])) * shrink
    tint = np.ones(3)
    if "urdf" in a:
        spec.update(urdf=a["urdf"], target=target)
        tint = 0.6 + 0.4 * hsv(rng.random(), rng.uniform(0.3, 0.8), 1.0)
        spec.update(tint=[float(x) for x in tint] + [1.0], texture="own", color=[float(x) for x in tint])
        return spec
    mesh = a["mesh"].format(n=int(rng.integers(0, 1000))) if kind == "blob" else a["mesh"]
    fix = np.eye(3)
    if a["fix"] == "x90":
        fix = rot_x(math.pi / 2)
    if kind == "domino" and rng.random() < a.get("lying", 0):
        fix = rot_y(math.pi / 2)
        spec["pose"] = "lying"
    base = np.array(a["scale"] if isinstance(a["scale"], tuple) else (a["scale"],) * 3, float)
    Vl = mesh_vertices(mesh) * base
    ext = np.ptp(Vl @ fix.T, axis=0).max()
    s = target / ext
    spec.update(mesh=mesh, mesh_scale=[float(x) for x in base * s], fix=fix.tolist(), scale_factor=float(s))
    if a["tex"] == "own":
        tint = 1 - rng.uniform(0.25, 0.55) * (1 - hsv(rng.random(), rng.uniform(0.5, 1.0), 1.0))
        spec["texture"] = "own"
    elif a["tex"] == "image":
        spec["texture_image"] = str(rng.choice(IMAGE_TEXTURES))
        tint = 1 - rng.uniform(0.2, 0.5) * (1 - hsv(rng.random(), rng.uniform(0.5, 1.0), 1.0))
        spec["texture"] = "image:" + spec["texture_image"]
    else:
        tk = str(rng.choice(["stripes", "checker", "dots", "noise", "plaid"]))
        img, c1 = tex_object(rng, tk)
        spec["texture_file"] = save_texture(os.path.join(tmp, "obj_%s_%d.png" % (tag, idx)), img)
        spec["texture"] = tk
        tint = np.ones(3)
        spec["color"] = [float(x) for x in c1]
    spec["tint"] = [float(x) for x in tint] + [1.0]
    spec.setdefault("color", [float(x) for x in tint])
    return spec


def local_bounds(spec, client):
    """(lo, hi) of the object's visual AABB in a frame rotated by yaw, origin at the body origin."""
    Rz = rot_z(spec["yaw"])
    if "mesh" in spec:
        R = Rz @ np.array(spec["fix"])
        Vw = (mesh_vertices(spec["mesh"]) * np.array(spec["mesh_scale"])) @ R.T
        return Vw.min(0), Vw.max(0), R
    p = PB
    b = p.loadURDF(spec["urdf"], [0, 0, 0], quat_xyzw(Rz), useFixedBase=True, physicsClientId=client)
    lo, hi = np.full(3, 1e9), np.full(3, -1e9)
    for link in range(-1, p.getNumJoints(b, physicsClientId=client)):
        a, c = p.getAABB(b, link, physicsClientId=client)
        lo, hi = np.minimum(lo, a), np.maximum(hi, c)
    p.removeBody(b, physicsClientId=client)
    return lo, hi, Rz


def urdf_scale(spec, client):
    lo, hi, _ = local_bounds(spec, client)
    s = spec["target"] / (hi - lo).max()
    spec["scale_factor"] = float(s)


def set_position(spec, xy, z_support, lo, hi, R):
    """Put the object's AABB centre at xy with its lowest point GAP above z_support."""
    s = spec.get("global_scale", 1.0)
    lo, hi = lo * s, hi * s
    c = (lo + hi) / 2
    pos = np.array([xy[0] - c[0], xy[1] - c[1], z_support + GAP - lo[2]])
    spec.update(position=pos.tolist(), orientation=quat_xyzw(R), R=np.asarray(R).tolist(),
                aabb=[(pos + lo).tolist(), (pos + hi).tolist()],
                rect=[float(pos[0] + lo[0]), float(pos[0] + hi[0]), float(pos[1] + lo[1]), float(pos[1] + hi[1])],
                height=float(hi[2] - lo[2]), footprint_radius=float(0.5 * math.hypot(hi[0] - lo[0], hi[1] - lo[1])))


def make_support(rng, kind):
    a = SUPPORTS[kind]
    s = float(rng.uniform(*a["scale"]))
    yaw = float(rng.uniform(-math.pi, math.pi)) if kind != "table" else float(rng.uniform(-0.6, 0.6) + rng.integers(0, 2) * math.pi / 2)
    r, th = rng.uniform(0.0, 0.35), rng.uniform(0, 2 * math.pi)
    c = np.array([r * math.cos(th), r * math.sin(th)])
    Rz = rot_z(yaw)
    hx, hy = a["foot"][0] * s, a["foot"][1] * s
    corners = np.array([[sx * hx, sy * hy] for sx in (-1, 1) for sy in (-1, 1)]) @ Rz[:2, :2].T + c
    tint = 1 - rng.uniform(0.1, 0.4) * (1 - hsv(rng.random(), rng.uniform(0.3, 0.9), 1.0))
    z0 = a.get("z0", 0.0) * s
    return dict(kind=kind, name=kind + "_0", urdf=a["urdf"], scale=s, yaw=yaw, center=c.tolist(),
                position=[float(c[0]), float(c[1]), z0], orientation=quat_xyzw(Rz), R=Rz.tolist(),
                top_z=float(a["top"] * s + z0), thick=float(a["thick"] * s),
                half=[a["half"][0] * s, a["half"][1] * s],
                rect=[float(corners[:, 0].min()), float(corners[:, 0].max()),
                      float(corners[:, 1].min()), float(corners[:, 1].max())],
                height=float(a["top"] * s + 0.13 * s * (kind == "tray")),
                footprint_radius=float(math.hypot(hx, hy)), tint=[float(x) for x in tint] + [1.0],
                texture="own", color=[float(x) for x in tint])


def inside_support(sup, rect, margin=0.02):
    """Is an object's world AABB rectangle fully on the support surface?"""
    Rz = np.array(sup["R"])[:2, :2]
    pts = np.array([[rect[i], rect[j]] for i in (0, 1) for j in (2, 3)]) - np.array(sup["center"])
    loc = pts @ Rz  # world -> support frame
    return bool((np.abs(loc[:, 0]) <= sup["half"][0] - margin).all()
                and (np.abs(loc[:, 1]) <= sup["half"][1] - margin).all())


def place_objects(rng, specs, sup, n_on, place_r, client):
    """Analytic placement: n_on objects on the support, the rest on the floor, no overlaps."""
    placed = []
    for k, spec in enumerate(specs):
        if "urdf" in spec:
            urdf_scale(spec, client)
            spec["global_scale"] = spec["scale_factor"]
        lo, hi, R = local_bounds(spec, client)
        on_sup = k < n_on
        ok = False
        for trial in range(700):
            if on_sup and trial in (100, 200, 300) and "mesh" in spec:  # too big for the top: shrink it
                spec["mesh_scale"] = [0.85 * x for x in spec["mesh_scale"]]
                spec["scale_factor"] *= 0.85
                lo, hi, R = local_bounds(spec, client)
            if on_sup and trial == 400:  # still does not fit: put it on the floor
                on_sup = False
            if on_sup:
                loc = rng.uniform(-1, 1, size=2) * np.array(sup["half"])
                xy = np.array(sup["center"]) + np.array(sup["R"])[:2, :2] @ loc
                z = sup["top_z"]
            else:
                r, th = place_r * math.sqrt(rng.uniform(0.02, 1.0)), rng.uniform(0, 2 * math.pi)
                xy = np.array([r * math.cos(th), r * math.sin(th)])
                z = 0.0
            set_position(spec, xy, z, lo, hi, R)
            if on_sup and not inside_support(sup, spec["rect"]):
                continue
            if not on_sup and rect_gap(spec["rect"], sup["rect"]) < 0.06:
                continue
            if all(rect_gap(spec["rect"], o["rect"]) >= 0.04 for o in placed
                   if o["resting_on"] == (sup["name"] if on_sup else "floor")):
                ok = True
                break
        spec["resting_on"] = sup["name"] if on_sup else "floor"
        if not ok:
            return False
        placed.append(spec)
    return sum(o["resting_on"] == sup["name"] for o in placed) >= min(2, n_on)


def make_cameras(rng, room, n, W, H, vfov_deg):
    """Orbit cameras (COLMAP world-to-camera R, t; camera x right, y down, z forward)."""
    U = rng.uniform
    fy = (H / 2.0) / math.tan(math.radians(vfov_deg) / 2)
    rmax = min(room["Rx"], room["Ry"]) - 0.45
    rmid = min(2.75, rmax - 0.15)
    phase, hphase = U(0, 2 * math.pi), U(0, 2 * math.pi)
    cycles = int(rng.integers(2, 4))
    cams = []
    for i in range(n):
        az = phase + 2 * math.pi * i / n + U(-0.35, 0.35) * 2 * math.pi / n
        r = float(np.clip(rmid + U(-0.3, 0.25), 2.25, rmax))
        hgt = 1.45 + 0.5 * math.sin(hphase + 2 * math.pi * cycles * i / n) + U(-0.1, 0.1)
        C = np.array([r * math.cos(az), r * math.sin(az), hgt])
        target = np.array([U(-0.3, 0.3), U(-0.3, 0.3), U(0.25, 0.5)])
        roll = float(U(-0.03, 0.03))
        f = (target - C) / np.linalg.norm(target - C)
        right = np.cross(f, [0, 0, 1.0])
        right /= np.linalg.norm(right)
        down = np.cross(f, right)
        right, down = math.cos(roll) * right + math.sin(roll) * down, -math.sin(roll) * right + math.cos(roll) * down
        c2w = np.stack([right, down, f], 1)
        R = c2w.T
        cams.append(dict(R=R, t=-R @ C, C=C, c2w=c2w, target=target, up=-down, roll=roll,
                         fx=fy, fy=fy, cx=W / 2.0, cy=H / 2.0, W=W, H=H))
    return cams


def camera_clearance(cams, specs, sup):
    rects = [o["rect"] for o in specs] + [sup["rect"]]
    return min(rect_gap([c["C"][0], c["C"][0], c["C"][1], c["C"][1]], r) for c in cams for r in rects)


def make_layout(seed, attempt, K, room, tmp, client):
    rng = np.random.default_rng([seed, 2, attempt])
    sup = make_support(rng, str(rng.choice(list(SUPPORTS))))
    kinds = choose_kinds(rng, K)
    # objects that may go on the support first, floor-only ones last
    kinds.sort(key=lambda k: bool(OBJECTS[k].get("floor_only")))
    n_on = int(rng.integers(SUPPORTS[sup["kind"]]["n_on"][0], SUPPORTS[sup["kind"]]["n_on"][1] + 1))
    n_on = min(n_on, sum(not OBJECTS[k].get("floor_only") for k in kinds))
    # objects on a table or tray are drawn a bit smaller so that they fit
    specs = [object_spec(rng, k, i, tmp, "a%d" % attempt, 0.75 if i < n_on else 1.0) for i, k in enumerate(kinds)]
    place_r = 1.05 + 0.04 * K
    if not place_objects(rng, specs, sup, n_on, place_r, client):
        return None
    for k, s in enumerate(specs):
        s["name"] = "%s_%d" % (s["kind"], k)
    return dict(attempt=attempt, support=sup, objects=specs)


# --------------------------------------------------------------------------------------
# pybullet scene
# --------------------------------------------------------------------------------------


def build_instances(room, layout):
    """GT instance table: floor, walls, backdrop, support, objects (ids 1..)."""
    insts = [dict(id=1, name="floor", kind="floor", is_background=True, parts=["box", "box"],
                  texture=room["surfaces"][0]["texture"] + "+ground", bodies=["floor", "ground"])]
    for s in room["surfaces"][2:]:
        insts.append(dict(id=len(insts) + 1, name=s["name"], kind="wall", is_background=True,
                          parts=["box"], texture=s["texture"], bodies=[s["name"]]))
    insts.append(dict(id=len(insts) + 1, name="backdrop", kind="backdrop", is_background=True,
                      parts=["backdrop"], texture="sky", bodies=[]))
    for o in [layout["support"]] + layout["objects"]:
        d = dict(id=len(insts) + 1, name=o["name"], kind=o["kind"], is_background=False,
                 asset=o.get("urdf") or o.get("mesh"), texture=o["texture"], bodies=[o["name"]])
        if "aabb" in o:  # objects: centre of the footprint, lowest point
            lo, hi = np.array(o["aabb"][0]), np.array(o["aabb"][1])
            size, pos = float((hi - lo).max()), [(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, lo[2]]
        else:  # table / tray: its origin is on the floor
            size, pos = 2 * o["footprint_radius"], o["position"]
        d["size_class"] = "small" if size < 0.12 else ("medium" if size < 0.25 else "large")
        d["position"] = [round(float(x), 4) for x in pos]
        d["footprint_radius"] = round(o["footprint_radius"], 4)
        d["height"] = round(o["height"], 4)
        d["color"] = [round(float(x), 3) for x in o["color"]]
        d["resting_on"] = o.get("resting_on", "floor")
        d["scale"] = round(float(o.get("scale", o.get("scale_factor", 1.0))), 4)
        insts.append(d)
    return insts


def load_body(spec, tmp, cid):
    """Create the pybullet body of a support or an object; returns its unique id."""
    p = PB
    if "urdf" in spec:
        s = spec.get("scale", spec.get("global_scale", 1.0))
        b = p.loadURDF(spec["urdf"], spec["position"], spec["orientation"], useFixedBase=True,
                       globalScaling=s, physicsClientId=cid)
        for link in range(-1, p.getNumJoints(b, physicsClientId=cid)):
            p.changeVisualShape(b, link, rgbaColor=spec["tint"], specularColor=[0, 0, 0], physicsClientId=cid)
        return b
    mesh = os.path.join(DATA, spec["mesh"])
    if "texture_file" in spec and not has_uv(mesh):  # procedural texture on a mesh without UVs
        mesh = uv_mesh(spec["mesh"], tmp)
    vs = p.createVisualShape(p.GEOM_MESH, fileName=mesh, meshScale=spec["mesh_scale"], rgbaColor=spec["tint"],
                             specularColor=[0, 0, 0], physicsClientId=cid)
    b = p.createMultiBody(0, -1, vs, basePosition=spec["position"], baseOrientation=spec["orientation"],
                          physicsClientId=cid)
    tex = spec.get("texture_file") or (os.path.join(DATA, spec["texture_image"]) if "texture_image" in spec else None)
    if tex:
        tid = p.loadTexture(tex, physicsClientId=cid)
        p.changeVisualShape(b, -1, textureUniqueId=tid, rgbaColor=spec["tint"], physicsClientId=cid)
    return b


_UV_CACHE = {}


def has_uv(path):
    if path not in _UV_CACHE:
        _UV_CACHE[path] = any(ln.startswith("vt ") for ln in open(path, errors="replace"))
    return _UV_CACHE[path]


def uv_mesh(rel, tmp):
    dst = os.path.join(tmp, "uv_" + rel.replace("/", "_"))
    if not os.path.exists(dst):
        V = mesh_vertices(rel)
        write_uv_obj(os.path.join(DATA, rel), dst, float(np.ptp(V, axis=0).max()) / 2.5)
    return dst


def build_scene(room, layout, tmp, cid):
    """Create every body; returns a lookup body uid -> instance id and the instance table."""
    p = PB
    p.resetSimulation(physicsClientId=cid)
    insts = build_instances(room, layout)
    name2id = {}
    for d in insts:
        for bn in d["bodies"]:
            name2id[bn] = d["id"]
    uid2inst = {}
    for s in room["surfaces"]:
        obj = os.path.join(tmp, "box_%s.obj" % s["name"])
        if not os.path.exists(obj):
            write_box_obj(obj, s["half"], s["period"])
        vs = p.createVisualShape(p.GEOM_MESH, fileName=obj, rgbaColor=[1, 1, 1, 1], specularColor=[0, 0, 0],
                                 physicsClientId=cid)
        cs = p.createCollisionShape(p.GEOM_BOX, halfExtents=s["half"], physicsClientId=cid)
        b = p.createMultiBody(0, cs, vs, basePosition=s["pos"], baseOrientation=quat_xyzw(rot_z(s["yaw"])),
                              physicsClientId=cid)
        p.changeVisualShape(b, -1, textureUniqueId=p.loadTexture(s["file"], physicsClientId=cid),
                            physicsClientId=cid)
        uid2inst[b] = name2id[s["name"]]
    by_id = {d["id"]: d for d in insts}
    for spec in [layout["support"]] + layout["objects"]:
        b = load_body(spec, tmp, cid)
        uid2inst[b] = name2id[spec["name"]]
        links = [p.getBodyInfo(b, physicsClientId=cid)[0].decode()]
        links += [p.getJointInfo(b, j, physicsClientId=cid)[12].decode() for j in range(p.getNumJoints(b, physicsClientId=cid))]
        by_id[uid2inst[b]]["parts"] = links if "urdf" in spec else ["mesh:" + os.path.basename(spec["mesh"])]
    lut = np.zeros(max(uid2inst) + 2, np.int64)
    for b, i in uid2inst.items():
        lut[b] = i
    return dict(lut=lut, insts=insts, uid2inst=uid2inst, support_id=name2id[layout["support"]["name"]],
                backdrop_id=[d["id"] for d in insts if d["kind"] == "backdrop"][0])


# --------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------


def gl_projection(fx, fy, W, H):
    """OpenGL projection (column-major list) for TinyRenderer with COLMAP pixel centres.
    TinyRenderer samples pixel (c, r) at screen (c, H-1-r); the 1/W, 1/H terms shift the
    principal point by half a pixel so that this sample is the ray through (c + 0.5, r + 0.5)."""
    P = np.zeros((4, 4))
    P[0, 0], P[0, 2] = 2 * fx / W, 1.0 / W
    P[1, 1], P[1, 2] = 2 * fy / H, 1.0 / H
    P[2, 2], P[2, 3] = -(FAR + NEAR) / (FAR - NEAR), -2 * FAR * NEAR / (FAR - NEAR)
    P[3, 2] = -1.0
    return P.T.reshape(-1).tolist()


def gl_view(cam):
    """OpenGL view matrix (column-major) = diag(1, -1, -1) @ [R | t] of the COLMAP pose."""
    M = np.eye(4)
    M[:3, :3], M[:3, 3] = cam["R"], cam["t"]
    return (np.diag([1.0, -1.0, -1.0, 1.0]) @ M).T.reshape(-1).tolist()


def check_view_matrix(cam, cid):
    """The pose must agree with pybullet's own computeViewMatrix (float32 inside)."""
    V = PB.computeViewMatrix(cam["C"].tolist(), cam["target"].tolist(), cam["up"].tolist(), physicsClientId=cid)
    return float(np.abs(np.array(V) - np.array(gl_view(cam))).max())


def depth_to_z(d):
    return FAR * NEAR / (FAR - (FAR - NEAR) * d.astype(np.float64))


def render_raw(cam, W, H, light, cid, scale=1):
    p = PB
    _, _, rgba, dep, seg = p.getCameraImage(
        W * scale, H * scale, viewMatrix=gl_view(cam),
        projectionMatrix=gl_projection(cam["fx"] * scale * W / cam["W"], cam["fy"] * scale * H / cam["H"],
                                       W * scale, H * scale),
        renderer=p.ER_TINY_RENDERER, lightDirection=light["direction"], lightColor=light["color"],
        lightAmbientCoeff=light["ambient"], lightDiffuseCoeff=light["diffuse"],
        lightSpecularCoeff=light["specular"], shadow=light["shadow"],
        flags=p.ER_SEGMENTATION_MASK_OBJECT_AND_LINKINDEX, physicsClientId=cid)
    h, w = H * scale, W * scale
    rgb = np.asarray(rgba, np.uint8).reshape(h, w, 4)[:, :, :3]
    z = depth_to_z(np.asarray(dep, np.float32).reshape(h, w))
    seg = np.asarray(seg, np.int64).reshape(h, w)
    return rgb, z, seg


def pixel_rays(cam, W, H, scale=1):
    """Camera-frame directions (x, y, 1) through the pixel centres of a scale x grid, and world dirs."""
    fx, fy = cam["fx"] * scale * W / cam["W"], cam["fy"] * scale * H / cam["H"]
    cx, cy = cam["cx"] * scale * W / cam["W"], cam["cy"] * scale * H / cam["H"]
    uu, vv = np.meshgrid(np.arange(W * scale) + 0.5, np.arange(H * scale) + 0.5)
    dc = np.stack([(uu - cx) / fx, (vv - cy) / fy, np.ones_like(uu)], -1)
    return dc, dc @ cam["c2w"].T


def sky_hit(C, Dw):
    """Ray parameter s (point = C + s * Dw) where rays leave the backdrop sphere."""
    a = (Dw * Dw).sum(-1)
    b = (Dw * C).sum(-1)
    c = float(C @ C) - BACKDROP_R ** 2
    return (-b + np.sqrt(b * b - a * c)) / a


def sky_rgb(room, Dw):
    d = Dw / np.linalg.norm(Dw, axis=-1, keepdims=True)
    return GS.tex_backdrop(room["backdrop"], d.reshape(-1, 3)).reshape(d.shape)


def render_view(ctx, cam, W, H, ss, with_rgb=True):
    """Returns dict(rgb uint8, inst uint16, part int32, depth float32, pos float32 (H, W, 3))."""
    room, sc, cid = ctx["room"], ctx["scene"], ctx["cid"]
    res = {}
    rgb1, z, seg = render_raw(cam, W, H, room["light"], cid)
    sky = seg < 0
    uid, link = seg & ((1 << 24) - 1), (seg >> 24) - 1
    inst = np.where(sky, sc["backdrop_id"], sc["lut"][np.clip(uid, 0, len(sc["lut"]) - 1)])
    _, Dw = pixel_rays(cam, W, H)
    s_sky = sky_hit(cam["C"], Dw)
    z = np.where(sky, s_sky, z)
    pos = cam["C"][None, None] + z[..., None] * Dw
    # SAM 'part' ids: one per (instance, link); a table's legs are a part of their own
    part = inst * 64 + np.where(sky, 0, link + 1)
    sup = ctx["layout"]["support"]
    legs = (inst == sc["support_id"]) & (pos[..., 2] < sup["top_z"] - 1.02 * sup["thick"])
    part = np.where(legs, part + 32, part)
    res.update(inst=inst.astype(np.uint16), part=part.astype(np.int32), depth=z.astype(np.float32),
               pos=pos.astype(np.float32))
    if with_rgb:
        if ss > 1:
            rgbh, _, segh = render_raw(cam, W, H, room["light"], cid, ss)
        else:
            rgbh, segh = rgb1, seg
        lin = SRGB8_TO_LIN[rgbh]
        skyh = segh < 0
        if skyh.any():
            _, Dh = pixel_rays(cam, W, H, ss)
            lin[skyh] = srgb_to_lin(sky_rgb(room, Dh[skyh]))
        lin = lin.reshape(H, ss, W, ss, 3).mean((1, 3))
        res["rgb"] = np.clip(np.round(lin_to_srgb(lin) * 255), 0, 255).astype(np.uint8)
    return res


# --------------------------------------------------------------------------------------
# Workers
# --------------------------------------------------------------------------------------

_G = {}


def _fname(i):
    return "frame_%05d" % i


def connect_and_build(room, layout, tmp):
    cid = pb_connect()
    sc = build_scene(room, layout, tmp, cid)
    return dict(cid=cid, scene=sc, room=room, layout=layout)


def _init_worker(room, layout, tmp):
    _G["ctx"] = connect_and_build(room, layout, tmp)


def point_candidates(r, cfg, vi, backdrop_id):
    """SfM-like point samples of one train view: prefer textured pixels, few on the backdrop."""
    W, H = cfg["width"], cfg["height"]
    lum = r["rgb"].astype(np.float64).mean(2)
    g = np.zeros_like(lum)
    g[:, 1:-1] += np.abs(lum[:, 2:] - lum[:, :-2])
    g[1:-1, :] += np.abs(lum[2:, :] - lum[:-2, :])
    w = 0.25 + g / (g.mean() + 1e-6)
    w[r["inst"] == backdrop_id] *= 0.04
    w[r["inst"] > backdrop_id] *= 1.5
    w = w.ravel() / w.sum()
    prng = np.random.default_rng([cfg["seed"], 2000 + vi, 3])
    pick = prng.choice(W * H, size=min(cfg["quota"], W * H), replace=False, p=w)
    return dict(xyz=r["pos"].reshape(-1, 3)[pick].astype(np.float64), rgb=r["rgb"].reshape(-1, 3)[pick],
                inst=r["inst"].ravel()[pick].astype(np.int32))


def process_view(vi):
    ctx, cfg = _G["ctx"], _G["cfg"]
    cam = _G["cams"][vi]
    W, H, out = cfg["width"], cfg["height"], cfg["out"]
    r = render_view(ctx, cam, W, H, cfg["ss"])
    name = _fname(vi)
    write_rgb_png(os.path.join(out, "images", name + ".png"), r["rgb"])
    GS.write_png(os.path.join(out, "gt_instance", name + ".png"), r["inst"])
    np.save(os.path.join(out, "depth", name + ".npy"), r["depth"])
    is_bg = {d["id"]: d["is_background"] for d in ctx["scene"]["insts"]}
    rng = np.random.default_rng([cfg["seed"], 1000 + vi, 7])
    sam, prov = GS.simulate_sam(r["inst"].astype(np.int64), r["part"], r["pos"], is_bg, cfg["rates"], rng)
    GS.write_png(os.path.join(out, "sam_masks", name + ".png"), sam)
    res = dict(vi=vi, inst=r["inst"], depth=r["depth"], prov=prov, n_masks=int(sam.max()),
               cover=float((sam > 0).mean()))
    if vi % cfg["holdout"] != 0:
        res["pts"] = point_candidates(r, cfg, vi, ctx["scene"]["backdrop_id"])
    return res


# --------------------------------------------------------------------------------------
# Layout search with a visibility pre-pass
# --------------------------------------------------------------------------------------


def visibility_counts(ctx, cams, train_idx, W, H):
    """Pixels per instance in each train view, from half-resolution GT renders."""
    Wl, Hl = max(16, W // 2), max(12, H // 2)
    n = len(ctx["scene"]["insts"]) + 1
    vis = np.zeros((len(train_idx), n), np.int64)
    for k, vi in enumerate(train_idx):
        r = render_view(ctx, cams[vi], Wl, Hl, 1, with_rgb=False)
        vis[k] = np.bincount(r["inst"].ravel().astype(np.int64), minlength=n)[:n]
    return vis


def search_layout(cfg, room, cams, train_idx, tmp, cid):
    best = None
    for attempt in range(10):
        layout = make_layout(cfg["seed"], attempt, cfg["objects"], room, tmp, cid)
        if layout is None:
            continue
        ctx_sc = build_scene(room, layout, tmp, cid)
        ctx = dict(cid=cid, scene=ctx_sc, room=room, layout=layout)
        vis = visibility_counts(ctx, cams, train_idx, cfg["width"], cfg["height"])
        nviews = (vis >= 3).sum(0)
        obj_ids = [d["id"] for d in ctx_sc["insts"] if not d["is_background"]]
        worst = min(int(nviews[i]) for i in obj_ids)
        if camera_clearance(cams, layout["objects"], layout["support"]) < 0.35:
            worst = -1
        if best is None or worst > best[0]:
            best = (worst, layout)
        if worst >= min(3, len(train_idx)):
            break
    if best is None:
        sys.exit("gen_mesh_scene: no valid layout found")
    return best[1]


# --------------------------------------------------------------------------------------
# points3D, tracks and pose checks
# --------------------------------------------------------------------------------------


def build_points(results, cams, cfg):
    """Noisy surface points with depth-tested tracks and 2D observations, as gen_scene.py does."""
    W, H, N = cfg["width"], cfg["height"], len(cams)
    prng = np.random.default_rng([cfg["seed"], 5])
    have = [r for r in results if "pts" in r]
    xyz = np.concatenate([r["pts"]["xyz"] for r in have])
    rgb = np.concatenate([r["pts"]["rgb"] for r in have])
    pin = np.concatenate([r["pts"]["inst"] for r in have])
    src = np.concatenate([np.full(len(r["pts"]["xyz"]), r["vi"]) for r in have])
    noisy = xyz + prng.normal(scale=cfg["point_noise"], size=xyz.shape)
    vis_lists = [[] for _ in range(len(xyz))]
    proj = {}
    for r in results:
        vi, cam = r["vi"], cams[r["vi"]]
        Xc = xyz @ cam["R"].T + cam["t"]
        z = Xc[:, 2]
        with np.errstate(divide="ignore", invalid="ignore"):
            u = cam["fx"] * Xc[:, 0] / z + cam["cx"]
            v = cam["fy"] * Xc[:, 1] / z + cam["cy"]
        ok = (z > 0.05) & (u >= 0) & (u < W) & (v >= 0) & (v < H)
        ii = np.nonzero(ok)[0]
        ui, vv = u[ii].astype(int), v[ii].astype(int)
        dz = r["depth"][vv, ui] - z[ii]
        same = r["inst"][vv, ui] == pin[ii]
        good = (np.abs(dz) < 0.01 + 0.01 * z[ii]) & same
        ii = ii[good | (src[ii] == vi)]
        proj[vi] = (ii, u[ii], v[ii])
        for k in ii.tolist():
            vis_lists[k].append(vi)
    kidx = np.nonzero(np.array([len(vl) >= 2 for vl in vis_lists]))[0]
    if len(kidx) > cfg["points"]:
        kidx = np.sort(prng.choice(kidx, size=cfg["points"], replace=False))
    newid = -np.ones(len(xyz), np.int64)
    newid[kidx] = np.arange(len(kidx))
    tracks_v = []
    for k in kidx:
        vl = vis_lists[k]
        if len(vl) > cfg["max_track"]:
            s0 = int(src[k])
            others = [x for x in vl if x != s0]
            vl = sorted([s0] + [int(x) for x in prng.choice(others, size=cfg["max_track"] - 1, replace=False)])
        tracks_v.append(set(vl))
    obs2d = [[] for _ in range(N)]
    tracks = [[] for _ in range(len(kidx))]
    errs, errn = np.zeros(len(kidx)), np.zeros(len(kidx))
    for vi in range(N):
        ii, u, v = proj[vi]
        cam = cams[vi]
        Xn = noisy[ii] @ cam["R"].T + cam["t"]
        un = cam["fx"] * Xn[:, 0] / Xn[:, 2] + cam["cx"]
        vn = cam["fy"] * Xn[:, 1] / Xn[:, 2] + cam["cy"]
        ou = u + prng.normal(scale=0.3, size=len(ii))
        ov = v + prng.normal(scale=0.3, size=len(ii))
        for j, k in enumerate(ii.tolist()):
            nk = newid[k]
            if nk < 0 or vi not in tracks_v[nk]:
                continue
            tracks[nk].append((vi + 1, len(obs2d[vi])))
            obs2d[vi].append((float(ou[j]), float(ov[j]), int(nk) + 1))
            errs[nk] += math.hypot(un[j] - ou[j], vn[j] - ov[j])
            errn[nk] += 1
    pts = dict(xyz=noisy[kidx], rgb=rgb[kidx], err=errs / np.maximum(errn, 1), inst=pin[kidx])
    return pts, tracks, obs2d


def check_poses(results, cams, pts, tracks, obs2d, cfg):
    """Project the (noisy) points3D with the COLMAP poses into their track views: pixel error vs
    the 2D observations, and depth error vs depth/ at the pixel they land on."""
    W, H = cfg["width"], cfg["height"]
    de, zs, pe = [], [], []
    for k, tr in enumerate(tracks):
        for iid, j in tr:
            cam = cams[iid - 1]
            Xc = cam["R"] @ pts["xyz"][k] + cam["t"]
            u, v = cam["fx"] * Xc[0] / Xc[2] + cam["cx"], cam["fy"] * Xc[1] / Xc[2] + cam["cy"]
            ox, oy, _ = obs2d[iid - 1][j]
            pe.append(math.hypot(u - ox, v - oy))
            if 0 <= u < W and 0 <= v < H:
                de.append(abs(float(results[iid - 1]["depth"][int(v), int(u)]) - Xc[2]))
                zs.append(Xc[2])
    de, pe = np.array(de), np.array(pe)
    ok = de < 0.03 + 0.01 * np.array(zs)  # the depth test of check_scene.py
    return dict(track_obs=int(pe.size), reproj_err_mean_px=float(pe.mean()) if pe.size else 0.0,
                depth_err_mean_mm=1000 * float(de.mean()) if de.size else 0.0,
                depth_err_median_mm=1000 * float(np.median(de)) if de.size else 0.0,
                depth_test_pass=float(ok.mean()) if de.size else 0.0)


def raytest_check(ctx, cam, inst, depth, ids, uids, n=1500, seed=0):
    """Cast pybullet rays through COLMAP pixel centres at floor/wall pixels (whose collision box is
    exactly the visual box) and compare the hit camera-z with the rendered depth."""
    p = PB
    ys, xs = np.nonzero(np.isin(inst, ids))
    if len(ys) == 0:
        return None
    sel = np.random.default_rng(seed).choice(len(ys), size=min(n, len(ys)), replace=False)
    ys, xs = ys[sel], xs[sel]
    dc = np.stack([(xs + 0.5 - cam["cx"]) / cam["fx"], (ys + 0.5 - cam["cy"]) / cam["fy"], np.ones(len(xs))], 1)
    Dw = dc @ cam["c2w"].T
    reach = 60.0
    out = []
    for a in range(0, len(xs), 1000):
        out += p.rayTestBatch([cam["C"].tolist()] * len(Dw[a:a + 1000]), (cam["C"] + reach * Dw[a:a + 1000]).tolist(),
                              physicsClientId=ctx["cid"])
    hit = np.array([o[0] for o in out])
    zr = np.array([o[2] for o in out]) * reach
    m = np.isin(hit, uids)  # objects have no collision shapes; tables/trays have simplified ones
    return np.abs(zr[m] - depth[ys[m], xs[m]])


# --------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------


def write_transforms(out, cams, names, train_idx, test_idx):
    c0 = cams[0]
    frames = []
    for i, cam in enumerate(cams):
        c2w = np.eye(4)
        c2w[:3, :3] = cam["c2w"] @ np.diag([1.0, -1.0, -1.0])
        c2w[:3, 3] = cam["C"]
        frames.append(dict(file_path="images/" + names[i], transform_matrix=c2w.tolist(), colmap_im_id=i + 1))
    W, H = c0["W"], c0["H"]
    tj = dict(camera_model="OPENCV", w=W, h=H, fl_x=c0["fx"], fl_y=c0["fy"], cx=c0["cx"], cy=c0["cy"],
              k1=0.0, k2=0.0, p1=0.0, p2=0.0,
              camera_angle_x=2 * math.atan(W / (2 * c0["fx"])), camera_angle_y=2 * math.atan(H / (2 * c0["fy"])),
              frames=frames, ply_file_path="sparse_pc.ply",
              train_filenames=["images/" + names[i] for i in train_idx],
              val_filenames=["images/" + names[i] for i in test_idx],
              test_filenames=["images/" + names[i] for i in test_idx])
    with open(os.path.join(out, "transforms.json"), "w") as f:
        json.dump(tj, f, indent=1)
    with open(os.path.join(out, "split.json"), "w") as f:
        json.dump(dict(train=[names[i] for i in train_idx], test=[names[i] for i in test_idx]), f, indent=1)


def instance_stats(insts, results, pts, train_set, W, H):
    n = max(d["id"] for d in insts) + 1
    cnt = np.stack([np.bincount(r["inst"].ravel().astype(np.int64), minlength=n)[:n] for r in results])
    min_px = max(4, int(W * H * 2e-4))
    tr = np.array([r["vi"] in train_set for r in results])
    out = {}
    for d in insts:
        i = d["id"]
        dd = {k: v for k, v in d.items() if k != "bodies"}
        dd["train_views_visible"] = int((cnt[tr, i] >= min_px).sum())
        dd["views_visible"] = int((cnt[:, i] >= min_px).sum())
        dd["mean_area_px_when_visible"] = round(float(cnt[cnt[:, i] > 0, i].mean()) if (cnt[:, i] > 0).any() else 0.0, 1)
        dd["points3D"] = int((pts["inst"] == i).sum())
        out[str(i)] = dd
    return out


def object_meta(o):
    keys = ("name", "kind", "urdf", "mesh", "mesh_scale", "scale", "scale_factor", "yaw", "pose", "position",
            "orientation", "aabb", "height", "footprint_radius", "resting_on", "texture", "texture_image",
            "tint", "top_z", "half")
    m = {k: o[k] for k in keys if k in o}
    if "texture_file" in o:
        m["texture_file"] = os.path.basename(o["texture_file"])
    return m


def assets_used(layout):
    a = sorted({o.get("urdf") or o.get("mesh") for o in [layout["support"]] + layout["objects"]})
    a += sorted({o["texture_image"] for o in layout["objects"] if "texture_image" in o})
    return a


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def parse_args(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description="Mesh-asset multi-view scenes rendered with pybullet TinyRenderer.")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--width", type=int, default=320)
    ap.add_argument("--height", type=int, default=240)
    ap.add_argument("--views", type=int, default=48)
    ap.add_argument("--objects", type=int, help="number of objects besides the table/tray (default: random 8..13)")
    ap.add_argument("--ss", type=int, default=3, help="RGB supersampling factor (ss x ss)")
    ap.add_argument("--points", type=int, default=DEFAULT_POINTS, help="target number of points3D")
    ap.add_argument("--vfov", type=float, default=52.0, help="vertical field of view (deg)")
    ap.add_argument("--holdout", type=int, default=8, help="every Nth view (index %% N == 0) is a test view")
    ap.add_argument("--point-noise", type=float, default=0.004, help="std of 3D point noise (m)")
    ap.add_argument("--max-track", type=int, default=8)
    ap.add_argument("--noise", choices=["bench", "hard"], default="bench",
                    help="SAM corruption rates: gen_scene DEFAULT_RATES (bench) or HARD_RATES")
    ap.add_argument("--corruption-scale", type=float, default=1.0,
                    help="multiply all SAM corruption rates (0 = clean, per-view permuted GT)")
    ap.add_argument("--jobs", type=int, default=0, help="worker processes (0 = auto, at most 4)")
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(here), "..", "shared"),
                    help="shared folder holding tools/gen_scene.py (or the path of gen_scene.py)")
    ap.add_argument("--quiet", action="store_true", help="do not print the summary line")
    return ap.parse_args(argv)


def make_config(a):
    rates = dict(GS.HARD_RATES if a.noise == "hard" else GS.DEFAULT_RATES)
    rates = {k: float(v) * (a.corruption_scale if k != "jitter2" else 1.0) for k, v in rates.items()}
    rates = {k: (v if k == "spurious" else min(1.0, v)) for k, v in rates.items()}
    K = a.objects if a.objects is not None else int(np.random.default_rng([a.seed, 0]).integers(8, 14))
    return dict(seed=a.seed, width=a.width, height=a.height, views=a.views, objects=K, ss=max(1, a.ss),
                points=a.points, vfov=a.vfov, holdout=a.holdout, point_noise=a.point_noise,
                max_track=a.max_track, noise=a.noise, corruption_scale=a.corruption_scale,
                rates=rates, out=a.out)


def prepare_out(out):
    for sub in ("images", "gt_instance", "sam_masks", "depth", os.path.join("sparse", "0")):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    for sub, ext in (("images", ".png"), ("gt_instance", ".png"), ("sam_masks", ".png"), ("depth", ".npy")):
        for fn in os.listdir(os.path.join(out, sub)):
            if fn.startswith("frame_") and fn.endswith(ext):
                os.remove(os.path.join(out, sub, fn))


def render_all(cfg, room, layout, cams, tmp, jobs):
    N = len(cams)
    _G["cfg"], _G["cams"] = cfg, cams
    if jobs > 1:
        import multiprocessing as mp
        with mp.get_context("fork").Pool(jobs, initializer=_init_worker, initargs=(room, layout, tmp)) as pool:
            results = pool.map(process_view, range(N), chunksize=1)
    else:
        _init_worker(room, layout, tmp)
        results = [process_view(i) for i in range(N)]
        PB.disconnect(_G["ctx"]["cid"])
    return sorted(results, key=lambda r: r["vi"])


def verify_poses(room, layout, tmp, cams, results, pts, tracks, obs2d, cfg):
    """Numerical pose checks (see raytest_check and check_poses); also returns the instance table."""
    N = len(cams)
    ctx = connect_and_build(room, layout, tmp)
    sc = ctx["scene"]
    bg_ids = [d["id"] for d in sc["insts"] if d["kind"] in ("floor", "wall")]
    bg_uids = [u for u, i in sc["uid2inst"].items() if i in bg_ids]
    rt = [raytest_check(ctx, cams[vi], results[vi]["inst"], results[vi]["depth"], bg_ids, bg_uids, seed=vi)
          for vi in sorted({0, N // 3, (2 * N) // 3})]
    rt = np.concatenate([x for x in rt if x is not None] + [np.zeros(0)])
    view_dev = max(check_view_matrix(c, ctx["cid"]) for c in cams)
    PB.disconnect(ctx["cid"])
    v = dict(view_matrix_vs_pybullet_maxdev=view_dev, raytest_pixels=int(rt.size),
             raytest_depth_err_mean_mm=1000 * float(rt.mean()) if rt.size else float("nan"),
             raytest_depth_err_max_mm=1000 * float(rt.max()) if rt.size else float("nan"))
    v.update(check_poses(results, cams, pts, tracks, obs2d, cfg))
    return v, sc["insts"]


def write_sparse(out, cams, names, pts, tracks, obs2d, train_idx, test_idx):
    GS.write_colmap(out, cams, names, pts, tracks, obs2d, write_bin=True)
    GS.write_ply(os.path.join(out, "sparse_pc.ply"), pts["xyz"], pts["rgb"])
    with open(os.path.join(out, "gt_instance", "points3D_instance.txt"), "w") as f:
        f.write("# POINT3D_ID INSTANCE_ID (instance whose surface the point was sampled from)\n")
        f.write("".join("%d %d\n" % (k + 1, i) for k, i in enumerate(pts["inst"].tolist())))
    write_transforms(out, cams, names, train_idx, test_idx)


def sam_summary(results):
    n_masks = np.array([r["n_masks"] for r in results])
    cover = np.array([r["cover"] for r in results])
    tags = {}
    for r in results:
        for pv in r["prov"]:
            for tg in pv["tag"].split("+"):
                tags[tg] = tags.get(tg, 0) + 1
    return dict(masks_per_view_mean=float(n_masks.mean()), masks_per_view_min=int(n_masks.min()),
                masks_per_view_max=int(n_masks.max()), coverage_mean=float(cover.mean()),
                coverage_min=float(cover.min()), tag_counts=tags)


def scene_metadata(a, cfg, gs_path, room, layout, cams, names, insts, inst_json, pts, tracks, results, verify):
    c0 = cams[0]
    obj_ids = [d["id"] for d in insts if not d["is_background"]]
    n_test = sum(1 for i in range(len(cams)) if i % cfg["holdout"] == 0)
    return dict(
        generator="gen_mesh_scene.py", version=GEN_VERSION, seed=a.seed, renderer="pybullet TinyRenderer (CPU)",
        pybullet_api=PB.getAPIVersion(), sam_simulator=os.path.abspath(gs_path),
        params={k: v for k, v in cfg.items() if k not in ("out", "rates", "quota")},
        sam_corruption_rates=cfg["rates"], layout_attempt=layout["attempt"],
        intrinsics=dict(model="PINHOLE", w=c0["W"], h=c0["H"], fx=c0["fx"], fy=c0["fy"], cx=c0["cx"], cy=c0["cy"]),
        clip=dict(near=NEAR, far=FAR),
        world=dict(up="+z", units="metres", floor="z=0", center=[0, 0, 0]),
        room=dict(Rx=room["Rx"], Ry=room["Ry"], wall_h=room["wall_h"], walls=room["walls"],
                  backdrop_R=BACKDROP_R, backdrop=room["backdrop"],
                  surfaces=[dict(name=s["name"], texture=s["texture"], half_extents=s["half"], position=s["pos"],
                                 yaw=s["yaw"], uv_period_m=s["period"]) for s in room["surfaces"]]),
        light=room["light"], assets_used=assets_used(layout),
        support=object_meta(layout["support"]), objects=[object_meta(o) for o in layout["objects"]],
        cameras=[dict(name=names[i], C=c["C"].tolist(), target=c["target"].tolist(), roll=c["roll"],
                      qvec=GS.rotmat2qvec(c["R"]).tolist(), tvec=c["t"].tolist()) for i, c in enumerate(cams)],
        n_views=len(cams), n_train=len(cams) - n_test, n_test=n_test, n_instances=len(insts),
        n_objects=len(layout["objects"]), n_points3D=int(len(pts["xyz"])),
        mean_track_length=float(np.mean([len(t) for t in tracks])) if tracks else 0.0,
        sam_stats=sam_summary(results),
        min_object_train_views_visible=int(min(inst_json[str(i)]["train_views_visible"] for i in obj_ids)),
        verification=verify)


def summary_line(sj, inst_json, layout, times, jobs, out):
    objs = [d for d in inst_json.values() if not d["is_background"]]
    smallest = sorted(objs, key=lambda d: d["mean_area_px_when_visible"])[:3]
    v, p = sj["verification"], sj["params"]
    return ("gen_mesh_scene: seed=%d %dx%d views=%d (train %d/test %d) instances=%d (objects %d + %s, walls %d) "
            "points3D=%d sam masks/view=%.1f min_obj_train_views=%d smallest=%s | pose check: raytest |dz| "
            "mean %.4f mm (%d px), points3D in track views: reproj %.2f px, depth err mean %.1f / median %.1f mm, "
            "depth test pass %.3f | "
            "time %.1fs (layout %.1fs, render %.1fs, jobs %d) -> %s"
            % (sj["seed"], p["width"], p["height"], sj["n_views"], sj["n_train"], sj["n_test"], sj["n_instances"],
               sj["n_objects"], layout["support"]["kind"], len(sj["room"]["walls"]), sj["n_points3D"],
               sj["sam_stats"]["masks_per_view_mean"], sj["min_object_train_views_visible"],
               ",".join("%s:%.0fpx" % (d["name"], d["mean_area_px_when_visible"]) for d in smallest),
               v["raytest_depth_err_mean_mm"], v["raytest_pixels"], v["reproj_err_mean_px"], v["depth_err_mean_mm"],
               v["depth_err_median_mm"],
               v["depth_test_pass"],
               times[0], times[1], times[2], jobs, out))


def main(argv=None):
    global GS, PB, DATA
    t0 = time.time()
    a = parse_args(argv)
    GS, gs_path = load_gen_scene(os.path.abspath(a.shared))
    PB, DATA = import_pybullet()
    cfg = make_config(a)
    W, H, N, K = cfg["width"], cfg["height"], cfg["views"], cfg["objects"]
    out = cfg["out"]
    prepare_out(out)
    tmp = tempfile.mkdtemp(prefix="gen_mesh_scene_")
    try:
        # walls: 2-3, but keep floor + walls + backdrop + support + objects within 13..18
        n_walls = int(np.clip(np.random.default_rng([a.seed, 1]).integers(2, 4), 2, max(2, 15 - K)))
        room = build_room(np.random.default_rng([a.seed, 1, 1]), n_walls, tmp)
        cams = make_cameras(np.random.default_rng([a.seed, 3]), room, N, W, H, cfg["vfov"])
        test_idx = [i for i in range(N) if i % cfg["holdout"] == 0]
        train_idx = [i for i in range(N) if i % cfg["holdout"] != 0]
        cid = pb_connect()
        layout = search_layout(cfg, room, cams, train_idx, tmp, cid)
        PB.disconnect(cid)
        cfg["quota"] = int(math.ceil(cfg["points"] * 1.15 / max(1, len(train_idx))))
        t_layout = time.time() - t0

        jobs = max(1, min(a.jobs or min(4, os.cpu_count() or 1), N))
        results = render_all(cfg, room, layout, cams, tmp, jobs)
        t_render = time.time() - t0 - t_layout

        names = [_fname(i) + ".png" for i in range(N)]
        pts, tracks, obs2d = build_points(results, cams, cfg)
        write_sparse(out, cams, names, pts, tracks, obs2d, train_idx, test_idx)
        verify, insts = verify_poses(room, layout, tmp, cams, results, pts, tracks, obs2d, cfg)
        inst_json = instance_stats(insts, results, pts, set(train_idx), W, H)
        with open(os.path.join(out, "gt_instance", "instances.json"), "w") as f:
            json.dump(inst_json, f, indent=1)
        with open(os.path.join(out, "sam_masks", "provenance.json"), "w") as f:
            json.dump({names[r["vi"]]: r["prov"] for r in results}, f)
        sj = scene_metadata(a, cfg, gs_path, room, layout, cams, names, insts, inst_json, pts, tracks, results,
                            verify)
        with open(os.path.join(out, "scene.json"), "w") as f:
            json.dump(sj, f, indent=1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if not a.quiet:
        print(summary_line(sj, inst_json, layout, (time.time() - t0, t_layout, t_render), jobs, out))
    return sj


if __name__ == "__main__":
    main()
