import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as OnnxProto from 'onnx-proto';
import { inspectOnnx } from './onnxInspect';

const require = createRequire(import.meta.url);
const { onnx } = require('onnx-proto') as typeof OnnxProto;

/** y = MatMul(x, w) with w a [64, 32] initializer of `type` (1 float32, 10 float16), plus an optional Cast. */
function graph(type: number, cast: number | null): Uint8Array {
  const bytesPer = type === 10 ? 2 : 4;
  const w = onnx.TensorProto.create({
    name: 'w',
    dims: [64, 32],
    dataType: type,
    rawData: new Uint8Array(64 * 32 * bytesPer),
  });
  const vi = (name: string, elemType: number) => ({
    name,
    type: { tensorType: { elemType, shape: { dim: [{ dimValue: 1 }, { dimValue: 64 }] } } },
  });
  const node = [{ opType: 'MatMul', input: ['x', 'w'], output: ['m'] }] as OnnxProto.onnx.INodeProto[];
  if (cast !== null)
    node.push({ opType: 'Cast', input: ['m'], output: ['y'], attribute: [{ name: 'to', type: 2, i: cast }] });
  else node.push({ opType: 'Identity', input: ['m'], output: ['y'] });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: onnx.GraphProto.create({
      name: 'g',
      node,
      initializer: [w],
      input: [vi('x', type)],
      output: [vi('y', cast ?? type)],
    }),
  });
  return onnx.ModelProto.encode(model).finish();
}

test('float32 graphs compute in float32; the largest weight is measured from its dims', async () => {
  const r = await inspectOnnx(graph(1, null));
  assert.equal(r.computesInFloat16, false);
  assert.equal(r.largestInitializerBytes, 64 * 32 * 4);
  assert.equal(r.initializers, 1);
  assert.equal(r.nodes, 2);
});

test('float16 weights, or a Cast to float16 inside a float32-in/float32-out graph, mean float16 compute', async () => {
  assert.equal((await inspectOnnx(graph(10, 1))).computesInFloat16, true);
  assert.equal((await inspectOnnx(graph(1, 10))).computesInFloat16, true);
});

test('reading a Blob through small windows gives the same answer as the bytes', async () => {
  const bytes = graph(10, 1);
  const fromBlob = await inspectOnnx(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  assert.deepEqual(fromBlob, await inspectOnnx(bytes));
});

test('the demo pack computes in float32 throughout', async () => {
  for (const name of ['vision', 'text', 'detector', 'tracker']) {
    const r = await inspectOnnx(new Uint8Array(readFileSync(`public/packs/demo/${name}.onnx`)));
    assert.equal(r.computesInFloat16, false, name);
    assert.ok(r.nodes > 0 && r.initializers > 0, name);
  }
});
