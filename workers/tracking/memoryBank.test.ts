/** The memory bank's assembly rules (reference.md §10.3–10.5) and its caps. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBank, pointerTemporalEncoding } from './memoryBank';
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
