#!/usr/bin/env python3
"""Writes the hand-made part of the bad-input corpus (Tests/corpus/<reader>/): small files, each
one thing wrong, made from scratch (never copied from ../shared/data). Fuzzing crashes are added
beside them by hand (`scripts/fuzz.sh` prints where). `CorpusReplayTests` replays every file and
expects a one-line error naming it. Rerun after editing: python3 Tests/corpus/make_corpus.py
"""
import json
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def put(reader, name, data):
    folder = os.path.join(HERE, reader)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# ------------------------------------------------------------------ PLY

PROPS = ["x", "y", "z", "f_dc_0", "f_dc_1", "f_dc_2", "opacity", "scale_0", "scale_1", "scale_2",
         "rot_0", "rot_1", "rot_2", "rot_3"]
ROW = [0, 0, 0, 0.5, 0.5, 0.5, 1, -3, -3, -3, 1, 0, 0, 0]


def ply(lines, payload=b""):
    return ("\n".join(["ply"] + lines + ["end_header"]) + "\n").encode() + payload


def gaussians(rows, count=None, fmt="binary_little_endian"):
    head = [f"format {fmt} 1.0", f"element vertex {len(rows) if count is None else count}"]
    head += [f"property float {p}" for p in PROPS]
    return ply(head, b"".join(struct.pack("<14f", *r) for r in rows))


def ascii_xyz(extra_props, row):
    return ply(["format ascii 1.0", "element vertex 1", "property float x", "property float y", "property float z"]
               + extra_props, (row + "\n").encode())


nan, inf = float("nan"), float("inf")
put("ply", "empty.ply", b"")
put("ply", "text.ply", "hello, this is not a point cloud\n")
put("ply", "no-end-header.ply", b"ply\nformat binary_little_endian 1.0\nelement vertex 1\nproperty float x\n")
put("ply", "lying-count.ply", gaussians([ROW, ROW], count=10))
put("ply", "count-1e12.ply", gaussians([ROW], count=10**12))
put("ply", "count-2e62.ply", gaussians([ROW], count=2**62))
put("ply", "count-negative.ply", gaussians([ROW], count=-5))
put("ply", "count-not-a-number.ply", gaussians([ROW]).replace(b"vertex 1", b"vertex one"))
put("ply", "nan-position.ply", gaussians([ROW, [nan] + ROW[1:]]))
put("ply", "inf-scale.ply", gaussians([ROW, ROW[:7] + [inf] + ROW[8:]]))
put("ply", "nan-opacity.ply", gaussians([ROW[:6] + [nan] + ROW[7:]]))
put("ply", "nan-rotation.ply", gaussians([ROW[:10] + [nan] + ROW[11:]]))
put("ply", "ascii-word.ply", ascii_xyz([], "0 zero 0"))
put("ply", "ascii-short-row.ply", ascii_xyz([], "0 0"))
put("ply", "ascii-long-row.ply", ascii_xyz([], "0 0 0 7"))
put("ply", "ascii-inf.ply", ascii_xyz(["property float opacity"], "0 0 0 inf"))
put("ply", "unknown-type.ply", ply(["format ascii 1.0", "element vertex 1", "property float128 x"], b"0\n"))
put("ply", "seven-f-rest.ply", ascii_xyz([f"property float f_rest_{k}" for k in range(7)], "0 0 0 " + "0 " * 7))
put("ply", "no-z.ply", ply(["format ascii 1.0", "element vertex 1", "property float x", "property float y"], b"0 0\n"))
put("ply", "half-scales.ply", ascii_xyz(["property float scale_0"], "0 0 0 1"))
put("ply", "list-in-vertex.ply", ascii_xyz(["property list uchar int idx"], "0 0 0 1 5"))
put("ply", "version-2.ply", gaussians([ROW]).replace(b"1.0\n", b"2.0\n", 1))
put("ply", "two-formats.ply", gaussians([ROW]).replace(b"format binary_little_endian 1.0\n",
                                                      b"format binary_little_endian 1.0\nformat ascii 1.0\n"))
put("ply", "duplicate-property.ply", ascii_xyz(["property float x"], "0 0 0 0"))
put("ply", "no-vertex-element.ply", ply(["format ascii 1.0", "element face 0"]))
put("ply", "object-id-fraction.ply", ascii_xyz(["property float object_id"], "0 0 0 1.5"))
put("ply", "object-id-huge.ply", ascii_xyz(["property double object_id"], "0 0 0 1e12"))
put("ply", "face-before-vertex-truncated.ply",
    ply(["format binary_little_endian 1.0", "element face 3", "property list uchar int vertex_indices",
         "element vertex 1", "property float x", "property float y", "property float z"], b"\x03\x00\x00"))
put("ply", "face-list-huge.ply",
    ply(["format binary_little_endian 1.0", "element face 1", "property list uint int vertex_indices",
         "element vertex 1", "property float x", "property float y", "property float z"],
        struct.pack("<I", 0xFFFFFFFF) + b"\x00" * 12))
put("ply", "big-endian-truncated.ply", gaussians([ROW]).replace(b"little", b"big")[:-5])
put("ply", "crlf-no-break-after-end.ply", b"ply\r\nformat ascii 1.0\r\nelement vertex 1\r\nproperty float x\r\nend_header")

# ------------------------------------------------------------------ COLMAP binary

def cameras_bin(cams):
    out = struct.pack("<Q", len(cams))
    for cam_id, model, w, h, params in cams:
        out += struct.pack("<iiQQ", cam_id, model, w, h) + b"".join(struct.pack("<d", p) for p in params)
    return out


def image_record(image_id, q, t, camera, name, keypoints):
    out = struct.pack("<I", image_id) + struct.pack("<4d", *q) + struct.pack("<3d", *t) + struct.pack("<I", camera)
    out += name.encode() + b"\x00" + struct.pack("<Q", len(keypoints))
    return out + b"".join(struct.pack("<ddq", *k) for k in keypoints)


def point_record(pid, xyz, rgb, err, track):
    out = struct.pack("<Q", pid) + struct.pack("<3d", *xyz) + bytes(rgb) + struct.pack("<d", err)
    return out + struct.pack("<Q", len(track)) + b"".join(struct.pack("<II", *t) for t in track)


PINHOLE = [50, 50, 32, 24]
put("colmap-bin", "cameras-empty.bin", b"")
put("colmap-bin", "cameras-truncated.bin", cameras_bin([(1, 1, 64, 48, PINHOLE)])[:30])
put("colmap-bin", "cameras-unknown-model.bin", cameras_bin([(1, 99, 64, 48, PINHOLE)]))
put("colmap-bin", "cameras-nan-focal.bin", cameras_bin([(1, 1, 64, 48, [nan, 50, 32, 24])]))
put("colmap-bin", "cameras-size-zero.bin", cameras_bin([(1, 1, 0, 0, PINHOLE)]))
put("colmap-bin", "cameras-size-huge.bin", cameras_bin([(1, 1, 2**40, 48, PINHOLE)]))
put("colmap-bin", "cameras-duplicate-id.bin", cameras_bin([(1, 1, 64, 48, PINHOLE), (1, 1, 64, 48, PINHOLE)]))
put("colmap-bin", "cameras-count-2e31.bin", struct.pack("<Q", 2**31) + cameras_bin([(1, 1, 64, 48, PINHOLE)])[8:])
put("colmap-bin", "cameras-trailing-bytes.bin", cameras_bin([(1, 1, 64, 48, PINHOLE)]) + b"\x00\x01")
good_image = image_record(1, (1, 0, 0, 0), (0, 0, 0), 1, "a.png", [(1.0, 2.0, -1)])
put("colmap-bin", "images-truncated-name.bin", (struct.pack("<Q", 1) + good_image)[:8 + 4 + 56 + 4 + 3])
put("colmap-bin", "images-no-nul.bin", struct.pack("<Q", 1) + good_image[:good_image.index(b"\x00", 68)])
put("colmap-bin", "images-keypoints-2e60.bin", struct.pack("<Q", 1)
    + image_record(1, (1, 0, 0, 0), (0, 0, 0), 1, "a.png", [])[:-8] + struct.pack("<Q", 2**60))
put("colmap-bin", "images-zero-quaternion.bin", struct.pack("<Q", 1) + image_record(1, (0, 0, 0, 0), (0, 0, 0), 1, "a.png", []))
put("colmap-bin", "images-inf-translation.bin", struct.pack("<Q", 1) + image_record(1, (1, 0, 0, 0), (inf, 0, 0), 1, "a.png", []))
put("colmap-bin", "images-count-2e31.bin", struct.pack("<Q", 2**31) + good_image)
put("colmap-bin", "points3D-count-2e31.bin", struct.pack("<Q", 2**31) + point_record(1, (0, 0, 0), (1, 2, 3), 0.5, []))
put("colmap-bin", "points3D-nan-x.bin", struct.pack("<Q", 1) + point_record(1, (nan, 0, 0), (1, 2, 3), 0.5, []))
put("colmap-bin", "points3D-track-2e40.bin", struct.pack("<Q", 1)
    + point_record(1, (0, 0, 0), (1, 2, 3), 0.5, [])[:-8] + struct.pack("<Q", 2**40))
put("colmap-bin", "points3D-truncated-track.bin", (struct.pack("<Q", 1)
    + point_record(1, (0, 0, 0), (1, 2, 3), 0.5, [(1, 0), (2, 0)]))[:-3])

# ------------------------------------------------------------------ COLMAP text

put("colmap-txt", "cameras-unknown-model.txt", "1 FISHEYE9000 64 48 50 50 32 24\n")
put("colmap-txt", "cameras-too-few-params.txt", "1 PINHOLE 64 48 50 50\n")
put("colmap-txt", "cameras-nan.txt", "1 PINHOLE 64 48 nan 50 32 24\n")
put("colmap-txt", "cameras-negative-size.txt", "1 PINHOLE -64 48 50 50 32 24\n")
put("colmap-txt", "cameras-id-not-integer.txt", "one PINHOLE 64 48 50 50 32 24\n")
put("colmap-txt", "cameras-huge-integer.txt", "1 PINHOLE 99999999999999999999 48 50 50 32 24\n")
put("colmap-txt", "cameras-19-digit-id.txt", "9999999999999999999 PINHOLE 64 48 50 50 32 24\n")
put("colmap-txt", "points3D-19-digit-negative-id.txt", "-9999999999999999999 0 0 0 10 20 30 0.5\n")
put("colmap-txt", "cameras-duplicate-id.txt", "1 PINHOLE 64 48 50 50 32 24\n1 PINHOLE 64 48 50 50 32 24\n")
put("colmap-txt", "cameras-binary-garbage.txt", bytes(range(256)) * 4)
put("colmap-txt", "images-short-line.txt", "1 1 0 0 0 0 0 0\n\n")
put("colmap-txt", "images-nan-quaternion.txt", "1 nan 0 0 0 0 0 0 1 a.png\n\n")
put("colmap-txt", "images-zero-quaternion.txt", "1 0 0 0 0 0 0 0 1 a.png\n\n")
put("colmap-txt", "images-keypoints-not-triples.txt", "1 1 0 0 0 0 0 0 1 a.png\n1 2\n")
put("colmap-txt", "images-keypoint-id-word.txt", "1 1 0 0 0 0 0 0 1 a.png\n1 2 three\n")
put("colmap-txt", "points3D-inf.txt", "1 inf 0 0 10 20 30 0.5\n")
put("colmap-txt", "points3D-colour-300.txt", "1 0 0 0 300 20 30 0.5\n")
put("colmap-txt", "points3D-odd-track.txt", "1 0 0 0 10 20 30 0.5 1\n")
put("colmap-txt", "points3D-short.txt", "1 0 0 0\n")

# ------------------------------------------------------------------ transforms.json

FRAME = {"file_path": "images/a.png", "transform_matrix": [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]}


def transforms(name, value):
    put("transforms", name, value if isinstance(value, str) else json.dumps(value))


transforms("not-json.json", "{ frames: [")
transforms("empty.json", "")
transforms("top-level-list.json", [1, 2, 3])
transforms("no-frames.json", {"fl_x": 50})
transforms("frames-string.json", {"frames": "lots"})
transforms("matrix-2x2.json", {"w": 64, "h": 48, "fl_x": 50, "frames": [dict(FRAME, transform_matrix=[[1, 0], [0, 1]])]})
transforms("matrix-strings.json", {"w": 64, "h": 48, "fl_x": 50,
                                   "frames": [dict(FRAME, transform_matrix=[["a"] * 4] * 4)]})
transforms("matrix-scaled.json", {"w": 64, "h": 48, "fl_x": 50, "frames": [dict(FRAME, transform_matrix=[
    [2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 1]])]})
transforms("focal-string.json", {"w": 64, "h": 48, "fl_x": "fast", "frames": [FRAME]})
transforms("focal-infinite.json", '{"w": 64, "h": 48, "fl_x": 1e999, "frames": [%s]}' % json.dumps(FRAME))
transforms("focal-negative.json", {"w": 64, "h": 48, "fl_x": -50, "frames": [FRAME]})
transforms("no-focal.json", {"w": 64, "h": 48, "frames": [FRAME]})
transforms("size-zero.json", {"w": 0, "h": 48, "fl_x": 50, "frames": [FRAME]})
transforms("size-huge.json", {"w": 1e300, "h": 48, "fl_x": 50, "frames": [FRAME]})
transforms("fisheye.json", {"w": 64, "h": 48, "fl_x": 50, "camera_model": "OPENCV_FISHEYE", "frames": [FRAME]})
transforms("no-file-path.json", {"w": 64, "h": 48, "fl_x": 50, "frames": [{"transform_matrix": FRAME["transform_matrix"]}]})
transforms("k4.json", {"w": 64, "h": 48, "fl_x": 50, "k4": 0.1, "frames": [FRAME]})

# ------------------------------------------------------------------ PNG / JPEG (label maps and images)

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width, height, rows, color_type=0, bit_depth=8, idat=None):
    raw = b"".join(b"\x00" + r for r in rows)
    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + ihdr + chunk(b"IDAT", zlib.compress(raw) if idat is None else idat) + chunk(b"IEND", b"")


GRAY = png(4, 3, [b"\x01\x02\x03\x04"] * 3)
for reader in ("label-png", "image"):
    put(reader, "empty.png", b"")
    put(reader, "text.png", "I am text, not a PNG\n")
    put(reader, "signature-only.png", b"\x89PNG\r\n\x1a\n")
    put(reader, "huge-header.png", png(100000, 100000, [b"\x00"]))
    put(reader, "size-zero.png", png(0, 0, []))
    put(reader, "truncated.png", GRAY[:len(GRAY) - 20])
    put(reader, "corrupt-idat.png", png(4, 3, [], idat=b"\xde\xad\xbe\xef" * 4))
    put(reader, "short-idat.png", png(4, 3, [b"\x01\x02\x03\x04"]))
    put(reader, "bad-bit-depth.png", png(4, 3, [b"\x01\x02\x03\x04"] * 3, bit_depth=7))
    put(reader, "jpeg-signature-only.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64)
put("label-png", "rgba-translucent.png", png(2, 2, [b"\x01\x02\x03\x80" * 2] * 2, color_type=6))
put("label-png", "rgb16-differing.png", png(2, 2, [b"\x00\x01\x00\x02\x00\x03" * 2] * 2, color_type=2, bit_depth=16))
# A photo, not a colour-coded map: 400 colours in 400 pixels (at most 256 allowed).
put("label-png", "photo-colours.png", png(20, 20, [bytes(v for x in range(20) for v in (x * 12, y * 12, 7)) for y in range(20)],
                                          color_type=2))
put("label-png", "gray-alpha-transparent.png", png(2, 2, [b"\x01\x00" * 2] * 2, color_type=4))
put("image", "text.jpg", "I am text, not a JPEG\n")

# ------------------------------------------------------------------ model folder JSON

put("cfg", "empty.json", "")
put("cfg", "truncated.json", '{"iterations": 30, "resolution": ')
put("cfg", "list.json", "[]")
put("cfg", "iterations-string.json", '{"iterations": "many"}')
put("cfg", "resolution-negative.json", '{"resolution": -4}')
put("cfg", "iterations-zero.json", '{"iterations": 0}')
put("cfg", "sh-degree-9.json", '{"maxSHDegree": 9}')
put("cfg", "background-purple.json", '{"background": "purple"}')
put("cfg", "threads-negative.json", '{"threads": -2}')
put("cfg", "seed-negative.json", '{"seed": -1}')
put("cfg", "nul-bytes.json", b"\x00\x01garbage")
put("cfg", "seed-2e64.json", '{"seed": 18446744073709551616}')
put("cfg", "seed-fraction.json", '{"seed": 0.5}')
put("cfg", "iterations-1e300.json", '{"iterations": 1e300}')
put("cfg", "init-opacity-one.json", '{"initOpacity": 1}')
put("cfg", "random-init-points-negative.json", '{"randomInitPoints": -1}')
put("cfg", "log-interval-negative.json", '{"logInterval": -5}')
put("cfg", "adam-beta1-one.json", '{"adamBeta1": 1}')
put("cfg", "lambda-dssim-two.json", '{"lambdaDSSIM": 2}')
put("cfg", "scaling-lr-negative.json", '{"scalingLR": -0.005}')
put("cfg", "save-iterations-negative.json", '{"saveIterations": [7000, -1]}')
put("cfg", "threads-huge.json", '{"threads": 100000}')
put("cfg", "resolution-huge.json", '{"resolution": 100000}')

put("lift", "garbage.json", b"\x00\x01garbage")
put("lift", "empty-object.json", "{}")
put("lift", "wrong-format.json", '{"format": "splatlift-lift-0", "config": {}, "masksPath": "/x"}')
put("lift", "config-string.json", '{"format": "splatlift-lift-1", "config": "default", "masksPath": "/x"}')

CODEBOOK = {"format": "splatlift-codebook-1", "entryCount": 2, "featureCount": 2, "values": [0, 0, 0, 0]}
put("codebook", "truncated.json", json.dumps(CODEBOOK)[:40])
put("codebook", "wrong-format.json", json.dumps(dict(CODEBOOK, format="splatlift-codebook-9")))
put("codebook", "short-values.json", json.dumps(dict(CODEBOOK, values=[0])))
put("codebook", "zero-entries.json", json.dumps(dict(CODEBOOK, entryCount=0, values=[])))
put("codebook", "negative-entries.json", json.dumps(dict(CODEBOOK, entryCount=-2, featureCount=-2)))
put("codebook", "overflow-entries.json", json.dumps(dict(CODEBOOK, entryCount=2**62, featureCount=4)))
put("codebook", "infinite-value.json", json.dumps(CODEBOOK).replace("[0, 0, 0, 0]", "[0, 1e999, 0, 0]"))
put("codebook", "value-string.json", json.dumps(dict(CODEBOOK, values=["a", 0, 0, 0])))
put("codebook", "adam-wrong-size.json", json.dumps(dict(CODEBOOK, adam={
    "learningRate": 0.1, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "stepCount": 1, "firstMoment": [0], "secondMoment": [0]})))

SETTINGS_KEYS = "settings"
OBJECT = {"id": 1, "entries": [0], "gaussians": 3, "area": 10, "color": "#ff0000"}
STAGES = {"candidates": 1, "merges": [], "votedObjects": 1, "splitObjects": 1}


def objects(name, **change):
    table = {"format": "splatlift-objects-2", "entryCount": 2, "settings": {}, "objects": [OBJECT], "stages": STAGES}
    table.update(change)
    put("objects", name, json.dumps(table))


put("objects", "truncated.json", '{"format": "splatlift-objects-2", "objects": [{"id": 1')
put("objects", "old-format.json", '{"format": "splatlift-objects-1", "objects": []}')
objects("ids-descending.json", objects=[dict(OBJECT, id=2, entries=[1]), OBJECT])
objects("id-zero.json", objects=[dict(OBJECT, id=0)])
objects("id-huge.json", objects=[dict(OBJECT, id=2**40)])
objects("entry-outside.json", objects=[dict(OBJECT, entries=[7])])
objects("entry-twice.json", objects=[OBJECT, dict(OBJECT, id=2)])
objects("parent-unknown.json", objects=[dict(OBJECT, parent=9)])
objects("negative-count.json", objects=[dict(OBJECT, gaussians=-1)])
objects("negative-entry-count.json", entryCount=-3, objects=[dict(OBJECT, entries=[])])
objects("huge-entry-count.json", entryCount=10**15, objects=[dict(OBJECT, entries=[])])
objects("objects-not-list.json", objects={"1": OBJECT})

# ------------------------------------------------------------------ checkpoint.bin


def checkpoint(count=1, stack=(0,), sh_degree=0, features=0, floats=None, groups=7, objective=b"", trailing=b""):
    out = b"SPLATLIFT-CKPT\n" + struct.pack("<I", 1) + struct.pack("<q", 5) + struct.pack("<d", 1.0)
    out += struct.pack("<4Q", 1, 2, 3, 4) + struct.pack("<q", len(stack)) + b"".join(struct.pack("<q", v) for v in stack)
    out += struct.pack("<qqq", count, sh_degree, features)
    per = 3 + 3 + 4 + 1 + 48 + features
    params = floats if floats is not None else [0.0] * (per * count)
    out += struct.pack(f"<{len(params)}f", *params)
    out += struct.pack("<ddd", 0.9, 0.999, 1e-15) + struct.pack("<q", groups) + struct.pack(f"<{groups}q", *([5] * groups))
    out += struct.pack(f"<{2 * per * count}f", *([0.0] * (2 * per * count)))
    out += struct.pack(f"<{3 * count}f", *([0.0] * (3 * count)))
    return out + struct.pack("<q", len(objective)) + objective + trailing


good = checkpoint()
put("checkpoint", "empty.bin", b"")
put("checkpoint", "wrong-magic.bin", b"SPLATLIFT-CKPX\n" + good[15:])
put("checkpoint", "version-9.bin", good[:15] + struct.pack("<I", 9) + good[19:])
put("checkpoint", "truncated-half.bin", good[: len(good) // 2])
put("checkpoint", "truncated-last-byte.bin", good[:-1])
put("checkpoint", "trailing-bytes.bin", checkpoint(trailing=b"\x00"))
put("checkpoint", "count-1e12.bin", checkpoint(count=1, stack=()).replace(struct.pack("<qqq", 1, 0, 0), struct.pack("<qqq", 10**12, 0, 0), 1))
put("checkpoint", "count-negative.bin", checkpoint(count=1, stack=()).replace(struct.pack("<qqq", 1, 0, 0), struct.pack("<qqq", -1, 0, 0), 1))
put("checkpoint", "sh-degree-7.bin", checkpoint(sh_degree=7))
put("checkpoint", "adam-groups-3.bin", checkpoint(groups=3))
put("checkpoint", "view-negative.bin", checkpoint(stack=(-4,)))
put("checkpoint", "nan-mean.bin", checkpoint(floats=[nan] + [0.0] * 58))
put("checkpoint", "inf-opacity.bin", checkpoint(floats=[0.0] * 10 + [inf] + [0.0] * 48))
put("checkpoint", "random.bin", bytes((k * 7919) % 251 for k in range(5000)))

# ------------------------------------------------------------------ mask sources (`splatlift masks import`)
# CorpusReplayTests puts each file where its reader looks, beside Tests/fixtures/masks' photos
# (view_a 8x6, view_b 7x5) and, for amg, its mask PNGs 0…4: masks-amg files become
# amg/view_a/metadata.csv, masks-rle files rle/view_a.json, masks-coco files the COCO file.

AMG_HEADER = ("id,area,bbox_x0,bbox_y0,bbox_w,bbox_h,point_input_x,point_input_y,predicted_iou,"
              "stability_score,crop_box_x0,crop_box_y0,crop_box_w,crop_box_h")


def amg(name, *rows, header=AMG_HEADER):
    put("masks-amg", name, "\n".join([header] + [f"{r},1,0,0,1,1,0.5,0.5,0.9,0.95,0,0,8,6" if "," not in r else r
                                                  for r in rows]) + "\n")


put("masks-amg", "empty.csv", "")
amg("no-id-column.csv", "0", "1", header=AMG_HEADER.replace("id,", "number,", 1))
amg("id-word.csv", "zero", "1", "2", "3", "4")
amg("id-negative.csv", "-1", "0", "1", "2", "3", "4")
amg("id-fraction.csv", "0.5", "0", "1", "2", "3", "4")
amg("id-20-digits.csv", "99999999999999999999", "0", "1", "2", "3", "4")
amg("id-repeated.csv", "0", "1", "1", "2", "3", "4")
amg("short-row.csv", "0", "1,2,3", "2", "3", "4")
amg("lists-missing-png.csv", "0", "1", "2", "3", "4", "7")
amg("leaves-png-unlisted.csv", "0", "1", "2", "3")
put("masks-amg", "not-utf8.csv", b"id,area\n\xff\xfe0,1\n")


def rle_file(name, value):
    put("masks-rle", name, value if isinstance(value, (str, bytes)) else json.dumps(value))


def record(counts, size=(6, 8)):
    return {"segmentation": {"size": list(size), "counts": counts}, "area": 1, "predicted_iou": 0.9}


rle_file("not-json.json", "[{\"segmentation\": ")
rle_file("empty.json", "")
rle_file("object-not-list.json", {"masks": []})
rle_file("coco-file-as-record-file.json", {"images": [], "annotations": []})
rle_file("record-not-object.json", [7])
rle_file("no-segmentation.json", [{"area": 3}])
rle_file("polygon.json", [{"segmentation": [[0, 0, 4, 0, 4, 4]]}])
rle_file("size-one-number.json", [record([48], size=(6,))])
rle_file("size-mismatch.json", [record([54], size=(6, 9))])
rle_file("size-huge.json", [record([1], size=(2**53, 2**53))])
rle_file("counts-bad-character.json", [record("04~0")])
rle_file("counts-ends-inside-number.json", [record("0`")])
rle_file("counts-number-too-long.json", [record("0" + "`" * 14 + "0")])
rle_file("counts-overrun.json", [record("0d1")])
rle_file("counts-short.json", [record("03")])
rle_file("counts-negative.json", [record([4, -2, 46])])
rle_file("counts-fraction.json", [record([4.5, 43.5])])
rle_file("counts-number.json", [record(48)])

COCO_IMAGES = [{"id": 1, "file_name": "view_a.png", "width": 8, "height": 6},
               {"id": 2, "file_name": "view_b.png", "width": 7, "height": 5}]


def coco(name, images=None, annotations=None, raw=None):
    if raw is not None:
        put("masks-coco", name, raw)
        return
    table = {"images": COCO_IMAGES if images is None else images,
             "annotations": annotations if annotations is not None else
             [{"id": 1, "image_id": 1, "segmentation": {"size": [6, 8], "counts": [10, 5, 33]}},
              {"id": 2, "image_id": 2, "segmentation": {"size": [5, 7], "counts": [0, 35]}}]}
    put("masks-coco", name, json.dumps(table))


def annotation(segmentation, image_id=1):
    return [{"id": 1, "image_id": image_id, "segmentation": segmentation},
            {"id": 2, "image_id": 2, "segmentation": {"size": [5, 7], "counts": [0, 35]}}]


coco("not-json.json", raw="{\"images\": [")
coco("list.json", raw="[]")
coco("no-annotations.json", raw=json.dumps({"images": COCO_IMAGES}))
coco("image-without-size.json", images=[{"id": 1, "file_name": "view_a.png"}, COCO_IMAGES[1]])
coco("image-size-zero.json", images=[dict(COCO_IMAGES[0], width=0), COCO_IMAGES[1]])
coco("image-size-huge.json", images=[dict(COCO_IMAGES[0], width=2**53, height=2**53), COCO_IMAGES[1]],
     annotations=annotation({"size": [2**53, 2**53], "counts": "0"}))
coco("image-size-disagrees.json", images=[dict(COCO_IMAGES[0], width=9), COCO_IMAGES[1]],
     annotations=annotation({"size": [6, 9], "counts": [10, 44]}))
coco("image-id-repeated.json", images=[COCO_IMAGES[0], dict(COCO_IMAGES[1], id=1)])
coco("image-id-unknown.json", annotations=annotation({"size": [6, 8], "counts": [48]}, image_id=9))
coco("polygon.json", annotations=annotation([[0, 0, 4, 0, 4, 4]]))
coco("rle-size-mismatch.json", annotations=annotation({"size": [8, 6], "counts": [48]}))
coco("counts-overrun.json", annotations=annotation({"size": [6, 8], "counts": [40, 40]}))
coco("counts-garbage.json", annotations=annotation({"size": [6, 8], "counts": "\u00ff\u00fe"}))
coco("photo-not-in-file.json", images=COCO_IMAGES[1:], annotations=annotation({"size": [6, 8], "counts": [48]})[1:])

# ------------------------------------------------------------------ a scene's split.json
# CorpusReplayTests loads a 3-view scene (images/frame_00000.png … frame_00002.png) with the file
# as its split.json.

V = [f"frame_{k:05d}.png" for k in range(3)]


def split(name, value):
    put("split", name, value if isinstance(value, (str, bytes)) else json.dumps(value))


split("not-json.json", "{\"test\": [")
split("empty.json", "")
split("list.json", V)
split("no-test.json", {"train": V})
split("test-string.json", {"test": V[0]})
split("test-numbers.json", {"test": [0, 8]})
split("train-string.json", {"train": "all", "test": V[:1]})
split("unknown-view.json", {"train": V[1:], "test": ["frame_99999.png"]})
split("train-and-test.json", {"train": V, "test": V[:1]})
split("neither.json", {"train": V[1:2], "test": V[:1]})
split("no-training-views.json", {"test": V})
split("binary.json", bytes(range(256)))

# ------------------------------------------------------------------ ground truth (`eval --gt DIR`)
# CorpusReplayTests reads each file as DIR/frame_00000.png for view 0 of a scene of 8x6 views.

put("gt", "empty.png", b"")
put("gt", "text.png", "ground truth, honest\n")
put("gt", "truncated.png", png(8, 6, [b"\x01" * 8] * 6)[:45])
put("gt", "wrong-size.png", png(4, 3, [b"\x01\x02\x03\x04"] * 3))
put("gt", "huge-header.png", png(100000, 100000, [b"\x00"]))
put("gt", "rgba-translucent.png", png(8, 6, [b"\x01\x02\x03\x80" * 8] * 6, color_type=6))
put("gt", "corrupt-idat.png", png(8, 6, [], idat=b"\xde\xad\xbe\xef" * 4))
put("gt", "jpeg.png", b"\xff\xd8\xff\xe0" + b"\x00" * 64)

# ------------------------------------------------------------------ partition plan.json (`splatlift merge PLAN`)

BLOCK = {"name": "block_0_0", "row": 0, "column": 0, "bounds": {}, "expandedBounds": {}, "points": 10,
         "trainViews": ["a.png"], "testViews": [], "scene": "/plan/blocks/block_0_0",
         "model": "/plan/models/block_0_0", "pointCloud": "/plan/models/block_0_0/point_cloud/iteration_1/point_cloud.ply",
         "command": ["train"], "resumeCommand": ["train", "--resume"]}
PLAN = {"format": "splatlift-plan-1", "scene": "/scene", "masks": "/scene/sam_masks", "rows": 1, "columns": 1,
        "overlap": 0.2, "cameras": {"visibility": 0.25, "minimum": 8},
        "ground": {"up": [0, 0, 1], "axisU": [1, 0, 0], "axisV": [0, 1, 0], "method": "mean camera up"},
        "iterations": 100, "blocks": [BLOCK], "mergeCommand": ["merge", "/plan"]}


def plan(name, raw=None, **change):
    table = json.loads(json.dumps(PLAN))
    table.update(change)
    put("plan", name, raw if raw is not None else json.dumps(table))


plan("not-json.json", raw="{\"format\": ")
plan("empty.json", raw="")
plan("list.json", raw="[]")
plan("wrong-format.json", format="splatlift-plan-9")
plan("no-blocks.json", blocks=[], rows=0, columns=0)
plan("blocks-disagree-with-grid.json", rows=2)
plan("grid-overflow.json", rows=2**62, columns=4)
plan("rows-negative.json", rows=-1, columns=-1, blocks=[BLOCK])
plan("block-outside-grid.json", blocks=[dict(BLOCK, row=3)])
plan("blocks-repeat-a-cell.json", rows=1, columns=2, blocks=[BLOCK, BLOCK])
plan("axis-two-numbers.json", ground={"up": [0, 0, 1], "axisU": [1, 0], "axisV": [0, 1, 0], "method": "mean camera up"})
plan("axis-zero.json", ground={"up": [0, 0, 1], "axisU": [0, 0, 0], "axisV": [0, 1, 0], "method": "mean camera up"})
plan("ground-method-unknown.json", ground={"up": [0, 0, 1], "axisU": [1, 0, 0], "axisV": [0, 1, 0], "method": "guess"})
plan("overlap-negative.json", overlap=-0.5)
plan("iterations-zero.json", iterations=0)
plan("visibility-two.json", cameras={"visibility": 2, "minimum": 8})
plan("bounds-reversed.json", blocks=[dict(BLOCK, bounds={"minU": 1, "maxU": -1})])
plan("block-name-missing.json", blocks=[{k: v for k, v in BLOCK.items() if k != "name"}])
plan("value-1e999.json", raw=json.dumps(PLAN).replace('"overlap": 0.2', '"overlap": 1e999'))
