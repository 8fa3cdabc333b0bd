#!/usr/bin/env bash
# Runs every test: type-check, lint, unit + integration (Node), then end-to-end in Debian Chromium.
# Installs what it needs on a fresh machine (npm ci; Debian chromium via apt-get when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
export ONNXRUNTIME_NODE_INSTALL=skip

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash scripts/ensure-chromium.sh

echo '== type-check'; npx tsc -p tsconfig.json --noEmit
echo '== lint'; npx eslint . && npx prettier --check . >/dev/null
echo '== unit + integration'; node scripts/run-unit-tests.mjs
echo '== build (test build: with the end-to-end hooks)'; npx vite build --mode e2e --logLevel warn
echo '== end-to-end'; npx playwright test
