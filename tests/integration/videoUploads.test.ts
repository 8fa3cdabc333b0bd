/**
 * Per video frame, the features every tracked object reads are written to the GPU once, not once per object: with
 * the memory graphs on WebGPU, the uploads a frame makes do not grow with the number of objects tracked.
 * (onnxruntime-node stands in for the browser: graphs run on its CPU provider, uploads are counted.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../workers/engine/engine';
import { createNodeRuntime } from '../../workers/ort/nodeRuntime';
import { MemoryByteStore } from '../../workers/packs/byteStore';
import { renderScene, type ShapeSpec } from '../../tools/scenes/scene';
import { packFilesSource } from '../helpers/demoPackEngine';
import { browserLikeRuntime } from '../helpers/browserLikeRuntime';

async function uploadsPerFrame(objects: number): Promise<number[]> {
  const node = await createNodeRuntime();
  let uploads = 0;
  let disposed = 0;
  const runtime = await browserLikeRuntime({
    async upload(t) {
      uploads++;
      const value = node.tensor(t);
      return {
        ...value,
        type: value.type,
        dims: value.dims,
        location: 'gpu',
        read: () => value.read(),
        dispose: () => void disposed++,
      };
    },
  });
  const engine = createEngine({ createRuntime: async () => runtime, store: new MemoryByteStore() });
  await engine.init();
  await engine.openPack(packFilesSource());
  const session = await engine.startVideo({ mode: 'file', detectEvery: 1 });
  const squares: ShapeSpec[] = Array.from({ length: objects }, (_, i) => ({
    kind: 'rect',
    colour: 'red',
    x0: 20 + i * 90,
    y0: 40,
    x1: 60 + i * 90,
    y1: 80,
  }));
  const counts: number[] = [];
  for (let k = 0; k < 6; k++) {
    const scene = renderScene({
      width: 320,
      height: 240,
      background: [236, 236, 236],
      shapes: squares.map((s) => (s.kind === 'rect' ? { ...s, x0: s.x0 + k * 3, x1: s.x1 + k * 3 } : s)),
    });
    const before = uploads;
    const r = await engine.processFrame({
      sessionId: session.sessionId,
      frameIndex: k,
      timestampMs: k * 100,
      rgba: { width: 320, height: 240, data: scene.data },
      concepts: [{ id: 'red', phrase: 'red', boxes: [] }],
      scoreThreshold: 0.5,
    });
    if (k > 0) assert.equal(r.instances.length, objects, `frame ${k}: ${r.instances.length} tracked`);
    counts.push(uploads - before);
  }
  await engine.endVideo(session.sessionId);
  assert.equal(disposed, uploads, 'every upload is freed');
  return counts;
}

test('the frame features are uploaded once per frame, whatever the number of objects', async () => {
  const one = await uploadsPerFrame(1);
  const three = await uploadsPerFrame(3);
  assert.deepEqual(three.slice(1), one.slice(1));
  assert.ok(
    one.slice(1).every((n) => n === 4),
    `uploads per frame: ${one}`,
  );
});
