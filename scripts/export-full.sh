#!/usr/bin/env bash
# npm run export:full -- [--out DIR] [--checkpoint CKPT] [--stages …] [--variants …] [--force]
# The full-size SAM 3 pack and its browser variants in resumable stages (tools/export/export_full.py).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=$(bash scripts/python-env.sh)
exec "$PY" tools/export/export_full.py "$@"
