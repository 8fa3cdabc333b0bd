/** The memory bank's assembly rules (reference.md §10.3–10.5) and its caps. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBank, pointerTemporalEncoding, selectClosestConditioning } from './memoryBank';
import type { MemoryConstants } from '../adapters/memoryAdapter';

const T = 2; // tokens per frame in these tests
/** Tokens whose every value is the frame number; positions 0; pointer = frame. */
const entry = (frame: number) => ({
  frame,
  tokens: new Float32Array(T * 64).fill(frame),
  pos: new Float32Array(T * 64),
  pointer: new Float32Array(256).fill(frame),
});
/** Temporal row r adds 100·r to every position channel, so rows can be read back. */
const constants: MemoryConstants = {
  temporalEncoding: Array.from({ length: 7 }, (_, r) => new Float32Array(64).fill(100 * r)),
  noMemoryEmbedding: new Float32Array(256),
  hiddenDim: 256,
  memoryDim: 64,
};
const limits = { maxConditioningFrames: 4, maxRecentFrames: 6, maxObjectPointers: 16 };
/** [frame of block, temporal row] per spatial block. */
const blocksOf = (m: ReturnType<MemoryBank['assemble']>) =>
  Array.from({ length: m.blocks }, (_, k) => [m.spatial[k * T * 64], m.spatialPos[k * T * 64] / 100]);

test('conditioning frames come first with row 6; recent frames at offsets 6…1 use row r − 1', () => {
  const bank = new MemoryBank(limits);
  bank.addConditioning(entry(0));
  for (let f = 1; f <= 9; f++) bank.addRecent(entry(f));
  const m = bank.assemble(10, constants, T);
  assert.deepEqual(blocksOf(m), [
    [0, 6],
    [4, 5],
    [5, 4],
    [6, 3],
    [7, 2],
    [8, 1],
    [9, 0],
  ]);
});

test('pointers: conditioning frames first, then recent frames nearest first; 4 tokens each', () => {
  const bank = new MemoryBank(limits);
  bank.addConditioning(entry(2));
  for (let f = 3; f <= 6; f++) bank.addRecent(entry(f));
  const m = bank.assemble(7, constants, T);
  assert.equal(m.pointerCount, 5);
  const firstTokenOfPointer = Array.from({ length: m.pointerCount }, (_, k) => m.pointers[k * 4 * 64]);
  assert.deepEqual(firstTokenOfPointer, [2, 6, 5, 4, 3]);
  assert.equal(m.pointers.length, 5 * 4 * 64);
});

test('at most 4 conditioning frames (the closest) and 15 recent pointers; tokens only for the last 6', () => {
  const bank = new MemoryBank(limits);
  for (const f of [0, 10, 20, 30, 40]) bank.addConditioning(entry(f));
  assert.deepEqual(
    bank.conditioning.map((e) => e.frame),
    [10, 20, 30, 40],
  );
  for (let f = 41; f <= 70; f++) bank.addRecent(entry(f));
  assert.equal(bank.recent.length, 15);
  assert.equal(bank.recent.filter((e) => e.tokens).length, 6);
  const bytesAfter30 = bank.bytes();
  for (let f = 71; f <= 2000; f++) bank.addRecent(entry(f));
  assert.equal(bank.bytes(), bytesAfter30, 'memory stays flat');
});

test('a frame that becomes a conditioning frame leaves the recent list', () => {
  const bank = new MemoryBank(limits);
  bank.addRecent(entry(5));
  bank.addConditioning(entry(5));
  assert.deepEqual(bank.recent, []);
  assert.equal(bank.conditioning.length, 1);
});

test('pointer temporal encoding: Linear of the sine encoding of offset/(max−1); zeros without a projection', () => {
  assert.deepEqual(Array.from(pointerTemporalEncoding(3, 16, constants)), new Array(64).fill(0));
  // weight row o picks pe[o] (sin part, o < 64); bias 0.
  const weight = Array.from({ length: 64 }, (_, o) => {
    const w = new Float32Array(256);
    w[o] = 1;
    return w;
  });
  const c = { ...constants, pointerTposProj: { weight, bias: new Float32Array(64) } };
  const pe = pointerTemporalEncoding(3, 16, c);
  const x = 3 / 15;
  assert.ok(Math.abs(pe[0] - Math.sin(x)) < 1e-6);
  assert.ok(Math.abs(pe[2] - Math.sin(x / Math.pow(10000, 2 / 128))) < 1e-6);
});

test('backward (track_in_reverse_time): recent frames and pointers are read at t + r, offsets stay positive', () => {
  const bank = new MemoryBank(limits, { anchor: 30 });
  bank.addConditioning(entry(30));
  for (let f = 29; f >= 22; f--) bank.addRecent(entry(f)); // an edit's backward pass: 29, 28, … were made first
  const m = bank.assemble({ frame: 21, reverse: true, numFrames: 40 }, constants, T);
  // Conditioning frame 30 (row 6), then frames 27 … 22 at offsets 6 … 1 (rows 5 … 0).
  assert.deepEqual(m.read.blocks, [
    [30, 6],
    [27, 5],
    [26, 4],
    [25, 3],
    [24, 2],
    [23, 1],
    [22, 0],
  ]);
  // Pointers: the conditioning frame at or after the frame (offset 9), then 22 … 29 nearest first.
  assert.deepEqual(m.read.pointers, [
    [30, 9],
    [22, 1],
    [23, 2],
    [24, 3],
    [25, 4],
    [26, 5],
    [27, 6],
    [28, 7],
    [29, 8],
  ]);
  // Forward from the same state reads nothing recent (frames 20 … 15 were never made) and no pointer of frame 30.
  const fwd = bank.assemble({ frame: 21, numFrames: 40 }, constants, T);
  assert.deepEqual(fwd.read.blocks, [[30, 6]]);
  assert.deepEqual(fwd.read.pointers, []);
});

test('the closest conditioning frames: the nearest before, the nearest at or after, then by distance', () => {
  const bank = new MemoryBank(limits, { storedConditioning: 16 });
  for (const f of [0, 16, 32, 48, 64, 80]) bank.addConditioning(entry(f));
  assert.equal(bank.conditioning.length, 6, 'a processed file keeps them all (up to its cap)');
  const m = bank.assemble({ frame: 50, numFrames: 100 }, constants, T);
  assert.deepEqual(
    m.read.blocks.map(([f]) => f),
    [32, 48, 64, 80], // 48 (before), 64 (after), then 32 (18 away) and 80 (30 away); 16 (34 away) is left out
  );
  // Pointers forward: only the selected frames at or before 50.
  assert.deepEqual(m.read.pointers, [
    [32, 18],
    [48, 2],
  ]);
  assert.deepEqual(selectClosestConditioning(5, [0, 16, 32, 48, 64], 4), [0, 16, 32, 48]);
  assert.deepEqual(selectClosestConditioning(70, [0, 16, 32, 48, 64], 4), [64, 48, 32, 16]);
});

test('an edit keeps the recent frames around its anchor for the other direction; clearAround forgets ±7', () => {
  const bank = new MemoryBank(limits, { anchor: 30 });
  for (let f = 31; f <= 60; f++) bank.addRecent(entry(f));
  // Tokens: the last 6 made (55–60) and those within 6 of the anchor (31–36); pointers also within 15 (31–45).
  const withTokens = bank.recent.filter((e) => e.tokens).map((e) => e.frame);
  assert.deepEqual(withTokens, [31, 32, 33, 34, 35, 36, 55, 56, 57, 58, 59, 60]);
  assert.ok(bank.recent.some((e) => e.frame === 45) && !bank.recent.some((e) => e.frame === 46 && e.frame < 46));
  const back = bank.assemble({ frame: 29, reverse: true, numFrames: 61 }, constants, T);
  assert.deepEqual(
    back.read.blocks.map(([f]) => f),
    [35, 34, 33, 32, 31],
  );
  bank.clearAround(30, 7);
  assert.ok(bank.recent.every((e) => Math.abs(e.frame - 30) > 7));
});
