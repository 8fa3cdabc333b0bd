import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  blendRgb,
  conceptHue,
  contrastColors,
  deltaE,
  hueDistance,
  instanceColor,
  MAX_SHADE_HUE_SHIFT,
  relativeLuminance,
  rgbHue,
  type Rgb,
} from './colors';

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

const RED: Rgb = [220, 30, 30];
const BLUE: Rgb = [30, 60, 220];
const GREEN: Rgb = [30, 170, 50];
const FILL_ALPHA = 115 / 255;

test('a red and a blue object get masks that look different from each other and from the objects', () => {
  const [r, b] = contrastColors([RED, BLUE], FILL_ALPHA);
  const seenR = blendRgb(RED, r.fill, FILL_ALPHA);
  const seenB = blendRgb(BLUE, b.fill, FILL_ALPHA);
  assert.ok(deltaE(seenR, seenB) > 40, `red and blue masks look alike: ΔE ${deltaE(seenR, seenB).toFixed(1)}`);
  assert.ok(deltaE(seenR, RED) > 25 && deltaE(seenB, BLUE) > 25);
  // Colours by concept order ("red, blue": families 0 and 1) made both purple-grey: the defect this replaces.
  const byOrder = deltaE(
    blendRgb(RED, instanceColor(0, 0).fill, FILL_ALPHA),
    blendRgb(BLUE, instanceColor(1, 0).fill, FILL_ALPHA),
  );
  assert.ok(byOrder < 25, `concept-order colours: ΔE ${byOrder.toFixed(1)}`);
  assert.ok(deltaE(seenR, seenB) > 3 * byOrder);
});

test('a green object never gets a mask that disappears into it; nor does any colour of the demo palette', () => {
  const [g] = contrastColors([GREEN], FILL_ALPHA);
  assert.ok(deltaE(blendRgb(GREEN, g.fill, FILL_ALPHA), GREEN) > 25);
  const palette: Rgb[] = [
    RED,
    GREEN,
    BLUE,
    [240, 220, 30],
    [245, 140, 20],
    [140, 40, 180],
    [240, 120, 190],
    [40, 200, 220],
    [245, 245, 245],
    [15, 15, 15],
    [128, 128, 128],
    [120, 70, 30],
  ];
  const colors = contrastColors(palette, FILL_ALPHA);
  palette.forEach((u, i) => {
    const seen = blendRgb(u, colors[i].fill, FILL_ALPHA);
    assert.ok(deltaE(seen, u) > 20, `object ${u}: mask ΔE ${deltaE(seen, u).toFixed(1)}`);
    // The outline stands out from the object's own colour.
    assert.ok(deltaE(colors[i].outline, u) > 35, `object ${u}: outline ΔE ${deltaE(colors[i].outline, u).toFixed(1)}`);
  });
});

test('outlines are dark over light pixels and light over dark ones; the choice is deterministic', () => {
  const [onWhite, onBlack] = contrastColors(
    [
      [250, 250, 250],
      [5, 5, 5],
    ],
    FILL_ALPHA,
  );
  assert.ok(relativeLuminance(onWhite.outline) < 0.1);
  assert.ok(relativeLuminance(onBlack.outline) > 0.6);
  assert.deepEqual(contrastColors([RED, BLUE, GREEN], FILL_ALPHA), contrastColors([RED, BLUE, GREEN], FILL_ALPHA));
  const many = contrastColors(new Array<Rgb>(12).fill([128, 128, 128]), FILL_ALPHA);
  assert.equal(new Set(many.map((c) => c.css)).size, 12, 'twelve grey objects: twelve different colours');
});
