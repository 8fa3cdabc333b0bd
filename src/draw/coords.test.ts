import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  actualSizeAt,
  boxToCanvas,
  canvasToDisplay,
  clampView,
  displayToCanvas,
  fitView,
  MAX_SCALE,
  MIN_ZOOM_OF_FIT,
  originalToDisplayScale,
  panBy,
  wheelZoomFactor,
  zoomAt,
} from './coords';

test('fitView letterboxes a wide image vertically and keeps the aspect ratio', () => {
  const v = fitView(200, 100, 400, 400);
  assert.deepEqual(v, { scale: 2, offsetX: 0, offsetY: 100 });
});

test('fitView pillarboxes a tall image and honours maxScale', () => {
  assert.deepEqual(fitView(100, 200, 400, 200), { scale: 1, offsetX: 150, offsetY: 0 });
  assert.deepEqual(fitView(10, 10, 100, 100, 4), { scale: 4, offsetX: 30, offsetY: 30 });
});

test('display ↔ canvas round-trips', () => {
  const v = fitView(640, 480, 1000, 500);
  const [cx, cy] = displayToCanvas(v, 320, 240);
  assert.deepEqual([cx, cy], [500, 250]);
  const [dx, dy] = canvasToDisplay(v, cx, cy);
  assert.ok(Math.abs(dx - 320) < 1e-9 && Math.abs(dy - 240) < 1e-9);
});

test('boxes in original pixels map through the display scale', () => {
  const { sx, sy } = originalToDisplayScale({ width: 2000, height: 1000 }, { displayWidth: 1000, displayHeight: 500 });
  assert.deepEqual([sx, sy], [0.5, 0.5]);
  const v = { scale: 2, offsetX: 10, offsetY: 20 };
  assert.deepEqual(boxToCanvas(v, [100, 200, 300, 400], sx, sy), [110, 220, 310, 420]);
});

test('degenerate sizes give the identity view', () => {
  assert.deepEqual(fitView(0, 10, 100, 100), { scale: 1, offsetX: 0, offsetY: 0 });
});

test('canvasToOriginal and originalToCanvas are inverse through a smaller display copy', async () => {
  const { canvasToOriginal, originalToCanvas } = await import('./coords');
  const view = { scale: 0.5, offsetX: 10, offsetY: 20 };
  const original = { width: 4000, height: 2000 };
  const display = { displayWidth: 2000, displayHeight: 1000 };
  const [cx, cy] = originalToCanvas(view, original, display, 1000, 600);
  assert.deepEqual([cx, cy], [10 + 500 * 0.5, 20 + 300 * 0.5]);
  assert.deepEqual(canvasToOriginal(view, original, display, cx, cy), [1000, 600]);
});

test('zoomAt keeps the image pixel under the pointer where it was; panBy moves the image', () => {
  const v = fitView(640, 480, 1000, 500);
  const at: [number, number] = [700, 300];
  const before = canvasToDisplay(v, ...at);
  const z = zoomAt(v, 3, ...at);
  assert.ok(Math.abs(z.scale - v.scale * 3) < 1e-12);
  const after = canvasToDisplay(z, ...at);
  assert.ok(Math.abs(after[0] - before[0]) < 1e-9 && Math.abs(after[1] - before[1]) < 1e-9);
  const p = panBy(z, -40, 25);
  const moved = canvasToDisplay(p, at[0] - 40, at[1] + 25);
  assert.ok(Math.abs(moved[0] - before[0]) < 1e-9 && Math.abs(moved[1] - before[1]) < 1e-9);
});

test('clampView bounds the scale and keeps part of the image on the stage', () => {
  const stage = { width: 1000, height: 500 };
  const fit = fitView(640, 480, stage.width, stage.height);
  assert.equal(clampView({ ...fit, scale: 1000 }, 640, 480, stage).scale, MAX_SCALE);
  assert.equal(clampView({ ...fit, scale: 0.0001 }, 640, 480, stage).scale, fit.scale * MIN_ZOOM_OF_FIT);
  const far = clampView({ scale: 2, offsetX: 5000, offsetY: -9000 }, 640, 480, stage);
  assert.equal(far.offsetX, 1000 - 48);
  assert.equal(far.offsetY, 48 - 480 * 2);
  assert.deepEqual(clampView(fit, 640, 480, stage), fit, 'the fitted view is already valid');
});

test('1:1 shows one original pixel per CSS pixel, also when the display copy is downscaled', () => {
  const v = fitView(2048, 1024, 800, 600);
  const one = actualSizeAt(v, { width: 8192 }, { displayWidth: 2048 }, 400, 300);
  assert.equal(one.scale, 4);
  const same = actualSizeAt(v, { width: 640 }, { displayWidth: 640 }, 0, 0);
  assert.equal(same.scale, 1);
  assert.ok(wheelZoomFactor(-100, 0) > 1 && wheelZoomFactor(100, 0) < 1);
  assert.ok(Math.abs(wheelZoomFactor(3, 1) * wheelZoomFactor(-3, 1) - 1) < 1e-12);
});
