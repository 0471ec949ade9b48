#!/usr/bin/env bash
# Fuzz one reader with libFuzzer (docs/RELIABILITY.md):
#
#   scripts/fuzz.sh TARGET SECONDS        e.g. scripts/fuzz.sh ply 600
#   scripts/fuzz.sh list                  the targets
#
# Builds the library modules with -sanitize=fuzzer,address into .build-fuzz (once; later runs
# rebuild what changed), links Fuzz/FuzzTargets.swift into .build-fuzz/splatlift-fuzz, seeds it
# from the real files in ../shared/data (cut small), Tests/fixtures/masks for the mask importers,
# the reader's files in Tests/corpus and, for model-folder files and plan.json, a tiny model
# trained and a plan written by .build/release/splatlift. Leak detection is off:
# Foundation's Data(contentsOf:) leaks 4 KB reading an empty file (not SplatLift's; the first ply
# run found it). Findings (crash-*,
# timeout-*, oom-*) land in .build-fuzz/findings/TARGET/: add each to Tests/corpus/<reader>/ after
# fixing it. The last line printed is the run's summary: seconds, executions, exec/s, findings.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGETS="ply colmap-cameras-bin colmap-images-bin colmap-points-bin colmap-cameras-txt colmap-images-txt colmap-points-txt transforms label-png image cfg lift codebook objects checkpoint masks-amg masks-rle masks-coco split gt plan"
if [[ "${1:-}" == "list" ]]; then echo "$TARGETS" | tr ' ' '\n'; exit 0; fi
TARGET=${1:?usage: scripts/fuzz.sh TARGET SECONDS (scripts/fuzz.sh list)}
SECONDS_TO_RUN=${2:?usage: scripts/fuzz.sh TARGET SECONDS}
[[ " $TARGETS " == *" $TARGET "* ]] || { echo "unknown target '$TARGET'; one of: $TARGETS" >&2; exit 2; }

BUILD=.build-fuzz
BINARY=$BUILD/splatlift-fuzz
MODULES="SplatMath SplatIO SplatRaster SplatEval SplatTrain SplatLift SplatEdit SplatSynth SplatPipeline"
# One -sanitize=fuzzer,address: swiftc keeps only the last of two -sanitize flags, so SwiftPM's
# `--sanitize fuzzer --sanitize address` would build the modules without coverage.
swift build -c release -Xswiftc -sanitize=fuzzer,address --build-path "$BUILD" --target SplatPipeline >&2
OUT=$(dirname "$(find "$BUILD" -path '*release/Modules/SplatPipeline.swiftmodule' -print -quit)")/..
OBJECTS=$(for m in $MODULES; do ls "$OUT/$m.build/"*.o; done)
if [[ ! -x $BINARY || -n $(find Fuzz $OUT -newer "$BINARY" \( -name '*.swift' -o -name '*.o' \) -print -quit) ]]; then
    swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name SplatLiftFuzz Fuzz/FuzzTargets.swift \
        -I "$OUT/Modules" -I Sources/CPNG -I Sources/CTurboJPEG -I Sources/CMalloc \
        $OBJECTS -lpng -lturbojpeg -o "$BINARY" >&2
fi

WORK=$BUILD/work/$TARGET
FINDINGS=$BUILD/findings/$TARGET
rm -rf "$WORK" && mkdir -p "$WORK/seeds" "$WORK/corpus" "$FINDINGS"
MODEL=""
case $TARGET in cfg|lift|codebook|objects|checkpoint)
    if [[ -x .build/release/splatlift ]]; then
        MODEL=$WORK/model
        .build/release/splatlift synth --preset tiny --out "$WORK/scene" >/dev/null
        .build/release/splatlift train "$WORK/scene" --out "$MODEL" --iterations 12 --checkpoint-every 6 >/dev/null
    else
        echo "no .build/release/splatlift: seeding $TARGET from the corpus only" >&2
    fi;;
plan)
    if [[ -x .build/release/splatlift ]]; then
        MODEL=$WORK/plan
        .build/release/splatlift synth --preset tiny --out "$WORK/scene" >/dev/null
        .build/release/splatlift partition "$WORK/scene" --blocks 2x2 --min-cameras 2 --out "$MODEL" >/dev/null
    else
        echo "no .build/release/splatlift: seeding $TARGET from the corpus only" >&2
    fi;;
esac
python3 Fuzz/make_seeds.py "$TARGET" "$WORK/seeds" $MODEL >&2

SCRATCH=$( [[ -d /dev/shm ]] && echo /dev/shm || echo "${TMPDIR:-/tmp}" )/splatlift-fuzz-$TARGET-$$
ASAN_OPTIONS=detect_leaks=0 SPLATLIFT_FUZZ_TARGET=$TARGET SPLATLIFT_FUZZ_SCRATCH=$SCRATCH "$BINARY" "$WORK/corpus" "$WORK/seeds" -max_total_time="$SECONDS_TO_RUN" -max_len=65536 \
    -timeout=10 -rss_limit_mb=4096 -detect_leaks=0 -print_final_stats=1 -artifact_prefix="$FINDINGS/" 2>"$WORK/log" || true
rm -rf "$SCRATCH"
EXECS=$(grep -m1 'stat::number_of_executed_units' "$WORK/log" | awk '{print $2}')
RATE=$(grep -o 'exec/s: [0-9]*' "$WORK/log" | tail -1 | awk '{print $2}')
COVERAGE=$(grep -o 'cov: [0-9]*' "$WORK/log" | tail -1 | awk '{print $2}')
FOUND=$(ls "$FINDINGS" | wc -l)
grep -E 'ERROR|Fatal error|deadly signal|SUMMARY' "$WORK/log" | head -5 >&2 || true
echo "$TARGET: ${SECONDS_TO_RUN} s, ${EXECS:-0} executions, ${RATE:-0} exec/s, coverage ${COVERAGE:-0}, corpus $(ls "$WORK/corpus" | wc -l) inputs, findings $FOUND (in $FINDINGS)"
