/**
 * How the memory propagator conditions an object on a prompted frame, against the reference's rule (reference.md
 * §8, §10.5): a user prompt is decoded by the memory decoder on the frame's raw features + no_memory_embedding
 * with its own points — box corners labelled 2/3 first, clicks 1/0 — and that decode's mask and object pointer
 * make the conditioning frame (memory encoded as click-made). A detection's mask, which the graphs cannot take as
 * a prompt, gets its pointer from an interior point.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryPropagator, type DecodeOutput, type MemoryFrame } from './memoryPropagator';
import { promptPoints } from './propagation';
import type { MemoryConstants } from '../adapters/memoryAdapter';

const G = 8;
const constants = {
  hiddenDim: 4,
  memoryDim: 4,
  temporalEncoding: Array.from({ length: 7 }, () => new Float32Array(4)),
  noMemoryEmbedding: new Float32Array(4),
} as unknown as MemoryConstants;
const limits = { maxConditioningFrames: 4, maxRecentFrames: 6, maxObjectPointers: 16 };

interface Call {
  kind: 'decode' | 'encode' | 'attend';
  top?: 'no-memory' | 'conditioned';
  points?: { xy: [number, number]; label: number }[];
  fromClicks?: boolean;
  logits?: Float32Array;
}

function fakeFrame(frame: number, calls: Call[]): MemoryFrame {
  return {
    frame,
    tokensPerFrame: G * G,
    async decode(top, points): Promise<DecodeOutput> {
      calls.push({ kind: 'decode', top: top === 'no-memory' ? top : 'conditioned', points });
      const logits = new Float32Array(G * G).fill(-10);
      logits[3 * G + 3] = 10;
      return {
        logits,
        height: G,
        width: G,
        pointer: Float32Array.of(points.length, points[0].label, 7, 7),
        objectScoreLogit: 5,
        iou: 0.8,
      };
    },
    async attend() {
      calls.push({ kind: 'attend' });
      return new Float32Array(4 * G * G);
    },
    async encode(maskLogits, _w, _h, fromClicks) {
      calls.push({ kind: 'encode', fromClicks, logits: maskLogits });
      return { tokens: new Float32Array(G * G * 4), pos: new Float32Array(G * G * 4) };
    },
  };
}

test('promptPoints: box corners (labels 2, 3) first, then clicks labelled 1 / 0, normalised by the frame size', () => {
  const pts = promptPoints(
    [
      { xyPx: [50, 40], polarity: 'positive' },
      { xyPx: [10, 20], polarity: 'negative' },
    ],
    [20, 10, 120, 90],
    200,
    100,
  );
  assert.deepEqual(pts, [
    { xy: [0.1, 0.1], label: 2 },
    { xy: [0.6, 0.9], label: 3 },
    { xy: [0.25, 0.4], label: 1 },
    { xy: [0.05, 0.2], label: 0 },
  ]);
});

test('a prompt is decoded with no memory and its own points; its mask and pointer condition the object', async () => {
  const calls: Call[] = [];
  const p = new MemoryPropagator(constants, limits);
  p.frame = fakeFrame(3, calls);
  const points = promptPoints([{ xyPx: [5, 5], polarity: 'negative' }], [0, 0, 8, 8], 8, 8);
  const d = await p.decodePrompt(points);
  assert.deepEqual(calls, [{ kind: 'decode', top: 'no-memory', points }]);
  await p.condition(1, { logits: d.prediction.logits, width: G, height: G, fromClicks: true }, d.pointer);
  // No second decode (the old path decoded again at an interior point of the mask for the pointer).
  assert.deepEqual(
    calls.map((c) => c.kind),
    ['decode', 'encode'],
  );
  assert.equal(calls[1].fromClicks, true);
  assert.equal(calls[1].logits, d.prediction.logits);
  // The tracked frame after it reads the prompt's pointer (3 points, first label 2) from the conditioning frame.
  p.frame = fakeFrame(4, calls);
  const bank = (p as unknown as { banks: Map<number, { conditioning: { frame: number; pointer: Float32Array }[] }> })
    .banks;
  assert.deepEqual(Array.from(bank.get(1)!.conditioning[0].pointer), [3, 2, 7, 7]);
  assert.equal(bank.get(1)!.conditioning[0].frame, 3);
});

test('a detection mask (no prompt points) gets its pointer from one positive point inside the mask', async () => {
  const calls: Call[] = [];
  const p = new MemoryPropagator(constants, limits);
  p.frame = fakeFrame(0, calls);
  const logits = new Float32Array(G * G).fill(-10);
  for (let y = 2; y < 5; y++) for (let x = 2; x < 5; x++) logits[y * G + x] = 10;
  await p.condition(2, { logits, width: G, height: G, fromClicks: false });
  assert.equal(calls[0].kind, 'decode');
  assert.equal(calls[0].top, 'no-memory');
  assert.deepEqual(calls[0].points, [{ xy: [3.5 / G, 3.5 / G], label: 1 }]);
  assert.equal(calls[1].fromClicks, false);
});
