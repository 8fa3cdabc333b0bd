#!/usr/bin/env bash
# One prepared call on the GPU machine: tiny pack + goldens first, then (if time is left) the full-size report.
# Everything that comes back lies in $OUT: fixtures.tar.gz, goldens.log, full.log, full_size_report.md.
set -u
OUT=${OUT:-/tmp/out}
BUDGET=${BUDGET:-400}
T0=$(date +%s)
export PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false HF_HUB_OFFLINE=1
W=/tmp/sam3work
rm -rf "$W" && mkdir -p "$W"
{
  python3 -c "import torch, transformers, onnx, onnxruntime, numpy; print('versions', torch.__version__, transformers.__version__, onnx.__version__, onnxruntime.__version__, numpy.__version__, 'cuda', torch.cuda.is_available())"
  timeout 220 python3 tools/export/make_goldens.py --out "$W/sam3-tiny" --seed 0
  echo "make_goldens rc=$?"
} > "$OUT/goldens.log" 2>&1
tar czf "$OUT/fixtures.tar.gz" -C "$W" sam3-tiny 2>>"$OUT/goldens.log"
LEFT=$((BUDGET - ($(date +%s) - T0)))
if [ "$LEFT" -gt 90 ]; then
  timeout $((LEFT - 10)) python3 tools/export/report_full_size.py --scratch /tmp/sam3-full \
    --report "$OUT/full_size_report.md" > "$OUT/full.log" 2>&1
  echo "report rc=$?" >> "$OUT/full.log"
else
  echo "full-size report skipped: only $LEFT s left" > "$OUT/full.log"
fi
ls -la "$OUT"
tail -5 "$OUT/goldens.log"; tail -5 "$OUT/full.log"
