#!/usr/bin/env python3
"""Export sam3-web's pack (vision, text, detector, tracker prompt decoder + manifest.json) from transformers SAM 3.

  python tools/export/export_pack.py --checkpoint facebook/sam3 --out packs/sam3 --tokenizer path/tokenizer.json
  python tools/export/export_pack.py --tiny --seed 0 --out /tmp/sam3-tiny

See tools/export/README.md for the graph contracts.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import log, require_transformers  # noqa: E402
from manifest import GraphFiles, write_manifest  # noqa: E402
from models import Sam3Pair, build_from_checkpoint, build_tiny  # noqa: E402

import torch  # noqa: E402

import wrappers as W  # noqa: E402

TEXT_LEN = 32


@dataclass
class ExportResult:
    files: dict[str, Path] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    vision_outputs: list[str] = field(default_factory=list)


def _export(module: torch.nn.Module, args: tuple[Any, ...], path: Path, inputs: list[str], outputs: list[str],
            dynamic_axes: dict[str, dict[int, str]] | None, opset: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    common_kw = dict(input_names=inputs, output_names=outputs, dynamic_axes=dynamic_axes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.no_grad():
            try:  # the legacy tracer (usls v2 exports use it too): plain ops, RoiAlign from torchvision
                torch.onnx.export(module, args, str(path), opset_version=opset, do_constant_folding=True,
                                  dynamo=False, **common_kw)
            except Exception as exc:  # noqa: BLE001
                log(f"legacy exporter failed for {path.name} ({type(exc).__name__}: {exc}); trying dynamo=True")
                torch.onnx.export(module, args, str(path), opset_version=max(opset, 18), dynamo=True,
                                  external_data=False, **common_kw)
    log(f"exported {path.name}: {path.stat().st_size} bytes")


def example_vision_input(size: int) -> torch.Tensor:
    g = torch.Generator().manual_seed(123)
    return torch.rand(1, 3, size, size, generator=g) * 2 - 1


def example_text_input() -> tuple[torch.Tensor, torch.Tensor]:
    ids = torch.full((1, TEXT_LEN), 49407, dtype=torch.long)
    ids[0, :4] = torch.tensor([49406, 320, 1929, 49407])
    mask = torch.zeros((1, TEXT_LEN), dtype=torch.long)
    mask[0, :4] = 1
    return ids, mask


def export_vision(pair: Sam3Pair, out: Path, opset: int) -> tuple[Path, list[str]]:
    enc = W.DualVisionEncoder.from_pair(pair.detector, pair.tracker).eval()
    x = example_vision_input(pair.input_size)
    with torch.no_grad():
        outs = enc(x)
    n_levels = len(pair.detector.config.vision_config.scale_factors)
    names = W.vision_output_names(n_levels, enc.num_tracker_levels)
    assert len(names) == len(outs), f"vision: {len(outs)} outputs for {len(names)} names"
    path = out / "vision.onnx"
    _export(enc, (x,), path, W.VISION_INPUTS, names, None, opset)
    return path, names


def export_text(pair: Sam3Pair, out: Path, opset: int) -> Path:
    enc = W.TextEncoder(pair.detector).eval()
    path = out / "text.onnx"
    _export(enc, example_text_input(), path, W.TEXT_INPUTS, W.TEXT_OUTPUTS, None, opset)
    return path


def detector_example_inputs(pair: Sam3Pair) -> tuple[torch.Tensor, ...]:
    enc = W.DualVisionEncoder.from_pair(pair.detector, pair.tracker).eval()
    with torch.no_grad():
        v = enc(example_vision_input(pair.input_size))
        ids, mask = example_text_input()
        feats, tmask = W.TextEncoder(pair.detector)(ids, mask)
    boxes = torch.tensor([[[0.5, 0.5, 0.4, 0.3], [0.0, 0.0, 0.0, 0.0]]], dtype=torch.float32)
    labels = torch.tensor([[1, -10]], dtype=torch.long)
    n = len(pair.detector.config.vision_config.scale_factors)
    return v[0], v[1], v[2], v[n + 2], feats, tmask, boxes, labels


def export_detector(pair: Sam3Pair, out: Path, opset: int) -> Path:
    import transformers.models.sam3.modeling_sam3 as ms

    det = W.Detector(pair.detector, ms.Sam3VisionEncoderOutput).eval()
    path = out / "detector.onnx"
    axes = {"input_boxes": {1: "num_boxes"}, "input_boxes_labels": {1: "num_boxes"}}
    _export(det, detector_example_inputs(pair), path, W.DETECTOR_INPUTS, W.DETECTOR_OUTPUTS, axes, opset)
    return path


def tracker_example_inputs(pair: Sam3Pair) -> tuple[torch.Tensor, ...]:
    enc = W.DualVisionEncoder.from_pair(pair.detector, pair.tracker).eval()
    with torch.no_grad():
        v = enc(example_vision_input(pair.input_size))
    emb = v[-3:]
    s = float(pair.input_size)
    points = torch.tensor([[[[0.3 * s, 0.4 * s], [0.6 * s, 0.5 * s]]]], dtype=torch.float32)
    labels = torch.tensor([[[1, 0]]], dtype=torch.long)
    boxes = torch.tensor([[[0.2 * s, 0.2 * s, 0.7 * s, 0.8 * s]]], dtype=torch.float32)
    return points, labels, boxes, emb[0], emb[1], emb[2]


def export_tracker(pair: Sam3Pair, out: Path, opset: int) -> Path:
    dec = W.PromptDecoder(pair.tracker).eval()
    path = out / "tracker.onnx"
    axes = {
        "input_points": {1: "num_objects", 2: "num_points"},
        "input_labels": {1: "num_objects", 2: "num_points"},
        "input_boxes": {1: "num_boxes"},
        "iou_scores": {1: "num_objects"},
        "pred_masks": {1: "num_objects"},
        "object_score_logits": {1: "num_objects"},
    }
    _export(dec, tracker_example_inputs(pair), path, W.TRACKER_INPUTS, W.TRACKER_OUTPUTS, axes, opset)
    return path


def export_all(pair: Sam3Pair, out: Path, opset: int, tokenizer: Path | None, pack_id: str, name: str) -> ExportResult:
    res = ExportResult()
    steps = {
        "vision": lambda: export_vision(pair, out, opset),
        "text": lambda: export_text(pair, out, opset),
        "detector": lambda: export_detector(pair, out, opset),
        "tracker": lambda: export_tracker(pair, out, opset),
    }
    for key, fn in steps.items():
        try:
            r = fn()
            if key == "vision":
                res.files[key], res.vision_outputs = r
            else:
                res.files[key] = r
        except Exception as exc:  # noqa: BLE001
            import traceback

            traceback.print_exc()
            res.errors[key] = f"{type(exc).__name__}: {exc}"
            log(f"EXPORT FAILED {key}: {res.errors[key]}")
    tok_path = None
    if tokenizer is not None:
        tok_path = out / "tokenizer.json"
        if tokenizer.resolve() != tok_path.resolve():
            shutil.copyfile(tokenizer, tok_path)
    if len(res.files) == 4 and tok_path is not None:
        write_manifest(
            out,
            GraphFiles(**{k: res.files[k] for k in ("vision", "text", "detector", "tracker")}, tokenizer=tok_path),
            pair,
            pack_id=pack_id,
            name=name,
        )
    elif tok_path is None:
        log("no --tokenizer given: manifest.json not written (the manifest requires a tokenizer file)")
    return res


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint", help="transformers checkpoint id or folder (e.g. facebook/sam3)")
    src.add_argument("--tiny", action="store_true", help="tiny random configuration (fixtures)")
    p.add_argument("--seed", type=int, default=0, help="seed for --tiny")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--opset", type=int, default=17)
    p.add_argument("--tokenizer", type=Path, help="tokenizer.json to bundle (default: the checkpoint's, if any)")
    p.add_argument("--id", default=None, help="pack id for the manifest")
    a = p.parse_args(argv)
    require_transformers()
    pair = build_tiny(a.seed) if a.tiny else build_from_checkpoint(a.checkpoint)
    tok = a.tokenizer
    if tok is None and a.checkpoint and Path(a.checkpoint, "tokenizer.json").is_file():
        tok = Path(a.checkpoint, "tokenizer.json")
    pack_id = a.id or ("sam3-tiny-random" if a.tiny else "sam3-" + Path(a.checkpoint).name)
    res = export_all(pair, a.out, a.opset, tok, pack_id, pack_id)
    if res.errors:
        for k, v in res.errors.items():
            print(f"error: {k}: {v}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
