#!/usr/bin/env bash
# One GPU check of msflow-ts on a Linux machine with an NVIDIA GPU, from a fresh clone, in at most
# 8 minutes: the WebGPU conformance suite (and the larger-shape kernel checks) on the hardware
# adapter, the bench's webgpu and onnx rows at 256 and 512 px (features, flows, train step,
# inference; op micro benchmarks), tfjs-node-gpu when it is installed, and one result,
# gpu-check.json + gpu-check.md, naming the GPU.
#
#   apps/bench/scripts/gpu-check.sh [OUT_DIR]        (default: gpu-check-results)
#
# No hardware adapter (no GPU device node, or Dawn finds only a software adapter) is a failure
# with one line on stderr and exit status 1, never a skip. A later step that fails is recorded in
# the result and makes the exit status 1 after the result is written.
#
# Environment: MSFLOW_GPU_DEBS=DIR takes libvulkan1*.deb from DIR when the Vulkan loader is
# missing (machines without network); otherwise `apt-get download libvulkan1` fetches it. The
# loader is unpacked under OUT_DIR/vulkan, never into /. VK_ICD_FILENAMES, when set, is kept.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
OUT=$(mkdir -p "${1:-gpu-check-results}" && cd "${1:-gpu-check-results}" && pwd)
STEPS="$OUT/steps.tsv"
: >"$STEPS"
fail() { echo "gpu-check: $*" >&2; exit 1; }

# 1. A GPU device node, before anything slow: without one there is no hardware adapter.
if [ ! -e /dev/nvidiactl ] && [ ! -e /dev/dri ]; then
  fail "no hardware adapter: no GPU device node on this machine (neither /dev/nvidiactl nor /dev/dri)"
fi

started=$(date +%s)
step() { # name status seconds detail
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4//$'\t'/ }" >>"$STEPS"
  echo "gpu-check: $1: $2 (${3}s)${4:+ - $4}"
}
timed() { # name command...: runs it, records ok/failed and its time; its output goes to OUT/<name>.log
  local name=$1 t0 rc
  shift
  t0=$(date +%s)
  "$@" >"$OUT/$name.log" 2>&1
  rc=$?
  step "$name" "$([ $rc -eq 0 ] && echo ok || echo failed)" $(($(date +%s) - t0)) "$(tail -n 1 "$OUT/$name.log" | cut -c1-200)"
  return $rc
}

# 2. The Vulkan loader (Dawn needs libvulkan.so.1) and NVIDIA's Vulkan driver manifest.
vulkan_note=system
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then
  debs=${MSFLOW_GPU_DEBS:-}
  if [ -z "$debs" ]; then
    debs="$OUT/debs"
    mkdir -p "$debs"
    (cd "$debs" && apt-get download libvulkan1 >/dev/null 2>&1) \
      || (cd "$debs" && apt-get update >/dev/null 2>&1 && apt-get download libvulkan1 >/dev/null 2>&1) \
      || fail "no hardware adapter: the Vulkan loader libvulkan.so.1 is missing and apt-get download libvulkan1 failed (set MSFLOW_GPU_DEBS to a folder holding libvulkan1*.deb)"
  fi
  deb=$(ls "$debs"/libvulkan1*.deb 2>/dev/null | head -n 1)
  [ -n "$deb" ] || fail "no hardware adapter: the Vulkan loader libvulkan.so.1 is missing and $debs holds no libvulkan1*.deb"
  dpkg -x "$deb" "$OUT/vulkan" || fail "no hardware adapter: could not unpack $deb"
  lib=$(dirname "$(find "$OUT/vulkan" -name 'libvulkan.so.1' | head -n 1)")
  export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  vulkan_note="unpacked from $(basename "$deb")"
fi
if [ -z "${VK_ICD_FILENAMES:-}" ] && ! ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json >/dev/null 2>&1; then
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/local/share/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then
      export VK_ICD_FILENAMES="$icd" VK_DRIVER_FILES="$icd"
      break
    fi
  done
fi
export MSFLOW_GPU_CHECK_VULKAN="$vulkan_note; ICD ${VK_ICD_FILENAMES:-from the system folders}"

# 3. Dependencies and builds (skipped when already there).
cd "$ROOT" || fail "cannot enter $ROOT"
if [ ! -d node_modules ]; then
  timed install npm ci --no-audit --no-fund || fail "npm ci failed (see $OUT/install.log)"
fi
timed build npx tsc -b packages/backend-webgpu packages/backend-onnx packages/backend-tfjs apps/bench || fail "the build failed (see $OUT/build.log)"

# 4. The hardware adapter, as Dawn sees it: the one line of failure when there is none.
adapter=$(node "$ROOT/apps/bench/scripts/gpu-check.mjs" adapter 2>/dev/null) || fail "no hardware adapter: ${adapter:-Dawn did not start}"
export MSFLOW_GPU_CHECK_ADAPTER="$adapter"
echo "gpu-check: adapter: $adapter"

# 5. The conformance suite and the larger-shape kernels on that adapter; a missing one fails.
webgpu_tests() {
  (cd packages/backend-webgpu && MSFLOW_REQUIRE_WEBGPU=1 MSFLOW_WEBGPU_HARDWARE=1 \
    timeout 180 npx vitest run test/conformance.test.ts test/kernels.test.ts --outputFile.json="$OUT/webgpu-tests.json")
}
status=0
timed webgpu-tests webgpu_tests || status=1

# 6. The bench rows: webgpu and onnx at 256 and 512 px, batch 1, and tfjs-node-gpu (the bench
#    records it as skipped, with the reason, when it is not installed or finds no CUDA device).
backends=webgpu,onnx,tfjs-node-gpu
export MSFLOW_GPU_CHECK_BACKENDS="$backends"
timed bench timeout 270 node apps/bench/dist/main.js --quick --backends "$backends" --preset cpu --sizes 256,512 --batches 1 --out "$OUT/bench" || status=1

# 7. One JSON + Markdown result naming the GPU.
node "$ROOT/apps/bench/scripts/gpu-check.mjs" report "$OUT" $(($(date +%s) - started)) || status=1
echo "gpu-check: wrote $OUT/gpu-check.json and $OUT/gpu-check.md in $(($(date +%s) - started)) s"
exit $status
