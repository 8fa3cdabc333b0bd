"""Writes a graph as `NAME.onnx` + external data split into chunk files the browser downloads, caches and hands to
onnxruntime one by one: every chunk is its own external-data location (`vision.onnx.data`, `vision.onnx.data.1`,
…), every initializer lies wholly inside one chunk, and no chunk is larger than the limit. The manifest then lists
one chunk per location, so nothing is ever joined (onnxruntime-web matches `externalData[].path` against the
location stored in each initializer).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import numpy_helper

from common import sha256_file
from graph_ir import Graph

INLINE_BYTES = 1024  # initializers up to this size stay inside the .onnx file
ALIGN = 64  # byte alignment of each tensor inside its chunk (aligned typed-array views)


@dataclass
class SavedGraph:
    path: Path
    chunks: list[Path]

    def manifest_refs(self, root: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        def ref(p: Path) -> dict[str, Any]:
            return {"path": p.relative_to(root).as_posix(), "size": p.stat().st_size, "sha256": sha256_file(p)}

        ext = [{"location": c.name, "chunks": [ref(c)]} for c in self.chunks]
        return ref(self.path), ext


def chunk_name(graph_file: str, index: int) -> str:
    return f"{graph_file}.data" if index == 0 else f"{graph_file}.data.{index}"


def save_chunked(g: Graph, out_dir: Path, file_name: str, chunk_bytes: int) -> SavedGraph:
    out_dir.mkdir(parents=True, exist_ok=True)
    model = onnx.ModelProto()
    model.CopyFrom(g.model)
    model.graph.node.extend(g.nodes)
    # Chunk assignment in the order the graph first reads each weight (a chunk holds weights of neighbouring layers).
    order: list[str] = []
    seen: set[str] = set()
    for n in g.nodes:
        for i in n.input:
            if i in g.weights and i not in seen:
                seen.add(i)
                order.append(i)
    order.extend(k for k in g.weights if k not in seen)
    chunks: list[list[tuple[str, int]]] = []  # per chunk: (name, offset)
    sizes: list[int] = []
    for name in order:
        nbytes = g.weights[name].nbytes
        if nbytes <= INLINE_BYTES:
            continue
        if nbytes > chunk_bytes:
            raise ValueError(f"{file_name}: initializer {name} has {nbytes} bytes, more than one chunk "
                             f"({chunk_bytes} bytes); raise --chunk-mb")
        if not chunks or _aligned(sizes[-1]) + nbytes > chunk_bytes:
            chunks.append([])
            sizes.append(0)
        offset = _aligned(sizes[-1])
        chunks[-1].append((name, offset))
        sizes[-1] = offset + nbytes
    placed = {name: (k, offset) for k, chunk in enumerate(chunks) for name, offset in chunk}
    paths = [out_dir / chunk_name(file_name, k) for k in range(len(chunks))]
    for k, chunk in enumerate(chunks):
        with paths[k].open("wb") as f:
            for name, offset in chunk:
                f.write(b"\0" * (offset - f.tell()))
                f.write(_c(g.weights[name]).tobytes())
    for name in order:
        t = numpy_helper.from_array(_c(g.weights[name]), name) if name not in placed else \
            _external_tensor(name, g.weights[name], chunk_name(file_name, placed[name][0]), placed[name][1])
        model.graph.initializer.append(t)
    path = out_dir / file_name
    with path.open("wb") as f:
        f.write(model.SerializeToString())
    return SavedGraph(path, paths)


def _c(a: np.ndarray) -> np.ndarray:
    """C-contiguous without np.ascontiguousarray's promotion of 0-d arrays to 1-d (scalars must stay scalars)."""
    return a if a.flags.c_contiguous else a.copy(order="C")


def _aligned(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN


def _external_tensor(name: str, value: np.ndarray, location: str, offset: int) -> onnx.TensorProto:
    t = onnx.TensorProto()
    t.name = name
    t.data_type = onnx.helper.np_dtype_to_tensor_dtype(value.dtype)
    t.dims.extend(value.shape)
    for key, v in (("location", location), ("offset", str(offset)), ("length", str(value.nbytes))):
        e = t.external_data.add()
        e.key, e.value = key, v
    t.data_location = onnx.TensorProto.EXTERNAL
    return t


def verify_chunks(path: Path) -> dict[str, Any]:
    """Re-reads a saved graph: every external initializer must lie wholly inside one listed chunk file."""
    model = onnx.load(str(path), load_external_data=False)
    problems: list[str] = []
    per_location: dict[str, int] = {}
    for t in model.graph.initializer:
        if t.data_location != onnx.TensorProto.EXTERNAL:
            continue
        info = {e.key: e.value for e in t.external_data}
        loc = info["location"]
        f = path.parent / loc
        end = int(info.get("offset", 0)) + int(info["length"])
        if not f.is_file():
            problems.append(f"{t.name}: missing {loc}")
        elif end > f.stat().st_size:
            problems.append(f"{t.name}: ends at {end} > {f.stat().st_size} bytes of {loc}")
        per_location[loc] = per_location.get(loc, 0) + 1
    return {"problems": problems, "initializersPerLocation": per_location}
