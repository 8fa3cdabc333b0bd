#!/usr/bin/env bash
# Prints the Python interpreter for tools/export, making its environment on first use.
#   SAM3_PYTHON=/path/to/python    use that interpreter as it is
#   otherwise .venv-export/ in the repository (ignored by git) is made once: from ../shared/python-env.sh where the
#   workplace provides it (its local wheel index), else with pip from tools/export/requirements.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${SAM3_PYTHON:-}" ]; then echo "$SAM3_PYTHON"; exit 0; fi
V=.venv-export
if [ ! -x "$V/bin/python" ] || ! "$V/bin/python" -c "import torch, transformers, onnx, onnxruntime" 2>/dev/null; then
  echo "making the Python environment in $V (once; several GB) …" >&2
  if [ -f ../shared/python-env.sh ]; then
    bash ../shared/python-env.sh "$V" >&2
  else
    python3 -m venv "$V" >&2
    "$V/bin/pip" install -q -r tools/export/requirements.txt >&2
  fi
fi
echo "$PWD/$V/bin/python"
