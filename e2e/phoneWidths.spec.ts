/**
 * Every mode at a phone's width (390×844) and an upright tablet's (768×1024), in one page session: each mode's main
 * task clicked through with real clicks (open → run → export; the folder also evaluates), every action reachable
 * (scrolled to where needed, inside the viewport, not covered by anything: the element under its centre is itself),
 * and the parts that used to run into each other apart (the stage and the sidebar, the video exports and the Tracks
 * panel, the thumbnail grid and the review). The folder's review also keeps a portrait picture's aspect and draws
 * its masks visibly, outlined; a video file that cannot be opened keeps the video before it (issue 17, items 4, 5, 7,
 * 8).
 */
import { test, expect, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { openApp, scenePng, screenshotPixels, typePhrase } from './helpers';
import { clipDataTransfer, dropOnVideoStage } from './videoClips';
import { FILE_CLIP } from '../tools/video-fixtures/clips';
import { deltaE, type Rgb } from '../src/colors';

test.describe.configure({ mode: 'serial', timeout: 180_000 });

/** Six frames of the two-squares clip: enough for tracks and exports, quick on WASM. */
const SHORT_CLIP = { ...FILE_CLIP, name: 'short', frameCount: 6 };

// A portrait image with a red square and a blue one, and a small landscape one.
const RED: Rgb = [220, 30, 30];
const PORTRAIT = scenePng({
  width: 480,
  height: 640,
  background: [236, 236, 236],
  shapes: [
    { kind: 'rect', x0: 60, y0: 80, x1: 260, y1: 280, colour: 'red' },
    { kind: 'rect', x0: 200, y0: 380, x1: 420, y1: 560, colour: 'blue' },
  ],
});
const LANDSCAPE = scenePng({
  width: 240,
  height: 180,
  background: [236, 236, 236],
  shapes: [{ kind: 'rect', x0: 30, y0: 30, x1: 110, y1: 110, colour: 'red' }],
});

let page: Page;

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await openApp(page);
});
test.afterAll(async () => {
  await page.close();
});

/** Scrolled into view, inside the viewport's width, and the element under its centre is itself (not covered). */
async function expectReachable(target: Locator, name: string): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  const width = page.viewportSize()!.width;
  const r = (await target.boundingBox())!;
  expect(r, `${name} is laid out`).not.toBeNull();
  expect(r.x, `${name} starts inside the viewport`).toBeGreaterThanOrEqual(0);
  expect(r.x + r.width, `${name} ends inside the viewport`).toBeLessThanOrEqual(width + 0.5);
  const onTop = await target.evaluate((node) => {
    const rect = node.getBoundingClientRect();
    const hit = document.elementFromPoint(rect.x + rect.width / 2, rect.y + rect.height / 2);
    return hit !== null && (hit === node || node.contains(hit));
  });
  expect(onTop, `${name} is covered by another element`).toBe(true);
}

async function expectAllReachable(ids: string[]): Promise<void> {
  for (const id of ids) await expectReachable(page.getByTestId(id).first(), id);
}

/** The label around a hidden file input (what a person taps). */
const fileButton = (inputTestId: string) => page.locator('label', { has: page.getByTestId(inputTestId) });

/** Two laid-out parts do not overlap (page coordinates, so scrolling does not matter). */
async function expectApart(a: string, b: string): Promise<void> {
  const [ra, rb] = await page.evaluate(
    (ids) =>
      ids.map((id) => {
        const r = document.querySelector(`[data-testid="${id}"]`)!.getBoundingClientRect();
        return { x0: r.left + scrollX, y0: r.top + scrollY, x1: r.right + scrollX, y1: r.bottom + scrollY };
      }),
    [a, b],
  );
  const overlap = Math.min(ra.x1, rb.x1) > Math.max(ra.x0, rb.x0) && Math.min(ra.y1, rb.y1) > Math.max(ra.y0, rb.y0);
  expect(overlap, `${a} and ${b} overlap: ${JSON.stringify([ra, rb])}`).toBe(false);
}

const IMAGE_ACTIONS = [
  'source-mode-image',
  'source-mode-video',
  'folder-mode',
  'phrase-input',
  'threshold-slider',
  'export-json',
  'export-png',
  'tool-box',
  'tool-click',
  'zoom-actual',
  'help-button',
  'stage',
  'instance-row',
  'clear-all',
];
const VIDEO_ACTIONS = [
  'video-process',
  'output-delay',
  'detect-every',
  'video-play',
  'video-scrub',
  'export-masklets',
  'export-ytvis',
  'export-frame-png',
  'export-video',
  'video-stage',
  'track-row',
  'track-delete-from',
];
const FOLDER_ACTIONS = [
  'folder-mode',
  'batch-phrases',
  'batch-run',
  'batch-tile',
  'review-accept',
  'review-tool-click',
  'review-tool-exemplar',
  'review-masks',
  'review-item',
  'batch-export-button',
];

test('image at 390 px: open an image, find, export COCO JSON and PNG', async () => {
  await expectAllReachable(IMAGE_ACTIONS);
  await expectApart('stage', 'instance-list');
  const chooser = page.waitForEvent('filechooser');
  await expectReachable(fileButton('image-input'), 'Open image…');
  await fileButton('image-input').click();
  await (await chooser).setFiles({ name: 'portrait.png', mimeType: 'image/png', buffer: PORTRAIT.png });
  await expect.poll(() => page.evaluate(() => window.__sam3!.store.getState().image?.width)).toBe(480);
  await typePhrase(page, 'red, blue');
  await expect(page.getByTestId('instance-row')).toHaveCount(2);
  await page.evaluate(() => window.__sam3!.store.setState({ lastExport: null }));
  await page.getByTestId('export-json').click();
  const coco = await page.waitForFunction(() => window.__sam3?.lastExport ?? null);
  expect(((await coco.jsonValue()) as { annotations: unknown[] }).annotations).toHaveLength(2);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
  expect(
    readFileSync((await download.path())!)
      .subarray(1, 4)
      .toString('latin1'),
  ).toBe('PNG');
});

test('video at 390 px (and 768): open a clip, process it, export YouTube-VIS, the frame and the annotated video', async () => {
  await page.getByTestId('source-mode-video').click();
  await typePhrase(page, 'red');
  await dropOnVideoStage(page, await clipDataTransfer(page, SHORT_CLIP, { container: 'webm', codec: 'vp9' }));
  await expect
    .poll(() => page.evaluate(() => window.__sam3!.video!.getState().runStats?.frames ?? 0), { timeout: 120_000 })
    .toBe(SHORT_CLIP.frameCount);
  await expect(page.getByTestId('track-row')).toHaveCount(2);
  // Frames are counted from 1 in the Tracks panel as in the frame counter ("Frame 1 / 6").
  await expect(page.getByTestId('track-frames').first()).toHaveText(`frames 1–${SHORT_CLIP.frameCount}`);
  await expect(page.getByTestId('video-frame-index')).toContainText(`Frame 1 / ${SHORT_CLIP.frameCount}`);
  await expect(page.getByTestId('video-run-stats')).toContainText(
    new RegExp(`^${SHORT_CLIP.frameCount} frames in [\\d.]+ s · [\\d.]+ fps processed · decoding \\d+ %`),
  );
  await expectAllReachable(VIDEO_ACTIONS);
  await expectReachable(fileButton('video-input'), 'Open video…');
  await expectApart('export-frame-png', 'track-list');
  await expectApart('export-video', 'track-list');
  await expectApart('video-stage', 'track-list');

  await page.getByTestId('export-ytvis').click();
  await expect
    .poll(() => page.evaluate(() => (window.__sam3!.video!.getState().lastYtvis as unknown[] | null)?.length ?? 0))
    .toBe(2);
  await page.getByTestId('export-frame-png').click();
  await page.getByTestId('export-video').click();
  await expect(page.getByTestId('export-video-status')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });

  // The same at 768×1024 (leaving video mode closes the video, so it is checked here).
  await page.setViewportSize({ width: 768, height: 1024 });
  await expectAllReachable(VIDEO_ACTIONS);
  await expectApart('export-video', 'track-list');
  await expectApart('video-stage', 'track-list');
  await page.setViewportSize({ width: 390, height: 844 });
});

test('video: a file that cannot be opened leaves the processed video, its tracks and its results as they were', async () => {
  const dt = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(4096).fill(7)], 'noise.mp4', { type: 'video/mp4' }));
    return dt;
  });
  await dropOnVideoStage(page, dt);
  await expect(page.getByTestId('video-message')).toContainText(/“noise\.mp4” is not a video file this app can read/);
  await expect(page.getByTestId('video-meta')).toContainText('short.webm');
  await expect(page.getByTestId('track-row')).toHaveCount(2);
  await page.getByTestId('export-masklets').click();
  const frames = await page.evaluate(() =>
    window.__sam3!.lastMasklets!.frames.map((f: { objects: unknown[] }) => f.objects.length),
  );
  expect(frames).toHaveLength(SHORT_CLIP.frameCount);
  expect(frames.every((n) => n === 2)).toBe(true);
});

test('folder at 390 px: add images, run, review (visible outlined masks), accept, export, evaluate', async () => {
  await page.getByTestId('folder-mode').click();
  await expect(page.getByTestId('batch-workspace')).toBeVisible();
  await page.getByTestId('batch-file-input').setInputFiles([
    { name: 'portrait.png', mimeType: 'image/png', buffer: PORTRAIT.png },
    { name: 'landscape.png', mimeType: 'image/png', buffer: LANDSCAPE.png },
  ]);
  await page.getByTestId('batch-phrases').fill('red, blue');
  await page.getByTestId('batch-phrases').press('Enter');
  await page.getByTestId('batch-run').click();
  await expect(page.getByTestId('batch-summary')).toContainText('2 labelled', { timeout: 90_000 });
  await page.locator('[data-testid="batch-tile"][title^="portrait.png "]').click();
  await expect(page.getByTestId('review-name')).toHaveText('portrait.png');
  await expect(page.getByTestId('review-item')).toHaveCount(2);
  await expectAllReachable(FOLDER_ACTIONS);
  await expectApart('batch-grid', 'review');
  await expectApart('review', 'batch-export');

  // The red square labelled "red" is plainly recoloured under its mask, and its boundary is outlined opaquely.
  const masks = page.getByTestId('review-masks');
  await masks.scrollIntoViewIfNeeded();
  const at = async (x: number, y: number) => {
    const box = (await masks.boundingBox())!;
    const k = box.width / 480;
    const p = await screenshotPixels(page, { x: box.x + x * k - 1, y: box.y + y * k - 1, width: 3, height: 3 });
    return p.data.slice(16, 19) as Rgb; // the middle pixel
  };
  await expect.poll(async () => deltaE(await at(160, 180), RED), { timeout: 20_000 }).toBeGreaterThan(25);
  const edgeAlpha = await masks.evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 180, 480, 1).data;
    let x = 0;
    while (x < 480 && d[x * 4 + 3] === 0) x++; // the mask's first pixel on this row: its boundary
    return { x, alpha: d[x * 4 + 3], inner: d[(x + 20) * 4 + 3] };
  });
  expect(Math.abs(edgeAlpha.x - 60), 'the mask starts at the square').toBeLessThanOrEqual(3);
  expect(edgeAlpha.alpha, 'an opaque outline on the boundary').toBeGreaterThanOrEqual(200);
  expect(edgeAlpha.inner, 'a see-through fill inside').toBeLessThan(edgeAlpha.alpha);

  await page.getByTestId('review-accept').click();
  await expect(page.getByTestId('review-name')).toHaveText('landscape.png');
  await page.getByTestId('review-accept').click();
  await expect(page.getByTestId('batch-summary')).toContainText('2 accepted');
  const download = page.waitForEvent('download');
  await page.getByTestId('batch-export-button').click();
  const files = unzipSync(new Uint8Array(readFileSync((await (await download).path())!)));
  const coco = JSON.parse(strFromU8(files['coco.json']));
  expect(coco.annotations).toHaveLength(3);

  const chooser = page.waitForEvent('filechooser');
  await expectReachable(fileButton('batch-gt-input'), 'Load COCO ground truth…');
  await fileButton('batch-gt-input').click();
  await (
    await chooser
  ).setFiles({ name: 'gt.json', mimeType: 'application/json', buffer: Buffer.from(files['coco.json']) });
  await expect(page.getByTestId('metric-AP')).toHaveText('1.000');
  await expectReachable(page.getByTestId('metric-cgF1'), 'cgF1');
});

test('768×1024: the folder and image modes reachable and apart; the review keeps a portrait picture’s aspect', async () => {
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.locator('[data-testid="batch-tile"][title^="portrait.png "]').click();
  await expect(page.getByTestId('review-name')).toHaveText('portrait.png');
  await expectAllReachable(FOLDER_ACTIONS);
  await expectApart('batch-grid', 'review');
  const drawn = (await page.getByTestId('review-masks').boundingBox())!;
  expect(drawn.width / drawn.height, 'the 480×640 picture drawn at its own aspect').toBeCloseTo(480 / 640, 2);

  await page.getByTestId('folder-mode').click();
  await expect(page.getByTestId('source-mode-image')).toHaveAttribute('aria-checked', 'true');
  await expectAllReachable(IMAGE_ACTIONS);
  await expectApart('stage', 'instance-list');
});
