#!/usr/bin/env bash
# Packs what the GPU machine needs to run `npm run bench:gpu` without node_modules (it has neither node nor npm):
# .gpu/ = the node binary, onnxruntime-node (its Linux x64 binaries) + onnxruntime-common, and the bundled bench.
# Carry `.gpu` in the device call (echo /.gpu/ >> .git/info/exclude once); then, there:
#   .gpu/node .gpu/gpu-bench.mjs --root . (--packs DIR,… | with SAM3_FULL_DIR=/tmp/sam3-full) --out $OUT
# Vulkan loader first (../shared/gpu-machine.md): carry .gl and unpack it before the run.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf .gpu && mkdir -p .gpu/node_modules/onnxruntime-node/bin/napi-v6/linux
npm run -s bench:gpu:bundle
cp .bench/gpu-bench.mjs .gpu/
cp "$(command -v node)" .gpu/node
cp -r node_modules/onnxruntime-common .gpu/node_modules/
cp -r node_modules/onnxruntime-node/dist node_modules/onnxruntime-node/package.json .gpu/node_modules/onnxruntime-node/
cp -r node_modules/onnxruntime-node/bin/napi-v6/linux/x64 .gpu/node_modules/onnxruntime-node/bin/napi-v6/linux/
du -sh .gpu
