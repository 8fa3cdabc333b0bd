import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatEta, formatRate } from './format';

test('formatters', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1_500_000), '1.5 MB');
  assert.equal(formatBytes(3_400_000_000), '3.4 GB');
  assert.equal(formatRate(0), '–');
  assert.equal(formatRate(2_000_000), '2.0 MB/s');
  assert.equal(formatEta(null), '–');
  assert.equal(formatEta(42), '42 s');
  assert.equal(formatEta(600), '10 min 0 s');
});
