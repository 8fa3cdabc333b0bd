/**
 * Image sessions and the one cancel path on the real engine (demo pack, onnxruntime-node): several images open at
 * once keep their features (a folder run, a video and the single image never evict each other), a closed session
 * frees what it held, the features' memory budget evicts the least recently used image, and a cancelled call rejects
 * with the coded error — a running graph finishes, but nothing after it runs.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, type Engine } from '../../workers/engine/engine';
import { createNodeRuntime } from '../../workers/ort/nodeRuntime';
import { MemoryByteStore } from '../../workers/packs/byteStore';
import type { Graph, GraphRuntime } from '../../workers/ort/graphRuntime';
import { labelImage } from '../../workers/batch/labelImage';
import { packFilesSource } from '../helpers/demoPackEngine';
import { renderScene, SHAPES_SAMPLE, type ShapeSpec } from '../../tools/scenes/scene';
import type { SegmentRequest } from '../../workers/protocol/prompts';

const concept = (phrase: string) => ({ id: phrase, phrase, boxes: [] });
const request = (imageId: string, ...phrases: string[]): SegmentRequest => ({
  imageId,
  concepts: phrases.map(concept),
  scoreThreshold: 0.5,
});
const sample = () => ({ ...renderScene(SHAPES_SAMPLE) });

/** The graphs of `runtime`, with the vision graph held at a gate while `gate.closed` (to cancel mid-graph). */
function gatedRuntime(runtime: GraphRuntime, gate: { closed: boolean; started?: () => void; open?: () => void }) {
  return {
    ...runtime,
    providers: runtime.providers,
    wasmThreads: runtime.wasmThreads,
    probeWebGpu: () => runtime.probeWebGpu(),
    tensor: (t) => runtime.tensor(t),
    async createGraph(spec) {
      const graph = await runtime.createGraph(spec);
      if (spec.name !== 'vision') return graph;
      const gated: Graph = {
        ...graph,
        name: graph.name,
        provider: graph.provider,
        inputNames: graph.inputNames,
        outputNames: graph.outputNames,
        release: () => graph.release(),
        async run(feeds, fetches) {
          if (gate.closed) {
            gate.started?.();
            await new Promise<void>((resolve) => (gate.open = resolve));
          }
          return graph.run(feeds, fetches);
        },
      };
      return gated;
    },
  } satisfies GraphRuntime;
}

async function engineWith(options: { imageMemoryBytes?: number; gate?: { closed: boolean } } = {}): Promise<Engine> {
  const engine = createEngine({
    createRuntime: async () => {
      const runtime = await createNodeRuntime();
      return options.gate ? gatedRuntime(runtime, options.gate) : runtime;
    },
    store: new MemoryByteStore(),
    imageMemoryBytes: options.imageMemoryBytes,
  });
  await engine.init();
  await engine.openPack(packFilesSource());
  return engine;
}

describe('image sessions', () => {
  let engine: Engine;
  before(async () => {
    engine = await engineWith();
  });

  test('after a video is opened and closed, a new phrase on the still image runs no vision graph', async () => {
    const still = await engine.openImage({ kind: 'rgba', name: 'still.png', image: sample() });
    assert.equal((await engine.segment(request(still.imageId, 'red'))).graphRuns.vision, 1);
    const video = await engine.startVideo({ mode: 'file', detectEvery: 1 });
    for (let frameIndex = 0; frameIndex < 3; frameIndex++) {
      const scene = renderScene({ ...SHAPES_SAMPLE, shapes: SHAPES_SAMPLE.shapes.slice(frameIndex) });
      await engine.processFrame({
        sessionId: video.sessionId,
        frameIndex,
        timestampMs: frameIndex * 40,
        rgba: { width: scene.width, height: scene.height, data: scene.data },
        concepts: [concept('blue')],
        scoreThreshold: 0.5,
      });
    }
    await engine.endVideo(video.sessionId);
    const after = await engine.segment(request(still.imageId, 'red', 'green'));
    assert.equal(after.graphRuns.vision, 0, 'the still image kept its vision features');
    assert.equal(after.graphRuns.detector, 1, 'only the new phrase ran the detector');
    assert.ok(after.instances.some((i) => i.conceptId === 'green'));
    await engine.closeImage(still.imageId);
  });

  test('a folder run (open, segment, close per image) neither evicts nor replaces the single image', async () => {
    const still = await engine.openImage({ kind: 'rgba', name: 'still.png', image: sample() });
    const first = await engine.segment(request(still.imageId, 'red'));
    for (let i = 0; i < 3; i++) {
      const shapes: ShapeSpec[] = [{ kind: 'rect', colour: 'red', x0: 10 + 20 * i, y0: 10, x1: 60 + 20 * i, y1: 60 }];
      const scene = renderScene({ width: 160, height: 120, background: [236, 236, 236], shapes });
      const out = await labelImage(
        engine,
        { kind: 'rgba', name: `f${i}.png`, image: scene },
        { phrases: ['red'], scoreThreshold: 0.5, displayMasks: false },
      );
      assert.equal(out.annotations.length, 1);
      assert.equal(out.graphRuns.vision, 1);
    }
    const again = await engine.segment(request(still.imageId, 'red', 'blue'));
    assert.equal(again.graphRuns.vision, 0);
    // The single image's instance IDs are its own: the folder's images did not renumber them.
    const reds = (r: typeof first) => r.instances.filter((i) => i.conceptId === 'red').map((i) => i.instanceId);
    assert.deepEqual(reds(again), reds(first));
    const { sessions } = await engine.stats();
    assert.equal(sessions.open, 1, 'the folder images were closed');
    await engine.closeImage(still.imageId);
    assert.equal((await engine.stats()).sessions.featureBytes, 0, 'a closed session frees its features');
    await assert.rejects(engine.segment(request(still.imageId, 'red')), (e: { code: string }) => e.code === 'no-image');
  });

  test('the features budget evicts the least recently used image; its next request runs vision again', async () => {
    const small = await engineWith({ imageMemoryBytes: 1 });
    const a = await small.openImage({ kind: 'rgba', name: 'a.png', image: sample() });
    const b = await small.openImage({ kind: 'rgba', name: 'b.png', image: sample() });
    assert.equal((await small.segment(request(a.imageId, 'red'))).graphRuns.vision, 1);
    assert.equal((await small.segment(request(b.imageId, 'red'))).graphRuns.vision, 1);
    // One image's features at a time fit: a's were evicted by b's, so a new phrase on a runs vision again.
    const again = await small.segment(request(a.imageId, 'red', 'blue'));
    assert.equal(again.graphRuns.vision, 1);
    assert.equal(again.instances.filter((i) => i.conceptId === 'red').length, 2);

    const roomy = await engineWith();
    const c = await roomy.openImage({ kind: 'rgba', name: 'c.png', image: sample() });
    const d = await roomy.openImage({ kind: 'rgba', name: 'd.png', image: sample() });
    await roomy.segment(request(c.imageId, 'red'));
    await roomy.segment(request(d.imageId, 'red'));
    assert.equal((await roomy.segment(request(c.imageId, 'blue'))).graphRuns.vision, 0);
    assert.equal((await roomy.segment(request(d.imageId, 'blue'))).graphRuns.vision, 0);
    const stats = await roomy.stats();
    assert.equal(stats.sessions.open, 2);
    assert.ok(stats.sessions.featureBytes > 0 && stats.sessions.featureBytes <= stats.sessions.budgetBytes);
  });
});

describe('one way to cancel', () => {
  test('a queued segmentation cancelled before it starts runs no graph and rejects with code "cancelled"', async () => {
    const engine = await engineWith();
    const image = await engine.openImage({ kind: 'rgba', name: 's.png', image: sample() });
    const before = (await engine.stats()).graphRuns;
    const pending = engine.segment(request(image.imageId, 'red'), { requestId: 'q1' });
    await engine.cancel('q1');
    await assert.rejects(pending, (e: { code: string; message: string }) => {
      assert.equal(e.code, 'cancelled');
      assert.match(e.message, /cancelled/);
      return true;
    });
    const after = (await engine.stats()).graphRuns;
    assert.deepEqual(after, before, 'no graph ran');
    // The session is intact: the same request runs normally afterwards.
    assert.equal((await engine.segment(request(image.imageId, 'red'))).instances.length, 2);
  });

  test('cancelled during the vision graph: that graph finishes, nothing after it runs, its result is not returned', async () => {
    const gate: { closed: boolean; started?: () => void; open?: () => void } = { closed: false };
    const engine = await engineWith({ gate });
    const image = await engine.openImage({ kind: 'rgba', name: 's.png', image: sample() });
    gate.closed = true;
    const started = new Promise<void>((resolve) => (gate.started = resolve));
    const before = (await engine.stats()).graphRuns;
    const pending = engine.segment(request(image.imageId, 'red', 'blue'), { requestId: 'mid' });
    await started;
    await engine.cancel('mid');
    gate.closed = false;
    gate.open!();
    await assert.rejects(pending, (e: { code: string }) => e.code === 'cancelled');
    const runs = (await engine.stats()).graphRuns;
    assert.equal(runs.vision - before.vision, 1, 'the running vision graph finished');
    assert.equal(runs.text - before.text, 0, 'no text graph after it');
    assert.equal(runs.detector - before.detector, 0, 'no detector after it');
    // What the finished graph made is kept for the image: the next request needs no vision graph.
    const next = await engine.segment(request(image.imageId, 'red'));
    assert.equal(next.graphRuns.vision, 0);
    assert.equal(next.instances.length, 2);
  });

  test('a cancel for a call that already finished, or an unknown id, changes nothing', async () => {
    const engine = await engineWith();
    const image = await engine.openImage({ kind: 'rgba', name: 's.png', image: sample() });
    const r = await engine.segment(request(image.imageId, 'red'), { requestId: 'done' });
    await engine.cancel('done');
    await engine.cancel('never-sent-1');
    assert.equal(r.instances.length, 2);
    assert.equal((await engine.segment(request(image.imageId, 'red'), { requestId: 'next' })).instances.length, 2);
  });
});
