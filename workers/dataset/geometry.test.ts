/** Polygons from masks round-trip through pycocotools' rasterisation; crops decode only their box. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRleCrop, joinPolygons, maskPolygons } from './geometry';
import { encodeCocoRle } from '../core/rle';
import { polygonToRuns, runsIou, segmentationToRuns, mergeRuns } from '../eval/rle';

function disc(w: number, h: number, cx: number, cy: number, r: number): Uint8Array {
  const m = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) m[y * w + x] = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r ? 1 : 0;
  return m;
}

test('a decoded crop equals the same window of the full mask', () => {
  const w = 50,
    h = 40;
  const mask = disc(w, h, 20, 18, 9);
  const rle = encodeCocoRle(mask, w, h);
  const crop = decodeRleCrop(rle, [8, 6, 25, 30]);
  assert.equal(crop.w, 25);
  for (let y = 0; y < crop.h; y++)
    for (let x = 0; x < crop.w; x++) assert.equal(crop.mask[y * crop.w + x], mask[(y + 6) * w + x + 8]);
});

test('polygons of a disc, a ring (hole filled) and two parts rasterise back (pycocotools rule) to IoU ≥ 0.97', () => {
  const w = 64,
    h = 48;
  const a = disc(w, h, 20, 20, 10);
  const b = disc(w, h, 48, 30, 7);
  const two = a.map((v, i) => v | b[i]);
  const rle = encodeCocoRle(two, w, h);
  const polys = maskPolygons(decodeRleCrop(rle, [0, 0, w, h]));
  assert.equal(polys.length, 2);
  const raster = polys.map((p) => polygonToRuns(p, h, w)).reduce((x, y) => mergeRuns(x, y, 'union'));
  const iou = runsIou(raster, segmentationToRuns(rle, h, w), false);
  assert.ok(iou >= 0.97, `IoU ${iou}`);
  // Joined into one polygon for YOLO: the same pixels.
  const joined = polygonToRuns(joinPolygons(polys), h, w);
  assert.ok(runsIou(joined, raster, false) >= 0.97);
});

test('an empty mask has no polygon', () => {
  assert.deepEqual(maskPolygons({ x: 0, y: 0, w: 3, h: 3, mask: new Uint8Array(9) }), []);
});
