/**
 * Browser-deployable variant packs through the engine as a user's pack would go: opened from a folder on disk (no
 * weight byte through JavaScript: onnxruntime reads each graph's chunked external data itself), providers chosen
 * from what each graph really computes in, and a segmentation that matches the fp32 pack's on the same image.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createEngine } from '../../workers/engine/engine';
import { createNodeRuntime } from '../../workers/ort/nodeRuntime';
import { MemoryByteStore } from '../../workers/packs/byteStore';
import { loadPack } from '../../workers/packs/loadPack';
import { nodePackDirectory } from '../../workers/packs/nodePackDirectory';
import { openPackGraphs, releaseGraphs } from '../../workers/graphs/openPackGraphs';
import { browserLikeRuntime } from '../helpers/browserLikeRuntime';
import { Goldens, goldenRgba, SAM3_TINY_PACK_DIR, SAM3_TINY_VARIANTS_DIR } from '../parity/fixtures';

const request = (imageId: string) => ({
  imageId,
  concepts: [{ id: 'c', phrase: 'a red square', boxes: [] }],
  scoreThreshold: 0.05,
});

test('an fp16 variant opens from disk and segments like the fp32 pack it was built from', async () => {
  const goldens = new Goldens();
  const image = goldenRgba(goldens, Object.keys(goldens.index.meta.cases.images)[0]);
  const run = async (dir: string) => {
    const engine = createEngine({ createRuntime: () => createNodeRuntime(), store: new MemoryByteStore() });
    await engine.init();
    const info = await engine.openPack(await nodePackDirectory(dir));
    const { imageId } = await engine.openImage({ kind: 'rgba', name: 'golden.png', image });
    return { info, result: await engine.segment(request(imageId)) };
  };
  const base = await run(SAM3_TINY_PACK_DIR);
  const fp16 = await run(join(SAM3_TINY_VARIANTS_DIR, 'fp16'));
  assert.deepEqual(
    fp16.info.graphs.map((g) => g.role),
    base.info.graphs.map((g) => g.role),
  );
  const scores = (r: typeof base.result) => r.instances.map((i) => i.score);
  assert.equal(fp16.result.instances.length, base.result.instances.length);
  for (const [i, s] of scores(fp16.result).entries()) assert.ok(Math.abs(s - scores(base.result)[i]) <= 2e-2);
});

test('a graph computing in float16 behind float32 inputs needs shader-f16: without it, it runs on WASM', async () => {
  // A browser with a hardware adapter that lacks shader-f16; graphs run on onnxruntime-node underneath.
  const probe = { shaderF16: false, maxBufferSize: 2 ** 31, maxStorageBufferBindingSize: 2 ** 30 };
  const runtime = await browserLikeRuntime({ probe });
  const open = async (dir: string) =>
    openPackGraphs(
      await loadPack(await nodePackDirectory(dir), new MemoryByteStore()),
      runtime,
      await runtime.probeWebGpu(),
      'auto',
      () => {},
    );
  const fp16 = await open(join(SAM3_TINY_VARIANTS_DIR, 'fp16'));
  const vision = fp16.info.graphs.find((g) => g.role === 'vision')!;
  assert.match(vision.reason, /computes in float16 and needs shader-f16/);
  const fp32 = await open(join(SAM3_TINY_VARIANTS_DIR, 'fp32-fused'));
  assert.ok(fp32.info.graphs.every((g) => !/float16/.test(g.reason)));
  await releaseGraphs(fp16.graphs);
  await releaseGraphs(fp32.graphs);
});
