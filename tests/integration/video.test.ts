/**
 * Video concept tracking on the demo pack with generated clips (issue 4): IDs follow objects while they move,
 * pass each other, leave and come back (a new ID; the old one is never reused), and appear late.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoEngine } from '../helpers/demoPackEngine';
import { buildPack, type PackVariant } from '../../tools/demo-pack/pack';
import { createEngine } from '../../workers/engine/engine';
import { createNodeRuntime } from '../../workers/ort/nodeRuntime';
import { MemoryByteStore } from '../../workers/packs/byteStore';
import { renderScene, squareShape, type ShapeSpec } from '../../tools/scenes/scene';
import type { Engine } from '../../workers/engine/engine';
import type { RgbaImage } from '../../workers/protocol/api';
import type { VideoFrameResult, VideoSessionOptions } from '../../workers/protocol/video';

const W = 320;
const H = 240;

/** One W×H frame of flat grey with the given shapes, as engine input. */
function frameOf(shapes: ShapeSpec[]): RgbaImage {
  return { width: W, height: H, data: renderScene({ width: W, height: H, background: [236, 236, 236], shapes }).data };
}

/** Runs a clip through one session; returns each frame's result. */
async function track(
  engine: Engine,
  frames: ShapeSpec[][],
  options: Partial<VideoSessionOptions> = {},
  phrase = 'red',
): Promise<VideoFrameResult[]> {
  const session = await engine.startVideo({ mode: 'file', detectEvery: 1, ...options });
  const out: VideoFrameResult[] = [];
  for (const [frameIndex, shapes] of frames.entries()) {
    out.push(
      await engine.processFrame({
        sessionId: session.sessionId,
        frameIndex,
        timestampMs: frameIndex * 100,
        rgba: frameOf(shapes),
        concepts: [{ id: phrase, phrase, boxes: [] }],
        scoreThreshold: 0.5,
      }),
    );
  }
  await engine.endVideo(session.sessionId);
  return out;
}

const square = (x: number, y: number, colour = 'red', size = 40): ShapeSpec => squareShape(x, y, size, colour);
const ids = (r: VideoFrameResult) => r.instances.map((i) => i.instanceId);
const centreX = (r: VideoFrameResult, id: number) => {
  const b = r.instances.find((i) => i.instanceId === id)!.boxXyxyPx;
  return (b[0] + b[2]) / 2;
};

/** The engine on one of the demo pack's variants, built in memory. */
async function variantEngine(variant: PackVariant): Promise<Engine> {
  const engine = createEngine({ createRuntime: () => createNodeRuntime(), store: new MemoryByteStore() });
  await engine.init();
  const files = buildPack(variant);
  await engine.openPack({
    kind: 'files',
    files: Object.entries(files).map(([path, b]) => ({
      path,
      data: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer,
    })),
  });
  return engine;
}

/** The demo pack without its memory graphs: the engine's prompt-decoder fallback. */
const fallbackEngine = () => variantEngine('dual-no-memory');

for (const [mode, makeEngine] of [
  ['memory', demoEngine],
  ['prompt-decoder', fallbackEngine],
] as const) {
  describe(`video tracking on the demo pack (${mode} propagation)`, () => {
    test('the session reports its propagation mode', async () => {
      const engine = await makeEngine();
      const session = await engine.startVideo({ mode: 'file', detectEvery: 1 });
      assert.equal(session.propagation, mode);
      await engine.endVideo(session.sessionId);
    });

    test('two red squares passing each other keep their IDs', async () => {
      const engine = await makeEngine();
      // A moves right on the top row, B left on the bottom row; they pass each other mid-clip.
      const frames = Array.from({ length: 30 }, (_, t) => [square(20 + 8 * t, 30), square(260 - 8 * t, 150)]);
      const results = await track(engine, frames);
      for (const [t, r] of results.entries()) assert.deepEqual(ids(r), [1, 2], `frame ${t}`);
      const last = results.at(-1)!;
      assert.ok(centreX(last, 1) > centreX(last, 2), 'ID 1 is the square that started on the left');
      for (const [t, r] of results.entries()) {
        assert.ok(Math.abs(centreX(r, 1) - (40 + 8 * t)) <= 2, `frame ${t}: ID 1 at x ${centreX(r, 1)}`);
      }
    });

    test('an object that leaves for 20 frames comes back with a new ID; the old one is never reused', async () => {
      const engine = await makeEngine();
      const frames = Array.from({ length: 40 }, (_, t) => {
        const shapes = [square(20, 150)];
        if (t < 10 || t >= 30) shapes.push(square(200, 30, 'red'));
        return shapes;
      });
      const results = await track(engine, frames);
      // IDs are born in raster order of the detections: the top square (the one that leaves) is 1.
      const leaver = results[0].instances.find((i) => i.boxXyxyPx[1] < 100)!.instanceId;
      const stayer = results[0].instances.find((i) => i.boxXyxyPx[1] > 100)!.instanceId;
      assert.deepEqual([leaver, stayer], [1, 2]);
      assert.deepEqual(ids(results[9]), [1, 2]);
      for (let t = 10; t < 30; t++) assert.deepEqual(ids(results[t]), [2], `frame ${t}`);
      assert.deepEqual(ids(results[30]), [2, 3]);
      assert.deepEqual(ids(results[39]), [2, 3]);
      assert.ok(
        results[30].instances.find((i) => i.instanceId === 3)!.boxXyxyPx[1] < 100,
        'ID 3 is the returning square',
      );
      const everyId = new Set(results.flatMap(ids));
      assert.deepEqual([...everyId].sort(), [1, 2, 3]);
    });

    test('a square appearing late gets the next ID, the others keep theirs', async () => {
      const engine = await makeEngine();
      const frames = Array.from({ length: 20 }, (_, t) => {
        const shapes = [square(20 + 2 * t, 30), square(200, 150)];
        if (t >= 12) shapes.push(square(120, 100, 'red', 30));
        return shapes;
      });
      const results = await track(engine, frames);
      assert.deepEqual(ids(results[11]), [1, 2]);
      assert.equal(results[12].born.length, 1);
      assert.deepEqual(ids(results[12]), [1, 2, 3]);
      assert.deepEqual(ids(results[19]), [1, 2, 3]);
    });

    test('with the detector every 5 frames, the tracker carries objects in between', async () => {
      const engine = await makeEngine();
      const frames = Array.from({ length: 15 }, (_, t) => [square(20 + 6 * t, 60)]);
      const results = await track(engine, frames, { detectEvery: 5 });
      assert.deepEqual(
        results.map((r) => r.detectorRan),
        results.map((_, t) => t % 5 === 0),
      );
      for (const [t, r] of results.entries()) {
        assert.deepEqual(ids(r), [1], `frame ${t}`);
        assert.ok(Math.abs(centreX(r, 1) - (40 + 6 * t)) <= 2, `frame ${t}: x ${centreX(r, 1)}`);
      }
      assert.equal(results[3].graphRuns.detector, 0);
      assert.equal(results[3].graphRuns.vision, 1);
    });
  });
}

describe('a vision graph whose top level already holds no_memory_embedding (HF semantics)', () => {
  test('tracks exactly as the raw-top-level pack: the memory path takes the raw level back', async () => {
    // The variant's image_embeddings.2 = raw + a large no_memory_embedding (in its constants.json too) and its
    // manifest says trackerTopLevel 'plus-no-memory'. Fed unchanged to the memory encoder, that offset drowns the
    // remembered colour and the tracker loses the square between detections.
    const frames = Array.from({ length: 12 }, (_, t) => [square(20 + 6 * t, 60), square(200, 150, 'red', 30)]);
    const raw = await track(await demoEngine(), frames, { detectEvery: 6 });
    const plus = await track(await variantEngine('dual-plus-no-memory'), frames, { detectEvery: 6 });
    for (const [t, r] of plus.entries()) {
      assert.deepEqual(ids(r), [1, 2], `frame ${t}`);
      assert.deepEqual(
        r.instances.map((i) => i.boxXyxyPx),
        raw[t].instances.map((i) => i.boxXyxyPx),
        `frame ${t}`,
      );
      assert.ok(Math.abs(centreX(r, 1) - (40 + 6 * t)) <= 2, `frame ${t}: x ${centreX(r, 1)}`);
    }
    assert.equal(plus[3].graphRuns.detector, 0, 'frame 3 is carried by the memory graphs');
  });
});

describe('prompts added on a frame apply from that frame on', () => {
  test('a negative box added at frame 10 removes the track inside it; the other keeps its ID', async () => {
    const engine = await demoEngine();
    const session = await engine.startVideo({ mode: 'file', detectEvery: 1 });
    const results: VideoFrameResult[] = [];
    for (let t = 0; t < 25; t++) {
      const shapes = [square(20 + 2 * t, 30), square(200, 150)];
      const boxes =
        t >= 10
          ? [
              {
                id: 'neg',
                xyxyPx: [30, 20, 120, 90] as [number, number, number, number],
                polarity: 'negative' as const,
              },
            ]
          : [];
      results.push(
        await engine.processFrame({
          sessionId: session.sessionId,
          frameIndex: t,
          timestampMs: t * 100,
          rgba: frameOf(shapes),
          concepts: [{ id: 'red', phrase: 'red', boxes }],
          scoreThreshold: 0.5,
        }),
      );
    }
    assert.deepEqual(ids(results[9]), [1, 2]);
    assert.deepEqual(results[10].removed, [1]);
    for (let t = 10; t < 25; t++) assert.deepEqual(ids(results[t]), [2], `frame ${t}`);
  });

  test('an object started by a click on frame 5 keeps its ID although no phrase matches it', async () => {
    const engine = await demoEngine();
    const session = await engine.startVideo({ mode: 'file', detectEvery: 1 });
    const results: VideoFrameResult[] = [];
    for (let t = 0; t < 30; t++) {
      const shapes = [square(20, 30), square(150 + t, 150, 'blue')];
      const objects =
        t >= 5
          ? [
              {
                id: 'o',
                points: [{ id: 'p', xyPx: [170 + 5, 170] as [number, number], polarity: 'positive' as const }],
                candidate: 0,
              },
            ]
          : [];
      results.push(
        await engine.processFrame({
          sessionId: session.sessionId,
          frameIndex: t,
          timestampMs: t * 100,
          rgba: frameOf(shapes),
          concepts: [{ id: 'red', phrase: 'red', boxes: [] }],
          objects,
          scoreThreshold: 0.5,
        }),
      );
    }
    assert.deepEqual(ids(results[4]), [1]);
    for (let t = 5; t < 30; t++) assert.deepEqual(ids(results[t]), [1, 2], `frame ${t}`);
    // The click is decoded as the reference does in video: the memory decoder on frame 5's raw features (one run
    // for the click besides the red track's), never the still image's tracker decoder (reference.md §10.5).
    assert.equal(results[5].graphRuns.tracker, 0);
    assert.equal(results[5].graphRuns.memoryDecoder, 2);
    const blue = results[29].instances.find((i) => i.instanceId === 2)!;
    assert.ok(Math.abs((blue.boxXyxyPx[0] + blue.boxXyxyPx[2]) / 2 - (150 + 29 + 20)) <= 3, 'follows the blue square');
  });
});

describe('non-overlapping masks (SAM 3) or each object its own (SAM 2, Sam3TrackerVideoModel)', () => {
  /** Two objects clicked on the same moving blue square on frame 0, tracked for 6 frames; masks' areas per frame. */
  async function twoOnOne(nonOverlappingMasks: boolean): Promise<VideoFrameResult[]> {
    const engine = await demoEngine();
    const session = await engine.startVideo({
      mode: 'file',
      detectEvery: 1_000_000,
      settings: { nonOverlappingMasks },
    });
    const out: VideoFrameResult[] = [];
    for (let t = 0; t < 6; t++) {
      const shapes = [square(100 + 4 * t, 80, 'blue')];
      const click = (id: string, x: number) => ({
        id,
        candidate: 0,
        points: [{ id: `${id}p`, xyPx: [x, 100] as [number, number], polarity: 'positive' as const }],
      });
      out.push(
        await engine.processFrame({
          sessionId: session.sessionId,
          frameIndex: t,
          timestampMs: t * 100,
          rgba: frameOf(shapes),
          concepts: [],
          objects: [click('a', 110), click('b', 130)],
          scoreThreshold: 0.5,
        }),
      );
    }
    await engine.endVideo(session.sessionId);
    return out;
  }

  test('on (default): the square belongs to one object; off: both objects keep it on every frame', async () => {
    const shared = await twoOnOne(true);
    const own = await twoOnOne(false);
    for (let t = 0; t < 6; t++) {
      assert.equal(shared[t].instances.length, 1, `frame ${t}: one object holds the pixels`);
      assert.deepEqual(ids(own[t]), [1, 2], `frame ${t}`);
      const [a, b] = own[t].instances;
      assert.deepEqual(a.boxXyxyPx, b.boxXyxyPx, `frame ${t}: the same square`);
      assert.ok(Math.abs((a.boxXyxyPx[0] + a.boxXyxyPx[2]) / 2 - (120 + 4 * t)) <= 2, `frame ${t}: follows it`);
      assert.deepEqual(shared[t].instances[0].boxXyxyPx, a.boxXyxyPx);
    }
  });
});

describe('live output policy: provisional tracks and why they go (issue 11)', () => {
  /** A big red square all along; a second one born on frame 3 that shrinks below detection on frame 5. */
  const blink = (t: number): ShapeSpec[] => [
    square(200, 150, 'red', 44),
    ...(t >= 3 ? [square(40, 60, 'red', t < 5 ? 30 : 14)] : []),
  ];

  test('a young track the detector stops confirming is provisional, then removed as unconfirmed', async () => {
    const engine = await demoEngine();
    const results = await track(
      engine,
      Array.from({ length: 20 }, (_, t) => blink(t)),
    );
    const born = results[3].born;
    assert.equal(born.length, 1, 'the second square is born on frame 3');
    const b = born[0];
    const removedOn = results.findIndex((r) => r.removed.includes(b));
    assert.ok(removedOn > 5 && removedOn < 3 + 15, `removed within its hotstart window (frame ${removedOn})`);
    assert.equal(results[removedOn].removedReasons?.[b], 'unconfirmed');
    for (let t = 3; t < removedOn; t++) {
      const inst = results[t].instances.find((i) => i.instanceId === b);
      assert.equal(inst?.provisional, true, `frame ${t}: shown as provisional`);
    }
    // The first square: provisional during its first 15 frames, confirmed after.
    const a = results[0].instances[0].instanceId;
    assert.equal(results[14].instances.find((i) => i.instanceId === a)?.provisional, true);
    assert.equal(results[15].instances.find((i) => i.instanceId === a)?.provisional, undefined);
  });
});

describe('the UI-side COCO RLE (export) matches the engine encoder', () => {
  test('row-major masks from the engine → pycocotools strings, identical to the engine’s own', async () => {
    const { cocoCountsToString, rowMajorToCocoCounts, packCounts, unpackCounts } =
      await import('../../src/video/results/rleCodec');
    const engine = await demoEngine();
    const results = await track(
      engine,
      [0, 1, 2].map((t) => [square(20 + 5 * t, 30), square(200, 150, 'red', 31)]),
      { withCocoRle: true },
    );
    let checked = 0;
    for (const r of results)
      for (const inst of r.instances) {
        const { width, height, counts, box } = inst.mask;
        assert.deepEqual(unpackCounts(packCounts(counts)), counts);
        assert.equal(cocoCountsToString(rowMajorToCocoCounts(counts, width, height, box)), inst.cocoRle!.counts);
        checked++;
      }
    assert.equal(checked, 6);
  });
});
