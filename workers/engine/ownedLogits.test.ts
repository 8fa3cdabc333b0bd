import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rasterizeMask } from '../core/maskRaster';
import { ownedLogits } from './videoSession';

/** 32² logits of stripes two samples wide: +0.5 inside, −0.5 between (a thin, low-margin mask). */
function stripes(): { logits: Float32Array; mask: Uint8Array } {
  const n = 32;
  const logits = Float32Array.from({ length: n * n }, (_, i) => ((i % n) % 4 < 2 ? 0.5 : -0.5));
  return { logits, mask: Uint8Array.from(logits, (v) => (v > 0 ? 1 : 0)) };
}

test("an object that owns its whole mask renders exactly the decoder's mask (thin stripes keep their area)", () => {
  const { logits, mask } = stripes();
  const plane = ownedLogits(logits, mask);
  assert.deepEqual(plane, logits);
  const raw = rasterizeMask(logits, 0, 32, 32, 256, 256, 0);
  const rendered = rasterizeMask(plane, 0, 32, 32, 256, 256, 0);
  assert.equal(rendered.area, raw.area);
  assert.ok(raw.area > 0.4 * 256 * 256, `half the frame is striped: ${raw.area}`);
});

test('pixels another object owns are pushed to −10; unset pixels keep their logits', () => {
  const { logits, mask } = stripes();
  const owned = mask.slice();
  owned.fill(0, 0, 32 * 16); // the top half belongs to another object
  const plane = ownedLogits(logits, owned);
  for (let i = 0; i < plane.length; i++) {
    if (i < 32 * 16 && logits[i] > 0) assert.equal(plane[i], -10);
    else assert.equal(plane[i], logits[i]);
  }
  const rendered = rasterizeMask(plane, 0, 32, 32, 256, 256, 0);
  const raw = rasterizeMask(logits, 0, 32, 32, 256, 256, 0);
  assert.ok(rendered.area < 0.6 * raw.area && rendered.area > 0.4 * raw.area, `${rendered.area} of ${raw.area}`);
});
