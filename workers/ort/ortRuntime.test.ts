/** The ORT layer on onnxruntime-node: float16 graphs take float32 host data and return float32 to the engine. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type * as OnnxProto from 'onnx-proto';
import { createNodeRuntime } from './nodeRuntime';

const require = createRequire(import.meta.url);
const { onnx } = require('onnx-proto') as typeof OnnxProto;

/** y = float16(float32(x) * 2) with x, y float16 [3]. */
function halfGraph(): Uint8Array {
  const vi = (name: string) => ({
    name,
    type: { tensorType: { elemType: 10, shape: { dim: [{ dimValue: 3 }] } } },
  });
  const two = onnx.TensorProto.create({
    name: 'two',
    dims: [],
    dataType: 1,
    rawData: new Uint8Array(Float32Array.of(2).buffer),
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: onnx.GraphProto.create({
      name: 'half',
      node: [
        { opType: 'Cast', input: ['x'], output: ['xf'], attribute: [{ name: 'to', type: 2, i: 1 }] },
        { opType: 'Mul', input: ['xf', 'two'], output: ['yf'] },
        { opType: 'Cast', input: ['yf'], output: ['y'], attribute: [{ name: 'to', type: 2, i: 10 }] },
      ],
      initializer: [two],
      input: [vi('x')],
      output: [vi('y')],
    }),
  });
  return onnx.ModelProto.encode(model).finish();
}

test('float32 host data into a float16 graph, float32 back out', async () => {
  const runtime = await createNodeRuntime();
  const graph = await runtime.createGraph({ name: 'half', model: halfGraph(), externalData: [], provider: 'cpu' });
  const out = await graph.run({
    x: runtime.tensor({ type: 'float32', dims: [3], data: Float32Array.of(1.5, -0.25, 1000) }),
  });
  const y = await out.y.read();
  assert.equal(out.y.type, 'float16');
  assert.equal(y.type, 'float32');
  assert.deepEqual(Array.from(y.data as Float32Array), [3, -0.5, 2000]);
  await graph.release();
});
