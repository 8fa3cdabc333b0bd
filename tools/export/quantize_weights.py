"""Weight-only N-bit quantisation of MatMul weights into `com.microsoft.MatMulNBits` (4-bit for q4f16, 8-bit for
q8f16), with onnxruntime's own quantiser (onnxruntime.quantization.matmul_nbits_quantizer, block-wise affine with
zero points). Runs on the float32 graph, before to_fp16, so scales are computed from float32 weights; to_fp16 then
turns the activations and scales to float16.

Only MatMuls whose second input is a 2-D constant (the linear layers: ViT, CLIP text encoder, DETR, tracker, memory
attention) are quantised. Convolutions and attention itself stay float. MatMuls with an inner dimension below `min_k`
(tiny fixtures' 8-wide heads) are skipped too: a block would be most of a row. `include` limits the MatMuls to
those whose node names start with one of the given prefixes (mixed precision: a first pass at 8 bits over the
sensitive layers, then 4 bits over the rest); `algo="hqq"` uses onnxruntime's HQQ quantiser (half-quadratic
optimisation of scales and zero points) instead of min/max round-to-nearest.

`quantize_embeddings` turns large embedding tables read by a Gather (CLIP's 49408 × 1024 token table: 202 MB of
float32, 101 MB of float16) into `com.microsoft.GatherBlockQuantized`: uint8 data with two 4-bit values per byte
(low nibble first), one scale and one zero point per block of 32 along the embedding axis, zero points packed the
same way — the layout onnxruntime's CPU (hence WASM) and WebGPU kernels read with `bits=4`. Only the gathered rows
are ever dequantised.
"""

from __future__ import annotations

import logging

import numpy as np
import onnx
from onnx import numpy_helper

from graph_ir import Graph

BATCH_BYTES = 256 << 20


def _batches(nodes: list[onnx.NodeProto], g: Graph) -> list[list[onnx.NodeProto]]:
    out: list[list[onnx.NodeProto]] = [[]]
    size = 0
    seen: set[str] = set()
    for n in nodes:
        w = 0 if n.input[1] in seen else g.weights[n.input[1]].nbytes
        if out[-1] and size + w > BATCH_BYTES:
            out.append([])
            size = 0
            seen = set()
            w = g.weights[n.input[1]].nbytes
        out[-1].append(n)
        seen.add(n.input[1])
        size += w
    return out


def quantize(g: Graph, bits: int, block_size: int = 32, min_k: int = 16, algo: str = "default",
             include: tuple[str, ...] | None = None) -> dict[str, int]:
    from onnxruntime.quantization.matmul_nbits_quantizer import HQQWeightOnlyQuantConfig, MatMulNBitsQuantizer

    logging.getLogger("onnxruntime.quantization").setLevel(logging.WARNING)
    candidates = []
    for n in g.nodes:
        if n.op_type != "MatMul" or n.domain:
            continue
        if include is not None and not n.name.startswith(include):
            continue
        w = g.weights.get(n.input[1])
        if w is not None and w.ndim == 2 and w.dtype == np.float32 and w.shape[0] >= min_k:
            candidates.append(n)
    if not candidates:
        return {"quantized": 0, "matmuls": sum(1 for n in g.nodes if n.op_type == "MatMul")}
    # The quantiser only needs the MatMul nodes and their weights: hand it models of just those, in batches of at most
    # BATCH_BYTES of weights, so multi-GB graphs never pass through one protobuf (2 GB limit).
    replaced: dict[str, onnx.NodeProto] = {}
    new_weights: dict[str, np.ndarray] = {}
    used = {n.input[1] for n in candidates}
    for batch in _batches(candidates, g):
        sub = onnx.ModelProto()
        sub.CopyFrom(g.model)
        del sub.graph.input[:]
        del sub.graph.output[:]
        sub.graph.node.extend(batch)
        for k in dict.fromkeys(n.input[1] for n in batch):
            sub.graph.initializer.append(numpy_helper.from_array(g.weights[k], k))
        for n in batch:
            sub.graph.input.append(onnx.helper.make_tensor_value_info(n.input[0], onnx.TensorProto.FLOAT, None))
            sub.graph.output.append(onnx.helper.make_tensor_value_info(n.output[0], onnx.TensorProto.FLOAT, None))
        cfg = HQQWeightOnlyQuantConfig(block_size=block_size, bits=bits) if algo == "hqq" else None
        q = MatMulNBitsQuantizer(sub, bits=bits, block_size=block_size, is_symmetric=False,
                                 nodes_to_include=[n.name for n in batch], algo_config=cfg)
        q.process()
        qm = q.model.model
        replaced.update({n.output[0]: n for n in qm.graph.node})
        new_weights.update({init.name: numpy_helper.to_array(init) for init in qm.graph.initializer
                            if init.name not in used})
    names = {n.name for n in candidates}
    count = 0
    out_nodes = []
    for n in g.nodes:
        r = replaced.get(n.output[0]) if n.name in names else None
        if r is not None and r.op_type == "MatMulNBits":
            count += 1
            out_nodes.append(r)
        else:
            out_nodes.append(n)
    g.nodes = out_nodes
    g.weights.update(new_weights)
    g.use_domain("com.microsoft")
    g.prune()
    return {"quantized": count, "matmuls": count + sum(1 for n in g.nodes if n.op_type == "MatMul")}


def _pack4(q: np.ndarray) -> np.ndarray:
    """uint8 values < 16 along the last axis (even length) → two per byte, low nibble first."""
    return (q[..., 0::2] | (q[..., 1::2] << 4)).astype(np.uint8)


def blockwise_affine(w: np.ndarray, bits: int, block_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of `w` [N, K] in blocks of `block_size` along K: (q uint8 [N, K], scales float32 [N, K/B], zero points
    uint8 [N, K/B]); min/max include 0, as onnxruntime's quantiser does."""
    n, k = w.shape
    qmax = 2**bits - 1
    blocks = w.reshape(n, k // block_size, block_size).astype(np.float32)
    lo = np.minimum(blocks.min(-1), 0)
    hi = np.maximum(blocks.max(-1), 0)
    scale = (hi - lo) / qmax
    scale[scale == 0] = 1
    zp = np.clip(np.round(-lo / scale), 0, qmax).astype(np.uint8)
    q = np.clip(np.round(blocks / scale[..., None]) + zp[..., None], 0, qmax).astype(np.uint8)
    return q.reshape(n, k), scale.astype(np.float32), zp


def quantize_embeddings(g: Graph, bits: int = 4, block_size: int = 32, min_elements: int = 1 << 20) -> dict[str, int]:
    """Gathers from float32 tables of at least `min_elements` (2-D, gathered along axis 0, rows a multiple of the
    block) → com.microsoft.GatherBlockQuantized. Returns {"tables": count, "bytesBefore", "bytesAfter"}."""
    out = {"tables": 0, "bytesBefore": 0, "bytesAfter": 0}
    nodes = []
    for n in g.nodes:
        w = g.weights.get(n.input[0]) if n.op_type == "Gather" and not n.domain else None
        axis = next((a.i for a in n.attribute if a.name == "axis"), 0)
        if (w is None or w.dtype != np.float32 or w.ndim != 2 or w.size < min_elements or axis != 0
                or w.shape[1] % block_size or (bits == 4 and (w.shape[1] // block_size) % 2)):
            nodes.append(n)
            continue
        q, scale, zp = blockwise_affine(w, bits, block_size)
        data, zps = (_pack4(q), _pack4(zp)) if bits == 4 else (q, zp)
        names = [g.add_weight(f"{n.input[0]}_q{bits}", data), n.input[1], g.add_weight(f"{n.input[0]}_scales", scale),
                 g.add_weight(f"{n.input[0]}_zero_points", zps)]
        nodes.append(onnx.helper.make_node("GatherBlockQuantized", names, list(n.output), name=g.fresh(f"{n.name}_q{bits}"),
                                           domain="com.microsoft", gather_axis=0, quantize_axis=1,
                                           block_size=block_size, bits=bits))
        out["tables"] += 1
        out["bytesBefore"] += int(w.nbytes)
        out["bytesAfter"] += int(data.nbytes + scale.nbytes + zps.nbytes)
    if out["tables"]:
        g.nodes = nodes
        g.use_domain("com.microsoft")
        g.prune()
    return out
