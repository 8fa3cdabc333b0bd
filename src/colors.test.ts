import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conceptHue, hueDistance, instanceColor, MAX_SHADE_HUE_SHIFT, rgbHue } from './colors';

test('the first eight concepts get hue families at least 40° apart', () => {
  for (let a = 0; a < 8; a++) {
    for (let b = a + 1; b < 8; b++) {
      assert.ok(hueDistance(conceptHue(a), conceptHue(b)) >= 40, `concepts ${a} and ${b}`);
    }
  }
});

test('every instance stays within its family, and families do not overlap', () => {
  for (let c = 0; c < 6; c++) {
    for (let r = 0; r < 20; r++) {
      const color = instanceColor(c, r);
      // Measured from the rounded RGB, allowing for rounding.
      assert.ok(hueDistance(rgbHue(color.fill), conceptHue(c)) <= MAX_SHADE_HUE_SHIFT + 3, `concept ${c} rank ${r}`);
      for (let other = 0; other < 6; other++) {
        if (other === c) continue;
        assert.ok(hueDistance(rgbHue(color.fill), conceptHue(other)) > 15);
      }
    }
  }
});

test('instances of one concept get distinct shades; colours are deterministic', () => {
  const seen = new Set<string>();
  for (let r = 0; r < 7; r++) seen.add(instanceColor(0, r).css);
  assert.equal(seen.size, 7);
  assert.deepEqual(instanceColor(3, 5), instanceColor(3, 5));
});

test('the outline is darker than the fill', () => {
  const { fill, outline } = instanceColor(1, 0);
  const lum = (c: number[]) => c[0] + c[1] + c[2];
  assert.ok(lum(outline) < lum(fill));
});
