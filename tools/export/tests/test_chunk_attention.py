"""chunk_attention splits large fused attentions along their queries without changing what they compute.

  python -m unittest discover -s tools/export/tests        (npm run test:export)
"""

from __future__ import annotations

import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chunk_attention import chunk_attention  # noqa: E402
from graph_ir import Graph, op_counts  # noqa: E402

B, N, S, T, H = 1, 4, 50, 40, 8


def mha_model(with_bias: bool, query_axis_bias: bool = True) -> onnx.ModelProto:
    inputs = [helper.make_tensor_value_info("q", TensorProto.FLOAT, [B, S, N * H]),
              helper.make_tensor_value_info("k", TensorProto.FLOAT, [B, N, T, H]),
              helper.make_tensor_value_info("v", TensorProto.FLOAT, [B, N, T, H])]
    mha_in = ["q", "k", "v", "", "", ""]
    if with_bias:
        inputs.append(helper.make_tensor_value_info("bias", TensorProto.FLOAT, [1, N, S if query_axis_bias else 1, T]))
        mha_in[5] = "bias"
    node = helper.make_node("MultiHeadAttention", mha_in, ["y", "pk", "pv"], name="att", domain="com.microsoft",
                            num_heads=N, scale=0.3)
    graph = helper.make_graph([node], "mha", inputs,
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [B, S, N * H])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)],
                             ir_version=8)


def run(model: onnx.ModelProto, feeds: dict[str, np.ndarray]) -> np.ndarray:
    import onnxruntime as ort

    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return sess.run(["y"], feeds)[0]


class ChunkAttention(unittest.TestCase):
    def check(self, with_bias: bool, query_axis_bias: bool = True) -> None:
        model = mha_model(with_bias, query_axis_bias)
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "m.onnx"
            onnx.save(model, str(path))
            g = Graph.load(path)
        per_row = B * N * T * 4
        budget = per_row * 17 + 5  # 17 query rows fit: 50 rows → 3 blocks (17, 17, 16)
        report = chunk_attention(g, budget_bytes=budget)
        self.assertEqual(report.split, 1)
        self.assertEqual(op_counts(g.nodes)["com.microsoft.MultiHeadAttention"], 3)
        self.assertEqual(report.largest_scores_after, per_row * 17)
        rng = np.random.default_rng(1)
        feeds = {"q": rng.standard_normal((B, S, N * H), dtype=np.float32),
                 "k": rng.standard_normal((B, N, T, H), dtype=np.float32),
                 "v": rng.standard_normal((B, N, T, H), dtype=np.float32)}
        if with_bias:
            feeds["bias"] = rng.standard_normal((1, N, S if query_axis_bias else 1, T), dtype=np.float32)
        np.testing.assert_allclose(run(g.to_model(), feeds), run(model, feeds), rtol=0, atol=1e-6)

    def test_split_equals_whole(self) -> None:
        self.check(with_bias=False)

    def test_split_with_query_axis_bias(self) -> None:
        self.check(with_bias=True)

    def test_small_attention_stays_whole(self) -> None:
        model = mha_model(False)
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "m.onnx"
            onnx.save(model, str(path))
            g = Graph.load(path)
        report = chunk_attention(g, budget_bytes=B * N * S * T * 4)
        self.assertEqual(report.split, 0)
        self.assertEqual(op_counts(g.nodes)["com.microsoft.MultiHeadAttention"], 1)


if __name__ == "__main__":
    unittest.main()
