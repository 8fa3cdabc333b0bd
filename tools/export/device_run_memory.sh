#!/usr/bin/env bash
# One prepared GPU-machine call: the tiny video memory graphs + goldens (tools/export/make_memory_goldens.py).
# Everything that comes back lies in $OUT: memory.tar.gz (pack/ memory graphs + constants.json, memory/goldens) and
# memory.log.
set -u
OUT=${OUT:-/tmp/out}
export PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false HF_HUB_OFFLINE=1
W=/tmp/sam3mem
rm -rf "$W" && mkdir -p "$W"
{
  python3 -c "import torch, transformers, onnx, onnxruntime, numpy; print('versions', torch.__version__, transformers.__version__, onnx.__version__, onnxruntime.__version__, numpy.__version__)"
  timeout ${PY_TIMEOUT:-240} python3 tools/export/make_memory_goldens.py --out "$W" --seed 0
  echo "make_memory_goldens rc=$?"
} > "$OUT/memory.log" 2>&1
tar czf "$OUT/memory.tar.gz" -C "$W" . 2>>"$OUT/memory.log"
ls -laR "$W" | head -60 >> "$OUT/memory.log"
grep -E "STAGE FAILED|EXPORT FAILED|maxAbsDiff|rc=|errors" "$OUT/memory.log" | tail -60
