#!/usr/bin/env python3
"""Full-size SAM 3 vision graph report (random weights, no checkpoint): op types, WebGPU kernel gaps, largest
intermediate tensors. The graph is exported once to a scratch folder and never kept.

  python tools/export/report_full_size.py --scratch /tmp/sam3-full --report tools/export/full_size_report.md
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import log, require_transformers  # noqa: E402
from webgpu_ops import CPU_SHAPE_OPS, WEBGPU_ONNX_OPS  # noqa: E402

_DTYPE_BYTES = {1: 4, 2: 1, 3: 1, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 16: 2}


def build_full_size_dual() -> Any:
    """Detector vision model (trunk + neck) plus a second neck, conv_s0/conv_s1 and no_memory_embedding, at the
    default (facebook/sam3) sizes; the tracker's own trunk is not built (it is the same weights)."""
    tf = require_transformers()
    import torch
    from torch import nn

    import transformers.models.sam3.modeling_sam3 as ms
    import wrappers as W

    torch.manual_seed(0)
    vcfg = tf.Sam3VisionConfig()
    vcfg._attn_implementation = "eager"
    vcfg.backbone_config._attn_implementation = "eager"
    vision = tf.Sam3VisionModel(vcfg).eval()
    tracker_neck = ms.Sam3VisionNeck(vcfg).eval()
    hidden = vcfg.fpn_hidden_size
    return W.DualVisionEncoder(
        backbone=vision.backbone,
        detector_neck=vision.neck,
        tracker_neck=tracker_neck,
        conv_s0=nn.Conv2d(hidden, hidden // 8, 1),
        conv_s1=nn.Conv2d(hidden, hidden // 4, 1),
        no_memory_embedding=nn.Parameter(torch.zeros(1, 1, hidden)),
        patch_size=int(vcfg.backbone_config.patch_size),
        num_tracker_levels=3,
    ).eval(), int(vcfg.backbone_config.image_size), len(vcfg.scale_factors)


def export_full(scratch: Path, opset: int) -> tuple[Path, float]:
    import torch

    import wrappers as W
    from export_pack import _export

    t0 = time.time()
    enc, size, levels = build_full_size_dual()
    log(f"built full-size vision ({sum(p.numel() for p in enc.parameters()) / 1e6:.1f} M params)")
    x = torch.zeros(1, 3, size, size)
    names = W.vision_output_names(levels, 3)
    path = scratch / "vision_full.onnx"
    _export(enc, (x,), path, W.VISION_INPUTS, names, None, opset)
    return path, time.time() - t0


def tensor_bytes(vi: Any) -> tuple[int, list[Any]]:
    t = vi.type.tensor_type
    dims = [d.dim_value if d.HasField("dim_value") else (d.dim_param or "?") for d in t.shape.dim]
    n = 1
    for d in dims:
        if not isinstance(d, int):
            return -1, dims
        n *= d
    return n * _DTYPE_BYTES.get(t.elem_type, 4), dims


def analyse(path: Path) -> dict[str, Any]:
    import onnx

    model = onnx.load(str(path), load_external_data=False)
    ops = Counter(n.op_type if n.domain in ("", "ai.onnx") else f"{n.domain}::{n.op_type}" for n in model.graph.node)
    init_bytes = sum(len(i.raw_data) for i in model.graph.initializer)
    missing = sorted(o for o in ops if o not in WEBGPU_ONNX_OPS and o not in CPU_SHAPE_OPS)
    cpu_only = sorted(o for o in ops if o in CPU_SHAPE_OPS)
    # Shape inference on a weight-free copy (initializer data is not needed for shapes).
    for init in model.graph.initializer:
        init.ClearField("raw_data")
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=False, data_prop=True)
    producer = {o: n for n in inferred.graph.node for o in n.output}
    sizes = []
    for vi in list(inferred.graph.value_info) + list(inferred.graph.output):
        b, dims = tensor_bytes(vi)
        n = producer.get(vi.name)
        sizes.append((b, vi.name, dims, n.op_type if n is not None else "?"))
    sizes.sort(key=lambda s: -s[0])
    return {"ops": ops, "missing": missing, "cpu_only": cpu_only, "top": sizes[:10], "nodes": len(model.graph.node),
            "weights_mb": init_bytes / 1e6, "unknown_shapes": sum(1 for s in sizes if s[0] < 0)}


def runtime_largest(top: int = 12) -> list[tuple[int, str, list[int]]]:
    """Every tensor produced by one forward of the full-size dual vision encoder at 1008² (torch dispatch),
    largest first, one row per (op, shape): catches the attention matrices that static inference misses."""
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode
    from torch.utils._pytree import tree_flatten

    seen: dict[tuple[str, tuple[int, ...]], int] = {}

    class Track(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):  # noqa: ANN001
            out = func(*args, **(kwargs or {}))
            for t in tree_flatten(out)[0]:
                if isinstance(t, torch.Tensor):
                    key = (str(func.overloadpacket.__name__), tuple(t.shape))
                    seen[key] = max(seen.get(key, 0), t.numel() * t.element_size())
            return out

    enc, size, _ = build_full_size_dual()
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    enc = enc.to(dev)
    x = torch.zeros(1, 3, size, size, device=dev)
    with torch.no_grad(), Track():
        enc(x)
    rows = sorted(((b, op, list(shape)) for (op, shape), b in seen.items()), key=lambda r: -r[0])
    return rows[:top]


def render(info: dict[str, Any], export_s: float, versions: dict[str, str]) -> str:
    lines = [
        "# Full-size SAM 3 vision graph (random weights): WebGPU kernel gaps and largest tensors",
        "",
        f"Generated by `tools/export/report_full_size.py` on the GPU machine ({', '.join(f'{k} {v}' for k, v in versions.items())}).",
        "Graph: the `dual-encoder` vision graph of `export_pack.py` (trunk + detector neck + tracker neck, conv_s0/s1),",
        f"default `Sam3VisionConfig` (1008², ViT-L 32 layers), opset 17, legacy tracer; {info['nodes']} nodes,",
        f"{info['weights_mb']:.0f} MB of fp32 weights; export took {export_s:.0f} s. The graph was not kept.",
        "",
        "## Op types (count)",
        "",
        "| op | count | WebGPU kernel |",
        "|---|---|---|",
    ]
    for op, n in sorted(info["ops"].items(), key=lambda kv: (-kv[1], kv[0])):
        mark = "yes" if op in WEBGPU_ONNX_OPS else ("CPU (shape op)" if op in CPU_SHAPE_OPS else "**no**")
        lines.append(f"| {op} | {n} | {mark} |")
    lines += ["", "## Ops without a WebGPU kernel", ""]
    lines.append(", ".join(f"`{o}`" for o in info["missing"]) if info["missing"] else "None: every op has a kernel.")
    lines += ["", "Kernel list: `tools/export/webgpu_ops.py` (from onnxruntime's WebGPU EP registrations).", ""]
    lines += ["## Largest intermediate tensors (ONNX shape inference, fp32 unless noted)", "",
              "| # | tensor | produced by | shape | MB |", "|---|---|---|---|---|"]
    for i, (b, name, dims, op) in enumerate(info["top"], 1):
        lines.append(f"| {i} | `{name}` | {op} | {dims} | {b / 1e6:.1f} |")
    if info.get("runtime"):
        lines += ["", "## Largest tensors at run time (one PyTorch forward at 1008², all intermediates, by op)", "",
                  "| # | aten op | shape | MB |", "|---|---|---|---|"]
        for i, (b, op, shape) in enumerate(info["runtime"], 1):
            lines.append(f"| {i} | `{op}` | {shape} | {b / 1e6:.1f} |")
    if info["unknown_shapes"]:
        lines += ["", f"{info['unknown_shapes']} tensors had no static shape after inference and are not ranked."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scratch", type=Path, default=Path("/tmp/sam3-full"))
    p.add_argument("--report", type=Path, required=True)
    p.add_argument("--opset", type=int, default=17)
    a = p.parse_args(argv)
    tf = require_transformers()
    import onnx
    import torch

    a.scratch.mkdir(parents=True, exist_ok=True)
    path, export_s = export_full(a.scratch, a.opset)
    log("analysing")
    info = analyse(path)
    path.unlink(missing_ok=True)
    try:
        info["runtime"] = runtime_largest()
    except Exception as exc:  # noqa: BLE001
        log(f"runtime tensor census failed: {exc}")
    versions = {"torch": torch.__version__, "transformers": tf.__version__, "onnx": onnx.__version__}
    a.report.parent.mkdir(parents=True, exist_ok=True)
    a.report.write_text(render(info, export_s, versions))
    log(f"wrote {a.report}; ops without WebGPU kernel: {info['missing']}")
    path.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
