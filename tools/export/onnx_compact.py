"""Lossless size reduction of an exported ONNX graph: identical constant tensors (the legacy tracer emits one copy of
the RoPE cos/sin tables per attention call) are merged into one initializer, doc strings and node names are dropped
and intermediate values get short names. Graph inputs, outputs, initializers (weights keep their names), the ops and
every value are unchanged."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import onnx
from onnx import TensorProto

from common import log

MIN_ELEMENTS = 16  # smaller constants are not worth merging


def _key(t: TensorProto) -> str:
    return hashlib.sha256(t.SerializeToString(deterministic=True).replace(t.name.encode(), b"")).hexdigest()


def compact(path: Path) -> tuple[int, int]:
    model = onnx.load(str(path))
    g = model.graph
    before = path.stat().st_size
    by_key: dict[str, str] = {}
    rename: dict[str, str] = {}
    for init in g.initializer:
        by_key.setdefault(_key(init), init.name)
    keep = []
    for node in g.node:
        node.doc_string = ""
        if node.op_type == "Constant" and len(node.attribute) == 1 and node.attribute[0].name == "value":
            t = node.attribute[0].t
            n = 1
            for d in t.dims:
                n *= d
            if t.dims and n >= MIN_ELEMENTS:
                k = _key(t)
                if k in by_key:
                    rename[node.output[0]] = by_key[k]
                    continue
                t = onnx.TensorProto.FromString(t.SerializeToString())
                t.name = node.output[0]
                g.initializer.append(t)
                by_key[k] = t.name
                continue
        keep.append(node)
    for node in keep:
        for i, name in enumerate(node.input):
            if name in rename:
                node.input[i] = rename[name]
    for out in g.output:
        if out.name in rename:
            raise RuntimeError(f"{path.name}: output {out.name} is a merged constant")
    # Short names for intermediate values and nodes (the tracer's module paths are most of a small graph's bytes).
    io = {v.name for v in g.input} | {v.name for v in g.output}
    short: dict[str, str] = {}
    for node in keep:
        node.name = ""
        for i, name in enumerate(node.output):
            if name and name not in io:
                short[name] = f"v{len(short)}"
                node.output[i] = short[name]
    def rename_inputs(nodes: Iterable[onnx.NodeProto]) -> None:
        for node in nodes:
            for i, name in enumerate(node.input):
                if name in short:
                    node.input[i] = short[name]
            for attr in node.attribute:  # If / Loop bodies read outer values by name
                for sub in ([attr.g] if attr.HasField("g") else []) + list(attr.graphs):
                    for o in sub.output:
                        if o.name in short:
                            o.name = short[o.name]
                    rename_inputs(sub.node)

    rename_inputs(keep)
    for init in g.initializer:
        if init.name in short:
            raise RuntimeError(f"{path.name}: initializer {init.name} is also a node output")
    del g.value_info[:]
    del g.node[:]
    g.node.extend(keep)
    g.doc_string = ""
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    after = path.stat().st_size
    log(f"compacted {path.name}: {before} -> {after} bytes ({len(rename)} duplicate constants merged)")
    return before, after
