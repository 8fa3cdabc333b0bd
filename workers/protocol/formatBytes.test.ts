import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes } from './formatBytes';

test('byte sizes read in decimal units with about three digits', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(12_345), '12.3 KB');
  assert.equal(formatBytes(1_500_000), '1.5 MB');
  assert.equal(formatBytes(256_000_000), '256 MB');
  assert.equal(formatBytes(999_600_000), '1.0 GB');
  assert.equal(formatBytes(1_880_000_000), '1.9 GB');
  assert.equal(formatBytes(3_400_000_000), '3.4 GB');
  assert.equal(formatBytes(-1), '–');
  assert.equal(formatBytes(Number.NaN), '–');
});
