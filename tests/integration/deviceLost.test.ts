/**
 * A lost GPU device does not take the app down: the engine reopens every graph on WASM (the model panel says
 * why), reports 'gpu-lost', and the next request works.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../workers/engine/engine';
import { DeviceLostError, type GraphRuntime } from '../../workers/ort/graphRuntime';
import { MemoryByteStore } from '../../workers/packs/byteStore';
import { packFilesSource } from '../helpers/demoPackEngine';
import { browserLikeRuntime } from '../helpers/browserLikeRuntime';
import { renderScene, SHAPES_SAMPLE } from '../../tools/scenes/scene';

/** A browser with a hardware WebGPU adapter whose device is lost on the first WebGPU run. */
async function flakyGpuRuntime(): Promise<GraphRuntime> {
  let lost = false;
  return browserLikeRuntime({
    wrapGraph: (graph, spec) => ({
      ...graph,
      async run(feeds, fetches) {
        if (spec.provider === 'webgpu' && !lost) {
          lost = true;
          throw new DeviceLostError('Device was lost');
        }
        return graph.run(feeds, fetches);
      },
    }),
  });
}

test('the GPU device is lost: graphs move to WASM, the error is clear, the next request works', async () => {
  const engine = createEngine({ createRuntime: flakyGpuRuntime, store: new MemoryByteStore() });
  await engine.init();
  const before = await engine.openPack(packFilesSource());
  assert.ok(before.graphs.every((g) => g.executionProvider === 'webgpu'));
  const scene = renderScene(SHAPES_SAMPLE);
  const { imageId } = await engine.openImage({ kind: 'rgba', name: 's.png', image: { ...scene } });
  const request = { imageId, concepts: [{ id: 'red', phrase: 'red', boxes: [] }], scoreThreshold: 0.5 };
  await assert.rejects(engine.segment(request), (e: { code: string; message: string }) => {
    assert.equal(e.code, 'gpu-lost');
    assert.match(e.message, /now runs on WASM/);
    return true;
  });
  const r = await engine.segment(request);
  assert.equal(r.instances.length, 2);
  const runtime = await engine.init();
  assert.equal(runtime.webgpu.available, false);
  assert.match(runtime.webgpu.reason, /GPU device was lost/);
});
