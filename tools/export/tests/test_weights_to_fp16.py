"""to_fp16.weights_to_fp16: float16 storage, float32 compute — the graph computes exactly what the float32 graph
computes with its weights (and its float16 input) rounded to float16, with half the weight bytes and float32 outputs.

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

from graph_ir import Graph, op_counts  # noqa: E402
from to_fp16 import weights_to_fp16  # noqa: E402


def mlp(w1: np.ndarray, b1: np.ndarray, w2: np.ndarray) -> onnx.ModelProto:
    """y = relu(x·w1 + b1)·w2 · 111 — a large factor after the weights, like the calibrated query projection."""
    nodes = [helper.make_node("MatMul", ["x", "w1"], ["h"], name="mm1"),
             helper.make_node("Add", ["h", "b1"], ["hb"], name="add"),
             helper.make_node("Relu", ["hb"], ["r"], name="relu"),
             helper.make_node("MatMul", ["r", "w2"], ["z"], name="mm2"),
             helper.make_node("Mul", ["z", "k"], ["y"], name="scale")]
    inits = [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(b1, "b1"), numpy_helper.from_array(w2, "w2"),
             numpy_helper.from_array(np.array(111.0, np.float32), "k")]
    graph = helper.make_graph(nodes, "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 64])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 32])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


def run(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    import onnxruntime as ort

    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return sess.run(["y"], {"x": x})[0]


class WeightsToFp16(unittest.TestCase):
    def test_computes_the_float32_graph_with_rounded_weights(self) -> None:
        rng = np.random.default_rng(3)
        w1 = rng.standard_normal((64, 128), dtype=np.float32) * 0.05
        b1 = rng.standard_normal(128, dtype=np.float32) * 0.05  # 128 values: below min_elements, stays float32
        w2 = rng.standard_normal((128, 32), dtype=np.float32) * 0.05
        model = mlp(w1, b1, w2)
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "m.onnx"
            onnx.save(model, str(path))
            g = Graph.load(path)
        report = weights_to_fp16(g)
        self.assertEqual(report["weightsWidened"], 2)
        self.assertEqual(report["bytesAfter"] * 2, report["bytesBefore"])
        self.assertEqual(report["float16Inputs"], ["x"])
        self.assertEqual(op_counts(g.nodes)["Cast"], 3)  # two weights and the input
        out = g.to_model()
        self.assertEqual([vi.type.tensor_type.elem_type for vi in out.graph.input], [TensorProto.FLOAT16])
        self.assertEqual([vi.type.tensor_type.elem_type for vi in out.graph.output], [TensorProto.FLOAT])
        dtypes = sorted(str(w.dtype) for w in g.weights.values())
        self.assertEqual(dtypes, ["float16", "float16", "float32", "float32"])
        x = rng.standard_normal((4, 64), dtype=np.float32).astype(np.float16)
        rounded = mlp(w1.astype(np.float16).astype(np.float32), b1, w2.astype(np.float16).astype(np.float32))
        y = run(out, x)
        self.assertEqual(y.dtype, np.float32)
        np.testing.assert_allclose(y, run(rounded, x.astype(np.float32)), rtol=0, atol=1e-5)
        # and it is not the float32 graph itself: the rounding is there (×111 makes it visible)
        self.assertGreater(float(np.abs(y - run(model, x.astype(np.float32))).max()), 1e-4)


if __name__ == "__main__":
    unittest.main()
