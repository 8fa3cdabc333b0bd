"""fold_shapes.fold reaches a fixed point on a graph deeper than any round cap.

Each layer of the synthetic graph does what the traced SAM 3 ViT does between its layers: read the activation's shape,
compute the window-padding arithmetic with `Mod`, and `Reshape` by the result. ONNX's shape inference cannot see
through `Mod`, so layer k's output shape is known only after layer k's arithmetic is folded, and only then can layer
k+1's `Shape` fold: one layer per round, as in the full-size trunk (57 rounds). The old fold stopped after 8 rounds.

  python -m unittest discover -s tools/export/tests        (npm run test:export)
"""

from __future__ import annotations

import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fold_shapes import fold  # noqa: E402
from graph_ir import Graph, op_counts  # noqa: E402

LAYERS = 24
WINDOW = 7


def deep_window_graph(layers: int = LAYERS) -> onnx.ModelProto:
    nodes: list[onnx.NodeProto] = []
    inits = [numpy_helper.from_array(np.array(v, dtype=np.int64), name) for name, v in
             (("i0", [0]), ("i1", [1]), ("i2", [2]), ("i3", [3]), ("win", [WINDOW]))]
    h = "x"
    for k in range(layers):
        p = f"l{k}_"
        nodes += [
            helper.make_node("Shape", [h], [p + "s"]),
            helper.make_node("Gather", [p + "s", "i0"], [p + "b"], axis=0),
            helper.make_node("Gather", [p + "s", "i1"], [p + "h"], axis=0),
            helper.make_node("Gather", [p + "s", "i2"], [p + "w"], axis=0),
            helper.make_node("Gather", [p + "s", "i3"], [p + "c"], axis=0),
            # (win - h % win) % win: the window padding, 0 here; added and taken away so the shape stays
            helper.make_node("Mod", [p + "h", "win"], [p + "hm"]),
            helper.make_node("Sub", ["win", p + "hm"], [p + "pad0"]),
            helper.make_node("Mod", [p + "pad0", "win"], [p + "pad"]),
            helper.make_node("Add", [p + "h", p + "pad"], [p + "hp"]),
            helper.make_node("Sub", [p + "hp", p + "pad"], [p + "hh"]),
            helper.make_node("Mul", [p + "hh", p + "w"], [p + "hw"]),
            helper.make_node("Concat", [p + "b", p + "hw", p + "c"], [p + "flat_shape"], axis=0),
            helper.make_node("Reshape", [h, p + "flat_shape"], [p + "flat"]),
            helper.make_node("Add", [p + "flat", "one"], [p + "sum"]),
            helper.make_node("Concat", [p + "b", p + "hh", p + "w", p + "c"], [p + "back_shape"], axis=0),
            helper.make_node("Reshape", [p + "sum", p + "back_shape"], [p + "out"]),
        ]
        h = p + "out"
    nodes.append(helper.make_node("Identity", [h], ["y"]))
    inits.append(numpy_helper.from_array(np.array(1.0, dtype=np.float32), "one"))
    graph = helper.make_graph(
        nodes, "deep_window",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 14, 14, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 14, 14, 4])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


def run(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    sess = ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])
    return sess.run(None, {"x": x})[0]


class FoldToFixedPoint(unittest.TestCase):
    def test_deep_graph_folds_completely(self) -> None:
        model = deep_window_graph()
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "deep.onnx"
            onnx.save(model, str(path))
            g = Graph.load(path)
        removed, rounds = fold(g)
        counts = op_counts(g.nodes)
        self.assertGreater(rounds, 8, "the graph must need more rounds than the old cap to mean anything")
        self.assertGreaterEqual(rounds, LAYERS)
        for op in ("Shape", "Mod", "Gather", "Concat"):
            self.assertEqual(counts.get(op, 0), 0, f"{op} left after folding: {counts}")
        self.assertEqual(counts.get("Reshape", 0), 2 * LAYERS)  # tensor reshapes stay, with constant targets
        self.assertGreater(removed, 0)
        x = np.random.default_rng(0).standard_normal((1, 14, 14, 4)).astype(np.float32)
        np.testing.assert_array_equal(run(g.to_model(), x), run(model, x))
        np.testing.assert_allclose(run(model, x), x + LAYERS, rtol=0, atol=1e-5)


if __name__ == "__main__":
    unittest.main()
