/** Table-driven tests of the video algorithm's rules (reference.md §9.1–9.2). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { associate } from './association';
import { maskIou } from '../core/masks';
import { memoryPlanes, resolveOverlaps, TrackBook } from './trackBook';
import { DEFAULT_TRACKER_SETTINGS as S } from '../protocol/video';

/** A binary mask on a 10×10 grid with the given [x0,y0,x1,y1) rectangle set. */
function rect(x0: number, y0: number, x1: number, y1: number): Uint8Array {
  const m = new Uint8Array(100);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * 10 + x] = 1;
  return m;
}
const EMPTY = new Uint8Array(100);

describe('association', () => {
  const cases = [
    {
      name: 'a detection on a track matches it (IoU 1) and is not new',
      dets: [{ score: 0.9, mask: rect(0, 0, 4, 4) }],
      tracks: [{ id: 1, mask: rect(0, 0, 4, 4) }],
      matched: [1],
      unmatched: [],
      newDets: [],
    },
    {
      name: 'IoU between 0.1 and 0.5: the track is unmatched but the detection is not new',
      // 4×4 vs 4×4 shifted by 2 → inter 8, union 24, IoU 1/3.
      dets: [{ score: 0.9, mask: rect(2, 0, 6, 4) }],
      tracks: [{ id: 1, mask: rect(0, 0, 4, 4) }],
      matched: [],
      unmatched: [1],
      newDets: [],
    },
    {
      name: 'a detection far from every track with score ≥ 0.7 is new',
      dets: [{ score: 0.7, mask: rect(6, 6, 9, 9) }],
      tracks: [{ id: 1, mask: rect(0, 0, 4, 4) }],
      matched: [],
      unmatched: [1],
      newDets: [0],
    },
    {
      name: 'a detection scoring below 0.7 never starts a track',
      dets: [{ score: 0.69, mask: rect(6, 6, 9, 9) }],
      tracks: [],
      matched: [],
      unmatched: [],
      newDets: [],
    },
    {
      name: 'an empty prediction is neither matched nor unmatched',
      dets: [{ score: 0.9, mask: rect(6, 6, 9, 9) }],
      tracks: [{ id: 3, mask: EMPTY }],
      matched: [],
      unmatched: [],
      newDets: [0],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const a = associate(c.dets, c.tracks, S);
      assert.deepEqual([...a.matched], c.matched);
      assert.deepEqual([...a.unmatched], c.unmatched);
      assert.deepEqual(a.newDetections, c.newDets);
    });
  }

  test('one detection may match several tracks (many-to-one); high-confidence pairs are recorded', () => {
    const a = associate(
      [{ score: 0.95, mask: rect(0, 0, 5, 5) }],
      [
        { id: 1, mask: rect(0, 0, 5, 5) },
        { id: 2, mask: rect(0, 0, 5, 4) },
      ],
      S,
    );
    assert.deepEqual(a.tracksOfDetection, [[1, 2]]);
    assert.deepEqual([...a.highConfidence], [[1, 0]]);
  });
});

describe('track book', () => {
  const noScores = new Map<number, number>();

  test('IDs are born in detection order, monotonic, and never reused after removal', () => {
    const book = new TrackBook(S);
    const p0 = book.plan(
      0,
      null,
      [
        { detection: 1, score: 0.9, conceptIndex: 0 },
        { detection: 0, score: 0.8, conceptIndex: 0 },
      ],
      noScores,
    );
    assert.deepEqual(p0.born, [
      { id: 1, detection: 0 },
      { id: 2, detection: 1 },
    ]);
    book.remove(2);
    const p1 = book.plan(1, null, [{ detection: 0, score: 0.9, conceptIndex: 0 }], noScores);
    assert.deepEqual(p1.born, [{ id: 3, detection: 0 }]);
  });

  test('hotstart: a young track unmatched on 8 frames is removed; an old one is kept', () => {
    const book = new TrackBook(S);
    book.plan(0, null, [{ detection: 0, score: 0.9, conceptIndex: 0 }], noScores); // id 1 at frame 0
    const unmatched = (id: number) => ({
      iou: [],
      matched: new Set<number>(),
      unmatched: new Set([id]),
      empty: new Set<number>(),
      newDetections: [],
      tracksOfDetection: [],
      highConfidence: new Map(),
    });
    const removedAt: number[] = [];
    const provisional: boolean[] = [];
    for (let f = 1; f <= 10; f++) {
      provisional.push(book.isProvisional(1, f));
      const plan = book.plan(f, unmatched(1), [], noScores);
      if (plan.removed.includes(1)) {
        removedAt.push(f);
        assert.equal(plan.reasons.get(1), 'unconfirmed');
      }
    }
    assert.deepEqual(removedAt, [8]);
    // Provisional while it could still be removed; a removed ID is not provisional (it is gone).
    assert.deepEqual(provisional, [true, true, true, true, true, true, true, true, false, false]);

    const old = new TrackBook(S);
    old.plan(0, null, [{ detection: 0, score: 0.9, conceptIndex: 0 }], noScores);
    assert.equal(old.isProvisional(1, 14), true);
    // Unmatched only after its 15-frame window: never removed, and confirmed from then on.
    for (let f = 15; f < 40; f++) {
      assert.equal(old.isProvisional(1, f), false);
      assert.deepEqual(old.plan(f, unmatched(1), [], noScores).removed, []);
    }
    assert.equal(old.size, 1);
  });

  test('duplicates: the later-born of two tracks matched to one detection goes after 8 frames', () => {
    const book = new TrackBook(S);
    book.plan(0, null, [{ detection: 0, score: 0.9, conceptIndex: 0 }], noScores); // 1
    book.plan(2, null, [{ detection: 0, score: 0.9, conceptIndex: 0 }], noScores); // 2
    const dup = {
      iou: [],
      matched: new Set([1, 2]),
      unmatched: new Set<number>(),
      empty: new Set<number>(),
      newDetections: [],
      tracksOfDetection: [[2, 1]],
      highConfidence: new Map(),
    };
    const removed: number[][] = [];
    const reasons: string[] = [];
    for (let f = 3; f <= 11; f++) {
      const plan = book.plan(f, dup, [], noScores);
      removed.push(plan.removed);
      reasons.push(...plan.reasons.values());
    }
    assert.deepEqual(removed.flat(), [2]);
    assert.deepEqual(reasons, ['duplicate']);
    assert.deepEqual(
      removed.findIndex((r) => r.length > 0),
      7,
    ); // the 8th shared frame
  });

  test('re-conditioning: every 16th frame, high-confidence matches with object score > 0.8 only', () => {
    const book = new TrackBook(S);
    book.plan(
      0,
      null,
      [
        { detection: 0, score: 0.9, conceptIndex: 0 },
        { detection: 1, score: 0.9, conceptIndex: 0 },
      ],
      noScores,
    );
    const assoc = {
      iou: [],
      matched: new Set([1, 2]),
      unmatched: new Set<number>(),
      empty: new Set<number>(),
      newDetections: [],
      tracksOfDetection: [[1], [2]],
      highConfidence: new Map([
        [1, 0],
        [2, 1],
      ]),
    };
    const scores = new Map([
      [1, 2.0],
      [2, 0.5],
    ]);
    const frames = [15, 16, 17, 32].map((f) => book.plan(f, assoc, [], scores).recondition);
    assert.deepEqual(frames, [[], [{ id: 1, detection: 0 }], [], [{ id: 1, detection: 0 }]]);
  });

  test('the cap on live tracks keeps the top-scoring new detections', () => {
    const book = new TrackBook({ ...S, maxObjects: 2 });
    const p = book.plan(
      0,
      null,
      [
        { detection: 0, score: 0.75, conceptIndex: 0 },
        { detection: 1, score: 0.95, conceptIndex: 0 },
        { detection: 2, score: 0.85, conceptIndex: 0 },
      ],
      noScores,
    );
    assert.deepEqual(
      p.born.map((b) => b.detection),
      [1, 2],
    );
  });

  test('overlap suppression fires only between tracks that were both occluded, on the more recent one', () => {
    const book = new TrackBook(S);
    book.plan(
      0,
      null,
      [
        { detection: 0, score: 0.9, conceptIndex: 0 },
        { detection: 1, score: 0.9, conceptIndex: 0 },
        { detection: 2, score: 0.9, conceptIndex: 0 },
      ],
      noScores,
    );
    const same = rect(0, 0, 5, 5);
    // Never occluded: nothing happens; track 3 empty → its occlusion is recorded.
    let s = book.suppressOverlaps(
      1,
      new Map([
        [1, same],
        [2, same],
        [3, EMPTY],
      ]),
      new Set([3]),
    );
    assert.deepEqual([...s], []);
    assert.equal(book.tracks.get(3)!.lastOccluded, 1);
    book.tracks.get(1)!.lastOccluded = 2;
    book.tracks.get(2)!.lastOccluded = 5;
    s = book.suppressOverlaps(
      6,
      new Map([
        [1, same],
        [2, same],
      ]),
      new Set(),
    );
    assert.deepEqual([...s], [2]);
    assert.equal(book.tracks.get(2)!.lastOccluded, 6);
  });
});

describe('non-overlapping masks', () => {
  test('output: shared pixels go to the higher score', () => {
    const a = rect(0, 0, 6, 6); // 36 px, score 0.9
    const b = rect(2, 2, 7, 7); // 25 px, 16 shared with a
    const out = resolveOverlaps([
      { id: 1, score: 0.9, mask: a },
      { id: 2, score: 0.5, mask: b },
    ]);
    const area = (m: Uint8Array) => m.reduce((s, v) => s + v, 0);
    assert.equal(area(out.get(1)!), 36);
    assert.equal(area(out.get(2)!), 9);
    assert.equal(maskIou(out.get(1)!, out.get(2)!), 0);
  });

  /** Logits on the 10×10 grid: `inside` within the mask, −1 outside. */
  const plane = (mask: Uint8Array, inside: number) => Float32Array.from(mask, (v) => (v ? inside : -1));
  const on = { nonOverlappingMasks: true, memoryShrinkThreshold: 0.3 };

  test('memory: argmax over the logits; the winner keeps its logit, the others are clamped to −10', () => {
    const a = plane(rect(0, 0, 6, 6), 2);
    const b = plane(rect(2, 2, 7, 7), 3); // wins the 16 shared pixels
    const m = memoryPlanes(
      [
        { id: 1, logits: a },
        { id: 2, logits: b },
      ],
      on,
    );
    const set = (l: Float32Array) => l.reduce((s, v) => s + (v > 0 ? 1 : 0), 0);
    assert.equal(set(m.get(1)!), 20);
    assert.equal(set(m.get(2)!), 25);
    assert.ok(m.get(1)!.every((v, i) => v === a[i] || v === -10));
    assert.ok(
      b.every((v, i) => v < 0 || m.get(2)![i] === v),
      'the winner keeps its logits',
    );
    // Where both are −1 the first object wins the tie (torch.argmax's rule): it keeps −1, the other gets −10.
    assert.equal(m.get(1)![99], -1);
    assert.equal(m.get(2)![99], -10);
  });

  test('memory: a mask left with < 30 % of its pixels is cleared; one object alone and the SAM 2 setting keep logits', () => {
    const a = plane(rect(0, 0, 8, 8), 5);
    const b = plane(rect(1, 1, 5, 5), 1); // 16 px, all lost to a
    const m = memoryPlanes(
      [
        { id: 1, logits: a },
        { id: 2, logits: b },
      ],
      on,
    );
    assert.ok(m.get(2)!.every((v) => v <= -10));
    assert.deepEqual(memoryPlanes([{ id: 2, logits: b }], on).get(2), b);
    const off = memoryPlanes(
      [
        { id: 1, logits: a },
        { id: 2, logits: b },
      ],
      { ...on, nonOverlappingMasks: false },
      new Set([1]),
    );
    assert.deepEqual(off.get(2), b);
    assert.ok(
      off.get(1)!.every((v) => v <= -10),
      'a suppressed object is cleared',
    );
  });

  test('memory: a suppressed object takes no pixel from the others', () => {
    const a = plane(rect(0, 0, 8, 8), 5); // would win every pixel of b
    const b = plane(rect(1, 1, 5, 5), 1);
    const m = memoryPlanes(
      [
        { id: 1, logits: a },
        { id: 2, logits: b },
      ],
      on,
      new Set([1]),
    );
    assert.ok(m.get(1)!.every((v) => v <= -10));
    assert.ok(
      b.every((v, i) => v < 0 || m.get(2)![i] === v),
      'b keeps all its pixels',
    );
  });
});

describe('tracks started by clicks', () => {
  test('are exempt from hotstart removal while unmatched', () => {
    const book = new TrackBook(S);
    const id = book.birth(0, -1, true)!;
    const assoc = {
      iou: [],
      matched: new Set<number>(),
      unmatched: new Set([id]),
      empty: new Set<number>(),
      newDetections: [],
      tracksOfDetection: [],
      highConfidence: new Map(),
    };
    for (let f = 1; f <= 12; f++) {
      assert.equal(book.isProvisional(id, f), false, 'the user asked for it: never provisional');
      assert.deepEqual(book.plan(f, assoc, [], new Map()).removed, []);
    }
    assert.equal(book.size, 1);
  });
});
