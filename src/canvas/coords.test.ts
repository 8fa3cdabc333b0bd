import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxToCanvas, canvasToDisplay, displayToCanvas, fitView, originalToDisplayScale } from './coords';

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
