#!/usr/bin/env bash
# Serves the app (production build, COOP/COEP and CSP on) with the built-in demo pack and sample image.
set -euo pipefail
cd "$(dirname "$0")/.."
export ONNXRUNTIME_NODE_INSTALL=skip
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npx vite build --logLevel warn
echo 'sam3-web: open http://127.0.0.1:4173'
exec npx vite preview
