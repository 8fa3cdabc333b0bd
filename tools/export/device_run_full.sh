#!/usr/bin/env bash
# One prepared GPU-machine call for issue 8: the full-size random pack, its browser variants and the PyTorch
# reference, made in the machine's /tmp (multi-GB files never leave it). Run from the repository root:
#
#   bash tools/export/device_run_full.sh            # all stages, ≈ 7–9 min on the H200 machine (estimate)
#   STAGES=export,variants,torch bash tools/export/device_run_full.sh
#
# Stages (a stage whose output is already in $W is skipped, so a second call on the still-warm machine continues):
#   export    python tools/export/export_pack.py --random-full → $W/pack (+ random-full.json: seed + calibration)
#   variants  python tools/export/build_variants.py $W/pack $W/variants (fp32-fused, fp16, q4f16, q8f16)
#   torch     python tools/export/torch_bench.py --random-full $W/pack → $W/torch (GPU; runs beside `variants`)
#   node      $NODE_BENCH, if set: the engine's bench (npm run bench:gpu bundle), with SAM3_FULL_DIR=$W in its
#             environment; it finds the packs in $W/pack and $W/variants/<v>, PyTorch's outputs in $W/torch and may
#             write up to 3 files into $OUT.
# Comes back in $OUT: run.log, sizes.json, build-report.json, torch_bench.json, torch_goldens.tar.gz.
set -u
OUT=${OUT:-/tmp/out}
W=${SAM3_FULL_DIR:-/tmp/sam3-full}
BUDGET=${BUDGET:-570}
STAGES=${STAGES:-export,variants,torch,node}
VARIANTS=${VARIANTS:-fp32-fused,fp16,q4f16,q8f16,q4}
TOKENIZER=public/packs/demo/tokenizer.json
T0=$(date +%s)
left() { echo $((BUDGET - ($(date +%s) - T0))); }
want() { case ",$STAGES," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
export PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false HF_HUB_OFFLINE=1 SAM3_FULL_DIR="$W"
mkdir -p "$W" "$OUT"
LOG="$OUT/run.log"
{
  echo "== $(date -u +%FT%TZ) stages=$STAGES variants=$VARIANTS budget=${BUDGET}s"
  python3 -c "import torch, transformers, onnx, onnxruntime, numpy; print('versions', torch.__version__, transformers.__version__, onnx.__version__, onnxruntime.__version__, numpy.__version__, 'cuda', torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else '')"
  nproc; free -g | head -2; df -h /tmp | tail -1

  if want export && [ ! -f "$W/pack/manifest.json" ]; then
    echo "== export ($(left) s left)"
    timeout $(($(left) - 240)) python3 tools/export/export_pack.py --random-full --seed 0 --out "$W/pack" \
      --tokenizer "$TOKENIZER"
    echo "export rc=$?"
    ls -la "$W/pack"
  fi

  # variants (CPU) and torch (GPU) run side by side.
  if want variants && [ -f "$W/pack/manifest.json" ] && [ ! -f "$W/variants/build-report.json" ]; then
    echo "== variants started ($(left) s left)"
    (timeout $(($(left) - 60)) python3 tools/export/build_variants.py "$W/pack" "$W/variants" \
      --variants "$VARIANTS" --chunk-mb 512 > "$W/variants.log" 2>&1; echo "variants rc=$?" >> "$W/variants.log") &
    VPID=$!
  fi
  if want torch && [ -f "$W/pack/random-full.json" ] && [ ! -f "$W/torch/torch_bench.json" ]; then
    echo "== torch ($(left) s left)"
    timeout $(($(left) - 60)) python3 tools/export/torch_bench.py --random-full "$W/pack" --tokenizer "$TOKENIZER" \
      --out "$W/torch" --device cuda --repeats 5 > "$W/torch.log" 2>&1
    echo "torch rc=$?" >> "$W/torch.log"
  fi
  if [ -n "${VPID:-}" ]; then wait "$VPID"; fi
  for f in variants torch; do [ -f "$W/$f.log" ] && { echo "== $f.log"; cat "$W/$f.log"; }; done

  if want node && [ -n "${NODE_BENCH:-}" ]; then
    echo "== node: $NODE_BENCH ($(left) s left)"
    timeout $(($(left) - 15)) bash -c "$NODE_BENCH"
    echo "node rc=$?"
  fi

  python3 - "$W" "$OUT" <<'PY'
import json, os, sys
from pathlib import Path
w, out = Path(sys.argv[1]), Path(sys.argv[2])
def size(d):
    return sum(f.stat().st_size for f in d.iterdir() if f.is_file()) if d.is_dir() else None
sizes = {"pack": {f.name: f.stat().st_size for f in sorted((w / "pack").glob("*"))} if (w / "pack").is_dir() else {},
         "packBytes": size(w / "pack"), "variants": {}}
report = w / "variants" / "build-report.json"
if report.is_file():
    r = json.loads(report.read_text())
    for v, info in r["variants"].items():
        sizes["variants"][v] = {"bytes": info["bytes"], "requires": info["requires"],
                                "graphs": {g: x["variants"][v]["bytes"] for g, x in r["graphs"].items() if v in x["variants"]}}
(out / "sizes.json").write_text(json.dumps(sizes, indent=1) + "\n")
print(json.dumps(sizes, indent=1))
PY
} >> "$LOG" 2>&1

[ -f "$W/variants/build-report.json" ] && cp "$W/variants/build-report.json" "$OUT/"
[ -f "$W/torch/torch_bench.json" ] && cp "$W/torch/torch_bench.json" "$OUT/"
[ -d "$W/torch/goldens" ] && tar czf "$OUT/torch_goldens.tar.gz" -C "$W/torch" goldens
ls -la "$OUT"
grep -E "rc=|EXPORT FAILED|STAGE FAILED|Error|errors" "$LOG" | tail -30
