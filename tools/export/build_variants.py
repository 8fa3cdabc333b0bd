#!/usr/bin/env python3
"""Browser-deployable variants of an exported sam3-web pack: ONE build step from any pack that export_pack.py made
(checkpoint, --random-full or the tiny fixtures) to one directory per variant, each with its own manifest.json.

  python tools/export/build_variants.py IN_PACK_DIR OUT_DIR [--variants fp32-fused,fp16,q4f16,q8f16,q4] [--chunk-mb N]

Every graph of every variant is
  1. constant-folded for the fixed input size (fold_shapes.py: no Mod / traced shape arithmetic left on the tensor
     path; only a prompt count that stays dynamic keeps its few Shape ops),
  2. attention-fused: every Softmax attention becomes com.microsoft.MultiHeadAttention (fuse_attention.py; the build
     fails if one is left),
  3. for q4f16 / q8f16 / q4: MatMul weights → 4/8-bit MatMulNBits, and for q4f16 / q4 the token-embedding table →
     4-bit GatherBlockQuantized (quantize_weights.py),
  4. for fp16 / q4f16 / q8f16: float16 weights and activations with float32 islands (to_fp16.py); a role listed in
     the variant's `float32Compute` (fp16: the detector) keeps float32 activations and stores float16 weights only,
  5. written as NAME.onnx + external-data chunk files of at most --chunk-mb each (chunked_data.py).
The manifest's `variant` records the precision, these transforms in order, what a GPU needs (shader-f16, the largest
single tensor — weights and activations — for maxBufferSize / maxStorageBufferBindingSize) and the base pack's id.
OUT_DIR/build-report.json has node/op counts before and after, attentions found and fused, sizes, chunk counts.

Requires onnx, onnxruntime and onnx-ir (onnxruntime's quantiser imports it); no torch.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import onnx  # noqa: E402

from chunked_data import save_chunked, verify_chunks  # noqa: E402
from common import log, sha256_file  # noqa: E402
from fold_shapes import dedupe_weights, fold  # noqa: E402
from chunk_attention import DEFAULT_BUDGET, chunk_attention  # noqa: E402
from fuse_attention import fuse_attention  # noqa: E402
from graph_ir import Graph, iter_all_nodes, op_counts  # noqa: E402

VARIANTS: dict[str, dict[str, Any]] = {
    "fp32-fused": {"precision": "fp32", "bits": None, "fp16": False},
    # The detector stores float16 weights but computes in float32 (to_fp16.weights_to_fp16): its scores are where
    # float16 arithmetic costs the most (|Δscore| 0.0057 → 0.0036 at full size) and it is a few % of a request's time.
    "fp16": {"precision": "fp16", "bits": None, "fp16": True, "float32Compute": ["detector"]},
    # The 4-bit variants take the token-embedding table to 4 bits too (GatherBlockQuantized; tables of ≥ 1 M values,
    # so the full-size text encoder's 49 408 × 1024, not the tiny one's): 618 → 545 MB at full size for the same
    # accuracy (tools/export/README "Size against accuracy").
    "q4f16": {"precision": "q4f16", "bits": 4, "fp16": True, "embedBits": 4},
    "q8f16": {"precision": "q8f16", "bits": 8, "fp16": True},
    # 4-bit weights, float32 activations: for GPUs without shader-f16 and for WASM, whose float16 kernels are slow.
    "q4": {"precision": "q4", "bits": 4, "fp16": False, "embedBits": 4},
}
SHAPE_OPS = ("Shape", "Size", "ConstantOfShape", "Mod")
# Sizes used for dynamic prompt axes when sizing activations (the GPU-limit estimate): exemplar boxes, objects per
# tracker call, points per object, memory-bank tokens (7 frames of T image tokens) and pointer tokens (16 × 4).
PLANNING = {"num_boxes": 8, "num_objects": 4, "num_points": 8, "num_pointer_tokens": 64}
MEMORY_FRAMES = 7


def parse_chunk_mb(values: list[str]) -> tuple[float, dict[str, float]]:
    default, per_file = 512.0, {}
    for v in values:
        if "=" in v:
            k, x = v.split("=", 1)
            per_file[k] = float(x)
        else:
            default = float(v)
    return default, per_file


def graph_entries(manifest: dict[str, Any], extra: dict[str, Any] | None) -> list[tuple[str, dict[str, Any], bool]]:
    """(role, entry, listed in the manifest) for every graph to build."""
    out = [(role, entry, True) for role, entry in manifest["graphs"].items()]
    if extra:
        out += [(role, entry, False) for role, entry in extra.get("graphs", {}).items()
                if role not in manifest["graphs"]]
    return out


def raw_stats(path: Path) -> dict[str, Any]:
    m = onnx.load(str(path), load_external_data=False)
    counts = op_counts(m.graph.node)
    return {"nodes": sum(counts.values()), "topLevelNodes": len(m.graph.node),
            "shapeOps": {k: counts.get(k, 0) for k in SHAPE_OPS}, "softmax": counts.get("Softmax", 0)}


def dynamic_axes(g: Graph) -> list[str]:
    axes = []
    for vi in g.model.graph.input:
        for d in vi.type.tensor_type.shape.dim:
            if d.HasField("dim_param") and d.dim_param not in axes:
                axes.append(d.dim_param)
    return axes


def planning_sizes(g: Graph) -> dict[str, int]:
    """PLANNING with the memory bank's token count (MEMORY_FRAMES frames of the graph's T image tokens)."""
    sizes = dict(PLANNING)
    for vi in g.model.graph.input:
        if vi.name == "current_vision_features":
            sizes["num_spatial_tokens"] = MEMORY_FRAMES * vi.type.tensor_type.shape.dim[0].dim_value
    return sizes


def planning_dims(g: Graph) -> dict[str, list[int | str | None]]:
    """Graph-input shapes with the dynamic axes bound to PLANNING sizes (memory tokens: 7 frames of T tokens)."""
    sizes = planning_sizes(g)
    out: dict[str, list[int | str | None]] = {}
    for vi in g.model.graph.input:
        dims: list[int | str | None] = []
        for d in vi.type.tensor_type.shape.dim:
            dims.append(d.dim_value if d.HasField("dim_value") else sizes.get(d.dim_param, 1))
        out[vi.name] = dims
    return out


def largest_activation(g: Graph) -> dict[str, Any]:
    """The largest value the float32 fused graph computes (graph inputs and outputs included; weights excluded), with
    the dynamic axes at PLANNING sizes. Measured once on the float32 graph, where shape inference sees every op; the
    float16 variants hold the same elements in 2 bytes."""
    shapes = g.infer_shapes(planning_dims(g))
    best, name, unknown, is_float = 0, "", 0, False
    for k, info in shapes.items():
        if k in g.weights:
            continue
        n = info.nbytes()
        if n is None:
            unknown += 1
            continue
        if n > best:
            best, name, is_float = n, k, info.elem_type == onnx.TensorProto.FLOAT
    return {"bytesFp32": best, "tensor": name, "float": is_float, "valuesWithoutStaticShape": unknown}


def largest_tensor(g: Graph, activation: dict[str, Any], fp16: bool) -> dict[str, Any]:
    w_name, w_bytes = max(((k, v.nbytes) for k, v in g.weights.items()), key=lambda kv: kv[1], default=("", 0))
    a_bytes = activation["bytesFp32"] // (2 if fp16 and activation["float"] else 1)
    if w_bytes >= a_bytes:
        return {"bytes": int(w_bytes), "tensor": w_name, "kind": "weight"}
    return {"bytes": int(a_bytes), "tensor": activation["tensor"], "kind": "activation"}


def io_dtype(g: Graph) -> str:
    types = [vi.type.tensor_type.elem_type for vi in list(g.model.graph.input) + list(g.model.graph.output)]
    return "float16" if onnx.TensorProto.FLOAT16 in types else "float32"


def prepare(path: Path, chunk_bytes: int = DEFAULT_BUDGET) -> tuple[Graph, dict[str, Any]]:
    """Fold + fuse (+ split large attentions along their queries) once per graph; the variants start from copies."""
    t0 = time.time()
    raw = raw_stats(path)
    g = Graph.load(path)
    _, rounds = fold(g)
    merged = dedupe_weights(g)
    counts = op_counts(g.nodes)
    folded = {"nodes": sum(counts.values()), "rounds": rounds, "shapeOps": {k: counts.get(k, 0) for k in SHAPE_OPS}}
    att = fuse_attention(g)
    if att.unfused:
        raise RuntimeError(f"{path.name}: {len(att.unfused)} attention(s) left unfused: {att.unfused}")
    chunks = chunk_attention(g, chunk_bytes, planning_sizes(g)) if chunk_bytes > 0 else None
    counts = op_counts(g.nodes)
    left_softmax = sum(1 for n in iter_all_nodes(g.nodes) if n.op_type == "Softmax")
    stats = {
        "before": raw,
        "afterFold": folded,
        "afterFusion": {"nodes": sum(counts.values()), "shapeOps": {k: counts.get(k, 0) for k in SHAPE_OPS}},
        "attention": {"found": att.softmax, "fused": att.fused, "otherSoftmax": att.other_softmax,
                      "softmaxLeft": left_softmax, "fusedShapes": att.shapes},
        "attentionChunks": None if chunks is None else {
            "budgetBytes": chunk_bytes, "split": chunks.split, "nodesAdded": chunks.nodes_added,
            "largestScoresBefore": chunks.largest_scores_before, "largestScoresAfter": chunks.largest_scores_after,
            "details": chunks.details},
        "duplicateWeightsMerged": merged,
        "dynamicAxes": dynamic_axes(g),
        "largestActivation": largest_activation(g),
    }
    log(f"{path.name} ({time.time() - t0:.1f} s): {raw['nodes']} -> {folded['nodes']} nodes folded in {rounds} rounds -> {stats['afterFusion']['nodes']} fused; "
        f"attention {att.fused}/{att.softmax}; shape ops left {stats['afterFusion']['shapeOps']}")
    return g, stats


# The order build_variant_graph applies its steps in (a prefix ending in "-" or ":" stands for its family): the
# manifest lists the union over the graphs in this order.
TRANSFORM_ORDER = ("fold-shapes", "fused-attention", "attention-query-chunks", "matmul-nbits-8-sensitive",
                   "matmul-nbits-", "gather-block-quantized-", "fp16", "fp16-weights-float32-compute:",
                   "chunked-external-data")


def transform_rank(t: str) -> int:
    for i, o in enumerate(TRANSFORM_ORDER):
        if t == o or (o[-1] in "-:" and t.startswith(o)):
            return i
    return len(TRANSFORM_ORDER)


def build_variant_graph(base: Graph, spec: dict[str, Any], chunked: bool = False, role: str = ""
                        ) -> tuple[Graph, dict[str, Any], list[str]]:
    from quantize_weights import quantize, quantize_embeddings
    from to_fp16 import convert, weights_to_fp16

    g = base.copy()
    transforms = ["fold-shapes", "fused-attention"] + (["attention-query-chunks"] if chunked else [])
    info: dict[str, Any] = {}
    if spec.get("keep8"):  # mixed precision: the sensitive layers at 8 bits first, the rest at spec["bits"]
        info["matmulNBits8"] = quantize(g, 8, include=tuple(spec["keep8"]))
        if info["matmulNBits8"]["quantized"]:
            transforms.append("matmul-nbits-8-sensitive")
    if spec["bits"]:
        info["matmulNBits"] = quantize(g, spec["bits"], algo=spec.get("algo", "default"))
        transforms.append(f"matmul-nbits-{spec['bits']}" + ("-hqq" if spec.get("algo") == "hqq" else ""))
    if spec.get("embedBits"):
        info["embeddings"] = quantize_embeddings(g, spec["embedBits"])
        if info["embeddings"]["tables"]:
            transforms.append(f"gather-block-quantized-{spec['embedBits']}")
    if spec["fp16"] and role in spec.get("float32Compute", ()):
        info["fp16Weights"] = weights_to_fp16(g)
        transforms.append(f"fp16-weights-float32-compute:{role}")
    elif spec["fp16"]:
        info["fp16"] = convert(g)
        transforms.append("fp16")
    g.prune()
    g.toposort()
    transforms.append("chunked-external-data")
    counts = op_counts(g.nodes)
    info["nodes"] = sum(counts.values())
    info["ops"] = counts
    return g, info, transforms


def verify_load(path: Path) -> str:
    """onnxruntime (CPU EP) opens the written graph with its external data: every op resolves, every type checks.
    Basic optimisations only: the extended ones cost minutes on the full-size graphs and prove nothing more."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.log_severity_level = 3
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    return f"ok ({len(sess.get_inputs())} inputs)"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("pack", type=Path, help="exported pack directory (with manifest.json)")
    p.add_argument("out", type=Path, help="output directory: one sub-directory per variant")
    p.add_argument("--variants", default="fp32-fused,fp16,q4f16,q8f16,q4")
    p.add_argument("--variant-spec", action="append", default=[], metavar="NAME=JSON",
                   help='define or override a variant, e.g. q4-hqq=\'{"precision":"q4f16","bits":4,"fp16":true,'
                        '"algo":"hqq","embedBits":4,"keep8":["/backbone/layers.31/"]}\'')
    p.add_argument("--chunk-mb", action="append", default=[],
                   help="largest chunk file in MiB (default 512); FILE=N overrides it for one graph file, "
                        "e.g. --chunk-mb 0.25 --chunk-mb text.onnx=3.1")
    p.add_argument("--extra-entries", type=Path,
                   help="JSON {graphs: {role: entry}, memoryConstants?} of graphs that are in the pack directory but "
                        "not in its manifest (the tiny memory graphs); their variants go to extra-entries.json")
    p.add_argument("--no-verify-load", action="store_true", help="skip opening each written graph with onnxruntime")
    p.add_argument("--attention-chunk-mb", type=float, default=DEFAULT_BUDGET / 2**20,
                   help="split attentions whose float32 score matrix exceeds this many MiB along their queries "
                        "(chunk_attention.py; 0 keeps every attention whole)")
    a = p.parse_args(argv)

    for s in a.variant_spec:
        name, _, js = s.partition("=")
        VARIANTS[name] = {"bits": None, "fp16": False, **json.loads(js)}
    names = [v.strip() for v in a.variants.split(",") if v.strip()]
    unknown = [v for v in names if v not in VARIANTS]
    if unknown:
        p.error(f"unknown variant(s) {unknown}; choose from {sorted(VARIANTS)}")
    default_mb, per_file_mb = parse_chunk_mb(a.chunk_mb)
    manifest = json.loads((a.pack / "manifest.json").read_text())
    extra = json.loads(a.extra_entries.read_text()) if a.extra_entries else None
    entries = graph_entries(manifest, extra)
    a.out.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"base": {"id": manifest["id"], "dir": str(a.pack)}, "command": " ".join(sys.argv),
                              "chunkMiB": {"default": default_mb, **per_file_mb}, "graphs": {}, "variants": {}}
    outs: dict[str, dict[str, Any]] = {v: {"graphs": {}, "extra": {}, "largest": {"bytes": 0}, "transforms": []}
                                       for v in names}

    any_chunked = False
    for role, entry, listed in entries:
        src = a.pack / entry["file"]["path"]
        base, stats = prepare(src, int(a.attention_chunk_mb * 2**20))
        report["graphs"][role] = {"file": entry["file"]["path"], **stats, "variants": {}}
        any_chunked = any_chunked or bool(stats["attentionChunks"] and stats["attentionChunks"]["split"])
        for v in names:
            g, info, transforms = build_variant_graph(base, VARIANTS[v], any_chunked, role)
            largest = largest_tensor(g, stats["largestActivation"], VARIANTS[v]["fp16"])
            file_name = Path(entry["file"]["path"]).name
            chunk_bytes = int(per_file_mb.get(file_name, default_mb) * 1024 * 1024)
            saved = save_chunked(g, a.out / v, file_name, chunk_bytes)
            check = verify_chunks(saved.path)
            if check["problems"]:
                raise RuntimeError(f"{v}/{file_name}: {check['problems']}")
            file_ref, ext = saved.manifest_refs(a.out / v)
            new_entry = {**entry, "file": file_ref, "ioDtype": io_dtype(g)}
            new_entry.pop("externalData", None)
            if ext:
                new_entry["externalData"] = ext
            (outs[v]["graphs"] if listed else outs[v]["extra"])[role] = new_entry
            merged = outs[v]["transforms"] + [t for t in transforms if t not in outs[v]["transforms"]]
            outs[v]["transforms"] = sorted(merged, key=transform_rank)
            if largest["bytes"] > outs[v]["largest"]["bytes"]:
                outs[v]["largest"] = {**largest, "graph": role}
            loaded = "skipped" if a.no_verify_load else verify_load(saved.path)
            total = file_ref["size"] + sum(c["chunks"][0]["size"] for c in ext)
            report["graphs"][role]["variants"][v] = {
                **info, "bytes": total, "graphBytes": file_ref["size"], "chunks": len(ext),
                "chunkBytes": [c["chunks"][0]["size"] for c in ext], "ioDtype": new_entry["ioDtype"],
                "largestTensor": largest, "onnxruntimeLoad": loaded}
            log(f"  {v}/{file_name}: {info['nodes']} nodes, {total} bytes in {1 + len(ext)} files; "
                f"largest tensor {largest['tensor']} {largest['bytes']} B; load {loaded}")

    for v in names:
        spec = VARIANTS[v]
        d = a.out / v
        m = json.loads(json.dumps(manifest))
        m["id"] = f"{manifest['id']}-{v}"
        m["name"] = f"{manifest['name']} — {v}"
        m["description"] = (manifest.get("description", "") + f" Variant {v} built by tools/export/build_variants.py "
                            f"({', '.join(outs[v]['transforms'])}).").strip()
        tok = manifest["tokenizer"]["file"]["path"]
        shutil.copyfile(a.pack / tok, d / Path(tok).name)
        m["tokenizer"]["file"] = {"path": Path(tok).name, "size": (d / Path(tok).name).stat().st_size,
                                  "sha256": sha256_file(d / Path(tok).name)}
        m["graphs"] = outs[v]["graphs"]
        constants = manifest.get("memoryConstants") or (extra or {}).get("memoryConstants")
        if constants:
            shutil.copyfile(a.pack / constants["path"], d / Path(constants["path"]).name)
            ref = {"path": Path(constants["path"]).name, "size": (d / Path(constants["path"]).name).stat().st_size,
                   "sha256": sha256_file(d / Path(constants["path"]).name)}
            if "memoryConstants" in manifest:
                m["memoryConstants"] = ref
        largest = outs[v]["largest"]
        m["variant"] = {
            "precision": spec["precision"],
            "transforms": outs[v]["transforms"],
            "requires": {"shaderF16": bool(spec["fp16"]), "maxBufferSize": int(largest["bytes"]),
                         "maxStorageBufferBindingSize": int(largest["bytes"])},
            "baseId": manifest["id"],
        }
        (d / "manifest.json").write_text(json.dumps(m, indent=2) + "\n")
        if outs[v]["extra"]:
            extra_out: dict[str, Any] = {"_note": (extra or {}).get("_note", ""), "graphs": outs[v]["extra"]}
            if constants and "memoryConstants" not in manifest:
                extra_out["memoryConstants"] = ref
            (d / "extra-entries.json").write_text(json.dumps(extra_out, indent=2) + "\n")
        files = [d / "manifest.json"] + [p for p in d.iterdir() if p.name != "manifest.json"]
        report["variants"][v] = {"id": m["id"], "precision": spec["precision"], "transforms": outs[v]["transforms"],
                                 "requires": m["variant"]["requires"], "largestTensor": largest,
                                 "bytes": sum(p.stat().st_size for p in files if p.is_file()),
                                 "manifestBytes": sum(p.stat().st_size for p in files
                                                      if p.is_file() and _listed(m, p.name))}
        log(f"{v}: {report['variants'][v]['bytes']} bytes, requires {m['variant']['requires']}")
    (a.out / "build-report.json").write_text(json.dumps(report, indent=2) + "\n")
    log(f"wrote {a.out / 'build-report.json'}")
    return 0


def _listed(m: dict[str, Any], name: str) -> bool:
    refs = [m["tokenizer"]["file"]["path"]] + ([m["memoryConstants"]["path"]] if "memoryConstants" in m else [])
    for g in m["graphs"].values():
        refs.append(g["file"]["path"])
        refs += [c["path"] for e in g.get("externalData", []) for c in e["chunks"]]
    return name in refs


if __name__ == "__main__":
    sys.exit(main())
