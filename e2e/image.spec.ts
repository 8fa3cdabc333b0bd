/**
 * Image concept segmentation in Debian Chromium (WASM provider): what a person sees and exports.
 */
import { test, expect } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import {
  canvasPixelAt,
  dropFile,
  imageToPage,
  openApp,
  openModelPanel,
  scenePng,
  typePhrase,
  waitIdle,
} from './helpers';
import { SHAPES_SAMPLE, renderScene } from '../tools/scenes/scene';

const sample = renderScene(SHAPES_SAMPLE);
const redCentres = sample.shapes
  .filter((s) => s.colour === 'red')
  .map((s) => [Math.round((s.box[0] + s.box[2]) / 2), Math.round((s.box[1] + s.box[3]) / 2)] as const);

test('opens offline on the demo pack and sample image, and masks "red" on the canvas', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('pack-name')).toContainText(/demo/i);
  await typePhrase(page, 'red');
  await expect(page.getByTestId('instance-row')).toHaveCount(2);
  const tinted = await Promise.all(redCentres.map(([x, y]) => canvasPixelAt(page, x, y)));

  // With a phrase that matches nothing the same pixels show the plain image (red 220,30,30).
  await typePhrase(page, 'purple');
  await expect(page.getByTestId('no-matches')).toBeVisible();
  await expect(page.getByTestId('instance-row')).toHaveCount(0);
  // The canvas repaints on the next animation frame after the list: poll rather than read once.
  const offPlain = (p: number[]) => Math.abs(p[0] - 220) + Math.abs(p[1] - 30) + Math.abs(p[2] - 30);
  for (const [x, y] of redCentres)
    await expect.poll(async () => offPlain(await canvasPixelAt(page, x, y))).toBeLessThan(12);
  const plain = await Promise.all(redCentres.map(([x, y]) => canvasPixelAt(page, x, y)));
  for (const [i, t] of tinted.entries()) {
    const diff = Math.abs(t[0] - plain[i][0]) + Math.abs(t[1] - plain[i][1]) + Math.abs(t[2] - plain[i][2]);
    expect(diff, `mask overlay visible at red square ${i}`).toBeGreaterThan(30);
  }
});

test('drop an image, type a colour: one row per object, IDs numbered; hover highlights', async ({ page }) => {
  await openApp(page);
  const { png } = scenePng({
    width: 500,
    height: 400,
    background: 'white',
    shapes: [
      { kind: 'rect', colour: 'blue', x0: 20, y0: 20, x1: 120, y1: 120 },
      { kind: 'circle', colour: 'blue', cx: 300, cy: 100, r: 60 },
      { kind: 'rect', colour: 'blue', x0: 150, y0: 250, x1: 400, y1: 370 },
      { kind: 'rect', colour: 'green', x0: 420, y0: 20, x1: 480, y1: 200 },
    ],
  });
  await dropFile(page, 'blues.png', png, 'image/png');
  await waitIdle(page);
  await typePhrase(page, 'blue');
  const rows = page.getByTestId('instance-row');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toHaveAttribute('data-instance-id', '1');
  await expect(rows.nth(2)).toHaveAttribute('data-instance-id', '3');
  // Hovering a row highlights its mask on the canvas; hovering a mask highlights its row.
  await rows.nth(1).hover();
  await expect.poll(() => page.evaluate(() => window.__sam3!.store.getState().hoveredInstanceId)).toBe(2);
  const firstBox = await page.evaluate(() => window.__sam3!.store.getState().result!.instances[0].boxXyxyPx);
  const target = await imageToPage(page, (firstBox[0] + firstBox[2]) / 2, (firstBox[1] + firstBox[3]) / 2);
  await page.mouse.move(target.x, target.y);
  await expect(rows.nth(0)).toHaveClass(/instance-row--hovered/);
  // Several concepts at once.
  await typePhrase(page, 'blue, green');
  await expect(rows).toHaveCount(4);
});

test('the threshold slider filters instantly; export JSON matches what is drawn', async ({ page }) => {
  await openApp(page);
  await typePhrase(page, 'red, green, blue, yellow');
  const rows = page.getByTestId('instance-row');
  await expect(rows).toHaveCount(5);
  const scores = (await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-score'))))).sort();
  // Move the slider between the two lowest scores: exactly one row disappears.
  const cut = Math.round(((scores[0] + scores[1]) / 2) * 100) / 100;
  const slider = page.getByTestId('threshold-slider');
  await slider.fill(String(cut));
  await expect(page.getByTestId('threshold-value')).toContainText(cut.toFixed(2));
  await expect(rows).toHaveCount(4);

  // The overlay PNG downloads as a real PNG of the image's display size.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
  expect(download.suggestedFilename()).toBe('shapes-sam3.png');
  const png = readFileSync(await download.path());
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([640, 480]);

  await page.getByTestId('export-json').click();
  const exported = await page.waitForFunction(() => window.__sam3?.lastExport ?? null);
  const coco = (await exported.jsonValue()) as {
    annotations: { bbox: number[]; score: number; segmentation: { size: number[]; counts: string } }[];
    categories: { name: string }[];
    images: { width: number; height: number }[];
  };
  expect(coco.categories.map((c) => c.name)).toEqual(['red', 'green', 'blue', 'yellow']);
  expect(coco.images[0]).toMatchObject({ width: 640, height: 480 });
  expect(coco.annotations).toHaveLength(4);
  const rowScores = await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-score'))));
  expect(coco.annotations.map((a) => a.score.toFixed(3))).toEqual(rowScores.map((s) => s.toFixed(3)));
  for (const a of coco.annotations) {
    expect(a.segmentation.size).toEqual([480, 640]);
    expect(a.score).toBeGreaterThan(cut);
  }
});

test('a corrupt image gives a clear message and loses nothing', async ({ page }) => {
  await openApp(page);
  await typePhrase(page, 'red');
  await expect(page.getByTestId('instance-row')).toHaveCount(2);
  await dropFile(page, 'broken.png', Buffer.from('this is not an image at all'), 'image/png');
  await expect(page.getByTestId('error-banner')).toContainText(/broken\.png.*could not be decoded/i);
  await expect(page.getByTestId('instance-row')).toHaveCount(2);
  await typePhrase(page, 'green');
  await expect(page.getByTestId('instance-row')).toHaveCount(1);
});

test('a truncated or wrong-contract pack gives a clear message and the app keeps working', async ({ page }) => {
  await openApp(page);
  await openModelPanel(page);
  const dir = 'public/packs/demo';
  const manifest = readFileSync(`${dir}/manifest.json`);
  const vision = readFileSync(`${dir}/vision.onnx`);
  // Every file of the pack, with vision.onnx cut in half.
  const files = readdirSync(dir).map((name) => ({
    name,
    mimeType: 'application/octet-stream',
    buffer: name === 'vision.onnx' ? vision.subarray(0, vision.length >> 1) : readFileSync(`${dir}/${name}`),
  }));
  const file = (name: string) => files.find((f) => f.name === name)!;
  await page.getByTestId('pack-files-input').setInputFiles(files);
  await expect(page.getByTestId('error-banner')).toContainText(/vision\.onnx/);

  // Wrong contract: the text graph offered as the detector (sizes consistent, names not).
  const m = JSON.parse(manifest.toString('utf8'));
  const text = readFileSync(`${dir}/text.onnx`);
  m.graphs.detector.file = { path: 'detector.onnx', size: text.length };
  file('manifest.json').buffer = Buffer.from(JSON.stringify(m));
  file('vision.onnx').buffer = vision;
  file('detector.onnx').buffer = text;
  await page.getByTestId('pack-files-input').setInputFiles(files);
  await expect(page.getByTestId('error-banner')).toContainText(/does not have the usls-v2-decoder contract/);

  await expect(page.getByTestId('pack-name')).toContainText(/demo/i);
  await typePhrase(page, 'yellow');
  await expect(page.getByTestId('instance-row')).toHaveCount(1);
});
