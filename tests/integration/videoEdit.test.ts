/**
 * Fixing a track anywhere in a processed file (issue 20) on the demo pack with generated clips: a prompt on frame k
 * becomes a conditioning frame and propagates forward and backward from k for the prompted objects only; a new
 * object clicked mid-clip is tracked back to where it entered; a correction on frame k improves the frames before
 * it against the clip's ground truth; graph runs per edit are objects × frames re-run.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoEngine } from '../helpers/demoPackEngine';
import { renderScene, squareShape, type Scene } from '../../tools/scenes/scene';
import { decodeRowMajorRle } from '../../workers/core/rle';
import type { Engine } from '../../workers/engine/engine';
import type { ObjectPrompt } from '../../workers/protocol/prompts';
import type { RleMask } from '../../workers/protocol/results';
import type { VideoEditResult, VideoInstance, PropagationDirection } from '../../workers/protocol/video';

const W = 320;
const H = 240;
const BG: [number, number, number] = [236, 236, 236];

/** The instance's mask on the whole frame (display size = frame size here). */
function fullMask(inst: VideoInstance): Uint8Array {
  const out = new Uint8Array(W * H);
  const [x0, y0, x1, y1] = inst.mask.box!;
  const crop = decodeRowMajorRle(inst.mask.counts, x1 - x0, y1 - y0);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out[y * W + x] = crop[(y - y0) * (x1 - x0) + (x - x0)];
  return out;
}

function iou(a: Uint8Array | null, b: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < b.length; i++) {
    const av = a ? a[i] : 0;
    if (av && b[i]) inter++;
    if (av || b[i]) union++;
  }
  return union === 0 ? 1 : inter / union;
}

const click = (id: string, x: number, y: number, trackId?: number): ObjectPrompt => ({
  id,
  points: [{ id: `${id}-p`, xyPx: [x, y], polarity: 'positive' }],
  candidate: 0,
  ...(trackId !== undefined ? { trackId } : {}),
});

/** Processes a clip (phrase and/or clicks per frame) and returns each frame's masks by track ID. */
async function processClip(
  engine: Engine,
  scenes: Scene[],
  phrase: string | null,
  objectsAt: (t: number) => ObjectPrompt[],
): Promise<{ sessionId: string; masks: Map<number, Uint8Array>[]; rles: Map<number, RleMask>[] }> {
  const session = await engine.startVideo({ mode: 'file', detectEvery: 1 });
  const masks: Map<number, Uint8Array>[] = [];
  const rles: Map<number, RleMask>[] = [];
  for (const [t, scene] of scenes.entries()) {
    const r = await engine.processFrame({
      sessionId: session.sessionId,
      frameIndex: t,
      timestampMs: t * 40,
      rgba: { width: W, height: H, data: scene.data },
      concepts: phrase ? [{ id: phrase, phrase, boxes: [] }] : [],
      objects: objectsAt(t),
      scoreThreshold: 0.5,
    });
    masks.push(new Map(r.instances.map((i) => [i.instanceId, fullMask(i)])));
    rles.push(new Map(r.instances.map((i) => [i.instanceId, i.mask])));
  }
  return { sessionId: session.sessionId, masks, rles };
}

/**
 * Runs an edit as the UI does: frames in the order the engine asks (`next`), each with the stored masks of the
 * edit's objects, and applies each result to the store (only `updated` objects change).
 */
async function runEdit(
  engine: Engine,
  sessionId: string,
  scenes: Scene[],
  { masks, rles }: { masks: Map<number, Uint8Array>[]; rles: Map<number, RleMask>[] },
  k: number,
  objects: ObjectPrompt[],
  direction: PropagationDirection,
  phrase: string | null,
): Promise<{ ids: number[]; born: number[]; results: VideoEditResult[] }> {
  const apply = (r: VideoEditResult) => {
    for (const id of r.updated) {
      masks[r.frameIndex].delete(id);
      rles[r.frameIndex].delete(id);
    }
    for (const inst of r.instances) {
      masks[r.frameIndex].set(inst.instanceId, fullMask(inst));
      rles[r.frameIndex].set(inst.instanceId, inst.mask);
    }
  };
  const info = await engine.startVideoEdit({
    sessionId,
    frameIndex: k,
    timestampMs: k * 40,
    rgba: { width: W, height: H, data: scenes[k].data },
    frameCount: scenes.length,
    direction,
    objects,
    concepts: phrase ? [{ id: phrase, phrase, boxes: [] }] : [],
  });
  apply(info.anchor);
  const results = [info.anchor];
  for (let f = info.anchor.next; f !== null;) {
    const stored = Object.fromEntries(info.objectIds.map((id) => [id, rles[f!].get(id) ?? null]));
    const r = await engine.propagateVideoEdit({
      editId: info.editId,
      frameIndex: f,
      timestampMs: f * 40,
      rgba: { width: W, height: H, data: scenes[f].data },
      stored,
    });
    apply(r);
    results.push(r);
    f = r.next;
  }
  await engine.endVideoEdit(info.editId);
  return { ids: info.objectIds, born: info.born, results };
}

describe('edits of a processed file propagate forward and backward (issue 20)', () => {
  // A red square all along (found by the phrase); a blue square enters from the left on frame 10 and crosses.
  const blueX = (t: number) => -28 + (t - 10) * 5;
  const entering = Array.from({ length: 40 }, (_, t) =>
    renderScene({
      width: W,
      height: H,
      background: BG,
      shapes: [squareShape(220, 30, 40, 'red'), ...(t >= 10 ? [squareShape(blueX(t), 150, 40, 'blue')] : [])],
    }),
  );

  test('an object that enters on frame 10 and is clicked on frame 30 gets masks on frames 10–39, none before', async () => {
    const engine = await demoEngine();
    const store = await processClip(engine, entering, 'red', () => []);
    const { sessionId, masks } = store;
    assert.deepEqual([...masks[30].keys()], [1], 'only the red square is tracked before the edit');
    const redBefore = masks.map((m) => m.get(1));

    const edit = await runEdit(
      engine,
      sessionId,
      entering,
      store,
      30,
      [click('o', blueX(30) + 20, 170)],
      'both',
      'red',
    );
    assert.deepEqual(edit.born, [2], 'a new ID, the next after the red track');
    assert.deepEqual(edit.ids, [2]);
    const blueGt = (t: number) => entering[t].shapes[1].mask;
    for (let t = 10; t < 40; t++) {
      const m = masks[t].get(2);
      assert.ok(m, `frame ${t}: the new object has a mask`);
      assert.ok(iou(m, blueGt(t)) >= 0.8, `frame ${t}: IoU ${iou(m, blueGt(t)).toFixed(3)} with the blue square`);
    }
    for (let t = 0; t < 10; t++) assert.equal(masks[t].has(2), false, `frame ${t}: not yet in the frame`);
    // The red track's stored masks are untouched.
    for (let t = 0; t < 40; t++) assert.equal(masks[t].get(1), redBefore[t], `frame ${t}: red mask kept`);

    // Only the edited object ran: per frame re-run one memory attention, decoder and encoder; no detector, no
    // image tracker decoder; vision once per frame.
    const reRun = edit.results.slice(1);
    assert.equal(reRun.length, 39, 'frames 31–39 forward, then 29–0 backward');
    assert.deepEqual(
      reRun.map((r) => r.frameIndex),
      [...Array.from({ length: 9 }, (_, i) => 31 + i), ...Array.from({ length: 30 }, (_, i) => 29 - i)],
    );
    const sum = (role: string) => reRun.reduce((n, r) => n + (r.graphRuns[role] ?? 0), 0);
    const objectsTimesFrames = edit.ids.length * reRun.length;
    assert.equal(sum('memoryAttention'), objectsTimesFrames);
    assert.equal(sum('memoryDecoder'), objectsTimesFrames);
    assert.equal(sum('memoryEncoder'), objectsTimesFrames);
    assert.equal(sum('vision'), reRun.length);
    assert.equal(sum('detector'), 0);
    assert.equal(sum('tracker'), 0);
    // The prompted frame: one decode of the click (no memory) and one memory encoding.
    assert.equal(edit.results[0].graphRuns.memoryDecoder, 1);
    assert.equal(edit.results[0].graphRuns.memoryEncoder, 1);
    assert.equal(edit.results[0].graphRuns.memoryAttention ?? 0, 0);
  });

  test('forward-only and backward-only edits re-run only their side', async () => {
    const engine = await demoEngine();
    const store = await processClip(engine, entering, 'red', () => []);
    const { sessionId, masks } = store;
    const fwd = await runEdit(
      engine,
      sessionId,
      entering,
      store,
      30,
      [click('o', blueX(30) + 20, 170)],
      'forward',
      'red',
    );
    assert.deepEqual(
      fwd.results.slice(1).map((r) => r.frameIndex),
      Array.from({ length: 9 }, (_, i) => 31 + i),
    );
    for (let t = 10; t < 30; t++) assert.equal(masks[t].has(2), false, `frame ${t}: forward only`);
    // A second edit of the same object, backward only: its ID is kept.
    const back = await runEdit(
      engine,
      sessionId,
      entering,
      store,
      20,
      [click('o2', blueX(20) + 20, 170, 2)],
      'backward',
      'red',
    );
    assert.deepEqual(back.born, []);
    assert.deepEqual(back.ids, [2]);
    for (let t = 10; t <= 20; t++) assert.ok(masks[t].has(2), `frame ${t}: tracked back`);
    for (let t = 21; t < 30; t++) assert.equal(masks[t].has(2), false, `frame ${t}: not re-run`);
  });

  test('a drifting track corrected on frame 25 improves the frames before it against the ground truth', async () => {
    // A small blue square A stays; a big blue square B passes over it (they touch on frames 3–6: one region), so
    // when they part the track follows B, the larger part of what it remembers. A click on A on frame 25 fixes it.
    const bX = (t: number) => 10 + 20 * t;
    const clip = Array.from({ length: 30 }, (_, t) =>
      renderScene({
        width: W,
        height: H,
        background: BG,
        shapes: [squareShape(120, 100, 26, 'blue'), squareShape(bX(t), 118, 56, 'blue')],
      }),
    );
    const gtA = (t: number) => clip[t].shapes[0].mask;
    const engine = await demoEngine();
    const store = await processClip(engine, clip, null, (t) => (t === 0 ? [click('a', 133, 113)] : []));
    const { sessionId, masks } = store;
    const before = masks.map((m, t) => iou(m.get(1) ?? null, gtA(t)));
    const fmt = (v: number[]) => v.map((x) => x.toFixed(2)).join(' ');
    assert.ok(
      before.slice(7, 25).every((v) => v < 0.3),
      `the uncorrected track drifts to B: ${fmt(before)}`,
    );

    const edit = await runEdit(engine, sessionId, clip, store, 25, [click('fix', 133, 113, 1)], 'both', null);
    assert.deepEqual(edit.ids, [1], 'the correction keeps the track ID');
    const after = masks.map((m, t) => iou(m.get(1) ?? null, gtA(t)));
    for (let t = 0; t < 30; t++) {
      assert.ok(
        after[t] >= before[t] - 1e-9,
        `frame ${t}: IoU ${fmt([after[t], before[t]])}; ${fmt(before)} → ${fmt(after)}`,
      );
    }
    for (let t = 7; t < 25; t++)
      assert.ok(after[t] >= 0.9, `frame ${t}: IoU with A ${after[t].toFixed(3)} after the fix`);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    assert.ok(mean(after.slice(0, 25)) > mean(before.slice(0, 25)), 'the frames before the fix improve on average');
    // Backward, the edit stops where the new masks meet the stored ones again (frame 6, where A and B are one
    // region in both runs): frames 0–5 are not re-run.
    const backward = edit.results.filter((r) => r.frameIndex < 25).map((r) => r.frameIndex);
    assert.equal(Math.min(...backward), 6, `backward frames re-run: ${backward.join(' ')}`);
  });
});
