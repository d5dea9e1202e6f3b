#!/usr/bin/env bash
# GPU check (issue 10): the full-width SD 1.5 UNet step with guidance (batch 2), the VAE decode
# and one GradientStep iteration (Generate -> sharpness -> backward to the embedding), timed on
# the fastest backend the machine has, as JSON lines {"name","value","unit"} ("# " lines say
# which backend and why, and what was skipped). The model is made on the spot from the ~2 MB
# skeleton in models/reference/sd15-full-skeleton/ (tools/reference/materialize.ts: 4 GiB of
# seeded random weights, about 20 s here, reused on a second run). Ends within --budget
# seconds (default 450; `timeout` stops it 30 s later in any case).
#
#   bench/gpu-check.sh [--size 512] [--grad-size PX] [--steps 4] [--reps 3] [--budget 450]
#                      [--backend auto|webgpu|native-webgpu|cuda|cpu|wasm] [--work /tmp/gpu-check]
#   bench/gpu-check.sh pack [--with-node] [--webgpu DIR]
#
# Backends, in order: onnxruntime-web's WebGPU EP on Dawn (the npm `webgpu` package, no
# dependency: carried, or GPU_CHECK_WEBGPU_MODULE=path/to/webgpu/index.js), onnxruntime-node's
# own WebGPU EP (its Linux x64 library has Dawn built in, on Vulkan), onnxruntime-node's CUDA EP
# (only where its provider is installed), the native CPU, onnxruntime-web's wasm.
#
# Packaging for a GPU machine without node_modules (no internet; at most 64 MiB travel per
# call, the tracked tree included). Measured here (onnxruntime 1.30.0, Node v20.20.2, x86-64):
#   tracked tree (with the skeleton)       ~40 MiB   travels anyway: leaves ~24 MiB to carry
#   node_modules, all of it                 760 MiB   cannot travel
#   onnxruntime-node                        288 MiB   all platforms; linux-x64 alone: libonnxruntime.so.1
#                                                     43.7 MiB (CPU and WebGPU EPs) + binding 0.4 MiB,
#                                                     11.9 MiB as xz
#   onnxruntime-node CUDA EP                  -       not in the package: its install script downloads it
#                                                     (ONNXRUNTIME_NODE_INSTALL=cuda12), absent here, and it
#                                                     needs CUDA 12 + cuDNN 9 libraries: hundreds of MiB,
#                                                     so native CUDA runs only where it is installed already
#   onnxruntime-web dist                    138 MiB   needed: ort-wasm-simd-threaded.wasm 13.6 MiB (wasm EP,
#                                                     measures), ort-wasm-simd-threaded.asyncify.wasm 25.5 MiB
#                                                     (the WebGPU build), ~0.5 MiB of JS
#   webgpu 0.6.2 (Dawn for Node)            126 MiB   all platforms; linux-x64 dawn.node 20.5 MiB
#   node v20 binary                          94 MiB   22.8 MiB as xz
#   tsx, esbuild, the TypeScript sources      -       not needed there: `pack` bundles the check with esbuild
# `pack` writes tmp/gpu-check-pack/ (ignored by git, as all of tmp/: carry that one path):
# app.tar.xz, the check bundled with esbuild (1.5 MiB) and just those node_modules files;
# --with-node also writes tmp/gpu-check-node-pack/node.xz. Measured: app.tar.xz 17.5 MiB
# (58.3 MiB with the ~41 MiB tree), 21.9 MiB with Dawn (--webgpu DIR: 62.8 MiB); node.xz
# 22.8 MiB fits in no call beside them, so a machine without node takes two calls: the first
# carries tmp/gpu-check-node-pack (the script unpacks node to /tmp/gpu-check-node/ and
# stops), the second, while the machine is still warm, tmp/gpu-check-pack. Dawn and onnxruntime-node's
# WebGPU EP need a Vulkan loader (libvulkan.so.1) and the GPU's Vulkan driver there (the
# script says when the loader is missing); GPU_CHECK_DAWN_FLAGS passes Dawn toggles. The
# unpacked app goes to $GPU_CHECK_UNPACK (default /tmp/gpu-check-app), the 4 GiB model to
# --work (default /tmp/gpu-check): 64 GiB of disk there is plenty.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PACK="$ROOT/tmp/gpu-check-pack"
NODE_PACK="$ROOT/tmp/gpu-check-node-pack"
UNPACK="${GPU_CHECK_UNPACK:-/tmp/gpu-check-app}"

unxz_to() { # unxz_to FILE.xz OUT: xz where there is one, else Python's lzma
  if command -v xz >/dev/null 2>&1; then xz -dc "$1" >"$2"
  else python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}

if [[ "${1:-}" == pack ]]; then
  shift
  with_node=0 webgpu_dir=""
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --with-node) with_node=1 ;;
      --webgpu) webgpu_dir="$2"; shift ;;
      *) echo "pack: unknown option $1" >&2; exit 2 ;;
    esac
    shift
  done
  cd "$ROOT"
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' EXIT
  node_modules/.bin/esbuild bench/gpu-check/main.ts --bundle --platform=node --format=esm --splitting \
    --outdir="$stage/app" --out-extension:.js=.mjs --log-level=warning \
    --external:onnxruntime-node --external:onnxruntime-web --external:onnxruntime-web/webgpu --external:webgpu \
    --banner:js="import { createRequire as __gpuCheckRequire } from 'node:module'; const require = __gpuCheckRequire(import.meta.url);"
  cp bench/gpu-check/ort-web-webgpu.mjs "$stage/app/"
  nm="$stage/node_modules"
  copy() { mkdir -p "$nm/$(dirname "$1")"; cp -r "node_modules/$1" "$nm/$1"; }
  for f in onnxruntime-common/package.json onnxruntime-common/dist \
    onnxruntime-node/package.json onnxruntime-node/dist onnxruntime-node/bin/napi-v6/linux/x64 \
    onnxruntime-web/package.json onnxruntime-web/dist/ort.node.min.mjs onnxruntime-web/dist/ort-wasm-simd-threaded.mjs \
    onnxruntime-web/dist/ort-wasm-simd-threaded.wasm onnxruntime-web/dist/ort.webgpu.bundle.min.mjs \
    onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.mjs onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm; do
    copy "$f"
  done
  find "$nm" -name '*.map' -delete
  if [[ -n "$webgpu_dir" ]]; then
    mkdir -p "$nm/webgpu/dist"
    cp "$webgpu_dir/package.json" "$webgpu_dir/index.js" "$nm/webgpu/"
    cp -r "$webgpu_dir/dist/linux-x64" "$nm/webgpu/dist/"
  fi
  rm -rf "$PACK"
  mkdir -p "$PACK"
  tar -C "$stage" -cf - app node_modules | xz -T0 -9 >"$PACK/app.tar.xz"
  if [[ $with_node == 1 ]]; then
    rm -rf "$NODE_PACK" && mkdir -p "$NODE_PACK"
    xz -T0 -9 -c "$(command -v node)" >"$NODE_PACK/node.xz"
    echo "$NODE_PACK/node.xz: $(du -b "$NODE_PACK/node.xz" | awk '{printf "%.1f MiB", $1 / 1048576}') (carry it in a call of its own)"
  fi
  tracked=$(git ls-files -z --cached --others --exclude-standard | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
  carried=$(du -cb "$PACK"/* | tail -1 | cut -f1)
  echo "$PACK: $(du -b "$PACK"/* | awk '{printf "%s %.1f MiB  ", $2, $1 / 1048576}')"
  awk -v t="$tracked" -v c="$carried" 'BEGIN { printf "tracked and untracked tree %.1f MiB + carried %.1f MiB = %.1f MiB of 64\n", t / 1048576, c / 1048576, (t + c) / 1048576; exit (t + c > 64 * 1048576) }' ||
    echo "over the limit: carry node.xz in a call of its own (or leave Dawn out)"
  exit 0
fi

# the budget the check keeps to, for the hard stop
budget=450
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do [[ "${args[i]}" == --budget ]] && budget="${args[i + 1]:-450}"; done
hard=$((budget + 30))

cd "$ROOT"
# both WebGPU routes open the GPU through Vulkan: say so when the loader is missing (their
# probes then fail and the check goes on to CUDA or the CPU)
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then
  echo "# gpu-check: no Vulkan loader (libvulkan.so.1) here: the WebGPU backends cannot reach a GPU"
fi
NODE=$(command -v node || true)
if [[ -z "$NODE" ]]; then
  NODE="${GPU_CHECK_NODE:-/tmp/gpu-check-node/node}"
  if [[ ! -x "$NODE" && -f "$NODE_PACK/node.xz" ]]; then
    mkdir -p "$(dirname "$NODE")" && unxz_to "$NODE_PACK/node.xz" "$NODE" && chmod +x "$NODE"
    echo "# gpu-check: node unpacked to $NODE"
  fi
  if [[ ! -x "$NODE" ]]; then
    echo "# gpu-check: no node here: carry tmp/gpu-check-node-pack/ (bench/gpu-check.sh pack --with-node) in a call first"
    exit 1
  fi
fi
if [[ -d node_modules/tsx && -d node_modules/onnxruntime-node ]]; then
  exec timeout -k 5 "$hard" "$NODE" --import tsx bench/gpu-check/main.ts "$@"
fi
if [[ -f "$PACK/app.tar.xz" ]]; then
  if [[ ! -f "$UNPACK/.from" || "$(cat "$UNPACK/.from")" != "$(stat -c %s-%Y "$PACK/app.tar.xz")" ]]; then
    rm -rf "$UNPACK" && mkdir -p "$UNPACK"
    unxz_to "$PACK/app.tar.xz" "$UNPACK/app.tar"
    tar -C "$UNPACK" -xf "$UNPACK/app.tar" && rm "$UNPACK/app.tar"
    stat -c %s-%Y "$PACK/app.tar.xz" >"$UNPACK/.from"
  fi
  exec timeout -k 5 "$hard" "$NODE" "$UNPACK/app/main.mjs" --skeleton "$ROOT/models/reference/sd15-full-skeleton" "$@"
fi
if [[ -f "$NODE_PACK/node.xz" ]]; then
  echo "# gpu-check: node is ready at $NODE; carry tmp/gpu-check-pack/ in the next call"
  exit 0
fi
echo "# gpu-check: neither node_modules (npm ci) nor tmp/gpu-check-pack/ (bench/gpu-check.sh pack, where node_modules are)"
exit 1
