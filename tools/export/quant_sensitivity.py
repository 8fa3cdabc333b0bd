#!/usr/bin/env python3
"""Which layers lose the accuracy when their weights go to 4 bits: one block at a time, measured.

  python tools/export/quant_sensitivity.py --random-full $SAM3_FULL_DIR/pack --out sensitivity.json [--propagate]
  python tools/export/quant_sensitivity.py --checkpoint facebook/sam3 --out sensitivity.json

For every block of the vision trunk (ViT layers) and of the text encoder (CLIP layers), the block's linear weights are
replaced by their 4-bit (and 8-bit) round trip — exactly the block-wise affine scheme of onnxruntime's MatMulNBits
quantiser (blocks of 32 along the input features, min/max including 0, zero point, round to nearest) — and the block
runs on the input it gets in the float model (captured from one forward on bench_cases.json's calibration image):

  local      ‖Δ block output‖ / ‖block output − block input‖: the error against what the block adds to the residual
             stream (its output norm is dominated by the stream and would hide it);
  propagated (--propagate, trunk only) the rest of the trunk runs from there: ‖Δ trunk output‖ / ‖trunk output‖ —
             what the detector and tracker actually see. Costs about half a trunk pass per block.

Writes OUT as JSON: {vision: [{layer, global, params, local4, local8, propagated4?}], text: [...], config}, and prints
the layers ordered by damage. build_variants.py --keep-8bit takes the chosen layers' name prefixes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import log, require_transformers  # noqa: E402

BLOCK = 32


def roundtrip(w: Any, bits: int, block: int = BLOCK) -> Any:
    """torch Linear weight [out, in] → its dequantised N-bit copy (blocks of `block` input features per output)."""
    import torch

    out_f, in_f = w.shape
    pad = (-in_f) % block
    x = torch.nn.functional.pad(w.float(), (0, pad)).reshape(out_f, -1, block)
    lo = torch.clamp(x.amin(-1, keepdim=True), max=0.0)
    hi = torch.clamp(x.amax(-1, keepdim=True), min=0.0)
    qmax = 2**bits - 1
    scale = (hi - lo) / qmax
    scale = torch.where(scale == 0, torch.ones_like(scale), scale)
    zp = torch.clamp(torch.round(-lo / scale), 0, qmax)
    q = torch.clamp(torch.round(x / scale) + zp, 0, qmax)
    return ((q - zp) * scale).reshape(out_f, -1)[:, :in_f].to(w.dtype)


def linears(module: Any) -> list[Any]:
    import torch

    return [m for m in module.modules() if isinstance(m, torch.nn.Linear)]


def with_quantised(module: Any, bits: int):
    """Context manager: the module's linear weights replaced by their N-bit round trip."""
    import contextlib

    @contextlib.contextmanager
    def ctx():
        saved = [(m, m.weight.data) for m in linears(module)]
        try:
            for m, w in saved:
                m.weight.data = roundtrip(w, bits)
            yield
        finally:
            for m, w in saved:
                m.weight.data = w

    return ctx()


def rel(a: Any, b: Any) -> float:
    return float((a - b).float().norm() / max(float(b.float().norm()), 1e-12))


class Capture:
    """Inputs (args, kwargs) and outputs of every layer in a ModuleList during one forward."""

    def __init__(self, layers: Any) -> None:
        self.inputs: list[tuple[tuple[Any, ...], dict[str, Any]]] = [None] * len(layers)  # type: ignore[list-item]
        self.outputs: list[Any] = [None] * len(layers)
        self.hooks = []
        for i, layer in enumerate(layers):
            self.hooks.append(layer.register_forward_pre_hook(self._pre(i), with_kwargs=True))
            self.hooks.append(layer.register_forward_hook(self._post(i)))

    def _pre(self, i: int):
        def hook(_m: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
            self.inputs[i] = (args, dict(kwargs))
        return hook

    def _post(self, i: int):
        def hook(_m: Any, _a: Any, out: Any) -> None:
            self.outputs[i] = out[0] if isinstance(out, (tuple, list)) else out
        return hook

    def remove(self) -> None:
        for h in self.hooks:
            h.remove()


def first_tensor(x: Any) -> Any:
    return x[0] if isinstance(x, (tuple, list)) else x


def block_table(layers: Any, cap: Capture, tail: Any | None, final_out: Any | None,
                global_layers: set[int]) -> list[dict[str, Any]]:
    import torch

    rows = []
    with torch.no_grad():
        for i, layer in enumerate(layers):
            args, kwargs = cap.inputs[i]
            x_in = first_tensor(args) if args else first_tensor(next(iter(kwargs.values())))
            ref = cap.outputs[i]
            delta_norm = ref - x_in
            row: dict[str, Any] = {"layer": i, "global": i in global_layers,
                                   "params": sum(m.weight.numel() for m in linears(layer))}
            for bits in (4, 8):
                with with_quantised(layer, bits):
                    out = first_tensor(layer(*args, **kwargs))
                row[f"local{bits}"] = rel(out, ref) * float(ref.float().norm()) / max(float(delta_norm.float().norm()), 1e-12)
                if bits == 4 and tail is not None:
                    t0 = time.time()
                    row["propagated4"] = rel(tail(i + 1, out), final_out)
                    log(f"  layer {i}: propagated {row['propagated4']:.4f} ({time.time() - t0:.1f} s)")
            rows.append(row)
            log(f"layer {i}{' (global)' if i in global_layers else ''}: local4 {row['local4']:.4f} local8 {row['local8']:.5f}")
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--random-full", type=Path, metavar="PACK_DIR")
    src.add_argument("--checkpoint")
    p.add_argument("--tokenizer", type=Path, default=None)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--propagate", action="store_true", help="also run the rest of the trunk per block (slow)")
    a = p.parse_args(argv)
    require_transformers()
    import torch

    import models as M
    from bench_cases import image_rgb, load_cases, pixel_values, token_ids

    if a.random_full:
        saved = json.loads((a.random_full / "random-full.json").read_text())
        pair = M.build_random_full(int(saved["seed"]), calibration=saved["calibration"])
        tok = a.tokenizer or a.random_full / "tokenizer.json"
    else:
        pair = M.build_from_checkpoint(a.checkpoint)
        tok = a.tokenizer or Path(a.checkpoint) / "tokenizer.json"
    det = pair.detector
    del pair.tracker
    cases = load_cases()
    c = cases["calibration"]
    px = pixel_values(image_rgb(cases, c["image"]), pair.input_size)
    ids, mask = token_ids(tok, c["phrase"])

    backbone = det.vision_encoder.backbone
    vit_layers = backbone.layers
    cfg = det.config.vision_config.backbone_config
    global_layers = set(getattr(cfg, "global_attn_indexes", []) or [])
    cap = Capture(vit_layers)
    with torch.no_grad():
        final = first_tensor(backbone(px))
    cap.remove()
    final_hidden = final if torch.is_tensor(final) else final.last_hidden_state

    def tail(start: int, hidden: Any) -> Any:
        """The trunk from layer `start` on, given the hidden state entering it (Sam3ViTModel normalises before its
        layers and has nothing after them)."""
        h = hidden
        for j in range(start, len(vit_layers)):
            args, kwargs = cap.inputs[j]
            h = first_tensor(vit_layers[j](h, *args[1:], **kwargs))
        return h

    # The reference the propagated error is measured against: the unmodified tail from the last layer's output.
    ref_tail = tail(len(vit_layers), cap.outputs[-1]) if a.propagate else None
    t0 = time.time()
    vision = block_table(vit_layers, cap, tail if a.propagate else None, ref_tail, global_layers)
    log(f"vision: {time.time() - t0:.0f} s")

    text_layers = det.text_encoder.text_model.encoder.layers
    cap_t = Capture(text_layers)
    with torch.no_grad():
        det.text_encoder(input_ids=torch.tensor([ids]), attention_mask=torch.tensor([mask]))
    cap_t.remove()
    text = block_table(text_layers, cap_t, None, None, set())
    out = {"config": {"block": BLOCK, "image": c["image"], "phrase": c["phrase"], "finalNorm": float(final_hidden.norm())},
           "vision": vision, "text": text}
    a.out.write_text(json.dumps(out, indent=1) + "\n")
    for name, rows in (("vision", vision), ("text", text)):
        key = "propagated4" if rows and "propagated4" in rows[0] else "local4"
        order = sorted(rows, key=lambda r: -r[key])
        log(f"{name} by {key}: " + ", ".join(f"{r['layer']}{'g' if r['global'] else ''}={r[key]:.3f}" for r in order))
    return 0


if __name__ == "__main__":
    sys.exit(main())
