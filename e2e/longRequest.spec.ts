/**
 * A long segmentation (a full-size pack on WASM takes minutes) says which graph runs and can be cancelled. The demo
 * pack's graphs take milliseconds, so the test build's hook makes every graph run wait (e2e/worker/slowGraphs.ts).
 */
import { test, expect, type Page } from '@playwright/test';
import { canvasPixelAt, openApp, typePhrase } from './helpers';
import { SHAPES_SAMPLE, renderScene } from '../tools/scenes/scene';

const redCentres = renderScene(SHAPES_SAMPLE)
  .shapes.filter((s) => s.colour === 'red')
  .map((s) => [Math.round((s.box[0] + s.box[2]) / 2), Math.round((s.box[1] + s.box[3]) / 2)] as const);

const graphRuns = (page: Page) => page.evaluate(async () => (await window.__sam3!.engineStats()).graphRuns);
const canvasTop = (page: Page) =>
  page.evaluate(() => document.querySelector('[data-testid="overlay-canvas"]')!.getBoundingClientRect().top);
const redPixels = (page: Page) => Promise.all(redCentres.map(([x, y]) => canvasPixelAt(page, x, y)));

test('a long request shows its graphs as they run; Cancel lets the running graph finish and keeps the masks', async ({
  page,
}) => {
  await openApp(page);
  await typePhrase(page, 'red');
  await expect(page.getByTestId('instance-row')).toHaveCount(2);
  const masked = await redPixels(page);
  const before = await graphRuns(page);

  const top = await canvasTop(page);
  await page.evaluate(() => window.__sam3!.slowGraphs!(4000));
  await page.getByTestId('phrase-input').fill('red, blue');
  // After a second the status line names the graph running ("blue" needs its text and detector graphs).
  const progress = page.getByTestId('segment-progress');
  await expect(progress).toHaveText(/^Encoding "blue" \(text graph\)… 1 of 2 graphs, 0:0\d elapsed$/);
  // The status line grows, the canvas does not move.
  expect(await canvasTop(page)).toBe(top);
  await page.getByTestId('segment-cancel').click();
  await expect(progress).toContainText('Cancelling: the text graph finishes first');
  await expect(page.getByTestId('segment-cancel')).toBeDisabled();

  // Once the text graph has finished: a notice, the previous masks, and no detector run.
  await expect(page.getByTestId('notice').last()).toContainText(
    'Segmentation cancelled: the text graph that was running finished, and nothing after it ran.',
  );
  await expect(page.getByTestId('status')).toHaveText(/ready/i);
  await expect(progress).toHaveCount(0);
  await expect(page.getByTestId('instance-row')).toHaveCount(2);
  expect(await redPixels(page)).toEqual(masked);
  const after = await graphRuns(page);
  expect(after.text - before.text).toBe(1);
  expect(after.detector - before.detector).toBe(0);

  // Without the delay, the same prompt runs to its masks (its text is cached: only the detector runs).
  await page.evaluate(() => window.__sam3!.slowGraphs!(0));
  await page.getByTestId('threshold-slider').focus();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('instance-row')).toHaveCount(3);
  expect((await graphRuns(page)).text - before.text).toBe(1);
});
