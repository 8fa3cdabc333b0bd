import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatRunStats } from './runSummary';

test('a finished run reports its processed fps and the share of its time spent decoding', () => {
  const base = { frames: 40, wallMs: 8000, decodeMs: 2000, waitMs: 400, engineMs: 7000, maxQueueDepth: 4 };
  assert.equal(
    formatRunStats({ ...base, decoder: 'webcodecs' }),
    '40 frames in 8.0 s · 5.0 fps processed · decoding 25 % of the time (overlapped; 5 % waited for)',
  );
  assert.equal(
    formatRunStats({ ...base, decoder: 'seek' }),
    '40 frames in 8.0 s · 5.0 fps processed · decoding by seeking 5 % of the time',
  );
});
