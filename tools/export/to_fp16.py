"""float32 → float16 for a graph that already went through fold_shapes and fuse_attention (and optionally 4/8-bit
weight quantisation): weights and activations in float16, with float32 islands where float16 is unsafe.

Why not onnxruntime.transformers.float16.convert_float_to_float16: on SAM 3's vision graph it produced an invalid
model (`Range` fed float16 constants; blocking it then failed on duplicate Cast names, ../shared/gpu-machine.md),
and it cannot express "this sub-graph stays float32". This pass decides a precision per node and inserts one Cast per
(value, precision) where the producer's and the consumer's precisions differ.

float32 islands (kept float32, a Cast at their edges):
- reductions that sum many values (ReduceSum over a 288² mask counts up to 82 944 > float16's 65 504; ReduceMean,
  ReduceSumSquare, ReduceL1/L2, ReduceLogSumExp, ReduceProd, CumSum), `Range`, `RoiAlign` (float32 only on CPU, no
  WebGPU kernel) and any Softmax left unfused;
- coordinate → sine/cosine position encodings: every Sin/Cos and its ancestors up to the nearest heavy op (MatMul,
  Conv, attention, normalisation) or graph input, the random-Fourier projection of ≤ 4 coordinates included — the
  prompt points, exemplar boxes and DETR reference boxes feed sin(x·2π·f) with arguments in the tens, where
  float16's rounding (≈0.01–0.03 rad) would blur the encodings.
LayerNormalization stays float16: its `stash_type` (1 = float32) makes onnxruntime accumulate in float32 (the WebGPU
kernel sums in f32). Attention runs in float16 inside MultiHeadAttention (flash attention keeps its running max/sum
per query).

Graph I/O: float inputs and outputs become float16, except inputs whose every reader is a float32 island (prompt
coordinates such as the tracker's `input_points`), which stay float32. The engine's ORT layer narrows / widens per
input from the session's metadata, so nothing in the engine special-cases this.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from graph_ir import Graph, iter_all_nodes, subgraphs

F32, F16 = TensorProto.FLOAT, TensorProto.FLOAT16
FP16_MAX = 65504.0
KEEP_FP32_OPS = {"ReduceSum", "ReduceMean", "ReduceSumSquare", "ReduceL1", "ReduceL2", "ReduceLogSumExp",
                 "ReduceProd", "CumSum", "Range", "RoiAlign", "Softmax", "LogSoftmax"}
ISLAND_ROOTS = {"Sin", "Cos"}
HEAVY_OPS = {"MatMul", "Gemm", "Conv", "ConvTranspose", "MultiHeadAttention", "MatMulNBits", "LayerNormalization",
             "InstanceNormalization", "Einsum", "Resize", "GatherBlockQuantized"}
# Inputs whose type is fixed to float32 by the op schema (never cast to float16).
FIXED_F32_INPUTS = {("Resize", 2), ("Upsample", 1)}
# Inputs with their own type parameter: left in whatever precision their producer has.
FREE_INPUTS = {("Resize", 1)}


def _to_f16(a: np.ndarray) -> np.ndarray:
    return np.clip(a, -FP16_MAX, FP16_MAX).astype(np.float16)


def fp32_islands(g: Graph) -> set[int]:
    """ids of nodes that compute in float32."""
    prod = g.producers()
    keep: set[int] = set()
    stack = [n for n in g.nodes if n.op_type in KEEP_FP32_OPS | ISLAND_ROOTS]
    for n in stack:
        keep.add(id(n))
    # Ancestors of Sin/Cos up to heavy ops / graph inputs / weights.
    frontier = [n for n in g.nodes if n.op_type in ISLAND_ROOTS]
    while frontier:
        n = frontier.pop()
        for i in n.input:
            p = prod.get(i)
            if p is None or id(p) in keep or p.domain not in ("", "ai.onnx") or subgraphs(p):
                continue
            if p.op_type in HEAVY_OPS and not _is_coordinate_projection(g, p):
                continue
            if not _has_float_output(g, p):
                continue
            keep.add(id(p))
            frontier.append(p)
    return keep


def _is_coordinate_projection(g: Graph, n: onnx.NodeProto) -> bool:
    """A MatMul/Gemm of coordinates (≤ 4 per row) by a constant: the random-Fourier projection of prompt points and box
    corners before their sine/cosine. It belongs to the float32 island (cheap; float16 would round the phases)."""
    if n.op_type not in ("MatMul", "Gemm") or len(n.input) < 2:
        return False
    w = g.weights.get(n.input[1])
    return w is not None and w.ndim == 2 and w.shape[0] <= 4


def _is_float(g: Graph, name: str) -> bool:
    info = g.shapes.get(name)
    return info is not None and info.elem_type == F32


def _has_float_output(g: Graph, n: onnx.NodeProto) -> bool:
    return any(_is_float(g, o) for o in n.output if o)


def input_precisions(g: Graph, island: set[int], cons: dict[str, list[onnx.NodeProto]]) -> dict[str, int]:
    """The precision each float32 graph input takes: float32 when every reader is in a float32 island (prompt
    coordinates), else float16."""
    out: dict[str, int] = {}
    for vi in g.model.graph.input:
        if vi.type.tensor_type.elem_type != F32:
            continue
        readers = cons.get(vi.name, [])
        out[vi.name] = F32 if readers and all(id(r) in island for r in readers) else F16
    return out


def convert(g: Graph) -> dict[str, object]:
    """Converts in place; returns a summary for the report."""
    g.infer_shapes()
    island = fp32_islands(g)
    prod = g.producers()
    cons = g.consumers()
    # Precision each float value is produced in.
    produced: dict[str, int] = {}
    for n in g.nodes:
        for o in n.output:
            if o and _is_float(g, o):
                produced[o] = F32 if id(n) in island else F16
    input_types = input_precisions(g, island, cons)
    for vi in g.model.graph.input:
        if vi.name in input_types:
            produced[vi.name] = input_types[vi.name]
            vi.type.tensor_type.elem_type = input_types[vi.name]
    # Weights: float32 weights read by float16 nodes get a float16 copy (in place when nobody needs float32).
    weight_f16: dict[str, str] = {}
    weight_readers: dict[str, set[int]] = defaultdict(set)
    for n in g.nodes:
        for k, i in enumerate(n.input):
            want = _wants(n, k, island)
            if want is not None and i in g.weights and g.weights[i].dtype == np.float32:
                weight_readers[i].add(want)
    for name, wants in weight_readers.items():
        if F16 in wants and F32 in wants:
            weight_f16[name] = g.add_weight(f"{name}_fp16", _to_f16(g.weights[name]))
        elif F16 in wants:
            g.weights[name] = _to_f16(g.weights[name])
            weight_f16[name] = name
    for name in weight_f16.values():
        produced[name] = F16
    for name, w in g.weights.items():
        if w.dtype == np.float32:
            produced.setdefault(name, F32)

    casts: dict[tuple[str, int], str] = {}
    new_nodes: list[onnx.NodeProto] = []

    def cast(value: str, to: int) -> str:
        key = (value, to)
        if key not in casts:
            c = g.make_node("Cast", [value], hint=f"cast_{'f16' if to == F16 else 'f32'}", to=to)
            casts[key] = c.output[0]
            new_nodes.append(c)
        return casts[key]

    n_island = 0
    for n in g.nodes:
        in_island = id(n) in island
        n_island += in_island
        for k, i in enumerate(n.input):
            if not i:
                continue
            want = _wants(n, k, island)
            if want is None:
                continue
            if i in g.weights and g.weights[i].dtype in (np.float32, np.float16):
                if want == F16 and i in weight_f16:
                    n.input[k] = weight_f16[i]
                continue
            have = produced.get(i)
            if have is None or have == want:
                continue
            n.input[k] = cast(i, want)
        if not in_island:
            _retype_attributes(n)
        new_nodes.append(n)
    # Graph outputs: float16 (the engine widens them when it reads them).
    for vi in g.model.graph.output:
        if vi.type.tensor_type.elem_type != F32:
            continue
        have = produced.get(vi.name, F16)
        if have != F16:
            p = prod[vi.name]
            inner = g.fresh(vi.name + "_fp32")
            for k, o in enumerate(p.output):
                if o == vi.name:
                    p.output[k] = inner
            for c in cons.get(vi.name, []):
                for k, x in enumerate(c.input):
                    if x == vi.name:
                        c.input[k] = inner
            new_nodes.append(helper.make_node("Cast", [inner], [vi.name], name=g.fresh("cast_out"), to=F16))
        vi.type.tensor_type.elem_type = F16
    g.nodes = new_nodes
    # Casts to float16 of values that are float16 now (the float32 → float32 casts of the original graph).
    noop = 0
    for n in list(g.nodes):
        to = next((a.i for a in n.attribute if a.name == "to"), None) if n.op_type == "Cast" else None
        if to is not None and to == produced.get(n.input[0]) and n.output[0] not in g.output_names:
            g.nodes.remove(n)
            g.rename_value(n.output[0], n.input[0])
            noop += 1
    g.toposort()
    g.shapes = {}
    return {"fp32IslandNodes": n_island, "castsInserted": len(casts), "noopCastsRemoved": noop,
            "float32Inputs": sorted(k for k, v in input_types.items() if v == F32)}


def _wants(n: onnx.NodeProto, k: int, island: set[int]) -> int | None:
    """Precision node `n` wants on float input `k` (None: not a float input or free)."""
    if (n.op_type, k) in FREE_INPUTS:
        return None
    if (n.op_type, k) in FIXED_F32_INPUTS:
        return F32
    if n.op_type == "MatMulNBits" and k in (1, 3, 4):  # packed weights, zero points, g_idx
        return None
    if n.op_type in ("Shape", "Size"):
        return None
    return F32 if id(n) in island else F16


def _retype_attributes(n: onnx.NodeProto) -> None:
    """Float32-typed attributes of a node that now computes in float16."""
    for a in n.attribute:
        if n.op_type == "Cast" and a.name == "to" and a.i == F32:
            a.i = F16
        elif n.op_type == "ConstantOfShape" and a.name == "value" and a.t.data_type == F32:
            v = numpy_helper.to_array(a.t)
            a.t.CopyFrom(numpy_helper.from_array(_to_f16(v), a.t.name))
        elif a.type == onnx.AttributeProto.GRAPH:
            _retype_subgraph(a.g)
        elif a.type == onnx.AttributeProto.GRAPHS:
            for sub in a.graphs:
                _retype_subgraph(sub)


def _retype_subgraph(sub: onnx.GraphProto) -> None:
    """If/Loop bodies read float16 values from the enclosing graph: their float constants and outputs follow."""
    for init in sub.initializer:
        if init.data_type == F32:
            init.CopyFrom(numpy_helper.from_array(_to_f16(numpy_helper.to_array(init)), init.name))
    for n in sub.node:
        if n.op_type == "Constant":
            for a in n.attribute:
                if a.name == "value" and a.t.data_type == F32:
                    a.t.CopyFrom(numpy_helper.from_array(_to_f16(numpy_helper.to_array(a.t)), a.t.name))
        _retype_attributes(n)
    for vi in list(sub.output) + list(sub.value_info):
        if vi.type.tensor_type.elem_type == F32:
            vi.type.tensor_type.elem_type = F16



def weights_to_fp16(g: Graph, min_elements: int = 1024) -> dict[str, object]:
    """float16 storage, float32 compute: each float32 weight of at least `min_elements` values (and within float16's
    range) is stored as float16 and widened by a Cast to float32 where it is read; activations and I/O stay float32.
    onnxruntime folds the Casts when the session loads, so the graph computes exactly as the float32 graph with
    weights rounded to float16 (half the download). For a graph whose outputs float16 arithmetic disturbs more than a
    bound allows: the detector, whose scores go through query_proj · text (the random pack's calibration multiplies
    query_proj by 111): with float16 activations its |Δscore| against PyTorch was 0.0057, with float32 activations and
    everything else float16 0.0036 (tools/export/README "Size against accuracy").

    Float inputs that `convert` would make float16 (all but those read only by float32 islands: prompt coordinates)
    are float16 here too, widened by a Cast inside the graph: the float16 graphs before it (vision, text) hand over
    their outputs as they are — on WebGPU without a copy through the host. Outputs stay float32."""
    g.infer_shapes()
    island = fp32_islands(g)
    cons = g.consumers()
    precisions = input_precisions(g, island, cons)
    half_inputs = [vi for vi in g.model.graph.input if precisions.get(vi.name) == F16]
    input_casts = []
    for vi in half_inputs:
        c = g.make_node("Cast", [vi.name], hint="cast_input_f32", to=F32)
        for n in cons.get(vi.name, []):
            for k, i in enumerate(n.input):
                if i == vi.name:
                    n.input[k] = c.output[0]
        vi.type.tensor_type.elem_type = F16
        input_casts.append(c)
    g.shapes = {}
    widened: dict[str, str] = {}
    casts: list[onnx.NodeProto] = []
    before = after = 0
    for name in [k for k, w in g.weights.items() if w.dtype == np.float32 and w.size >= min_elements]:
        w = g.weights[name]
        if np.abs(w).max() > FP16_MAX:
            continue
        half = g.add_weight(f"{name}_fp16", w.astype(np.float16))
        c = g.make_node("Cast", [half], hint="cast_weight_f32", to=F32)
        widened[name] = c.output[0]
        casts.append(c)
        before += int(w.nbytes)
        after += int(g.weights[half].nbytes)
    for n in iter_all_nodes(g.nodes):
        for k, i in enumerate(n.input):
            if i in widened:
                n.input[k] = widened[i]
    g.nodes = input_casts + casts + g.nodes
    g.prune()
    g.toposort()
    return {"weightsWidened": len(casts), "bytesBefore": before, "bytesAfter": after,
            "float16Inputs": sorted(vi.name for vi in half_inputs)}
