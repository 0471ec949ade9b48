#!/usr/bin/env bash
# OpenSplat --cpu against `splatlift bench train`: time to the same test PSNR (issue #22).
#
#   scripts/bench_peers.sh SCENE [-n ITERATIONS] [--runs K] [-r RESOLUTION] [--threads T]
#                                [--bin SPLATLIFT] [--max-seconds S] [--eval-every E]
#                                [--opensplat-args "ARGS"] [--random-points N]
#
# OpenSplat (https://github.com/WebODM/OpenSplat, C++/libtorch, AGPLv3; use v1.2.0 or later) is not shipped with
# SplatLift: build it from its public source (the script prints how when it is missing and exits
# 2) and put `opensplat` on PATH or in $OPENSPLAT. Then, --runs times, alternately:
#
#   1. OpenSplat trains SCENE's training views on the CPU: `opensplat COPY --cpu -n ITERATIONS
#      -d RESOLUTION [--keep-crs] ARGS -o OUT.ply` (--keep-crs where the build has it: before 1.2.0
#      OpenSplat re-centred the scene unless told; ARGS default `--num-downscales 0`: OpenSplat's own
#      default trains at 1/4 and then 1/2 resolution for its first 3,000 and 6,000 steps, so a run
#      of a few thousand steps never sees full-resolution images and scores ~19 dB), where COPY is SCENE with its test views removed (same
#      split rule as SplatLift: split.json, else the transforms file's train/test_filenames, else
#      every 8th view by name; COLMAP images.bin or transforms.json frames filtered, the rest
#      linked). Its training time is the wall time from its first "Step" line to its last (image
#      loading and writing the PLY are not counted); the whole run's wall time is printed too.
#   2. `splatlift eval` scores OUT.ply on SCENE's test views at the same resolution (the PLY is put
#      into a model folder made by `splatlift train --iterations 1`, so the renderer, resolution,
#      background and PSNR are the ones bench train uses).
#   3. `splatlift bench train SCENE --target-psnr P -r RESOLUTION --eval-every E` (default 50)
#      trains until the test PSNR reaches OpenSplat's P and prints the seconds to that target
#      (evaluation time not counted; the time is that of the first scored iteration at or above P).
#
# Printed per run: OpenSplat's iterations, seconds and test PSNR, SplatLift's seconds and
# iterations to that PSNR, and the ratio OpenSplat / SplatLift; then the median ratio.
# --random-points N, for a transforms.json scene without ply_file_path (OpenSplat needs seed
# points; instant-ngp's fox has none): both programs start from the same N points drawn uniformly
# in SplatLift's random-init cube (centred where the cameras' optical axes meet, half-size 0.325 ×
# their mean distance from there; grey colours), written as seed.ply into a linked copy of SCENE
# whose transforms.json names it (and gets nerfstudio's camera_model when it has none). Seeded (numpy seed 0), so every run starts from the same points.
# Caveats: OpenSplat trains with nerfstudio's fixed background colour (0.613, 0.010, 0.398), the
# evaluation renders on black; it needs the scene's sparse points (no random initialisation);
# OpenSplat downsizes images with OpenCV's INTER_AREA, SplatLift with its own filter.
# Same threads for both: --threads T sets OMP_NUM_THREADS for OpenSplat and --threads for SplatLift.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCENE="" ITERS=2000 RUNS=2 RES=1 THREADS=0 BIN="${SPLATLIFT:-$ROOT/.build/release/splatlift}" MAXSEC=7200 EVERY=50
RANDOM_POINTS=0
OS_ARGS="--num-downscales 0"
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    -n|--iterations) ITERS="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    -r|--resolution) RES="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --bin) BIN="$2"; shift 2 ;;
    --max-seconds) MAXSEC="$2"; shift 2 ;;
    --eval-every) EVERY="$2"; shift 2 ;;
    --opensplat-args) OS_ARGS="$2"; shift 2 ;;
    --random-points) RANDOM_POINTS="$2"; shift 2 ;;
    -*) echo "bench_peers.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
    *) if [ -n "$SCENE" ]; then echo "bench_peers.sh: one SCENE only (see --help)" >&2; exit 64; fi
       SCENE="$1"; shift ;;
  esac
done

OPENSPLAT="${OPENSPLAT:-$(command -v opensplat || true)}"
if [ -z "$OPENSPLAT" ] || [ ! -x "$OPENSPLAT" ]; then
  cat >&2 <<'EOF'
bench_peers.sh: OpenSplat not found (no `opensplat` on PATH and $OPENSPLAT unset or not executable).
Build it from its public source, v1.2.0 or later (https://github.com/WebODM/OpenSplat, README "Build" / "CPU"):
  apt-get install build-essential cmake git libopencv-dev      # OpenCV from Debian
  # libtorch for the CPU: the LibTorch "CPU" archive from pytorch.org (Get Started > LibTorch),
  # unpacked to /path/to/libtorch; a pip-installed torch also ships one: its cmake prefix is
  #   python3 -c 'import torch; print(torch.utils.cmake_prefix_path)'
  git clone -b v1.2.0 https://github.com/WebODM/OpenSplat && cd OpenSplat && mkdir build && cd build
  cmake -DCMAKE_PREFIX_PATH=/path/to/libtorch -DGPU_RUNTIME=CPU -DCMAKE_BUILD_TYPE=Release .. && make -j$(nproc)
  # (CMake also fetches nlohmann_json, nanoflann and cxxopts from GitHub)
  # With a pip torch (a CUDA build) add `add_library(torch::cudart INTERFACE IMPORTED)` in a file
  # passed as -DCMAKE_PROJECT_INCLUDE=fix.cmake, so its CMake config skips the CUDA toolkit search.
  # Not 1.1.5 (pierotofy/OpenSplat) with a libtorch newer than ~2.5: its CPU rasterizer reads the
  # depths of a strided tensor as contiguous, sorts by the wrong keys and stalls near 20 dB
  # (fixed in 1.2.0). docs/PERFORMANCE.md, "Peers".
Then: OPENSPLAT=$PWD/opensplat scripts/bench_peers.sh SCENE   (see scripts/bench_peers.sh --help)
EOF
  exit 2
fi
# 1.2.0 keeps the scene's frame unless given --center; earlier versions needed --keep-crs.
KEEP_CRS=""
if "$OPENSPLAT" --help 2>&1 | grep -q -- "--keep-crs"; then KEEP_CRS="--keep-crs"; fi
if [ ! -x "$BIN" ]; then
  echo "bench_peers.sh: splatlift binary not found at $BIN: build it (swift build -c release) or pass --bin PATH (or set \$SPLATLIFT)" >&2
  exit 2
fi
if [ -z "$SCENE" ] || [ ! -d "$SCENE" ]; then
  echo "bench_peers.sh: SCENE must be a scene folder (COLMAP sparse/0 with images.bin, or transforms.json with ply_file_path); see --help" >&2
  exit 64
fi
SCENE="$(cd "$SCENE" && pwd)"
command -v python3 >/dev/null || { echo "bench_peers.sh: python3 is needed" >&2; exit 2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/bench_peers.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# Seed points for both programs, when asked: SCENE becomes a linked copy naming them.
if [ "$RANDOM_POINTS" != 0 ]; then
  python3 - "$SCENE" "$WORK/seeded-scene" "$RANDOM_POINTS" <<'PY'
import json, os, sys
import numpy as np
scene, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
tf = os.path.join(scene, "transforms.json")
if not os.path.isfile(tf):
    sys.exit("bench_peers.sh: --random-points needs a transforms.json scene")
if count < 1:
    sys.exit("bench_peers.sh: --random-points must be positive")
with open(tf) as f:
    doc = json.load(f)
poses = np.array([fr["transform_matrix"] for fr in doc["frames"]], dtype=float)
centers, forward = poses[:, :3, 3], -poses[:, :3, 2]           # OpenGL cameras look down −z
forward /= np.linalg.norm(forward, axis=1, keepdims=True)
a = sum(np.eye(3) - np.outer(d, d) for d in forward)
b = sum((np.eye(3) - np.outer(d, d)) @ c for d, c in zip(forward, centers))
center = np.linalg.solve(a, b) if abs(np.linalg.det(a)) > 1e-6 * len(poses) ** 3 else centers.mean(axis=0)
half = 0.325 * np.linalg.norm(centers - center, axis=1).mean()
rng = np.random.default_rng(0)
points = center + (2 * rng.random((count, 3)) - 1) * half
os.makedirs(out)
for entry in os.listdir(scene):
    if entry != "transforms.json":
        os.symlink(os.path.join(scene, entry), os.path.join(out, entry))
vertex = np.empty(count, dtype=[("x", "<f4"), ("y", "<f4"), ("z", "<f4"), ("red", "u1"), ("green", "u1"), ("blue", "u1")])
vertex["x"], vertex["y"], vertex["z"] = points.T
vertex["red"] = vertex["green"] = vertex["blue"] = 128
with open(os.path.join(out, "seed.ply"), "wb") as f:
    f.write(("ply\nformat binary_little_endian 1.0\nelement vertex %d\nproperty float x\nproperty float y\n"
             "property float z\nproperty uchar red\nproperty uchar green\nproperty uchar blue\nend_header\n" % count).encode())
    f.write(vertex.tobytes())
doc["ply_file_path"] = "seed.ply"
# OpenSplat requires nerfstudio's camera_model, which instant-ngp files leave out.
doc.setdefault("camera_model", "OPENCV" if any(k in doc for k in ("k1", "k2", "p1", "p2")) else "PINHOLE")
with open(os.path.join(out, "transforms.json"), "w") as f:
    json.dump(doc, f)
print("seed points: %d uniform in the cube centred at (%.3f, %.3f, %.3f), half-size %.3f" % ((count,) + tuple(center) + (half,)))
PY
  SCENE="$WORK/seeded-scene"
fi

# The training-only copy of SCENE for OpenSplat.
python3 - "$SCENE" "$WORK/train-scene" <<'PY'
import json, os, struct, sys
scene, out = sys.argv[1], sys.argv[2]
os.makedirs(out)
sparse = os.path.join(scene, "sparse", "0")
colmap = os.path.isdir(sparse)
if colmap:
    if not os.path.isfile(os.path.join(sparse, "images.bin")):
        sys.exit("bench_peers.sh: OpenSplat reads COLMAP binary models only (sparse/0/images.bin missing)")
    with open(os.path.join(sparse, "images.bin"), "rb") as f:
        data = f.read()
    records, pos = [], 8
    for _ in range(struct.unpack_from("<Q", data, 0)[0]):
        start = pos
        image_id = struct.unpack_from("<i", data, pos)[0]
        pos += 4 + 32 + 24 + 4                       # id, qvec, tvec, camera id
        end = data.index(b"\0", pos)
        name, pos = data[pos:end].decode(), end + 1
        pos += 8 + 24 * struct.unpack_from("<Q", data, pos)[0]
        records.append((name, image_id, data[start:pos]))
    names = sorted(n for n, _, _ in records)
else:
    tf = os.path.join(scene, "transforms.json")
    if not os.path.isfile(tf):
        sys.exit("bench_peers.sh: SCENE has neither sparse/0 nor transforms.json")
    with open(tf) as f:
        doc = json.load(f)
    if not doc.get("ply_file_path"):
        sys.exit("bench_peers.sh: OpenSplat needs sparse points: transforms.json has no ply_file_path")
    names = sorted(fr["file_path"] for fr in doc["frames"])
# SplatLift's split (SceneLoader): split.json, else train/test_filenames, else every 8th by name.
base = lambda n: os.path.basename(n)
test = None
if os.path.isfile(os.path.join(scene, "split.json")):
    with open(os.path.join(scene, "split.json")) as f:
        split = json.load(f)
    if "train" in split:
        train = {base(n) for n in split["train"]}
        test = {base(n) for n in names} - train
    else:
        test = {base(n) for n in split.get("test", [])}
elif not colmap and (doc.get("test_filenames") or doc.get("val_filenames")):
    test = {base(n) for n in doc.get("test_filenames") or doc.get("val_filenames")}
if test is None:
    test = {base(n) for k, n in enumerate(names) if k % 8 == 0}
for entry in os.listdir(scene):
    if entry not in ("sparse", "transforms.json", "split.json"):
        os.symlink(os.path.join(scene, entry), os.path.join(out, entry))
if colmap:
    os.makedirs(os.path.join(out, "sparse", "0"))
    os.symlink(os.path.join(sparse, "cameras.bin"), os.path.join(out, "sparse", "0", "cameras.bin"))
    kept = [r for n, _, r in records if base(n) not in test]
    with open(os.path.join(out, "sparse", "0", "images.bin"), "wb") as f:
        f.write(struct.pack("<Q", len(kept)) + b"".join(kept))
    # points3D.bin without the track elements of the withheld images (a consistent model).
    gone = {i for n, i, _ in records if base(n) in test}
    with open(os.path.join(sparse, "points3D.bin"), "rb") as f:
        data = f.read()
    chunks, pos = [data[:8]], 8
    for _ in range(struct.unpack_from("<Q", data, 0)[0]):
        head = data[pos:pos + 43]                    # id, xyz, rgb, error
        length = struct.unpack_from("<Q", data, pos + 43)[0]
        track = [data[pos + 51 + 8 * j:pos + 59 + 8 * j] for j in range(length)]
        track = [t for t in track if struct.unpack_from("<i", t)[0] not in gone]
        chunks += [head, struct.pack("<Q", len(track))] + track
        pos += 51 + 8 * length
    with open(os.path.join(out, "sparse", "0", "points3D.bin"), "wb") as f:
        f.write(b"".join(chunks))
else:
    doc["frames"] = [fr for fr in doc["frames"] if base(fr["file_path"]) not in test]
    kept = doc["frames"]
    for k in ("train_filenames", "val_filenames", "test_filenames"):
        doc.pop(k, None)
    with open(os.path.join(out, "transforms.json"), "w") as f:
        json.dump(doc, f)
print(f"OpenSplat's copy of the scene: {len(kept)} training views ({'COLMAP' if colmap else 'transforms.json'}), "
      f"{len(test)} test views withheld")
PY

THREAD_ARGS=()
if [ "$THREADS" != 0 ]; then THREAD_ARGS=(--threads "$THREADS"); export OMP_NUM_THREADS="$THREADS"; fi

# A model folder whose point cloud is replaced by OpenSplat's, for `splatlift eval`.
"$BIN" train "$SCENE" --out "$WORK/eval-model" --iterations 1 -r "$RES" --no-segmentation "${THREAD_ARGS[@]}" >/dev/null
EVAL_PLY="$(ls -d "$WORK"/eval-model/point_cloud/iteration_*/point_cloud.ply | head -1)"
rm -f "$WORK/eval-model/checkpoint.bin"

# OpenSplat's training seconds (first to last "Step" line) and whole wall time, from its output.
timed_opensplat() {
  python3 - "$@" <<'PY'
import subprocess, sys, time
t0 = time.perf_counter()
first = last = None
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
tail = []
for line in proc.stdout:
    now = time.perf_counter()
    if line.startswith("Step "):
        first = first or now
        last = now
    tail = (tail + [line.rstrip()])[-5:]
status = proc.wait()
if status != 0 or first is None:
    sys.exit("bench_peers.sh: opensplat failed (status %d): %s" % (status, " | ".join(tail)))
print("%.3f %.3f" % (last - first, time.perf_counter() - t0))
PY
}

json_field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); v=d$2; print('' if v is None else v)" "$1"; }

echo "bench_peers.sh: $SCENE, OpenSplat -n $ITERS --cpu $OS_ARGS, -r $RES, threads ${THREADS/#0/all}, $RUNS run(s) each, load average $(cut -d' ' -f1 /proc/loadavg)"
printf '  %-4s %10s %12s %10s %14s %12s %8s\n' run OS_iters OS_train_s OS_PSNR SL_to_PSNR_s SL_iters ratio
RATIOS=()
for k in $(seq 1 "$RUNS"); do
  # shellcheck disable=SC2086  # OS_ARGS is a list of words
  OS_TIMES="$(timed_opensplat "$OPENSPLAT" "$WORK/train-scene" --cpu -n "$ITERS" -d "$RES" $KEEP_CRS $OS_ARGS \
                -o "$WORK/opensplat-$k.ply")"
  read -r OS_TRAIN OS_WALL <<< "$OS_TIMES"
  # OpenSplat's CPU run can leave Gaussians with NaN parameters, which `splatlift eval` refuses:
  # drop them (their count is printed), as a renderer that skips them would.
  python3 - "$WORK/opensplat-$k.ply" "$EVAL_PLY" <<'PY'
import numpy as np, sys
src, dst = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
end = data.index(b"end_header\n") + len(b"end_header\n")
header = data[:end].decode().splitlines()
props = [l.split()[2] for l in header if l.startswith("property")]
if not all(l.split()[1] == "float" for l in header if l.startswith("property")) \
        or "format binary_little_endian 1.0" not in header:
    sys.exit("bench_peers.sh: %s: expected a binary little-endian PLY of float properties" % src)
count = int(next(l.split()[2] for l in header if l.startswith("element vertex")))
v = np.frombuffer(data, dtype="<f4", count=count * len(props), offset=end).reshape(count, len(props))
keep = np.isfinite(v).all(axis=1)
if not keep.all():
    print("  (OpenSplat's PLY: %d of %d Gaussians have non-finite parameters and are dropped)"
          % (count - keep.sum(), count), file=sys.stderr)
text = "\n".join("element vertex %d" % keep.sum() if l.startswith("element vertex") else l for l in header) + "\n"
open(dst, "wb").write(text.encode() + v[keep].tobytes())
PY
  "$BIN" eval "$WORK/eval-model" --split test > "$WORK/eval-$k.log" 2>&1 \
    || { echo "bench_peers.sh: splatlift eval of OpenSplat's PLY failed: $(tail -1 "$WORK/eval-$k.log")" >&2; exit 1; }
  OS_PSNR="$(json_field "$WORK/eval-model/metrics.json" '["rendering"]["psnr"]')"
  "$BIN" bench train "$SCENE" --target-psnr "$OS_PSNR" -r "$RES" --max-seconds "$MAXSEC" --eval-every "$EVERY" \
    "${THREAD_ARGS[@]}" --json > "$WORK/splatlift-$k.json" 2> "$WORK/splatlift-$k.log" \
    || { echo "bench_peers.sh: splatlift bench train failed: $(tail -1 "$WORK/splatlift-$k.log")" >&2; exit 1; }
  SL_S="$(json_field "$WORK/splatlift-$k.json" '.get("secondsToTarget")')"
  SL_IT="$(json_field "$WORK/splatlift-$k.json" '.get("iterationsToTarget")')"
  if [ -z "$SL_S" ]; then
    printf '  %-4s %10s %12.1f %10.2f %14s %12s %8s   (SplatLift did not reach it in %s s; OpenSplat wall %.1f s)\n' \
      "$k" "$ITERS" "$OS_TRAIN" "$OS_PSNR" "-" "-" "-" "$MAXSEC" "$OS_WALL"
    continue
  fi
  RATIO="$(python3 -c "print('%.2f' % ($OS_TRAIN / $SL_S))")"
  RATIOS+=("$RATIO")
  printf '  %-4s %10s %12.1f %10.2f %14.1f %12s %8s   (OpenSplat wall %.1f s)\n' \
    "$k" "$ITERS" "$OS_TRAIN" "$OS_PSNR" "$SL_S" "$SL_IT" "$RATIO" "$OS_WALL"
done
if [ "${#RATIOS[@]}" -gt 0 ]; then
  echo "  median ratio OpenSplat / SplatLift (training seconds to the same test PSNR): $(printf '%s\n' "${RATIOS[@]}" | sort -g | python3 -c 'import statistics,sys; print("%.2f" % statistics.median(float(x) for x in sys.stdin))')"
fi
