#!/usr/bin/env python3
"""Export sam3-web's pack (vision, text, detector, tracker prompt decoder, video memory graphs + constants.json,
manifest.json) from transformers SAM 3 (Sam3Model, Sam3TrackerModel, Sam3TrackerVideoModel).

  python tools/export/export_pack.py --checkpoint facebook/sam3 --out packs/sam3 --tokenizer path/tokenizer.json
  python tools/export/export_pack.py --tiny --seed 0 --out /tmp/sam3-tiny
  python tools/export/export_pack.py --random-full --seed 0 --out /tmp/sam3-full --tokenizer public/packs/demo/tokenizer.json

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
from manifest import MEMORY_ROLES, GraphFiles, write_manifest  # noqa: E402
from models import (  # noqa: E402
    Sam3Pair,
    build_from_checkpoint,
    build_random_full,
    build_random_full_video,
    build_tiny,
    build_tiny_video,
    video_from_checkpoint,
)

import torch  # noqa: E402

import wrappers as W  # noqa: E402

TEXT_LEN = 32


@dataclass
class ExportResult:
    files: dict[str, Path] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    vision_outputs: list[str] = field(default_factory=list)


def _export(module: torch.nn.Module, args: tuple[Any, ...], path: Path, inputs: list[str], outputs: list[str],
            dynamic_axes: dict[str, dict[int, str]] | None, opset: int, fold: bool = True) -> None:
    """`fold=False` keeps one copy of each weight when a module is called twice (folding would duplicate the
    transposed weights per call); onnxruntime folds them when the session loads."""
    path.parent.mkdir(parents=True, exist_ok=True)
    common_kw = dict(input_names=inputs, output_names=outputs, dynamic_axes=dynamic_axes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.no_grad():
            try:  # the legacy tracer (usls v2 exports use it too): plain ops, RoiAlign from torchvision
                torch.onnx.export(module, args, str(path), opset_version=opset, do_constant_folding=fold,
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


_VISION_EXAMPLE: dict[int, tuple[torch.Tensor, ...]] = {}


def vision_example_outputs(pair: Sam3Pair) -> tuple[torch.Tensor, ...]:
    """The dual vision encoder's outputs on the example input, computed once per model (a full-size CPU forward at
    1008² takes tens of seconds; the vision, detector and tracker exports all need it)."""
    if id(pair) not in _VISION_EXAMPLE:
        enc = W.DualVisionEncoder.from_pair(pair.detector, pair.tracker).eval()
        with torch.no_grad():
            _VISION_EXAMPLE[id(pair)] = tuple(enc(example_vision_input(pair.input_size)))
    return _VISION_EXAMPLE[id(pair)]


def export_vision(pair: Sam3Pair, out: Path, opset: int) -> tuple[Path, list[str]]:
    enc = W.DualVisionEncoder.from_pair(pair.detector, pair.tracker).eval()
    x = example_vision_input(pair.input_size)
    outs = vision_example_outputs(pair)
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
    v = vision_example_outputs(pair)
    with torch.no_grad():
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
    v = vision_example_outputs(pair)
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


def video_features(video: Any, pixel_values: torch.Tensor) -> dict[str, torch.Tensor]:
    """The memory graphs' per-frame inputs from Sam3TrackerVideoModel's own vision path: feats0/1 (after
    conv_s0/conv_s1), raw feats2 and its sine position encoding pos2, all [1,C,h,w]."""
    with torch.no_grad():
        out = video.get_image_features(pixel_values, return_dict=True)
    sizes = video.backbone_feature_sizes
    b = pixel_values.shape[0]
    feats = [f.permute(1, 2, 0).reshape(b, -1, *s) for f, s in zip(out.fpn_hidden_states, sizes)]
    pos = [p.permute(1, 2, 0).reshape(b, -1, *s) for p, s in zip(out.fpn_position_encoding, sizes)]
    return {"feats0": feats[0], "feats1": feats[1], "feats2": feats[2], "pos2": pos[2]}


def to_tokens(x: torch.Tensor) -> torch.Tensor:
    """[1,C,h,w] -> [h*w,1,C] (the memory graphs' token-major layout)."""
    return x.flatten(2).permute(2, 0, 1).contiguous()


def export_memory(video: Any, out: Path, opset: int, input_size: int) -> dict[str, Path]:
    """mask_decoder.onnx, memory_attention.onnx, memory_encoder.onnx and constants.json (jax-image-tools contract).
    Example shapes differ from the goldens' (3 spatial blocks, 3 pointers, 2 points) so that the goldens also check
    the dynamic axes."""
    import json

    import memory_wrappers as MW

    files: dict[str, Path] = {}
    f = video_features(video, example_vision_input(input_size))
    s = float(input_size)
    points = torch.tensor([[[[0.3 * s, 0.4 * s], [0.6 * s, 0.5 * s]]]], dtype=torch.float32)
    labels = torch.tensor([[[1, 0]]], dtype=torch.int32)
    dec = MW.MemoryMaskDecoder(video).eval()
    path = out / "mask_decoder.onnx"
    _export(dec, (f["feats0"], f["feats1"], f["feats2"], points, labels), path, MW.DECODER_INPUTS,
            MW.DECODER_OUTPUTS, {"input_points": {2: "num_points"}, "input_labels": {2: "num_points"}}, opset,
            fold=False)
    files["memoryDecoder"] = path

    mem = int(video.mem_dim)
    t = f["feats2"].shape[-1] * f["feats2"].shape[-2]
    g = torch.Generator().manual_seed(7)
    n_spatial, n_ptr = 3 * t, 3 * max(1, int(video.hidden_dim) // mem)
    att_args = (to_tokens(f["feats2"]), to_tokens(f["pos2"]), torch.randn(n_spatial, 1, mem, generator=g),
                torch.randn(n_spatial, 1, mem, generator=g), torch.randn(n_ptr, 1, mem, generator=g),
                torch.randn(n_ptr, 1, mem, generator=g))
    att = MW.MemoryAttention(video).eval()
    path = out / "memory_attention.onnx"
    axes = {"spatial_memory": {0: "num_spatial_tokens"}, "spatial_memory_position_embeddings": {0: "num_spatial_tokens"},
            "pointer_memory": {0: "num_pointer_tokens"}, "pointer_memory_position_embeddings": {0: "num_pointer_tokens"}}
    _export(att, att_args, path, MW.ATTENTION_INPUTS, MW.ATTENTION_OUTPUTS, axes, opset, fold=False)
    files["memoryAttention"] = path

    enc = MW.MemoryEncoder(video).eval()
    masks = torch.randn(1, 1, input_size, input_size, generator=g) * 4
    path = out / "memory_encoder.onnx"
    _export(enc, (f["feats2"], masks, torch.tensor([False])), path, MW.ENCODER_INPUTS, MW.ENCODER_OUTPUTS, None, opset,
            fold=False)
    files["memoryEncoder"] = path

    try:  # lossless: merges the tracer's duplicated RoPE tables, short value names (≈ half the tiny files' bytes)
        from onnx_compact import compact

        for role in ("memoryDecoder", "memoryAttention", "memoryEncoder"):
            compact(files[role])
    except Exception as exc:  # noqa: BLE001
        log(f"compaction skipped ({type(exc).__name__}: {exc})")

    path = out / "constants.json"
    path.write_text(json.dumps(MW.memory_constants(video)) + "\n")
    log(f"wrote {path}")
    files["memoryConstants"] = path
    return files


def export_all(pair: Sam3Pair, out: Path, opset: int, tokenizer: Path | None, pack_id: str, name: str,
               video: Any = None) -> ExportResult:
    """Every graph of the pack; with `video` (a Sam3TrackerVideoModel) also the memory graphs + constants.json."""
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
    memory: dict[str, Path] = {}
    if video is not None:
        try:
            memory = export_memory(video, out, opset, pair.input_size)
            res.files.update(memory)
        except Exception as exc:  # noqa: BLE001
            import traceback

            traceback.print_exc()
            res.errors["memory"] = f"{type(exc).__name__}: {exc}"
            log(f"EXPORT FAILED memory: {res.errors['memory']}")
    tok_path = None
    if tokenizer is not None:
        tok_path = out / "tokenizer.json"
        if tokenizer.resolve() != tok_path.resolve():
            shutil.copyfile(tokenizer, tok_path)
    if all(k in res.files for k in ("vision", "text", "detector", "tracker")) and tok_path is not None:
        write_manifest(
            out,
            GraphFiles(**{k: res.files[k] for k in ("vision", "text", "detector", "tracker")}, tokenizer=tok_path,
                       **{k: memory.get(k) for k in MEMORY_ROLES}),
            pair,
            pack_id=pack_id,
            name=name,
        )
    elif tok_path is None:
        log("no --tokenizer given: manifest.json not written (the manifest requires a tokenizer file)")
    return res


def random_full_pair(seed: int, tokenizer: Path | None, out: Path) -> Sam3Pair:
    """--random-full: full-size random model calibrated on the benchmark's calibration case; the calibration result
    goes to OUT/random-full.json so torch_bench.py rebuilds bit-identical weights without re-calibrating."""
    import json

    from bench_cases import calibration_probe, load_cases

    if tokenizer is None:
        sys.exit("--random-full needs --tokenizer (e.g. public/packs/demo/tokenizer.json)")
    cases = load_cases()
    size = 1008
    pair = build_random_full(seed, calibration_probe(cases, tokenizer, size))
    if pair.input_size != size:
        raise RuntimeError(f"default Sam3Config has input size {pair.input_size}, expected {size}")
    out.mkdir(parents=True, exist_ok=True)
    info = {"seed": seed, "calibration": pair.calibration, "tokenizer": str(tokenizer)}
    (out / "random-full.json").write_text(json.dumps(info, indent=2) + "\n")
    return pair


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint", help="transformers checkpoint id or folder (e.g. facebook/sam3)")
    src.add_argument("--tiny", action="store_true", help="tiny random configuration (fixtures)")
    src.add_argument("--random-full", action="store_true",
                     help="transformers' default (full-size, 1008²) configs with random weights, calibrated on "
                          "bench_cases.json's calibration image so some queries pass 0.5 (needs --tokenizer)")
    p.add_argument("--seed", type=int, default=0, help="seed for --tiny / --random-full")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--opset", type=int, default=17)
    p.add_argument("--tokenizer", type=Path, help="tokenizer.json to bundle (default: the checkpoint's, if any)")
    p.add_argument("--id", default=None, help="pack id for the manifest")
    p.add_argument("--no-memory", action="store_true",
                   help="skip the video memory graphs (mask_decoder, memory_attention, memory_encoder, constants.json)")
    a = p.parse_args(argv)
    require_transformers()
    tok = a.tokenizer
    if tok is None and a.checkpoint and Path(a.checkpoint, "tokenizer.json").is_file():
        tok = Path(a.checkpoint, "tokenizer.json")
    if a.tiny:
        pair = build_tiny(a.seed)
    elif a.random_full:
        pair = random_full_pair(a.seed, tok, a.out)
    else:
        pair = build_from_checkpoint(a.checkpoint)
    pack_id = a.id or ("sam3-tiny-random" if a.tiny else "sam3-random-full" if a.random_full
                       else "sam3-" + Path(a.checkpoint).name)
    video = None
    if not a.no_memory:
        if a.tiny:
            video = build_tiny_video(a.seed, pair)
        elif a.random_full:
            video = build_random_full_video(a.seed, pair)
        else:
            video = video_from_checkpoint(a.checkpoint)
    res = export_all(pair, a.out, a.opset, tok, pack_id, pack_id, video=video)
    if res.errors:
        for k, v in res.errors.items():
            print(f"error: {k}: {v}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
