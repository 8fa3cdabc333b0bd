"""Weight-only N-bit quantisation of MatMul weights into `com.microsoft.MatMulNBits` (4-bit for q4f16, 8-bit for
q8f16), with onnxruntime's own quantiser (onnxruntime.quantization.matmul_nbits_quantizer, block-wise affine with
zero points). Runs on the float32 graph, before to_fp16, so scales are computed from float32 weights; to_fp16 then
turns the activations and scales to float16.

Only MatMuls whose second input is a 2-D constant (the linear layers: ViT, CLIP text encoder, DETR, tracker, memory
attention) are quantised. Convolutions, the text token-embedding table (a Gather) and attention itself stay float.
MatMuls with an inner dimension below `min_k` (tiny fixtures' 8-wide heads) are skipped too: a block would be most
of a row.
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


def quantize(g: Graph, bits: int, block_size: int = 32, min_k: int = 16) -> dict[str, int]:
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    logging.getLogger("onnxruntime.quantization").setLevel(logging.WARNING)
    candidates = []
    for n in g.nodes:
        if n.op_type != "MatMul" or n.domain:
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
        q = MatMulNBitsQuantizer(sub, bits=bits, block_size=block_size, is_symmetric=False,
                                 nodes_to_include=[n.name for n in batch])
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
