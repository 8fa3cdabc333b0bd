"""ONNX (ai.onnx domain) op types with a kernel in onnxruntime's WebGPU execution provider.

Transcribed from microsoft/onnxruntime `onnxruntime/core/providers/webgpu/webgpu_execution_provider.cc`
(kernel class declarations; snapshot 003f772b21ab as stored in the code index). In that snapshot Conv,
ConvTranspose, Gemm, Einsum, InstanceNormalization, DepthToSpace and DequantizeLinear were declared but their
registrations were still commented out; later releases (1.2x, which onnxruntime-web 1.30 ships) register them, so
they count as supported here. Shape-only ops (Shape, ConstantOfShape, Size, ...) are placed on CPU by
onnxruntime anyway and cost nothing on the GPU path. Contrib (com.microsoft) ops are not listed: the exporter emits
none.
"""

WEBGPU_ONNX_OPS: frozenset[str] = frozenset(
    {
        # unary math
        "Abs", "Neg", "Floor", "Ceil", "Reciprocal", "Sqrt", "Exp", "Erf", "Sigmoid", "HardSigmoid", "Log",
        "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Tanh", "Not",
        "Cast",
        # activations
        "Clip", "Elu", "Relu", "LeakyRelu", "ThresholdedRelu", "Gelu",
        # reductions
        "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSum", "ReduceL1", "ReduceL2",
        "ReduceLogSum", "ReduceSumSquare", "ReduceLogSumExp", "ArgMax", "ArgMin",
        # binary
        "Add", "Sub", "Mul", "Div", "Pow", "Equal", "Greater", "GreaterOrEqual", "Less", "LessOrEqual",
        # tensor / shape
        "Shape", "Reshape", "Squeeze", "Unsqueeze", "Where", "Transpose", "DepthToSpace", "Concat", "Split",
        "Expand", "Gather", "GatherElements", "Slice", "Flatten", "Tile", "Pad", "Range", "CumSum", "If",
        "Resize",
        # nn
        "Conv", "ConvTranspose", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Gemm", "MatMul",
        "Softmax", "LayerNormalization", "InstanceNormalization", "BatchNormalization", "Einsum",
        "DequantizeLinear",
    }
)

# Ops onnxruntime always runs on CPU (shape computations): not a WebGPU gap in practice.
CPU_SHAPE_OPS: frozenset[str] = frozenset({"Shape", "ConstantOfShape", "Size", "Constant", "Identity"})
