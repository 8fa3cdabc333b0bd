"""A small editable view of an ONNX graph for the variant build step (build_variants.py).

Weights live as numpy arrays in `Graph.weights` (never inside the protobuf while the graph is edited), so multi-GB
graphs stay below protobuf's 2 GB limit and every pass sees plain arrays. Shape inference runs on a light copy in
which the large weights are graph inputs with their shapes; small ones stay initializers, so ONNX's data
propagation still sees shape constants.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

INLINE_LIMIT = 4096  # initializers with at most this many elements stay inside the light model for shape inference

BYTES_OF = {TensorProto.FLOAT: 4, TensorProto.FLOAT16: 2, TensorProto.INT64: 8, TensorProto.INT32: 4,
            TensorProto.BOOL: 1, TensorProto.UINT8: 1, TensorProto.INT8: 1, TensorProto.DOUBLE: 8}


@dataclass
class TensorInfo:
    elem_type: int
    dims: list[int | str | None]  # int = static, str = named dynamic axis, None = unknown

    @property
    def static(self) -> bool:
        return all(isinstance(d, int) for d in self.dims)

    def numel(self) -> int | None:
        if not self.static:
            return None
        n = 1
        for d in self.dims:
            n *= int(d)  # type: ignore[arg-type]
        return n

    def nbytes(self) -> int | None:
        n = self.numel()
        return None if n is None else n * BYTES_OF.get(self.elem_type, 4)


def info_of(vi: onnx.ValueInfoProto) -> TensorInfo | None:
    if not vi.type.HasField("tensor_type"):
        return None
    t = vi.type.tensor_type
    if not t.HasField("shape"):
        return TensorInfo(t.elem_type, [])  # rank unknown: treated as non-static by callers that check rank
    dims: list[int | str | None] = []
    for d in t.shape.dim:
        if d.HasField("dim_value"):
            dims.append(int(d.dim_value))
        elif d.HasField("dim_param"):
            dims.append(d.dim_param)
        else:
            dims.append(None)
    return TensorInfo(t.elem_type, dims)


@dataclass
class Graph:
    """One ONNX graph being transformed. `nodes` are the top-level nodes (subgraphs stay inside their If nodes)."""

    model: onnx.ModelProto  # graph.node / graph.initializer are NOT authoritative while editing; see nodes/weights
    nodes: list[onnx.NodeProto]
    weights: dict[str, np.ndarray]
    shapes: dict[str, TensorInfo] = field(default_factory=dict)
    _names: Iterator[int] = field(default_factory=itertools.count)
    _used: set[str] | None = None

    # --- loading / saving -------------------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> "Graph":
        model = onnx.load(str(path), load_external_data=True)
        weights = {init.name: numpy_helper.to_array(init) for init in model.graph.initializer}
        nodes = list(model.graph.node)
        del model.graph.initializer[:]
        del model.graph.node[:]
        del model.graph.value_info[:]
        g = cls(model=model, nodes=nodes, weights=weights)
        g.inline_constant_nodes()
        seen: set[str] = set()
        for n in g.nodes:  # unique node names (onnx_compact drops them; the quantiser selects nodes by name)
            if not n.name or n.name in seen:
                n.name = g.fresh(n.op_type)
            seen.add(n.name)
        return g

    def copy(self) -> "Graph":
        """Independent nodes and model; weight arrays are shared (passes replace arrays, never write into them)."""
        model = onnx.ModelProto()
        model.CopyFrom(self.model)
        nodes = []
        for n in self.nodes:
            c = onnx.NodeProto()
            c.CopyFrom(n)
            nodes.append(c)
        return Graph(model=model, nodes=nodes, weights=dict(self.weights), shapes=dict(self.shapes))

    def to_model(self, inline_weights: bool = True) -> onnx.ModelProto:
        """A complete ModelProto (weights inline). Only for graphs well below 2 GB (tests, the tiny pack)."""
        m = onnx.ModelProto()
        m.CopyFrom(self.model)
        m.graph.node.extend(self.nodes)
        if inline_weights:
            m.graph.initializer.extend(numpy_helper.from_array(v, k) for k, v in self.weights.items())
        return m

    @property
    def inputs(self) -> list[onnx.ValueInfoProto]:
        return list(self.model.graph.input)

    @property
    def outputs(self) -> list[onnx.ValueInfoProto]:
        return list(self.model.graph.output)

    @property
    def output_names(self) -> set[str]:
        return {o.name for o in self.model.graph.output}

    @property
    def opset(self) -> int:
        return next(o.version for o in self.model.opset_import if o.domain in ("", "ai.onnx"))

    def use_domain(self, domain: str, version: int = 1) -> None:
        if not any(o.domain == domain for o in self.model.opset_import):
            self.model.opset_import.append(helper.make_opsetid(domain, version))

    # --- names and nodes --------------------------------------------------------------------------------------------

    def fresh(self, hint: str) -> str:
        """A value or node name not used anywhere in the graph (names handed out are remembered; the names already
        in the graph are collected once)."""
        if self._used is None:
            self._used = {v.name for v in self.model.graph.input} | {v.name for v in self.model.graph.output}
            self._used.update(self.weights)
            for n in self.nodes:
                self._used.update(n.output)
                self._used.update(n.input)
                self._used.add(n.name)
        while True:
            name = f"{hint}__{next(self._names)}"
            if name not in self._used and name not in self.weights:
                self._used.add(name)
                return name

    def add_weight(self, hint: str, value: np.ndarray) -> str:
        name = self.fresh(hint)
        self.weights[name] = value
        return name

    def make_node(self, op: str, inputs: list[str], n_out: int = 1, hint: str | None = None, domain: str = "",
                  **attrs: object) -> onnx.NodeProto:
        base = hint or op
        outs = [self.fresh(f"{base}_out{i}") for i in range(n_out)]
        return helper.make_node(op, inputs, outs, name=self.fresh(base), domain=domain or None, **attrs)

    def producers(self) -> dict[str, onnx.NodeProto]:
        return {o: n for n in self.nodes for o in n.output if o}

    def consumers(self) -> dict[str, list[onnx.NodeProto]]:
        cons: dict[str, list[onnx.NodeProto]] = defaultdict(list)
        for n in self.nodes:
            for i in n.input:
                if i:
                    cons[i].append(n)
            for sub_input in subgraph_outer_inputs(n):
                cons[sub_input].append(n)
        return cons

    def rename_value(self, old: str, new: str) -> None:
        """Every reader of `old` (nodes, subgraphs, graph outputs) reads `new` instead."""
        for n in self.nodes:
            for i, name in enumerate(n.input):
                if name == old:
                    n.input[i] = new
            for sub in subgraphs(n):
                _rename_in_subgraph(sub, old, new)
        for o in self.model.graph.output:
            if o.name == old:
                # Keep the graph output's name: make the producer of `new` write `old` instead when possible.
                raise ValueError(f"cannot rename graph output {old}")

    def inline_constant_nodes(self) -> None:
        """`Constant` nodes become weights (one representation of constants for every pass)."""
        keep = []
        for n in self.nodes:
            if n.op_type == "Constant" and not n.domain:
                value = constant_value(n)
                if value is not None:
                    self.weights[n.output[0]] = value
                    continue
            keep.append(n)
        self.nodes = keep

    def prune(self) -> None:
        """Drops nodes and weights no graph output depends on; Identity nodes are bypassed."""
        outputs = self.output_names
        # Bypass Identity (except where it produces a graph output).
        for n in list(self.nodes):
            if n.op_type == "Identity" and not n.domain and n.output[0] not in outputs:
                self.nodes.remove(n)
                self.rename_value(n.output[0], n.input[0])
        prod = self.producers()
        live: set[str] = set()
        stack = [o for o in outputs]
        live_nodes: set[int] = set()
        while stack:
            v = stack.pop()
            if v in live:
                continue
            live.add(v)
            n = prod.get(v)
            if n is not None and id(n) not in live_nodes:
                live_nodes.add(id(n))
                stack.extend(i for i in n.input if i)
                stack.extend(subgraph_outer_inputs(n))
        self.nodes = [n for n in self.nodes if id(n) in live_nodes]
        used = live | {i.name for i in self.model.graph.input}
        self.weights = {k: v for k, v in self.weights.items() if k in used}

    def toposort(self) -> None:
        prod = self.producers()
        done: set[int] = set()
        order: list[onnx.NodeProto] = []
        index = {id(n): n for n in self.nodes}

        def visit(n: onnx.NodeProto) -> None:
            stack = [(n, False)]
            while stack:
                node, expanded = stack.pop()
                if id(node) in done:
                    continue
                if expanded:
                    done.add(id(node))
                    order.append(node)
                    continue
                stack.append((node, True))
                for i in list(node.input) + subgraph_outer_inputs(node):
                    p = prod.get(i)
                    if p is not None and id(p) not in done and id(p) in index:
                        stack.append((p, False))

        for n in self.nodes:
            visit(n)
        self.nodes = order

    # --- shapes -----------------------------------------------------------------------------------------------------

    def light_model(self, extra_value_info: Iterable[onnx.ValueInfoProto] = ()) -> onnx.ModelProto:
        m = onnx.ModelProto()
        m.CopyFrom(self.model)
        m.graph.node.extend(self.nodes)
        for k, v in self.weights.items():
            if v.size <= INLINE_LIMIT:
                m.graph.initializer.append(numpy_helper.from_array(v, k))
            else:
                m.graph.input.append(helper.make_tensor_value_info(k, helper.np_dtype_to_tensor_dtype(v.dtype),
                                                                   list(v.shape)))
        m.graph.value_info.extend(extra_value_info)
        return m

    def infer_shapes(self, input_dims: dict[str, list[int | str | None]] | None = None) -> dict[str, TensorInfo]:
        """ONNX shape inference with data propagation (static input sizes make every image-size shape static).
        ONNX does not know com.microsoft ops: their output shapes are derived here from their inputs' and inference
        is repeated, so values downstream of an attention or MatMulNBits node get shapes too. `input_dims` binds
        graph inputs to other shapes (used to size activations for dynamic prompt counts)."""
        contrib: dict[str, TensorInfo] = {}
        for _ in range(3):
            known = [helper.make_tensor_value_info(k, v.elem_type, v.dims) for k, v in contrib.items()]
            light = self.light_model(known)
            for vi in light.graph.input:
                if input_dims and vi.name in input_dims:
                    elem = vi.type.tensor_type.elem_type
                    vi.CopyFrom(helper.make_tensor_value_info(vi.name, elem, input_dims[vi.name]))
            inferred = onnx.shape_inference.infer_shapes(light, check_type=False, strict_mode=False, data_prop=True)
            shapes: dict[str, TensorInfo] = {}
            for vi in itertools.chain(inferred.graph.input, inferred.graph.value_info, inferred.graph.output):
                info = info_of(vi)
                if info is not None and (info.dims or vi.name not in shapes):
                    shapes[vi.name] = info
            for k, v in self.weights.items():
                shapes[k] = TensorInfo(helper.np_dtype_to_tensor_dtype(v.dtype), list(v.shape))
            new = _contrib_shapes(self.nodes, shapes)
            if new == contrib:
                break
            contrib = new
        shapes.update({k: v for k, v in contrib.items() if k not in shapes or not shapes[k].dims})
        self.shapes = shapes
        return shapes

    def set_shape(self, name: str, elem_type: int, dims: list[int | str | None]) -> None:
        self.shapes[name] = TensorInfo(elem_type, list(dims))


def _attr(node: onnx.NodeProto, name: str, default: int) -> int:
    return next((a.i for a in node.attribute if a.name == name), default)


def _contrib_shapes(nodes: Iterable[onnx.NodeProto], shapes: dict[str, TensorInfo]) -> dict[str, TensorInfo]:
    """Output shapes of the com.microsoft ops this build step emits, from their inputs' shapes."""
    out: dict[str, TensorInfo] = {}
    for n in nodes:
        if n.domain != "com.microsoft":
            continue
        if n.op_type == "MultiHeadAttention":
            q, k, v = (shapes.get(n.input[i]) for i in range(3))
            if q is None or k is None or v is None:
                continue
            if len(q.dims) != 3 or len(v.dims) != 4:  # rank unknown: the element type is still known
                for o in n.output:
                    out[o] = TensorInfo(q.elem_type, [])
                continue
            heads = _attr(n, "num_heads", 1)
            hv = v.dims[3]
            out[n.output[0]] = TensorInfo(q.elem_type, [q.dims[0], q.dims[1], heads * hv if isinstance(hv, int) else None])
            if len(n.output) > 2:
                out[n.output[1]] = TensorInfo(k.elem_type, list(k.dims))
                out[n.output[2]] = TensorInfo(v.elem_type, list(v.dims))
        elif n.op_type == "MatMulNBits":
            a = shapes.get(n.input[0])
            if a is None:
                continue
            dims = list(a.dims[:-1]) + [_attr(n, "N", 0)] if a.dims else []
            out[n.output[0]] = TensorInfo(a.elem_type, dims)
    return out


def constant_value(node: onnx.NodeProto) -> np.ndarray | None:
    for a in node.attribute:
        if a.name == "value":
            return numpy_helper.to_array(a.t)
        if a.name == "value_float":
            return np.array(a.f, dtype=np.float32)
        if a.name == "value_int":
            return np.array(a.i, dtype=np.int64)
        if a.name == "value_floats":
            return np.array(list(a.floats), dtype=np.float32)
        if a.name == "value_ints":
            return np.array(list(a.ints), dtype=np.int64)
    return None


def subgraphs(node: onnx.NodeProto) -> list[onnx.GraphProto]:
    out = []
    for a in node.attribute:
        if a.type == onnx.AttributeProto.GRAPH:
            out.append(a.g)
        elif a.type == onnx.AttributeProto.GRAPHS:
            out.extend(a.graphs)
    return out


def subgraph_outer_inputs(node: onnx.NodeProto) -> list[str]:
    """Values a node's subgraphs read from the enclosing graph (implicit inputs)."""
    names: list[str] = []
    for sub in subgraphs(node):
        local = {i.name for i in sub.input} | {i.name for i in sub.initializer}
        for n in sub.node:
            local.update(n.output)
        for n in sub.node:
            for i in list(n.input) + subgraph_outer_inputs(n):
                if i and i not in local:
                    names.append(i)
        for o in sub.output:
            if o.name not in local:
                names.append(o.name)
    return names


def _rename_in_subgraph(g: onnx.GraphProto, old: str, new: str) -> None:
    for n in g.node:
        for i, name in enumerate(n.input):
            if name == old:
                n.input[i] = new
        for sub in subgraphs(n):
            _rename_in_subgraph(sub, old, new)
    for o in g.output:
        if o.name == old:
            o.name = new


def iter_all_nodes(nodes: Iterable[onnx.NodeProto]) -> Iterator[onnx.NodeProto]:
    """Every node, including those inside If/Loop bodies."""
    for n in nodes:
        yield n
        for sub in subgraphs(n):
            yield from iter_all_nodes(sub.node)


def op_counts(nodes: Iterable[onnx.NodeProto]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for n in iter_all_nodes(nodes):
        key = n.op_type if n.domain in ("", "ai.onnx") else f"{n.domain}.{n.op_type}"
        counts[key] += 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
