"""Fuses every Softmax attention (MatMul Q·Kᵀ → scale → optional additive bias/mask → Softmax → MatMul V) into
onnxruntime's `com.microsoft.MultiHeadAttention`, so the [heads, S, T] score matrix is never materialised:
onnxruntime's WebGPU EP runs it with its flash-attention kernel, its CPU EP with a tiled kernel.

What the match accepts (found by pattern, whatever module produced it):
- Q·Kᵀ of rank 3 ([B·N, S, H], one head), 4 ([B, N, S, H]) or 5 with a leading 1 ([1, B, N, S, H], the SAM tracker's
  point-batch layout); Q and K may carry RoPE or anything else: they are taken as they reach the MatMul;
- any chain of scalar Mul/Div (scale), Add (additive bias or mask: DETR's box relative-position bias, text padding
  and causal masks) and Cast to float before the Softmax, and Cast after it.

How the MultiHeadAttention node is fed (formats every onnxruntime EP implements):
- query, key and value as BSD [B', S|T, N'·H] (format Q_K_V_BSNH, no packing, no QKV bias input, no
  key_padding_mask — the WebGPU kernel has none: masks go in as attention_bias). With BNSH key/value onnxruntime's
  CPU kernel (hence WASM) always materialises the [N', S, T] scores; with BSD and no present outputs it can take its
  tiled flash path;
- a static batch B > 1 (the ViT's 9 windows at 1008²) is folded into the heads (N' = B·N, B' = 1): each (window,
  head) pair attends within its own window either way, and onnxruntime's WebGPU flash-attention path requires batch 1;
- no present_key / present_value outputs: the CPU kernel's flash path requires their absence, and onnxruntime's
  WebGPU flash attention no longer asks for them since PR #26926 (Jan 2026; onnxruntime-web 1.30 has it). Unused
  present outputs also cost the CPU path a copy of K and V per attention that fragments its arena;
- attention_bias is [1 or B', 1 or N', S, T]: broadcast over batch/heads as the graph had it. onnxruntime issue
  #26766 (WebGPU MHA gave wrong results with a broadcast attention_bias) was fixed by PR #26769 (Dec 2025); the
  onnxruntime-node 1.30 Linux binary used here has the fix (its flash-attention shader indexes the bias through
  `attn_bias_dim0` / `attn_bias_dim1`). `expand_bias_heads=True` expands biases to every head for older runtimes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import onnx
from onnx import TensorProto, helper

from graph_ir import Graph, iter_all_nodes

MS = "com.microsoft"


@dataclass
class AttentionReport:
    softmax: int = 0  # Softmax nodes that are attention (followed by MatMul with V)
    fused: int = 0
    other_softmax: int = 0  # Softmax not used as attention (none in SAM 3)
    unfused: list[str] = field(default_factory=list)
    shapes: list[str] = field(default_factory=list)  # "B×N×S×T" per fused attention, for the report


@dataclass
class Match:
    softmax: onnx.NodeProto
    qk: onnx.NodeProto
    av: onnx.NodeProto
    removed: list[onnx.NodeProto]
    scale: float
    biases: list[tuple[str, float]]


def _scalar(g: Graph, name: str) -> float | None:
    v = g.weights.get(name)
    if v is None or v.size != 1 or v.dtype.kind != "f":
        return None
    return float(v.reshape(-1)[0])


def _single_consumer(cons: dict[str, list[onnx.NodeProto]], name: str, outputs: set[str]) -> onnx.NodeProto | None:
    c = cons.get(name, [])
    return c[0] if len(c) == 1 and name not in outputs else None


def _is_float_cast(n: onnx.NodeProto) -> bool:
    return n.op_type == "Cast" and any(a.name == "to" and a.i in (TensorProto.FLOAT, TensorProto.FLOAT16)
                                       for a in n.attribute)


def match_attention(g: Graph, sm: onnx.NodeProto, prod: dict[str, onnx.NodeProto],
                    cons: dict[str, list[onnx.NodeProto]]) -> Match | None:
    outputs = g.output_names
    info = g.shapes.get(sm.input[0])
    rank = len(info.dims) if info else 0
    axis = next((a.i for a in sm.attribute if a.name == "axis"), -1)
    if rank < 3 or axis not in (-1, rank - 1):
        return None
    removed = [sm]
    # Forward: optional float Casts, then MatMul(probabilities, V).
    cur = sm.output[0]
    while True:
        nxt = _single_consumer(cons, cur, outputs)
        if nxt is None:
            return None
        if _is_float_cast(nxt):
            removed.append(nxt)
            cur = nxt.output[0]
            continue
        if nxt.op_type == "MatMul" and nxt.input[0] == cur:
            av = nxt
            break
        return None
    # Backward: Cast / scalar Mul, Div / Add(bias) down to MatMul(Q, Kᵀ).
    chain: list[tuple[str, object]] = []  # from the Softmax back towards the MatMul

    def trace(value: str) -> onnx.NodeProto | None:
        p = prod.get(value)
        if p is None or _single_consumer(cons, value, outputs) is None:
            return None
        if p.op_type == "MatMul":
            return p
        if _is_float_cast(p):
            chain.append(("cast", None))
            removed.append(p)
            return trace(p.input[0])
        if p.op_type in ("Mul", "Div"):
            for k in (1, 0):
                s = _scalar(g, p.input[k])
                if s is not None and (p.op_type == "Mul" or k == 1):
                    chain.append(("scale", s if p.op_type == "Mul" else 1.0 / s))
                    removed.append(p)
                    return trace(p.input[1 - k])
            return None
        if p.op_type == "Add":
            for k in (0, 1):
                mark = (len(chain), len(removed))
                chain.append(("bias", p.input[1 - k]))
                removed.append(p)
                found = trace(p.input[k])
                if found is not None:
                    return found
                del chain[mark[0]:]
                del removed[mark[1]:]
            return None
        return None

    qk = trace(sm.input[0])
    if qk is None:
        return None
    removed.append(qk)
    scale = 1.0
    biases: list[tuple[str, float]] = []
    for kind, value in reversed(chain):  # from the MatMul towards the Softmax
        if kind == "scale":
            scale *= float(value)  # type: ignore[arg-type]
            biases = [(b, m * float(value)) for b, m in biases]  # type: ignore[arg-type]
        elif kind == "bias":
            biases.append((str(value), 1.0))
    return Match(sm, qk, av, removed, scale, biases)


def _const(g: Graph, hint: str, values: list[int]) -> str:
    return g.add_weight(hint, np.array(values, dtype=np.int64))


class _Builder:
    def __init__(self, g: Graph, prefix: str) -> None:
        self.g = g
        self.prefix = prefix
        self.nodes: list[onnx.NodeProto] = []

    def op(self, op: str, inputs: list[str], output: str | None = None, **attrs: object) -> str:
        n = self.g.make_node(op, inputs, hint=f"{self.prefix}/{op}", **attrs)
        if output is not None:
            n.output[0] = output
        self.nodes.append(n)
        return n.output[0]

    def reshape(self, x: str, shape: list[int], output: str | None = None) -> str:
        return self.op("Reshape", [x, _const(self.g, f"{self.prefix}/shape", shape)], output)

    def transpose(self, x: str, perm: list[int], output: str | None = None) -> str:
        return self.op("Transpose", [x], output, perm=perm)

    def squeeze0(self, x: str) -> str:
        return self.op("Squeeze", [x, _const(self.g, f"{self.prefix}/axes", [0])])

    def unsqueeze(self, x: str, axis: int, output: str | None = None) -> str:
        return self.op("Unsqueeze", [x, _const(self.g, f"{self.prefix}/axes", [axis])], output)


def _dims(g: Graph, name: str) -> list[int | str | None] | None:
    info = g.shapes.get(name)
    return list(info.dims) if info and info.dims else None


def fuse_one(g: Graph, m: Match, expand_bias_heads: bool = False) -> tuple[list[onnx.NodeProto], str] | None:
    q_name, kt_name, v_name = m.qk.input[0], m.qk.input[1], m.av.input[1]
    qd, kd, vd = _dims(g, q_name), _dims(g, kt_name), _dims(g, v_name)
    if qd is None or kd is None or vd is None or not (len(qd) == len(kd) == len(vd)):
        return None
    rank = len(qd)
    if rank not in (3, 4, 5) or (rank == 5 and qd[0] != 1):
        return None
    H, Hv = qd[-1], vd[-1]
    if not isinstance(H, int) or not isinstance(Hv, int) or (isinstance(kd[-2], int) and kd[-2] != H):
        return None
    if isinstance(kd[-1], int) and isinstance(vd[-2], int) and kd[-1] != vd[-2]:
        return None  # the MatMul found is not Q·Kᵀ of this V (e.g. a relative-position term): leave it unfused
    b = _Builder(g, m.av.name or "attention")
    elem = g.shapes[q_name].elem_type
    # Normalise to 4D BNSH.
    if rank == 5:
        q4, kt4, v4 = b.squeeze0(q_name), b.squeeze0(kt_name), b.squeeze0(v_name)
        B, N = qd[1], qd[2]
    elif rank == 3:
        q4, kt4, v4 = b.unsqueeze(q_name, 1), b.unsqueeze(kt_name, 1), b.unsqueeze(v_name, 1)
        B, N = qd[0], 1
    else:
        q4, kt4, v4 = q_name, kt_name, v_name
        B, N = qd[0], qd[1]
    if not isinstance(N, int):
        return None
    S, T = qd[-2], kd[-1]
    k4 = b.transpose(kt4, [0, 1, 3, 2])
    # Bias: broadcastable to [B, N, S, T] of the original scores (rank-aligned from the right).
    bias: str | None = None
    bias_dims: list[int | str | None] = []
    for name, mult in m.biases:
        bdims = _dims(g, name)
        if bdims is None:
            return None
        if mult != 1.0:
            name = b.op("Mul", [name, g.add_weight(f"{b.prefix}/bias_scale", np.array(mult, dtype=np.float32))])
        if bias is None:
            bias, bias_dims = name, bdims
        else:
            bias = b.op("Add", [bias, name])
            bias_dims = _broadcast(bias_dims, bdims)
    if bias is not None:
        while len(bias_dims) < rank:
            bias = b.unsqueeze(bias, 0)
            bias_dims = [1] + bias_dims
        if rank == 5:
            if bias_dims[0] != 1:
                return None
            bias = b.squeeze0(bias)
            bias_dims = bias_dims[1:]
        elif rank == 3:
            bias = b.unsqueeze(bias, 1)
            bias_dims = [bias_dims[0], 1] + bias_dims[1:]
        # MultiHeadAttention takes [1|B, 1|N, S, T]. Expand's two-way broadcast to [1, 1|N, S, T] gives exactly that
        # (the bias keeps its own batch/head extent) whether or not its query/key axes were broadcast.
        heads = N if expand_bias_heads else 1
        if bias_dims[2:] != [S, T] or (expand_bias_heads and bias_dims[1] != N):
            if isinstance(S, int) and isinstance(T, int):
                target = _const(g, f"{b.prefix}/bias_shape", [1, heads, S, T])
            else:  # dynamic prompt length (geometry tokens): the target comes from Q's and K's run-time shapes
                s_len = b.op("Shape", [q_name], start=-2, end=-1)
                t_len = b.op("Shape", [kt_name], start=-1)
                target = b.op("Concat", [_const(g, f"{b.prefix}/bias_lead", [1, heads]), s_len, t_len], axis=0)
            bias = b.op("Expand", [bias, target])
            d0 = bias_dims[0] if bias_dims[0] != 1 else 1
            d1 = bias_dims[1] if bias_dims[1] != 1 else heads
            bias_dims = [d0, d1, S, T]
    # Fold a static batch into the heads (flash attention wants batch 1).
    fold = isinstance(B, int) and B > 1
    if fold and bias is not None and not all(isinstance(d, int) for d in bias_dims[:2]):
        fold = False  # unknown bias batch/head extent: keep the batch (valid, only not flash-eligible on old runtimes)
    if fold and bias is not None:
        b0, b1 = bias_dims[0], bias_dims[1]
        if b0 == 1 and b1 == 1:
            pass  # broadcasts over every (window, head)
        elif b0 == 1 and b1 == N:
            bias = b.op("Tile", [bias, _const(g, f"{b.prefix}/repeats", [1, int(B), 1, 1])])  # type: ignore[arg-type]
        else:
            bias = b.op("Expand", [bias, _const(g, f"{b.prefix}/bias_shape", [int(B), N, int(S), int(T)])])  # type: ignore[arg-type]
            bias = b.reshape(bias, [1, int(B) * N, int(S), int(T)])  # type: ignore[arg-type]
    if fold:
        Bp, Np = 1, int(B) * N  # type: ignore[arg-type]
        q4 = b.reshape(q4, [1, Np, -1, H])
        k4 = b.reshape(k4, [1, Np, -1, H])
        v4 = b.reshape(v4, [1, Np, -1, Hv])
    else:
        Bp, Np = B, N
    q3 = b.reshape(b.transpose(q4, [0, 2, 1, 3]), [0, 0, Np * H])
    # Key and value as BSD too: onnxruntime's CPU kernel (the WASM build's) takes its tiled flash path only for BSD
    # key/value without present outputs; with BNSH key/value it always computes the whole score matrix.
    k3 = b.reshape(b.transpose(k4, [0, 2, 1, 3]), [0, 0, Np * H])
    v3 = b.reshape(b.transpose(v4, [0, 2, 1, 3]), [0, 0, Np * Hv])
    g.use_domain(MS)
    mha = g.make_node("MultiHeadAttention", [q3, k3, v3, "", "", bias or ""], n_out=1, hint=f"{b.prefix}/MHA",
                      domain=MS, num_heads=Np, scale=float(m.scale))
    b.nodes.append(mha)
    g.set_shape(mha.output[0], elem, [Bp, S, Np * Hv])
    out = m.av.output[0]
    x = b.transpose(b.reshape(mha.output[0], [0, 0, Np, Hv]), [0, 2, 1, 3],
                    output=out if (rank == 4 and not fold) else None)
    if fold:
        x = b.reshape(x, [int(B), N, -1, Hv], output=out if rank == 4 else None)  # type: ignore[arg-type]
    if rank == 5:
        b.unsqueeze(x, 0, output=out)
    elif rank == 3:
        b.op("Squeeze", [x, _const(g, f"{b.prefix}/axes", [1])], out)
    return b.nodes, f"{Bp}x{Np}x{S}x{T}" + (" +bias" if bias else "")


def _broadcast(a: list[int | str | None], b: list[int | str | None]) -> list[int | str | None]:
    n = max(len(a), len(b))
    a = [1] * (n - len(a)) + a
    b = [1] * (n - len(b)) + b
    return [y if x == 1 else x for x, y in zip(a, b)]


def fuse_attention(g: Graph, expand_bias_heads: bool = False) -> AttentionReport:
    g.infer_shapes()
    report = AttentionReport()
    prod, cons = g.producers(), g.consumers()
    replace: dict[int, list[onnx.NodeProto]] = {}
    drop: set[int] = set()
    for sm in [n for n in g.nodes if n.op_type == "Softmax" and not n.domain]:
        m = match_attention(g, sm, prod, cons)
        if m is None:
            report.other_softmax += 1
            continue
        report.softmax += 1
        fused = fuse_one(g, m, expand_bias_heads)
        if fused is None:
            report.unfused.append(sm.name or sm.output[0])
            continue
        nodes, shape = fused
        report.fused += 1
        report.shapes.append(shape)
        replace[id(m.av)] = nodes
        drop.update(id(n) for n in m.removed)
    new_nodes: list[onnx.NodeProto] = []
    for n in g.nodes:
        if id(n) in replace:
            new_nodes.extend(replace[id(n)])
        elif id(n) not in drop:
            new_nodes.append(n)
    g.nodes = new_nodes
    g.prune()
    g.toposort()
    simplify_layout(g)
    # Softmax inside subgraphs (If/Loop bodies) is not fused: count it so the caller can refuse the graph.
    nested = sum(1 for n in iter_all_nodes(g.nodes) if n.op_type == "Softmax") - sum(
        1 for n in g.nodes if n.op_type == "Softmax")
    if nested:
        report.unfused.extend([f"softmax in a subgraph #{i}" for i in range(nested)])
    return report


def simplify_layout(g: Graph, rounds: int = 4) -> int:
    """Peephole clean-up after fusion: Transpose∘Transpose → one (or none), Reshape∘Reshape → one, Reshape to the
    shape the tensor already has → nothing. Returns the number of nodes removed."""
    before = len(g.nodes)
    for _ in range(rounds):
        g.infer_shapes()
        prod = g.producers()
        changed = False
        for n in list(g.nodes):
            if n.op_type == "Transpose" and not n.domain:
                p = prod.get(n.input[0])
                if p is not None and p.op_type == "Transpose" and not p.domain:
                    p1 = _perm(p, g)
                    p2 = _perm(n, g)
                    if p1 is None or p2 is None:
                        continue
                    composed = [p1[i] for i in p2]
                    if composed == list(range(len(composed))) and n.output[0] not in g.output_names:
                        g.nodes.remove(n)
                        g.rename_value(n.output[0], p.input[0])
                    else:
                        n.input[0] = p.input[0]
                        del n.attribute[:]
                        n.attribute.append(helper.make_attribute("perm", composed))
                    changed = True
            elif n.op_type == "Reshape" and not n.domain:
                shape = g.weights.get(n.input[1])
                p = prod.get(n.input[0])
                if (shape is not None and p is not None and p.op_type == "Reshape" and not p.domain
                        and not np.any(shape == 0)):
                    n.input[0] = p.input[0]
                    changed = True
                    continue
                src, dst = g.shapes.get(n.input[0]), g.shapes.get(n.output[0])
                if (src and dst and src.static and dst.static and src.dims == dst.dims
                        and n.output[0] not in g.output_names):
                    g.nodes.remove(n)
                    g.rename_value(n.output[0], n.input[0])
                    changed = True
        g.prune()
        if not changed:
            break
    g.toposort()
    return before - len(g.nodes)


def _perm(n: onnx.NodeProto, g: Graph) -> list[int] | None:
    for a in n.attribute:
        if a.name == "perm":
            return list(a.ints)
    info = g.shapes.get(n.input[0])
    return list(reversed(range(len(info.dims)))) if info and info.dims else None
