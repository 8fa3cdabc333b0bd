"""Constant folding for the fixed input size: every value that does not depend on a graph input's *data* becomes a
weight. With the image size fixed, the tracer's shape arithmetic (Shape → Gather → Mod/Div → Concat → Reshape, the
window-partition padding's `Mod`, constant `If`s) folds away; what remains computes on tensors only.

Why not onnxruntime's offline optimiser (ORT_ENABLE_BASIC + optimized_model_filepath): it folds the same shape
arithmetic, but it also folds image-independent tensors of any size into weights — the detector neck's sine position
encodings would become 113 MB of fp32 constants at 1008² (outputs `fpn_position_encoding_*`) — and it rewrites
MatMul+Add into Gemm, which the 4-bit MatMulNBits quantiser does not take. Here a folded value may not grow the
model: a result is kept only when it is small (≤ SMALL elements) or no larger than the constant inputs it replaces.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import helper, numpy_helper
from onnx.reference import ReferenceEvaluator

from graph_ir import Graph, subgraph_outer_inputs, subgraphs

SMALL = 65536  # elements: shape values, RoPE tables of windowed attention, masks of fixed size
NEVER_FOLD = {"RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike", "Multinomial", "Bernoulli",
              "If", "Loop", "Scan"}


def _evaluate(node: onnx.NodeProto, values: list[np.ndarray | None], opset: int) -> list[np.ndarray]:
    inputs = [f"i{k}" if name else "" for k, name in enumerate(node.input)]
    n = helper.make_node(node.op_type, inputs, [f"o{k}" for k in range(len(node.output))], domain=node.domain)
    n.attribute.extend(node.attribute)
    feeds = {f"i{k}": v for k, v in enumerate(values) if node.input[k]}
    sess = ReferenceEvaluator(n, opsets={"": opset})
    return [np.asarray(x) for x in sess.run(None, feeds)]


def _shape_value(g: Graph, node: onnx.NodeProto) -> np.ndarray | None:
    info = g.shapes.get(node.input[0])
    if info is None or not info.dims or not info.static:
        return None
    dims = [int(d) for d in info.dims]  # type: ignore[arg-type]
    if node.op_type == "Size":
        return np.array(int(np.prod(dims)), dtype=np.int64)
    start, end = 0, len(dims)
    for a in node.attribute:
        if a.name == "start":
            start = a.i
        elif a.name == "end":
            end = a.i
    return np.array(dims[slice(start, end)], dtype=np.int64)


def _inline_constant_if(g: Graph, node: onnx.NodeProto) -> list[onnx.NodeProto] | None:
    """An If whose condition is a known constant is replaced by the nodes of the branch it takes."""
    cond = g.weights.get(node.input[0])
    if cond is None:
        return None
    branch_name = "then_branch" if bool(np.asarray(cond).reshape(-1)[0]) else "else_branch"
    branch = next(a.g for a in node.attribute if a.name == branch_name)
    rename: dict[str, str] = {}
    out: list[onnx.NodeProto] = []
    for init in branch.initializer:
        rename[init.name] = g.add_weight(f"{node.name}_{init.name}", numpy_helper.to_array(init))
    for bn in branch.node:
        c = onnx.NodeProto()
        c.CopyFrom(bn)
        c.name = g.fresh(bn.name or bn.op_type)
        for i, name in enumerate(c.input):
            if name in rename:
                c.input[i] = rename[name]
        for i, name in enumerate(c.output):
            new = g.fresh(name or "v")
            rename[name] = new
            c.output[i] = new
        if c.op_type == "Constant":
            from graph_ir import constant_value

            g.weights[c.output[0]] = constant_value(c)  # type: ignore[assignment]
            continue
        out.append(c)
    # The If's outputs are the branch outputs: an Identity keeps the If's output names.
    for if_out, b_out in zip(node.output, branch.output):
        out.append(helper.make_node("Identity", [rename.get(b_out.name, b_out.name)], [if_out],
                                    name=g.fresh("if_inline")))
    return out


def drop_noop_casts(g: Graph) -> int:
    """Cast nodes whose input already has the target type (the tracer's `.to(dtype)` on float32 values) are bypassed:
    they cost a dispatch each and confuse onnxruntime's CPU cast insertion once the graph is float16."""
    removed = 0
    outputs = g.output_names
    for n in list(g.nodes):
        if n.op_type != "Cast" or n.domain or n.output[0] in outputs:
            continue
        to = next((a.i for a in n.attribute if a.name == "to"), None)
        src = g.shapes.get(n.input[0])
        if src is not None and src.elem_type == to:
            g.nodes.remove(n)
            g.rename_value(n.output[0], n.input[0])
            removed += 1
    return removed


def fold(g: Graph) -> tuple[int, int]:
    """Folds until nothing changes (a fixed point); returns (nodes removed, rounds run).

    One round folds every node whose inputs are constant in topological order, but the shapes it learns are inferred
    again only at the start of the next round: a Reshape whose target became constant this round gets its output
    shape next round, and only then can the following layer's `Shape` fold. A traced ViT therefore unlocks about one
    layer per round (57 rounds for SAM 3's 32-layer trunk), so no round cap can be right for every depth. The loop
    ends because every round that changes something removes a node or inlines a constant `If` (both finite)."""
    before = len(g.nodes)
    rounds = 0
    while True:
        rounds += 1
        g.infer_shapes()
        changed = False
        new_nodes: list[onnx.NodeProto] = []
        g.toposort()
        for node in g.nodes:
            if node.op_type == "If" and not node.domain:
                inlined = _inline_constant_if(g, node)
                if inlined is not None:
                    new_nodes.extend(inlined)
                    changed = True
                    continue
            folded = _try_fold(g, node)
            if folded:
                changed = True
                continue
            new_nodes.append(node)
        g.nodes = new_nodes
        changed = drop_noop_casts(g) > 0 or changed
        g.prune()
        if not changed:
            break
    g.toposort()
    g.infer_shapes()
    return before - len(g.nodes), rounds


def _try_fold(g: Graph, node: onnx.NodeProto) -> bool:
    if node.domain not in ("", "ai.onnx") or node.op_type in NEVER_FOLD or subgraphs(node):
        return False
    if any(o in g.output_names for o in node.output):
        return False  # graph outputs keep their producer (a constant output would need an Identity anyway)
    if node.op_type in ("Shape", "Size"):
        value = _shape_value(g, node)
        if value is None:
            return False
        g.weights[node.output[0]] = value
        return True
    names = [i for i in node.input if i]
    if not names or any(i not in g.weights for i in names) or subgraph_outer_inputs(node):
        return False
    values = [g.weights.get(i) if i else None for i in node.input]
    in_elems = max((v.size for v in values if v is not None), default=0)
    try:
        outs = _evaluate(node, values, g.opset)
    except Exception:  # noqa: BLE001 - an op the reference evaluator lacks stays in the graph
        return False
    if any(o.size > SMALL and o.size > in_elems for o in outs):
        return False
    for name, value in zip(node.output, outs):
        if name:
            g.weights[name] = value
    return True


def dedupe_weights(g: Graph, min_elements: int = 16) -> int:
    """Identical weights (e.g. one weight transposed twice by folding) become one."""
    import hashlib

    by_key: dict[tuple[str, tuple[int, ...], str], str] = {}
    rename: dict[str, str] = {}
    outputs = g.output_names
    for name, value in g.weights.items():
        if value.size < min_elements or name in outputs:
            continue
        key = (str(value.dtype), tuple(value.shape), hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest())
        if key in by_key:
            rename[name] = by_key[key]
        else:
            by_key[key] = name
    for old, new in rename.items():
        g.rename_value(old, new)
        del g.weights[old]
    return len(rename)
