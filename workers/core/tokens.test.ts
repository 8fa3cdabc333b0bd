import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizePhrase, padTokenIds, type TokenPadding } from './tokens';

const SOT = 49406;
const EOT = 49407;
const hf: TokenPadding = { contextLength: 8, padding: 'eot', sotId: SOT, eotId: EOT };
const meta: TokenPadding = { contextLength: 8, padding: 'zero', sotId: SOT, eotId: EOT };

const nums = (a: BigInt64Array): number[] => Array.from(a, Number);

test('HF style pads with EOT and masks real tokens (SOT and EOT included)', () => {
  const r = padTokenIds([SOT, 320, 1929, EOT], hf);
  assert.deepEqual(nums(r.inputIds), [SOT, 320, 1929, EOT, EOT, EOT, EOT, EOT]);
  assert.deepEqual(nums(r.attentionMask), [1, 1, 1, 1, 0, 0, 0, 0]);
  assert.equal(r.validCount, 4);
});

test('Meta style pads with 0', () => {
  const r = padTokenIds([SOT, 320, 1929, EOT], meta);
  assert.deepEqual(nums(r.inputIds), [SOT, 320, 1929, EOT, 0, 0, 0, 0]);
  assert.deepEqual(nums(r.attentionMask), [1, 1, 1, 1, 0, 0, 0, 0]);
  assert.equal(r.validCount, 4);
});

test('a 40-token sequence is truncated to 32 with EOT last', () => {
  const ids = [SOT];
  for (let i = 0; i < 38; i++) ids.push(1000 + i);
  ids.push(EOT);
  assert.equal(ids.length, 40);
  const r = padTokenIds(ids, { ...hf, contextLength: 32 });
  assert.equal(r.inputIds.length, 32);
  assert.equal(r.validCount, 32);
  assert.equal(Number(r.inputIds[0]), SOT);
  // Positions 1..30 keep tokens 1000..1029; position 31 (which held 1030) becomes EOT.
  assert.equal(Number(r.inputIds[30]), 1029);
  assert.equal(Number(r.inputIds[31]), EOT);
  assert.ok(nums(r.attentionMask).every((m) => m === 1));
});

test('empty phrase: [sot, eot] then padding', () => {
  const r = padTokenIds([SOT, EOT], meta);
  assert.deepEqual(nums(r.inputIds), [SOT, EOT, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(nums(r.attentionMask), [1, 1, 0, 0, 0, 0, 0, 0]);
  assert.equal(r.validCount, 2);
  assert.deepEqual(nums(padTokenIds([], hf).inputIds), [SOT, EOT, EOT, EOT, EOT, EOT, EOT, EOT]);
  assert.equal(padTokenIds([], hf).validCount, 2);
});

test('ids without SOT/EOT get them added', () => {
  const r = padTokenIds([320, 1929], hf);
  assert.deepEqual(nums(r.inputIds), [SOT, 320, 1929, EOT, EOT, EOT, EOT, EOT]);
  assert.equal(r.validCount, 4);
  // Only the missing end is added.
  assert.deepEqual(nums(padTokenIds([SOT, 5], meta).inputIds), [SOT, 5, EOT, 0, 0, 0, 0, 0]);
  assert.deepEqual(nums(padTokenIds([5, EOT], meta).inputIds), [SOT, 5, EOT, 0, 0, 0, 0, 0]);
  // A lone SOT becomes [SOT, EOT].
  assert.deepEqual(nums(padTokenIds([SOT], meta).inputIds), [SOT, EOT, 0, 0, 0, 0, 0, 0]);
});

test('exactly contextLength tokens: nothing padded, nothing changed', () => {
  const ids = [SOT, 1, 2, 3, 4, 5, 6, EOT];
  const r = padTokenIds(ids, meta);
  assert.deepEqual(nums(r.inputIds), ids);
  assert.equal(r.validCount, 8);
});

test('the input array is not modified', () => {
  const ids = [320];
  padTokenIds(ids, hf);
  assert.deepEqual(ids, [320]);
});

test('normalizePhrase trims, collapses whitespace and lower-cases', () => {
  assert.equal(normalizePhrase('  Red\t\tCAR \n wheel '), 'red car wheel');
  assert.equal(normalizePhrase(''), '');
  assert.equal(normalizePhrase('dog'), 'dog');
});
