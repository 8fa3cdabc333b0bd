import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEta, formatRate, truncateText } from './format';

test('formatters', () => {
  assert.equal(formatRate(0), '–');
  assert.equal(formatRate(2_000_000), '2.0 MB/s');
  assert.equal(formatEta(null), '–');
  assert.equal(formatEta(42), '42 s');
  assert.equal(formatEta(600), '10 min 0 s');
});

test('long phrases are cut with an ellipsis, at a word end when one is near; short ones stay whole', () => {
  assert.equal(truncateText('red'), 'red');
  assert.equal(truncateText('a'.repeat(32)), 'a'.repeat(32));
  const long = 'the small yellow school bus parked next to the red brick building';
  const cut = truncateText(long);
  assert.ok(cut.length <= 32 && cut.endsWith('…'), cut);
  assert.equal(cut, 'the small yellow school bus…');
  assert.equal(truncateText('x'.repeat(100), 10), `${'x'.repeat(9)}…`);
});
