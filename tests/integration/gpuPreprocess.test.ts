/**
 * Pre-processing where the vision graph runs: with the vision graph on WebGPU and a runtime that can pre-process on
 * that GPU, the graph is fed the runtime's GPU value (never host pixels) and the masks are those of the JS path;
 * a failing GPU path hands over to JS with the reason in the stats; WASM graphs and `preprocess: 'js'` stay in JS.
 * onnxruntime-node poses as a browser whose WebGPU device pre-processes through the shader's JS twin (the real
 * shader on a real device: e2e/gpuPreprocess.webgpu.spec.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../workers/engine/engine';
import {
  DeviceLostError,
  type GraphRuntime,
  type GraphValue,
  type HostTensor,
  type PreprocessRequest,
} from '../../workers/ort/graphRuntime';
import { browserLikeRuntime } from '../helpers/browserLikeRuntime';
import { MemoryByteStore } from '../../workers/packs/byteStore';
import { gpuPreprocessPlan } from '../../workers/core/gpuResize';
import { emulateGpuPreprocess } from '../helpers/gpuResizeTwin';
import { floatPlanes } from '../../workers/core/float16';
import type { EngineOptions } from '../../workers/protocol/api';
import type { SegmentRequest } from '../../workers/protocol/prompts';
import { packFilesSource } from '../helpers/demoPackEngine';
import { renderScene, SHAPES_SAMPLE } from '../../tools/scenes/scene';

/** A value "on the GPU": what the fake device computed, readable, and told when it is released. */
class DeviceValue implements GraphValue {
  readonly type = 'float32';
  readonly location = 'gpu';
  disposed = false;
  constructor(
    readonly dims: readonly number[],
    private readonly data: Float32Array,
  ) {}
  async read(): Promise<HostTensor> {
    return { type: 'float32', dims: [...this.dims], data: this.data };
  }
  async readPlanes(planeSize: number, indices: readonly number[]): Promise<Float32Array[]> {
    return floatPlanes(this.data, planeSize, indices);
  }
  dispose(): void {
    this.disposed = true;
  }
}

interface FakeGpu {
  runtime: GraphRuntime;
  /** Every value the device pre-processed, in order. */
  made: DeviceValue[];
  /** What each vision run was fed: a device value, or host pixels. */
  visionFeeds: ('device' | 'host')[];
}

/** A browser with a WebGPU adapter; `preprocess` stands in for the shader (null: the runtime does not offer it). */
async function fakeGpuRuntime(
  preprocess: ((r: PreprocessRequest) => Float32Array) | null,
  options: { visionInputType?: string } = {},
): Promise<FakeGpu> {
  const made: DeviceValue[] = [];
  const visionFeeds: ('device' | 'host')[] = [];
  const runtime = await browserLikeRuntime({
    wrapGraph: (graph, spec) => ({
      ...graph,
      ...(spec.name === 'vision' && options.visionInputType
        ? { inputTypes: Object.fromEntries(graph.inputNames.map((n) => [n, options.visionInputType!])) }
        : {}),
      run(feeds, fetches) {
        if (spec.name === 'vision') {
          visionFeeds.push(Object.values(feeds).some((v) => v instanceof DeviceValue) ? 'device' : 'host');
        }
        return graph.run(feeds, fetches);
      },
    }),
    ...(preprocess && {
      preprocessOnGpu: async (request: PreprocessRequest) => {
        const value = new DeviceValue([1, 3, request.size, request.size], preprocess(request));
        made.push(value);
        return value;
      },
    }),
  });
  return { runtime, made, visionFeeds };
}

const shader = ({ image, size, mean, std }: PreprocessRequest) =>
  emulateGpuPreprocess(image, gpuPreprocessPlan(image.width, image.height, size, mean, std));

async function engineOn(gpu: FakeGpu, options: EngineOptions = {}) {
  const engine = createEngine({ createRuntime: async () => gpu.runtime, store: new MemoryByteStore() });
  await engine.init(options);
  await engine.openPack(packFilesSource());
  return engine;
}

const scene = renderScene(SHAPES_SAMPLE);
const red = (imageId: string): SegmentRequest => ({
  imageId,
  concepts: [{ id: 'red', phrase: 'red', boxes: [] }],
  scoreThreshold: 0.5,
});

/** What a user sees of a result: each instance's box, area, score and mask. */
async function masksOf(engine: Awaited<ReturnType<typeof engineOn>>) {
  const { imageId } = await engine.openImage({ kind: 'rgba', name: 'shapes.png', image: { ...scene } });
  const result = await engine.segment(red(imageId));
  return result.instances.map((i) => ({ box: i.boxXyxyPx, area: i.areaPx, score: i.score, mask: i.mask }));
}

test('on WebGPU the vision graph is fed the GPU’s pixels, and the masks are those of the JS path', async () => {
  const gpu = await fakeGpuRuntime(shader);
  const engine = await engineOn(gpu);
  const masks = await masksOf(engine);
  assert.equal(masks.length, 2);
  assert.deepEqual(gpu.visionFeeds, ['device']);
  const stats = await engine.stats();
  assert.deepEqual(stats.preprocess, { gpu: 1, js: 0 });

  const jsEngine = await engineOn(await fakeGpuRuntime(shader), { preprocess: 'js' });
  assert.deepEqual(await masksOf(jsEngine), masks);
  assert.deepEqual((await jsEngine.stats()).preprocess, { gpu: 0, js: 1 });
});

test('the GPU pixels live as long as their image session: another open image keeps them, closing releases them', async () => {
  const gpu = await fakeGpuRuntime(shader);
  const engine = await engineOn(gpu);
  const first = await engine.openImage({ kind: 'rgba', name: 'a.png', image: { ...scene } });
  await engine.segment(red(first.imageId));
  // A second request on the same image reuses the features: no new pre-processing.
  await engine.segment({ ...red(first.imageId), scoreThreshold: 0.3 });
  assert.equal(gpu.made.length, 1);
  assert.equal(gpu.made[0].disposed, false);
  const second = await engine.openImage({ kind: 'rgba', name: 'b.png', image: { ...scene } });
  await engine.segment(red(second.imageId));
  assert.equal(gpu.made[0].disposed, false, 'another image does not evict them (within the memory budget)');
  await engine.closeImage(first.imageId);
  assert.equal(gpu.made[0].disposed, true);
  assert.equal(gpu.made[1].disposed, false);
});

test('check mode compares each GPU result with the JS reference: identical here', async () => {
  const engine = await engineOn(await fakeGpuRuntime(shader), { preprocess: 'check' });
  const masks = await masksOf(engine);
  assert.equal(masks.length, 2);
  const { lastCheck } = (await engine.stats()).preprocess;
  assert.ok(lastCheck);
  assert.equal(lastCheck.width, scene.width);
  assert.equal(lastCheck.total, 3 * lastCheck.size * lastCheck.size);
  assert.equal(lastCheck.differing, 0);
  assert.equal(lastCheck.maxAbs, 0);
});

test('check mode reports a GPU result that is off (one level on every red value)', async () => {
  const offByOneLevel = (r: PreprocessRequest) => {
    const values = shader(r);
    const plane = r.size * r.size;
    for (let i = 0; i < plane; i++) values[i] = Math.min(1, values[i] + 2 / 255);
    return values;
  };
  const engine = await engineOn(await fakeGpuRuntime(offByOneLevel), { preprocess: 'check' });
  await masksOf(engine);
  const { lastCheck } = (await engine.stats()).preprocess;
  assert.ok(lastCheck && lastCheck.differing > 0 && lastCheck.differing <= lastCheck.total / 3);
  assert.ok(Math.abs(lastCheck.maxAbs - 2 / 255) < 1e-6, `maxAbs ${lastCheck.maxAbs}`);
});

test('a failing GPU path hands over to JS with its reason, and the masks are the same', async () => {
  const gpu = await fakeGpuRuntime(() => {
    throw new Error('GPU pre-processing failed: shader compilation failed');
  });
  const engine = await engineOn(gpu);
  const masks = await masksOf(engine);
  assert.equal(masks.length, 2);
  assert.deepEqual(gpu.visionFeeds, ['host']);
  const stats = (await engine.stats()).preprocess;
  assert.equal(stats.gpu, 0);
  assert.equal(stats.js, 1);
  assert.match(stats.gpuFailure ?? '', /shader compilation failed/);
  // Later images go straight to JS.
  await masksOf(engine);
  assert.deepEqual(gpu.visionFeeds, ['host', 'host']);
});

test('graphs on WASM, a runtime without GPU pre-processing, or a float16 pixel input get JS pixels', async () => {
  const onWasm = await fakeGpuRuntime(shader);
  const wasmEngine = await engineOn(onWasm, { provider: 'wasm' });
  assert.equal((await masksOf(wasmEngine)).length, 2);
  assert.deepEqual(onWasm.visionFeeds, ['host']);
  assert.equal(onWasm.made.length, 0);

  const noShader = await fakeGpuRuntime(null);
  assert.equal((await masksOf(await engineOn(noShader))).length, 2);
  assert.deepEqual(noShader.visionFeeds, ['host']);

  // A float16 pixel input (fp16 exports) would be narrowed through the host anyway: JS pixels.
  const half = await fakeGpuRuntime(shader, { visionInputType: 'float16' });
  assert.equal((await masksOf(await engineOn(half))).length, 2);
  assert.deepEqual(half.visionFeeds, ['host']);
  assert.equal(half.made.length, 0);
});

test('a GPU lost while pre-processing goes through the device-loss recovery, not the JS hand-over', async () => {
  let lost = false;
  const gpu = await fakeGpuRuntime((r) => {
    if (!lost) {
      lost = true;
      throw new DeviceLostError('Device was lost');
    }
    return shader(r);
  });
  const engine = await engineOn(gpu);
  const { imageId } = await engine.openImage({ kind: 'rgba', name: 'shapes.png', image: { ...scene } });
  await assert.rejects(engine.segment(red(imageId)), (e: { code: string }) => e.code === 'gpu-lost');
  // The graphs now run on WASM: the retry is pre-processed in JS, and the GPU path was not marked as failed.
  assert.equal((await engine.segment(red(imageId))).instances.length, 2);
  assert.deepEqual(gpu.visionFeeds, ['host']);
  assert.deepEqual((await engine.stats()).preprocess, { gpu: 0, js: 1 });
});
