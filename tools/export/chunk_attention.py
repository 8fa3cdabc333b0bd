"""Splits every large fused attention along its queries, so that no kernel needs a [heads, S, T] score matrix
larger than a budget.

onnxruntime's WebGPU EP runs `com.microsoft.MultiHeadAttention` with flash attention (no score matrix), but its CPU
EP — the WASM build a browser falls back to, and onnxruntime-node — takes its tiled flash path only for float32
without `present_key`/`present_value` outputs and without an attention bias; otherwise it computes Q·Kᵀ for all
queries at once. At 1008² the ViT's four global layers would each need 16 × 5184² float32 scores (1.72 GB), the
DETR encoder 8 × 5184² (0.86 GB) and the memory attention's cross-attention over seven frames 5184 × 36288 (0.75 GB)
— more than a 32-bit WASM heap can spare (4 GiB in all).

Queries are independent in attention (softmax runs over keys), so splitting Q into row blocks, attending each block
to the same K and V and concatenating the outputs computes the same values. Each block's score matrix is at most
`budget_bytes` (float32); key/value and the bias are shared (a bias with a query axis is split like Q). Attentions
whose query length is dynamic (prompt tokens) are small and stay whole.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import onnx

from graph_ir import Graph

MS = "com.microsoft"
DEFAULT_BUDGET = 256 * 2**20  # bytes of float32 scores per MultiHeadAttention node


@dataclass
class ChunkReport:
    split: int = 0  # attentions split
    nodes_added: int = 0  # MultiHeadAttention nodes after splitting minus before
    largest_scores_before: int = 0  # bytes of the largest float32 score matrix before / after
    largest_scores_after: int = 0
    details: list[str] = field(default_factory=list)


def _dims(g: Graph, name: str) -> list[int | str | None] | None:
    info = g.shapes.get(name)
    return None if info is None else list(info.dims)


def _static(x: object) -> bool:
    return isinstance(x, int)


def score_bytes(g: Graph, node: onnx.NodeProto, planning: dict[str, int] | None = None) -> tuple[int, int] | None:
    """(bytes of the float32 score matrix, query length S) of one MultiHeadAttention, or None when S is dynamic.
    A dynamic key length takes its planning size (e.g. the memory bank's seven frames); one that shape inference
    renamed (concatenated memory and pointer tokens) the largest planning size."""
    q, k = _dims(g, node.input[0]), _dims(g, node.input[1])
    if not q or not k or len(q) != 3 or len(k) not in (3, 4) or not _static(q[1]):
        return None
    t_dim = k[1] if len(k) == 3 else k[2]  # key as BSD [B, T, N·H] or BNSH [B, N, T, H]
    heads = next((a.i for a in node.attribute if a.name == "num_heads"), None)
    batch = q[0] if _static(q[0]) else 1
    plan = planning or {}
    t = t_dim if _static(t_dim) else plan.get(str(t_dim), max(plan.values(), default=None))
    if heads is None or t is None:
        return None
    return int(batch) * int(heads) * int(q[1]) * int(t) * 4, int(q[1])  # type: ignore[arg-type]


def chunk_attention(g: Graph, budget_bytes: int = DEFAULT_BUDGET, planning: dict[str, int] | None = None) -> ChunkReport:
    g.infer_shapes()
    report = ChunkReport()
    new_nodes: list[onnx.NodeProto] = []
    for node in g.nodes:
        if node.op_type != "MultiHeadAttention" or node.domain != MS:
            new_nodes.append(node)
            continue
        sized = score_bytes(g, node, planning)
        if sized is None:
            new_nodes.append(node)
            continue
        nbytes, s_len = sized
        report.largest_scores_before = max(report.largest_scores_before, nbytes)
        per_row = nbytes // s_len
        chunks = math.ceil(s_len / max(1, budget_bytes // per_row))  # blocks of at most budget_bytes each
        if chunks <= 1:
            report.largest_scores_after = max(report.largest_scores_after, nbytes)
            new_nodes.append(node)
            continue
        rows = math.ceil(s_len / chunks)
        sizes = [rows] * (s_len // rows) + ([s_len % rows] if s_len % rows else [])
        report.largest_scores_after = max(report.largest_scores_after, per_row * rows)
        new_nodes.extend(_split(g, node, sizes))
        report.split += 1
        report.nodes_added += len(sizes) - 1
        report.details.append(f"{node.name}: {nbytes / 2**20:.0f} MiB of scores → {len(sizes)} × {rows} queries")
    g.nodes = new_nodes
    g.toposort()
    g.infer_shapes()
    return report


def _split(g: Graph, node: onnx.NodeProto, sizes: list[int]) -> list[onnx.NodeProto]:
    out: list[onnx.NodeProto] = []
    split = g.add_weight(f"{node.name}/q_rows", np.array(sizes, dtype=np.int64))
    q_parts = g.make_node("Split", [node.input[0], split], n_out=len(sizes), hint=f"{node.name}/q_split", axis=1)
    out.append(q_parts)
    bias = node.input[5] if len(node.input) > 5 and node.input[5] else ""
    bias_parts: list[str] | None = None
    if bias:
        bd = _dims(g, bias)
        if bd is not None and len(bd) == 4 and bd[2] != 1:  # a bias with a query axis is split like Q
            b_split = g.make_node("Split", [bias, split], n_out=len(sizes), hint=f"{node.name}/bias_split", axis=2)
            out.append(b_split)
            bias_parts = list(b_split.output)
    parts: list[str] = []
    for i, q in enumerate(q_parts.output):
        inputs = list(node.input)
        inputs[0] = q
        if bias_parts is not None:
            inputs[5] = bias_parts[i]
        mha = onnx.NodeProto()
        mha.CopyFrom(node)
        mha.name = g.fresh(f"{node.name}/rows{i}")
        del mha.input[:]
        mha.input.extend(inputs)
        del mha.output[:]
        outs = [g.fresh(f"{node.name}/rows{i}_out")]
        # present_key/present_value (if any): the first block keeps the original names (K and V are the same for all).
        for o in node.output[1:]:
            outs.append(o if (i == 0 and o) else (g.fresh(f"{node.name}/rows{i}_present") if o else ""))
        mha.output.extend(outs)
        out.append(mha)
        parts.append(outs[0])
    out.append(onnx.helper.make_node("Concat", parts, [node.output[0]], name=g.fresh(f"{node.name}/rows_concat"),
                                     axis=1))
    return out
