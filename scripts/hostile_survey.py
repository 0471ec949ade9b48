#!/usr/bin/env python3
"""The hostile survey (#18): every reader and command fed bad input through the release binary.

Usage: scripts/hostile_survey.py [--binary .build/release/splatlift] [--work DIR] [--markdown OUT.md]

It generates a tiny synthetic scene (`splatlift synth --preset tiny`), trains a tiny segmented
model on it, then runs each case on a fresh copy of the scene or model with one thing broken, and
prints one row per case: command, exit code, stderr, verdict. Verdicts:
  clean   exit 1, exactly one stderr line, naming the file or option at fault
  crash   killed by a signal (or exit > 128)
  hang    still running after the timeout
  silent  exit 0 on input that must be refused, or an input file changed
  noisy   refused, but not in one line (or without naming what is wrong)
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASES = []


def case(reader, what):
    def register(fn):
        CASES.append((reader, what, fn))
        return fn
    return register


# ---------------------------------------------------------------- helpers

def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def ply_bytes(header_lines, payload=b""):
    return ("\n".join(["ply"] + header_lines + ["end_header"]) + "\n").encode() + payload


GAUSS_PROPS = ["x", "y", "z", "f_dc_0", "f_dc_1", "f_dc_2", "opacity", "scale_0", "scale_1", "scale_2",
               "rot_0", "rot_1", "rot_2", "rot_3"]


def gaussian_ply(rows, count=None, fmt="binary_little_endian"):
    header = [f"format {fmt} 1.0", f"element vertex {len(rows) if count is None else count}"]
    header += [f"property float {p}" for p in GAUSS_PROPS]
    if fmt == "ascii":
        payload = "".join(" ".join(str(v) for v in r) + "\n" for r in rows).encode()
    else:
        payload = b"".join(struct.pack("<14f", *r) for r in rows)
    return ply_bytes(header, payload)


GOOD_ROW = [0, 0, 0, 0.5, 0.5, 0.5, 1, -3, -3, -3, 1, 0, 0, 0]


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width, height, rows, color_type=0, bit_depth=8):
    raw = b"".join(b"\x00" + r for r in rows)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0))
            + png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b""))


def first(folder):
    """The second file by name: frame_00001, a training view of the tiny scene (frame_00000 is a test view)."""
    return sorted(os.listdir(folder))[1]


def edit_json(path, change):
    with open(path) as f:
        value = json.load(f)
    change(value)
    with open(path, "w") as f:
        json.dump(value, f)


def latest_ply(model):
    clouds = os.path.join(model, "point_cloud")
    it = max(int(n.split("_")[1]) for n in os.listdir(clouds))
    return os.path.join(clouds, f"iteration_{it}", "point_cloud.ply")


def ply_payload_offset(data):
    return data.index(b"end_header\n") + len(b"end_header\n")


# ---------------------------------------------------------------- PLY (render-ply, extract, objects)

def render_ply(d, data):
    write(f"{d}/in.ply", data)
    return ["render-ply", f"{d}/in.ply", "--out", f"{d}/views", "--views", "1", "--width", "32", "--height", "24"]


@case("ply", "empty file")
def _(d, s, m): return render_ply(d, b"")
@case("ply", "text file named .ply")
def _(d, s, m): return render_ply(d, "hello, this is not a point cloud\n")
@case("ply", "header without end_header")
def _(d, s, m): return render_ply(d, b"ply\nformat binary_little_endian 1.0\nelement vertex 1\nproperty float x\n")
@case("ply", "header claims 10 vertices, data holds 2 (lying header)")
def _(d, s, m): return render_ply(d, gaussian_ply([GOOD_ROW, GOOD_ROW], count=10))
@case("ply", "header claims 10^12 vertices")
def _(d, s, m): return render_ply(d, gaussian_ply([GOOD_ROW], count=10**12))
@case("ply", "header claims 2^62 vertices (overflow bait)")
def _(d, s, m): return render_ply(d, gaussian_ply([GOOD_ROW], count=2**62))
@case("ply", "negative vertex count")
def _(d, s, m): return render_ply(d, gaussian_ply([GOOD_ROW], count=-5))
@case("ply", "NaN position")
def _(d, s, m): return render_ply(d, gaussian_ply([GOOD_ROW, [float("nan")] + GOOD_ROW[1:]]))
@case("ply", "Inf scale (position finite)")
def _(d, s, m): return render_ply(d, gaussian_ply([GOOD_ROW, GOOD_ROW[:7] + [float("inf")] + GOOD_ROW[8:]]))
@case("ply", "NaN opacity")
def _(d, s, m): return render_ply(d, gaussian_ply([GOOD_ROW[:6] + [float("nan")] + GOOD_ROW[7:]]))
@case("ply", "ascii row with a word instead of a number")
def _(d, s, m): return render_ply(d, gaussian_ply([GOOD_ROW]).replace(b"binary_little_endian", b"ascii").split(b"end_header\n")[0]
                                   + b"end_header\n0 0 zero 1 1 1 1 1 1 1 1 0 0 0\n")
@case("ply", "unknown property type")
def _(d, s, m): return render_ply(d, ply_bytes(["format ascii 1.0", "element vertex 1", "property float128 x"], b"0\n"))
@case("ply", "7 f_rest properties")
def _(d, s, m): return render_ply(d, ply_bytes(["format ascii 1.0", "element vertex 1", "property float x", "property float y",
                                                "property float z"] + [f"property float f_rest_{k}" for k in range(7)],
                                               b"0 0 0 0 0 0 0 0 0 0\n"))
@case("ply", "no z property")
def _(d, s, m): return render_ply(d, ply_bytes(["format ascii 1.0", "element vertex 1", "property float x", "property float y"], b"0 0\n"))
@case("ply", "list property in vertex")
def _(d, s, m): return render_ply(d, ply_bytes(["format ascii 1.0", "element vertex 1", "property float x", "property float y",
                                                "property float z", "property list uchar int idx"], b"0 0 0 1 5\n"))
@case("ply", "format version 2.0")
def _(d, s, m): return render_ply(d, gaussian_ply([GOOD_ROW]).replace(b"1.0\n", b"2.0\n", 1))
@case("ply", "5 MB of header without end_header")
def _(d, s, m): return render_ply(d, b"ply\nformat ascii 1.0\n" + b"comment " + b"x" * (5 << 20) + b"\n")
@case("ply", "model PLY truncated mid-row (objects MODEL)")
def _(d, s, m):
    p = latest_ply(m)
    data = open(p, "rb").read()
    write(p, data[:len(data) - 37])
    return ["extract", m, "--ids", "1", "--out", f"{d}/o.ply"]
@case("ply", "object_id 1.5 in an ascii PLY (extract --ids)")
def _(d, s, m):
    write(f"{d}/in.ply", ply_bytes(["format ascii 1.0", "element vertex 1", "property float x", "property float y",
                                    "property float z", "property float object_id"], b"0 0 0 1.5\n"))
    return ["extract", f"{d}/in.ply", "--ids", "1", "--out", f"{d}/o.ply"]

# ---------------------------------------------------------------- COLMAP (info SCENE)

def colmap_bin(s, name, change):
    p = f"{s}/sparse/0/{name}"
    write(p, change(open(p, "rb").read()))
    return ["info", s]


def colmap_txt(s, name, change):
    for n in ("cameras.bin", "images.bin", "points3D.bin"):
        os.remove(f"{s}/sparse/0/{n}")
    p = f"{s}/sparse/0/{name}"
    write(p, change(open(p).read()))
    return ["info", s]


def txt_data_lines(text):
    return [i for i, line in enumerate(text.split("\n")) if line.strip() and not line.startswith("#")]


def change_txt_line(text, index, fn):
    lines = text.split("\n")
    k = txt_data_lines(text)[index]
    lines[k] = fn(lines[k])
    return "\n".join(lines)


def set_fields(text, first, *values, append=()):
    """`text` with fields first, first+1, ... of its first data line replaced by `values` and
    `append` added at the line's end."""
    def edit(line):
        fields = line.split()
        return " ".join(fields[:first] + list(values) + fields[first + len(values):] + list(append))
    return change_txt_line(text, 0, edit)


@case("colmap-bin", "cameras.bin truncated to 30 bytes")
def _(d, s, m): return colmap_bin(s, "cameras.bin", lambda b: b[:30])
@case("colmap-bin", "cameras.bin unknown camera model id 99")
def _(d, s, m): return colmap_bin(s, "cameras.bin", lambda b: b[:12] + struct.pack("<i", 99) + b[16:])
@case("colmap-bin", "images.bin truncated inside an image name")
def _(d, s, m): return colmap_bin(s, "images.bin", lambda b: b[:8 + 4 + 56 + 4 + 3])
@case("colmap-bin", "points3D.bin claims 2^31 points")
def _(d, s, m): return colmap_bin(s, "points3D.bin", lambda b: struct.pack("<Q", 2**31) + b[8:])
@case("colmap-bin", "images.bin keypoint count 2^60")
def _(d, s, m):
    def change(b):
        name_end = b.index(b"\x00", 8 + 4 + 56 + 4)
        return b[:name_end + 1] + struct.pack("<Q", 2**60) + b[name_end + 9:]
    return colmap_bin(s, "images.bin", change)
@case("colmap-bin", "cameras.bin with a NaN focal length")
def _(d, s, m): return colmap_bin(s, "cameras.bin", lambda b: b[:32] + struct.pack("<d", float("nan")) + b[40:])
@case("colmap-bin", "camera size 0x0")
def _(d, s, m): return colmap_bin(s, "cameras.bin", lambda b: b[:16] + struct.pack("<QQ", 0, 0) + b[32:])
@case("colmap-txt", "cameras.txt unknown model name")
def _(d, s, m): return colmap_txt(s, "cameras.txt", lambda t: change_txt_line(t, 0, lambda l: l.replace("PINHOLE", "FISHEYE9000")))
@case("colmap-txt", "cameras.txt OPENCV_FISHEYE (distorted, unsupported)")
def _(d, s, m): return colmap_txt(s, "cameras.txt", lambda t: set_fields(
    t, 1, "OPENCV_FISHEYE", append=("0.1", "0", "0", "0")))
@case("colmap-txt", "images.txt names a camera id that does not exist")
def _(d, s, m): return colmap_txt(s, "images.txt", lambda t: set_fields(t, 8, "77"))
@case("colmap-txt", "images.txt quaternion 'nan'")
def _(d, s, m): return colmap_txt(s, "images.txt", lambda t: set_fields(t, 1, "nan"))
@case("colmap-txt", "points3D.txt with an inf coordinate")
def _(d, s, m): return colmap_txt(s, "points3D.txt", lambda t: set_fields(t, 1, "inf"))
@case("colmap-txt", "points3D.txt colour 300")
def _(d, s, m): return colmap_txt(s, "points3D.txt", lambda t: set_fields(t, 4, "300"))
@case("scene", "an image named in the model is missing")
def _(d, s, m):
    os.remove(f"{s}/images/{first(s + '/images')}")
    return ["info", s]
@case("scene", "camera size disagrees with the image file")
def _(d, s, m): return colmap_txt(s, "cameras.txt", lambda t: set_fields(t, 2, "640", "480"))
@case("scene", "empty folder")
def _(d, s, m):
    os.makedirs(f"{d}/empty")
    return ["info", f"{d}/empty"]
@case("scene", "scene path does not exist")
def _(d, s, m): return ["info", f"{d}/nowhere"]
@case("scene", "split.json names an unknown view")
def _(d, s, m):
    write(f"{s}/split.json", json.dumps({"train": ["nope"], "test": ["nada"]}))
    return ["info", s]

# ---------------------------------------------------------------- transforms.json (info SCENE)

def transforms(s, change):
    shutil.rmtree(f"{s}/sparse")
    p = f"{s}/transforms.json"
    if isinstance(change, (str, bytes)):
        write(p, change)
    else:
        edit_json(p, change)
    return ["info", s]


@case("transforms", "not JSON")
def _(d, s, m): return transforms(s, "{ frames: [")
@case("transforms", "top level is a list")
def _(d, s, m): return transforms(s, "[1, 2, 3]")
@case("transforms", "frames is a string")
def _(d, s, m): return transforms(s, lambda j: j.update(frames="lots"))
@case("transforms", "transform_matrix 2x2")
def _(d, s, m): return transforms(s, lambda j: j["frames"][0].update(transform_matrix=[[1, 0], [0, 1]]))
@case("transforms", "scaled rotation in transform_matrix")
def _(d, s, m): return transforms(s, lambda j: j["frames"][0].update(
    transform_matrix=[[2 * v if c < 3 and r < 3 else v for c, v in enumerate(row)] for r, row in enumerate(j["frames"][0]["transform_matrix"])]))
@case("transforms", "fl_x is a string")
def _(d, s, m): return transforms(s, lambda j: j.update(fl_x="fast"))
@case("transforms", "file_path of a missing image")
def _(d, s, m): return transforms(s, lambda j: j["frames"][0].update(file_path="images/ghost.png"))
@case("transforms", "1e999 (infinite) focal length")
def _(d, s, m):
    shutil.rmtree(f"{s}/sparse")
    text = open(f"{s}/transforms.json").read()
    j = json.loads(text)
    key = "fl_x" if "fl_x" in j else None
    j["fl_x"] = 12345.0
    write(f"{s}/transforms.json", json.dumps(j).replace("12345.0", "1e999"))
    return ["info", s]

# ---------------------------------------------------------------- images and masks (info, train)

@case("image", "text file named .jpg")
def _(d, s, m):
    for n in ("cameras.bin", "images.bin", "points3D.bin"):
        os.remove(f"{s}/sparse/0/{n}")
    name = first(s + "/images")
    os.remove(f"{s}/images/{name}")
    stem = os.path.splitext(name)[0]
    write(f"{s}/images/{stem}.jpg", "I am text, not a JPEG\n")
    t = open(f"{s}/sparse/0/images.txt").read().replace(name, stem + ".jpg")
    write(f"{s}/sparse/0/images.txt", t)
    return ["train", s, "--out", f"{d}/fresh", "--iterations", "1"]
@case("image", "truncated JPEG")
def _(d, s, m):
    # a real JPEG made by the CLI's own writer is not available; take the PNG and cut it
    name = first(s + "/images")
    data = open(f"{s}/images/{name}", "rb").read()
    write(f"{s}/images/{name}", data[:len(data) // 2])
    return ["train", s, "--out", f"{d}/fresh", "--iterations", "1"]
@case("image", "PNG header claiming 100000x100000")
def _(d, s, m):
    name = first(s + "/images")
    data = bytearray(open(f"{s}/images/{name}", "rb").read())
    data[16:24] = struct.pack(">II", 100000, 100000)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF)
    write(f"{s}/images/{name}", bytes(data))
    return ["train", s, "--out", f"{d}/fresh", "--iterations", "1"]
@case("image", "zero-byte image")
def _(d, s, m):
    write(f"{s}/images/{first(s + '/images')}", b"")
    return ["train", s, "--out", f"{d}/fresh", "--iterations", "1"]
@case("mask", "mask of the wrong size")
def _(d, s, m):
    write(f"{s}/sam_masks/{first(s + '/sam_masks')}", png(5, 4, [b"\x01" * 5] * 4))
    return ["info", s]
@case("mask", "the photo itself as a mask")
def _(d, s, m):
    shutil.copyfile(f"{s}/images/{first(s + '/images')}", f"{s}/sam_masks/{first(s + '/sam_masks')}")
    return ["train", s, "--out", f"{d}/fresh", "--iterations", "1"]
@case("mask", "translucent colour mask")
def _(d, s, m):
    write(f"{s}/sam_masks/{first(s + '/sam_masks')}", png(64, 48, [b"\x01\x02\x03\x80" * 64] * 48, color_type=6))
    return ["train", s, "--out", f"{d}/fresh", "--iterations", "1"]
@case("mask", "JPEG bytes as a mask")
def _(d, s, m):
    write(f"{s}/sam_masks/{first(s + '/sam_masks')}", b"\xff\xd8\xff\xe0" + b"\x00" * 64)
    return ["train", s, "--out", f"{d}/fresh", "--iterations", "1"]
@case("mask", "corrupt IDAT in a mask")
def _(d, s, m):
    p = f"{s}/sam_masks/{first(s + '/sam_masks')}"
    data = bytearray(open(p, "rb").read())
    k = data.index(b"IDAT") + 10
    data[k:k + 8] = b"\xde\xad\xbe\xef" * 2
    write(p, bytes(data))
    return ["train", s, "--out", f"{d}/fresh", "--iterations", "1"]

# ---------------------------------------------------------------- model folder JSON and checkpoint

@case("cfg.json", "truncated cfg.json (render)")
def _(d, s, m):
    data = open(f"{m}/cfg.json").read()
    write(f"{m}/cfg.json", data[: len(data) // 2])
    return ["render", m, "--out", f"{d}/r"]
@case("cfg.json", "cfg.json iterations is a string")
def _(d, s, m):
    edit_json(f"{m}/cfg.json", lambda j: j.update(iterations="many"))
    return ["render", m, "--out", f"{d}/r"]
@case("cfg.json", "cfg.json resolution -4")
def _(d, s, m):
    edit_json(f"{m}/cfg.json", lambda j: j.update(resolution=-4))
    return ["render", m, "--out", f"{d}/r"]
@case("lift.json", "lift.json is garbage")
def _(d, s, m):
    write(f"{m}/lift.json", b"\x00\x01garbage")
    return ["extract", m, "--pixel", "0:10,10", "--out", f"{d}/o.ply"]
@case("codebook.json", "codebook.json values shorter than entries x features")
def _(d, s, m):
    for p in [f"{m}/codebook.json", os.path.join(os.path.dirname(latest_ply(m)), "codebook.json")]:
        edit_json(p, lambda j: j.update(values=j["values"][:5]))
    return ["extract", m, "--pixel", "0:10,10", "--out", f"{d}/o.ply"]
@case("objects.json", "objects.json ids not ascending")
def _(d, s, m):
    for p in [f"{m}/objects.json", os.path.join(os.path.dirname(latest_ply(m)), "objects.json")]:
        edit_json(p, lambda j: j["objects"].reverse())
    return ["objects", m]
@case("objects.json", "objects.json truncated")
def _(d, s, m):
    for p in [f"{m}/objects.json", os.path.join(os.path.dirname(latest_ply(m)), "objects.json")]:
        data = open(p).read()
        write(p, data[: len(data) // 3])
    return ["objects", m]
@case("checkpoint", "truncated checkpoint.bin with --resume")
def _(d, s, m):
    data = open(f"{m}/checkpoint.bin", "rb").read()
    write(f"{m}/checkpoint.bin", data[: len(data) // 2])
    return ["train", s, "--out", m, "--resume", "--iterations", "40"]
@case("checkpoint", "checkpoint.bin of random bytes with --resume")
def _(d, s, m):
    write(f"{m}/checkpoint.bin", bytes((k * 7919) % 251 for k in range(5000)))
    return ["train", s, "--out", m, "--resume", "--iterations", "40"]
@case("checkpoint", "checkpoint whose view stack names view 999")
def _(d, s, m):
    data = bytearray(open(f"{m}/checkpoint.bin", "rb").read())
    # magic(15) version(4) iteration(8) extent(8) rng(32) stack count(8), then the stack
    stack = 15 + 4 + 8 + 8 + 32
    n = struct.unpack_from("<q", data, stack)[0]
    if n == 0:
        data[stack:stack + 8] = struct.pack("<q", 1)
        data[stack + 8:stack + 8] = struct.pack("<q", 999)
    else:
        struct.pack_into("<q", data, stack + 8, 999)
    write(f"{m}/checkpoint.bin", bytes(data))
    return ["train", s, "--out", m, "--resume", "--iterations", "40"]
@case("checkpoint", "missing checkpoint.bin with --resume")
def _(d, s, m):
    os.remove(f"{m}/checkpoint.bin")
    return ["train", s, "--out", m, "--resume", "--iterations", "40"]

# ---------------------------------------------------------------- command options and outputs

@case("cli", "--pixel outside the image")
def _(d, s, m): return ["extract", m, "--pixel", "0:9999,9999", "--out", f"{d}/o.ply"]
@case("cli", "--pixel negative")
def _(d, s, m): return ["extract", m, "--pixel", "0:-1,5", "--out", f"{d}/o.ply"]
@case("cli", "--pixel on an unknown view")
def _(d, s, m): return ["extract", m, "--pixel", "nosuchview:1,1", "--out", f"{d}/o.ply"]
@case("cli", "--ids naming no object")
def _(d, s, m): return ["extract", m, "--ids", "999", "--out", f"{d}/o.ply"]
@case("cli", "--mask of the wrong size")
def _(d, s, m):
    write(f"{d}/mask.png", png(3, 3, [b"\xff" * 3] * 3))
    return ["extract", m, "--mask", f"0:{d}/mask.png", "--out", f"{d}/o.ply"]
@case("cli", "--iterations -5")
def _(d, s, m): return ["train", s, "--out", f"{d}/model", "--iterations", "-5"]
@case("cli", "--resolution 0")
def _(d, s, m): return ["train", s, "--out", f"{d}/model", "--iterations", "1", "--resolution", "0"]
@case("cli", "--threads -1")
def _(d, s, m): return ["train", s, "--out", f"{d}/model", "--iterations", "1", "--threads", "-1"]
@case("output", "unwritable output (a path under a regular file)")
def _(d, s, m): return ["extract", m, "--ids", "1", "--out", f"{m}/cfg.json/o.ply"]
@case("output", "extract output is the input PLY")
def _(d, s, m): return ["extract", m, "--ids", "1", "--out", latest_ply(m)]
@case("output", "remove output folder is the input model")
def _(d, s, m): return ["remove", m, "--ids", "1", "--out", m]
@case("output", "train --out is the scene folder")
def _(d, s, m): return ["train", s, "--out", s, "--iterations", "1"]
@case("output", "output is a symlink to a device (/dev/full)")
def _(d, s, m):
    os.symlink("/dev/full", f"{d}/full.ply")
    return ["extract", m, "--ids", "1", "--out", f"{d}/full.ply"]
@case("output", "output on a full disk (64 KB tmpfs)")
def _(d, s, m):
    os.makedirs(f"{d}/small")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", f"{d}/small"]).returncode != 0:
        return None
    return ["extract", m, "--ids", "1", "--out", f"{d}/small/o.ply"]
@case("output", "mesh --out with an unknown extension")
def _(d, s, m): return ["mesh", m, "--ids", "1", "--out", f"{d}/mesh.stl"]


# ---------------------------------------------------------------- numeric options of every command
# Negative, zero, NaN, infinite and huge values of every numeric option (`splatlift CMD --help`):
# each must be one `Error:` line naming the option (a value out of range: exit 1; a value that is
# not a number of the option's type: a one-line usage error, exit 64), never a usage dump, a crash
# or a command that runs. The base command is valid without the option.

NUMERIC_OPTIONS = [
    ("render", lambda d, s, m: ["render", m, "--out", f"{d}/r"], {"--iteration": ["-1", "0", "nan"]}),
    ("eval", lambda d, s, m: ["eval", m], {"--iteration": ["-30", "99999999999999999999"]}),
    ("extract", lambda d, s, m: ["extract", m, "--ids", "1", "--out", f"{d}/o.ply"],
     {"--threshold": ["-0.5", "0", "nan", "1e300"]}),
    ("remove", lambda d, s, m: ["remove", m, "--ids", "1", "--out", f"{d}/m2"], {"--threshold": ["nan", "inf"]}),
    ("mesh", lambda d, s, m: ["mesh", m, "--ids", "1", "--out", f"{d}/o.ply"],
     {"--voxel": ["-1", "0", "nan", "inf", "1e300"]}),
    ("cluster", lambda d, s, m: ["cluster", m],
     {"--min-cluster-size": ["-5", "0", "nan"], "--min-samples": ["-1", "0"], "--scoring-views": ["0", "-2", "99999999999"],
      "--search": ["-10:200:10", "10:200:0", "nan:1:1"]}),
    ("group", lambda d, s, m: ["group", m],
     {"--agreement": ["-1", "nan", "2"], "--support": ["-0.5", "nan"], "--split-gap": ["0", "-1", "nan", "inf"],
      "--association-agreement": ["nan", "1"]}),
    ("partition", lambda d, s, m: ["partition", s, "--blocks", "2x2", "--out", f"{d}/plan"],
     {"--overlap": ["-0.1", "nan", "1", "inf"], "--visibility": ["nan", "2", "-1"], "--min-cameras": ["0", "-1"],
      "--iterations": ["-5", "0"], "--resolution": ["0", "-2"]}),
    ("partition", lambda d, s, m: ["partition", s, "--out", f"{d}/plan"],
     {"--blocks": ["0x0", "-1x2", "9999999999x9999999999", "nanxnan", "1x1"]}),
    ("merge", lambda d, s, m: ["merge", f"{d}/noplan"], {"--agreement": ["nan", "-1", "1.5"], "--min-gaussians": ["0", "-3"]}),
    ("view", lambda d, s, m: ["view", m], {"--port": ["-1", "70000", "nan"]}),
    ("render-ply", lambda d, s, m: ["render-ply", latest_ply(m), "--out", f"{d}/v"],
     {"--views": ["0", "-1", "99999999"], "--width": ["0", "-640", "100000000"], "--height": ["0", "100000000"],
      "--fov": ["0", "-45", "nan", "180", "inf"], "--elevation": ["nan", "inf", "1000"], "--sh-degree": ["-1", "7"],
      "--threads": ["-1", "100000"], "--downscale": ["0", "-1"]}),
    ("render-ply --colmap", lambda d, s, m: ["render-ply", latest_ply(m), "--out", f"{d}/v", "--colmap", f"{s}/sparse/0"],
     {"--downscale": ["1000"]}),
    ("synth", lambda d, s, m: ["synth", "--preset", "tiny", "--out", f"{d}/syn"],
     {"--width": ["0", "-64", "100000"], "--views": ["0", "-1", "1000000"], "--objects": ["-1", "1000"],
      "--points": ["-1", "1000000000000"], "--ss": ["0", "99"], "--corruption-scale": ["nan", "-1", "inf"], "--seed": ["-1"]}),
    ("demo", lambda d, s, m: ["demo", "--out", f"{d}/demo"],
     {"--iterations": ["0", "-1"], "--resolution": ["0"], "--threads": ["-1"], "--voxel": ["0", "nan"], "--densify-until": ["-1"]}),
    ("bench raster", lambda d, s, m: ["bench", "raster"],
     {"--gaussians": ["0", "-1", "1000000000000"], "--width": ["0", "100000"], "--height": ["-300"], "--repeat": ["0"],
      "--channels": ["-1", "100000"], "--threads": ["-1"]}),
    ("bench train", lambda d, s, m: ["bench", "train", s],
     {"--target-psnr": ["nan", "-1", "inf"], "--max-seconds": ["0", "nan", "-5"], "--eval-every": ["0"],
      "--resolution": ["0"], "--iterations": ["-1"], "--threads": ["-1"]}),
    ("bench lift", lambda d, s, m: ["bench", "lift", s], {"--resolution": ["0"], "--steps": ["0", "-1"]}),
    ("bench hdbscan", lambda d, s, m: ["bench", "hdbscan"],
     {"--points": ["1", "-1", "10000000000000"], "--dimension": ["0", "100000"], "--noise": ["nan", "2"],
      "--min-cluster-size": ["0", "-1"], "--min-samples": ["0"], "--clusters": ["0"], "--threads": ["-1"]}),
    ("masks import", lambda d, s, m: ["masks", "import", f"{s}/sam_masks", "--images", f"{s}/images", "--out", f"{d}/mk"],
     {"--min-area": ["-1", "nan"]}),
    ("train", lambda d, s, m: ["train", s, "--out", f"{d}/model"],
     {"--iterations": ["nan", "99999999999999999999"], "--resolution": ["100000", "100"], "--seed": ["-1"],
      "--checkpoint-every": ["-1"], "--distant-points": ["-1", "1000000000000"], "--threads": ["100000"],
      "--tau": ["nan", "0", "1.5"], "--codebook-size": ["0", "-1", "100000"], "--codebook-init-scale": ["nan", "-1"],
      "--feature-lr": ["nan", "-1", "inf"], "--feature-lr-final": ["-1"]}),
]


def numeric_case(base, option, value):
    return lambda d, s, m: base(d, s, m) + [option, value]


for command, base, options in NUMERIC_OPTIONS:
    for option, values in options.items():
        for value in values:
            case("option", f"option {command} {option} {value}")(numeric_case(base, option, value))


# ---------------------------------------------------------------- runner

def snapshot(folder):
    out = {}
    for base, _, names in os.walk(folder):
        for n in names:
            p = os.path.join(base, n)
            with open(p, "rb") as f:
                out[p] = zlib.crc32(f.read())
    return out


def verdict(rc, stderr, changed):
    lines = [l for l in stderr.splitlines() if l.strip()]
    if rc is None:
        return "hang"
    if rc < 0 or rc > 128:
        return "crash"
    if changed:
        return "silent (input changed)"
    if rc == 0:
        return "silent"
    if len(lines) == 1 and lines[0].startswith("Error:"):
        return "clean"
    return "noisy"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build/release/splatlift"))
    ap.add_argument("--work", default="/tmp/splatlift-survey")
    ap.add_argument("--markdown")
    ap.add_argument("--only", help="run the cases whose description contains this text")
    ap.add_argument("--timeout", type=float, default=120)
    args = ap.parse_args()
    b = os.path.abspath(args.binary)
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    base_scene, base_model = f"{args.work}/base-scene", f"{args.work}/base-model"
    subprocess.run([b, "synth", "--preset", "tiny", "--out", base_scene], check=True, capture_output=True)
    subprocess.run([b, "train", base_scene, "--out", base_model, "--iterations", "30", "--checkpoint-every", "10"],
                   check=True, capture_output=True)
    rows = []
    for number, (reader, what, fn) in enumerate(CASES, 1):
        if args.only and args.only not in what:
            continue
        d = f"{args.work}/case-{number:02d}"
        s, m = f"{d}/scene", f"{d}/model"
        shutil.copytree(base_scene, s)
        shutil.copytree(base_model, m)
        # the copied model names the base scene; point it at this case's copy
        edit_json(f"{m}/cfg.json", lambda j: j.update(scenePath=s) if "scenePath" in j else None)
        argv = fn(d, s, m)
        if argv is None:
            print(f"{number:3d} skipped: {what}")
            continue
        protected = m if argv[0] != "train" else None
        before = snapshot(protected) if protected else {}
        try:
            p = subprocess.run([b] + argv, capture_output=True, text=True, timeout=args.timeout, errors="replace")
            rc, err = (p.returncode, p.stderr)
        except subprocess.TimeoutExpired as e:
            rc, err = None, (e.stderr or b"").decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        changed = protected is not None and os.path.exists(protected) and snapshot(protected) != before
        v = verdict(rc, err, changed)
        shown = " ⏎ ".join(l for l in err.splitlines() if l.strip())[:300].replace(args.work, "W").replace("|", "\\|")
        command = " ".join(["splatlift"] + [a.replace(args.work, "W") for a in argv])
        rows.append((number, reader, what, command, rc, shown, v))
        if os.path.ismount(f"{d}/small"):
            subprocess.run(["umount", f"{d}/small"])
        print(f"{number:3d} {v:8s} rc={rc} [{reader}] {what}: {shown[:160]}", flush=True)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("| # | reader | bad input | command | exit | stderr | verdict |\n|---|---|---|---|---|---|---|\n")
            for r in rows:
                f.write("| " + " | ".join(str(x) for x in (r[0], r[1], r[2], f"`{r[3]}`", r[4], r[5], r[6])) + " |\n")
    bad = [r for r in rows if r[6] != "clean"]
    print(f"{len(rows)} cases, {len(rows) - len(bad)} clean, {len(bad)} not clean")


if __name__ == "__main__":
    main()
