#!/usr/bin/env python3
"""The full-size SAM 3 pack and its browser variants, from nothing, in stages that each run in their own process.

  python tools/export/export_full.py [--out DIR] [--checkpoint CKPT] [--stages ...] [--variants ...] [--force]

(`npm run export:full -- …` runs this with the project's Python environment.) Stages, in order:

  calibrate  --random-full only: builds transformers' default SAM 3 with random weights, calibrates the score
             spread on bench_cases.json's calibration case (a clear gap around 0.5, models.calibrate_to_threshold)
             and writes pack/random-full.json, from which every later stage rebuilds bit-identical weights
  vision     pack/vision.onnx (the dual encoder); only the modules it needs stay in memory while it is traced
  heads      pack/text.onnx, detector.onnx, tracker.onnx
  memory     pack/mask_decoder.onnx, memory_attention.onnx, memory_encoder.onnx, constants.json
  manifest   pack/manifest.json (+ tokenizer.json)
  variants   variants/<fp32-fused|fp16|q8f16|q4f16>/ + variants/build-report.json (build_variants.py)

One process per stage bounds the peak memory by the largest stage instead of their sum (the one-process export
passed 16 GiB). A stage whose outputs exist and whose record in OUT/export-log.json says "done" is skipped, so an
interrupted run continues where it stopped (`--force` redoes the named stages). Each stage's wall time and peak
resident memory (the child's own ru_maxrss) go to OUT/export-log.json and are printed as it ends.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

STAGES = ("calibrate", "vision", "heads", "memory", "manifest", "variants")
DEFAULT_OUT = Path(os.environ.get("SAM3_FULL_DIR") or Path.home() / ".cache" / "sam3-web" / "full")
DEFAULT_TOKENIZER = REPO / "public" / "packs" / "demo" / "tokenizer.json"
MEMORY_FILES = ("mask_decoder.onnx", "memory_attention.onnx", "memory_encoder.onnx", "constants.json")


def stage_outputs(stage: str, out: Path, variants: list[str]) -> list[Path]:
    pack = out / "pack"
    return {
        "calibrate": [pack / "random-full.json"],
        "vision": [pack / "vision.onnx"],
        "heads": [pack / "text.onnx", pack / "detector.onnx", pack / "tracker.onnx"],
        "memory": [pack / f for f in MEMORY_FILES],
        "manifest": [pack / "manifest.json"],
        "variants": [out / "variants" / "build-report.json"] + [out / "variants" / v / "manifest.json" for v in variants],
    }[stage]


# --- the stages (each runs in a child process: python export_full.py --run-stage NAME ...) --------------------------


def _pair(a: argparse.Namespace) -> Any:
    import models as M

    if a.checkpoint:
        return M.build_from_checkpoint(a.checkpoint)
    saved = json.loads((a.out / "pack" / "random-full.json").read_text())
    return M.build_random_full(int(saved["seed"]), calibration=saved["calibration"])


def _free(*modules: Any) -> None:
    for m in modules:
        for p in m.parameters():
            p.data = p.data.new_empty(0)
    gc.collect()


def run_calibrate(a: argparse.Namespace) -> None:
    if a.checkpoint:
        return
    from export_pack import random_full_pair

    random_full_pair(a.seed, a.tokenizer, a.out / "pack")


def run_vision(a: argparse.Namespace) -> None:
    """Only the trunk, both necks, conv_s0/s1 and no_memory_embedding stay alive while tracing: everything else of
    the detector and tracker (text encoder, DETR, geometry encoder, the tracker's copy of the trunk) is dropped
    first, and no example forward runs before the trace (the tracer runs one)."""
    import torch

    import wrappers as W
    from export_pack import _export, example_vision_input

    pair = _pair(a)
    enc = W.DualVisionEncoder.from_pair(pair.detector, pair.tracker).eval()
    n_levels = len(pair.detector.config.vision_config.scale_factors)
    size = pair.input_size
    del pair
    gc.collect()
    names = W.vision_output_names(n_levels, enc.num_tracker_levels)
    with torch.no_grad():
        _export(enc, (example_vision_input(size),), a.out / "pack" / "vision.onnx", W.VISION_INPUTS, names, None,
                a.opset)


def run_heads(a: argparse.Namespace) -> None:
    from export_pack import export_detector, export_text, export_tracker

    pair = _pair(a)
    _free(pair.tracker.vision_encoder.backbone)  # the tracker graph reads the dual encoder's embeddings
    export_text(pair, a.out / "pack", a.opset)
    export_detector(pair, a.out / "pack", a.opset)
    export_tracker(pair, a.out / "pack", a.opset)


def run_memory(a: argparse.Namespace) -> None:
    import models as M
    from export_pack import export_memory

    pair = _pair(a)
    # The trunk copy goes first; the neck, the mask decoder (its conv_s0/conv_s1) and no_memory_embedding stay until
    # the video model has taken them (models.share_tracker_parts skips what it finds freed).
    _free(pair.tracker.vision_encoder.backbone, pair.tracker.prompt_encoder)
    if a.checkpoint:
        video = M.video_from_checkpoint(a.checkpoint)
    else:
        saved = json.loads((a.out / "pack" / "random-full.json").read_text())
        video = M.build_random_full_video(int(saved["seed"]), pair)
    _free(pair.tracker)
    size = pair.input_size
    del pair
    gc.collect()
    export_memory(video, a.out / "pack", a.opset, size)


def run_manifest(a: argparse.Namespace) -> None:
    """The manifest needs the configuration only (queries, input size), not the weights."""
    import shutil
    from types import SimpleNamespace

    from common import require_transformers
    from manifest import GraphFiles, write_manifest

    tf = require_transformers()
    pack = a.out / "pack"
    if a.checkpoint:
        cfg = tf.Sam3Config.from_pretrained(a.checkpoint)
        tracker_cfg = tf.Sam3TrackerConfig.from_pretrained(a.checkpoint)
        source, pack_id = f"checkpoint {a.checkpoint}", a.id or "sam3-" + Path(a.checkpoint).name
    else:
        cfg, tracker_cfg = tf.Sam3Config(), tf.Sam3TrackerConfig()
        seed = json.loads((pack / "random-full.json").read_text())["seed"]
        source, pack_id = f"full-size default config, random weights, seed {seed}", a.id or "sam3-random-full"
    tok = pack / "tokenizer.json"
    if a.tokenizer.resolve() != tok.resolve():
        shutil.copyfile(a.tokenizer, tok)
    pair = SimpleNamespace(detector=SimpleNamespace(config=cfg), tracker_config=tracker_cfg, source=source,
                           input_size=int(cfg.vision_config.backbone_config.image_size))
    files = GraphFiles(vision=pack / "vision.onnx", text=pack / "text.onnx", detector=pack / "detector.onnx",
                       tracker=pack / "tracker.onnx", tokenizer=tok, memoryDecoder=pack / "mask_decoder.onnx",
                       memoryAttention=pack / "memory_attention.onnx", memoryEncoder=pack / "memory_encoder.onnx",
                       memoryConstants=pack / "constants.json")
    write_manifest(pack, files, pair, pack_id=pack_id, name=pack_id)


def run_variants(a: argparse.Namespace) -> None:
    import build_variants

    code = build_variants.main([str(a.out / "pack"), str(a.out / "variants"), "--variants", ",".join(a.variants),
                                "--chunk-mb", str(a.chunk_mb)])
    if code:
        raise SystemExit(code)


RUNNERS: dict[str, Callable[[argparse.Namespace], None]] = {
    "calibrate": run_calibrate, "vision": run_vision, "heads": run_heads, "memory": run_memory,
    "manifest": run_manifest, "variants": run_variants,
}


# --- the orchestrator ---------------------------------------------------------------------------------------------


def read_log(out: Path) -> dict[str, Any]:
    path = out / "export-log.json"
    return json.loads(path.read_text()) if path.is_file() else {"stages": {}}


def write_log(out: Path, log_data: dict[str, Any]) -> None:
    stages = log_data["stages"]
    done = [s for s in STAGES if stages.get(s, {}).get("status") == "done"]
    log_data["seconds"] = round(sum(stages[s]["seconds"] for s in done), 1)
    log_data["peakRssBytes"] = max((stages[s]["peakRssBytes"] for s in done), default=0)
    (out / "export-log.json").write_text(json.dumps(log_data, indent=2) + "\n")


def child_args(a: argparse.Namespace, stage: str) -> list[str]:
    args = [sys.executable, "-u", str(Path(__file__).resolve()), "--run-stage", stage, "--out", str(a.out),
            "--seed", str(a.seed), "--opset", str(a.opset), "--tokenizer", str(a.tokenizer),
            "--variants", ",".join(a.variants), "--chunk-mb", str(a.chunk_mb)]
    if a.checkpoint:
        args += ["--checkpoint", a.checkpoint]
    if a.id:
        args += ["--id", a.id]
    return args


# glibc's malloc raises its mmap threshold each time a mapped block is freed (up to 32 MiB), so after the first few
# activations of the 1008² trace a ViT activation (5184 × 1024 float32 = 21 MB) is carved from the heap, and the heap,
# fragmented by the tracer's many small objects, is never trimmed: the vision stage measured 12.5 GiB resident for
# ≈ 2.4 GiB of live weights and a few GB of live activations. A fixed threshold (which also turns off the dynamic
# one) maps every block ≥ 128 KiB on its own and returns it when freed: 8.1 GiB for a byte-identical vision.onnx.
MALLOC_MMAP_THRESHOLD = "131072"


def allocator_env(environ: dict[str, str] | os._Environ[str]) -> dict[str, str]:
    """The glibc allocator setting every stage runs with; a value the user set is kept (other C libraries ignore
    the variable)."""
    return {"MALLOC_MMAP_THRESHOLD_": environ.get("MALLOC_MMAP_THRESHOLD_", MALLOC_MMAP_THRESHOLD)}


def run_child(args: list[str], env: dict[str, str]) -> tuple[int, int]:
    """Runs one stage; returns (exit code, the child's peak resident bytes). ru_maxrss of wait4 is the child's own
    (kilobytes on Linux), not the sum over its life or over other children."""
    proc = subprocess.Popen(args, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, int(usage.ru_maxrss) * 1024


def orchestrate(a: argparse.Namespace) -> int:
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "pack").mkdir(exist_ok=True)
    log_data = read_log(a.out)
    source = f"checkpoint {a.checkpoint}" if a.checkpoint else f"random-full seed {a.seed}"
    if log_data.get("source") not in (None, source):
        print(f"{a.out} holds an export of {log_data['source']}, not {source}: choose another --out or delete it",
              file=sys.stderr)
        return 2
    log_data["source"] = source
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TOKENIZERS_PARALLELISM": "false", "HF_HUB_OFFLINE": "1",
           **allocator_env(os.environ)}
    wanted = [s for s in STAGES if s in a.stages]
    for i, stage in enumerate(wanted, 1):
        rec = log_data["stages"].get(stage, {})
        outputs = stage_outputs(stage, a.out, a.variants)
        skip_calibrate = stage == "calibrate" and a.checkpoint
        if not a.force and not skip_calibrate and rec.get("status") == "done" and all(p.exists() for p in outputs):
            print(f"[{i}/{len(wanted)}] {stage}: done earlier ({rec['seconds']} s, "
                  f"{rec['peakRssBytes'] / 2**30:.1f} GiB peak), skipped", flush=True)
            continue
        print(f"[{i}/{len(wanted)}] {stage} …", flush=True)
        t0 = time.time()
        code, peak = run_child(child_args(a, stage), env)
        seconds = round(time.time() - t0, 1)
        missing = [str(p) for p in outputs if not p.exists()] if not skip_calibrate else []
        ok = code == 0 and not missing
        log_data["stages"][stage] = {"status": "done" if ok else "failed", "seconds": seconds, "peakRssBytes": peak,
                                     "exitCode": code, **({"missing": missing} if missing else {})}
        write_log(a.out, log_data)
        print(f"[{i}/{len(wanted)}] {stage}: {'done' if ok else 'FAILED'} in {seconds} s, "
              f"peak {peak / 2**30:.1f} GiB resident" + (f"; missing {missing}" if missing else ""), flush=True)
        if not ok:
            return 1
    print(f"export: {log_data.get('seconds')} s over the stages, peak {log_data.get('peakRssBytes', 0) / 2**30:.1f} GiB; "
          f"pack in {a.out / 'pack'}, variants in {a.out / 'variants'}")
    return 0


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=DEFAULT_OUT,
                   help=f"output folder, outside the repository (default $SAM3_FULL_DIR or {DEFAULT_OUT})")
    p.add_argument("--checkpoint", help="a transformers SAM 3 checkpoint folder or id (default: random weights)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random weights")
    p.add_argument("--tokenizer", type=Path, default=None,
                   help="tokenizer.json (default: the checkpoint's, else the demo pack's CLIP BPE tokenizer)")
    p.add_argument("--stages", default=",".join(STAGES), help=f"comma-separated subset of {','.join(STAGES)}")
    p.add_argument("--variants", default="fp32-fused,fp16,q8f16,q4f16,q4")
    p.add_argument("--chunk-mb", type=float, default=512)
    p.add_argument("--opset", type=int, default=17)
    p.add_argument("--id", default=None, help="pack id for the manifest")
    p.add_argument("--force", action="store_true", help="redo the named stages even if they are done")
    p.add_argument("--run-stage", choices=STAGES, help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    a.out = a.out.expanduser().resolve()
    a.stages = [s.strip() for s in a.stages.split(",") if s.strip()]
    bad = [s for s in a.stages if s not in STAGES]
    if bad:
        p.error(f"unknown stage(s) {bad}; stages are {','.join(STAGES)}")
    a.variants = [v.strip() for v in (a.variants if isinstance(a.variants, str) else ",".join(a.variants)).split(",")
                  if v.strip()]
    if a.tokenizer is None:
        ck = Path(a.checkpoint) / "tokenizer.json" if a.checkpoint else None
        a.tokenizer = ck if ck is not None and ck.is_file() else DEFAULT_TOKENIZER
    try:
        a.out.relative_to(REPO)
        p.error(f"--out {a.out} is inside the repository; packs are gigabytes and never committed")
    except ValueError:
        pass
    return a


def main(argv: list[str] | None = None) -> int:
    a = parse(argv)
    if a.run_stage:
        from common import require_transformers

        if a.run_stage != "variants":
            require_transformers()
        RUNNERS[a.run_stage](a)
        return 0
    return orchestrate(a)


if __name__ == "__main__":
    sys.exit(main())
