/**
 * A tiny typed ONNX graph builder on top of onnx-proto (protobufjs static code).
 * Deterministic: node and constant names come from a counter, initializers are raw little-endian bytes.
 */
import { createRequire } from 'node:module';
import type * as OnnxProto from 'onnx-proto';

const require = createRequire(import.meta.url);
const { onnx } = require('onnx-proto') as typeof OnnxProto;

export type DType = 'float32' | 'int32' | 'int64' | 'bool';
/** A dimension: a fixed size or a symbolic name (dynamic axis). */
export type Dim = number | string;

/**
 * Attribute values: a plain number is an INT, a number[] INTS, a string STRING;
 * floats must be tagged `{ f }` / `{ floats }` (so that 1.0 is never mistaken for an int).
 */
export type AttrValue = number | number[] | string | { f: number } | { floats: number[] };

const ELEM: Record<DType, number> = { float32: 1, int32: 6, int64: 7, bool: 9 };

function attribute(name: string, v: AttrValue): OnnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return { name, type: T.INT, i: v };
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  if ('f' in v) return { name, type: T.FLOAT, f: v.f };
  return { name, type: T.FLOATS, floats: v.floats };
}

function valueInfo(name: string, dtype: DType, dims: Dim[]): OnnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM[dtype],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export class GraphBuilder {
  private readonly nodes: OnnxProto.onnx.INodeProto[] = [];
  private readonly inits: OnnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: OnnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: OnnxProto.onnx.IValueInfoProto[] = [];
  private counter = 0;
  /** Set when a com.microsoft contrib op is used: the model then imports that domain too. */
  private usesContribOps = false;

  constructor(private readonly name: string) {}

  private fresh(prefix: string): string {
    this.counter += 1;
    return `${prefix}_${this.counter}`;
  }

  input(name: string, dtype: DType, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, dtype, dims));
    return name;
  }

  /** Declares `name` a graph output, renaming `value` into it with an Identity. */
  output(name: string, value: string, dtype: DType, dims: Dim[]): void {
    this.nodes.push({ opType: 'Identity', input: [value], output: [name], name: this.fresh('out') });
    this.outputs.push(valueInfo(name, dtype, dims));
  }

  /** float32 constant (initializer). */
  f32(values: ArrayLike<number>, dims: number[]): string {
    const name = this.fresh('c');
    const data = Float32Array.from(values);
    this.inits.push({ name, dims, dataType: ELEM.float32, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  /** int64 constant (initializer). */
  i64(values: ArrayLike<number>, dims: number[]): string {
    const name = this.fresh('c');
    const data = BigInt64Array.from(Array.from(values, (v) => BigInt(v)));
    this.inits.push({ name, dims, dataType: ELEM.int64, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  /** uint8 constant (initializer): packed quantised weights and zero points. */
  u8(values: ArrayLike<number>, dims: number[]): string {
    const name = this.fresh('c');
    this.inits.push({ name, dims, dataType: 2, rawData: Uint8Array.from(values) });
    return name;
  }

  /** Scalar float constant. */
  scalar(v: number): string {
    return this.f32([v], []);
  }

  /** One node with one output. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}): string {
    return this.opN(opType, inputs, 1, attrs)[0];
  }

  /** One onnxruntime contrib op (domain com.microsoft: MatMulNBits, MultiHeadAttention, …) with one output. */
  contribOp(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}): string {
    this.usesContribOps = true;
    return this.opN(opType, inputs, 1, attrs, 'com.microsoft')[0];
  }

  /** One node with `n` outputs. */
  opN(opType: string, inputs: string[], n: number, attrs: Record<string, AttrValue> = {}, domain = ''): string[] {
    const outs = Array.from({ length: n }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push({
      ...(domain ? { domain } : {}),
      opType,
      input: inputs,
      output: outs,
      name: this.fresh('n'),
      attribute: Object.keys(attrs).map((k) => attribute(k, attrs[k])),
    });
    return outs;
  }

  // Shorthands for common ops (opset 17 signatures).
  add(a: string, b: string): string {
    return this.op('Add', [a, b]);
  }
  sub(a: string, b: string): string {
    return this.op('Sub', [a, b]);
  }
  mul(a: string, b: string): string {
    return this.op('Mul', [a, b]);
  }
  div(a: string, b: string): string {
    return this.op('Div', [a, b]);
  }
  reshape(x: string, shape: number[]): string {
    return this.op('Reshape', [x, this.i64(shape, [shape.length])]);
  }
  /** Cast to float32. */
  toFloat(x: string): string {
    return this.op('Cast', [x], { to: ELEM.float32 });
  }
  clip(x: string, lo: number, hi: number): string {
    return this.op('Clip', [x, this.scalar(lo), this.scalar(hi)]);
  }
  slice(x: string, starts: number[], ends: number[], axes: number[]): string {
    const n = axes.length;
    return this.op('Slice', [x, this.i64(starts, [n]), this.i64(ends, [n]), this.i64(axes, [n])]);
  }
  /** ReduceMax / ReduceMin / ReduceMean: axes are an attribute at opset 17. */
  reduce(kind: 'ReduceMax' | 'ReduceMin', x: string, axes: number[], keepdims: 0 | 1): string {
    return this.op(kind, [x], { axes, keepdims });
  }
  /** ReduceSum: axes are an input at opset 13+. */
  reduceSum(x: string, axes: number[], keepdims: 0 | 1): string {
    return this.op('ReduceSum', [x, this.i64(axes, [axes.length])], { keepdims });
  }

  /**
   * 2-D Conv on a 4-D tensor with every attribute explicit (kernel_shape, strides, pads, dilations, group):
   * onnxruntime-web's WebGPU kernels reject convs whose attributes are left to their defaults.
   */
  conv2d(
    x: string,
    w: string,
    b: string | null,
    o: { kernel: [number, number]; stride?: [number, number]; pad?: number; group?: number },
  ): string {
    const p = o.pad ?? 0;
    return this.op('Conv', b ? [x, w, b] : [x, w], {
      dilations: [1, 1],
      group: o.group ?? 1,
      kernel_shape: o.kernel,
      pads: [p, p, p, p],
      strides: o.stride ?? [1, 1],
    });
  }
  /** 2-D MaxPool with explicit attributes (see conv2d). */
  maxPool2d(x: string, kernel: number, stride: number, pad: number): string {
    return this.op('MaxPool', [x], {
      ceil_mode: 0,
      dilations: [1, 1],
      kernel_shape: [kernel, kernel],
      pads: [pad, pad, pad, pad],
      storage_order: 0,
      strides: [stride, stride],
    });
  }
  /** 2-D AveragePool with explicit attributes (see conv2d). */
  avgPool2d(x: string, kernel: number, stride: number, pad: number): string {
    return this.op('AveragePool', [x], {
      ceil_mode: 0,
      count_include_pad: 0,
      kernel_shape: [kernel, kernel],
      pads: [pad, pad, pad, pad],
      strides: [stride, stride],
    });
  }

  toBytes(): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'sam3-web demo-pack',
      opsetImport: [
        { domain: '', version: 17 },
        ...(this.usesContribOps ? [{ domain: 'com.microsoft', version: 1 }] : []),
      ],
      graph: onnx.GraphProto.create({
        name: this.name,
        node: this.nodes,
        initializer: this.inits,
        input: this.inputs,
        output: this.outputs,
      }),
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
