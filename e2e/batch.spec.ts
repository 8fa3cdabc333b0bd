/**
 * The folder workspace end to end on the demo pack: add generated scenes (files and a .zip), run the phrases over
 * them, check each tile's instance count, review with the keyboard (reject + undo, accept), reload and find
 * everything saved, resume a run stopped by a reload, export the dataset zip, and re-import its COCO file as
 * ground truth (a perfect score).
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { unzipSync, zipSync, strFromU8 } from 'fflate';
import { openApp, scenePng } from './helpers';
import { randomScene, type Scene } from '../tools/scenes/scene';

const PHRASES = 'red, blue';

// Start-up, a reload and two runs of the demo pack on WASM take minutes on a small CI machine.
test.describe.configure({ timeout: 480_000 });

function scenes(n: number, seed: number): { name: string; scene: Scene; png: Buffer }[] {
  return Array.from({ length: n }, (_, i) => {
    const spec = randomScene(seed + i, 240, 180, 1 + (i % 3), ['red', 'blue', 'green'], {
      minSize: 30,
      maxSize: 60,
      gap: 10,
    });
    const { scene, png } = scenePng(spec);
    return { name: `scene_${seed}_${i}.png`, scene, png };
  });
}

const count = (scene: Scene) => scene.shapes.filter((s) => s.colour === 'red' || s.colour === 'blue').length;

async function openFolderMode(page: Page) {
  await page.getByTestId('folder-mode').click();
  await expect(page.getByTestId('batch-workspace')).toBeVisible();
}

async function setPhrases(page: Page) {
  const input = page.getByTestId('batch-phrases');
  await input.fill(PHRASES);
  await input.press('Enter');
}

async function tileOf(page: Page, name: string) {
  return page.locator(`[data-testid="batch-tile"][title^="${name} "]`);
}

test('label a folder: run, counts, review, reload, export, re-import the COCO file', async ({ page }) => {
  await openApp(page);
  await openFolderMode(page);
  await setPhrases(page);
  const loose = scenes(3, 500);
  const zipped = scenes(2, 600);
  await page.getByTestId('batch-file-input').setInputFiles([
    ...loose.map((s) => ({ name: s.name, mimeType: 'image/png', buffer: s.png })),
    {
      name: 'more.zip',
      mimeType: 'application/zip',
      buffer: Buffer.from(zipSync(Object.fromEntries(zipped.map((s) => [`inner/${s.name}`, new Uint8Array(s.png)])))),
    },
  ]);
  await expect(page.getByTestId('batch-tile')).toHaveCount(5);
  await expect(page.getByTestId('batch-summary')).toContainText('5 images · 0 labelled');
  // One path order, whichever way the files came: the zip's inner/ folder sorts before the loose scene_ files.
  await expect(page.getByTestId('batch-tile').first()).toHaveAttribute('title', /^inner\/scene_600_0\.png /);

  await page.getByTestId('batch-run').click();
  await expect(page.getByTestId('batch-summary')).toContainText('5 labelled', { timeout: 90_000 });
  for (const s of [...loose, ...zipped.map((z) => ({ ...z, name: `inner/${z.name}` }))]) {
    await expect(await tileOf(page, s.name)).toHaveAttribute('data-count', String(count(s.scene)));
  }

  // Review: select the first image, reject its first detection, undo, then accept every image with A.
  await (await tileOf(page, loose[0].name)).click();
  await expect(page.getByTestId('review-name')).toHaveText(loose[0].name);
  // The tile shows a thumbnail; the review canvas tints exactly the shapes of the phrases.
  await expect
    .poll(() =>
      page
        .locator('[data-testid="batch-thumb"][data-shown="true"]')
        .first()
        .evaluate((c: HTMLCanvasElement) => c.width),
    )
    .toBeGreaterThan(0);
  const alphaAt = (x: number, y: number) =>
    page
      .getByTestId('review-masks')
      .evaluate((c: HTMLCanvasElement, [x, y]) => c.getContext('2d')!.getImageData(x, y, 1, 1).data[3], [x, y]);
  for (const shape of loose[0].scene.shapes) {
    const cx = Math.floor((shape.box[0] + shape.box[2]) / 2);
    const cy = Math.floor((shape.box[1] + shape.box[3]) / 2);
    if (!shape.mask[cy * loose[0].scene.width + cx]) continue;
    const tinted = (await alphaAt(cx, cy)) > 0;
    expect(tinted, `${shape.colour} shape at ${cx},${cy}`).toBe(shape.colour !== 'green');
  }
  expect(await alphaAt(1, 1)).toBe(0);
  await page.getByTestId('review-canvas').click({ position: { x: 2, y: 2 } });
  await page.keyboard.press('Tab');
  await page.keyboard.press('x');
  await expect(page.locator('[data-testid="review-item"][data-rejected="true"]')).toHaveCount(1);
  await expect(await tileOf(page, loose[0].name)).toHaveAttribute('data-count', String(count(loose[0].scene) - 1));
  await page.keyboard.press('Control+z');
  await expect(page.locator('[data-testid="review-item"][data-rejected="true"]')).toHaveCount(0);
  await page.getByTestId('batch-tile').first().click();
  await expect(page.getByTestId('review-name')).toHaveText(`inner/${zipped[0].name}`);
  for (let i = 0; i < 5; i++) await page.keyboard.press('a');
  await expect(page.getByTestId('batch-summary')).toContainText('5 accepted');

  // Reload: the batch, its labels and the review come back from IndexedDB.
  await page.reload();
  await openFolderMode(page);
  await expect(page.getByTestId('batch-summary')).toContainText('5 images · 5 labelled · 5 accepted');

  // Export: one zip with COCO, YOLO and PNG masks.
  const download = page.waitForEvent('download');
  await page.getByTestId('batch-export-button').click();
  const file = await (await download).path();
  const files = unzipSync(new Uint8Array(readFileSync(file!)));
  const coco = JSON.parse(strFromU8(files['coco.json']));
  expect(coco.images).toHaveLength(5);
  expect(coco.categories.map((c: { name: string }) => c.name)).toEqual(['red', 'blue']);
  const total = [...loose, ...zipped].reduce((s, x) => s + count(x.scene), 0);
  expect(coco.annotations).toHaveLength(total);
  expect(Object.keys(files).filter((k) => k.startsWith('labels/'))).toHaveLength(5);
  expect(Object.keys(files).filter((k) => k.startsWith('masks/semantic/'))).toHaveLength(5);
  expect(files[`images/${loose[0].name}`]).toBeTruthy();

  // Re-import the exported COCO file as ground truth: the labels agree with themselves.
  await page
    .getByTestId('batch-gt-input')
    .setInputFiles({ name: 'gt.json', mimeType: 'application/json', buffer: Buffer.from(files['coco.json']) });
  await expect(page.getByTestId('metric-cgF1')).toHaveText(/^(99\.9\d|100\.00)$/);
  await expect(page.getByTestId('metric-AP')).toHaveText('1.000');
  await expect(page.getByTestId('pr-plot')).toBeVisible();
});

test('a run stopped by a reload resumes where it stopped; pause and cancel leave images pending', async ({ page }) => {
  await openApp(page);
  await openFolderMode(page);
  // A new batch: forget the previous test's.
  page.once('dialog', (d) => void d.accept());
  if (await page.getByRole('button', { name: 'Start over' }).isEnabled())
    await page.getByRole('button', { name: 'Start over' }).click();
  await setPhrases(page);
  const folder = scenes(6, 700);
  await page
    .getByTestId('batch-file-input')
    .setInputFiles(folder.map((s) => ({ name: s.name, mimeType: 'image/png', buffer: s.png })));
  await expect(page.getByTestId('batch-tile')).toHaveCount(6);
  await page.getByTestId('batch-run').click();
  await page.getByTestId('batch-pause').click();
  await expect(page.getByTestId('batch-progress')).toContainText('paused', { timeout: 60_000 });
  const labelled = await page.locator('[data-testid="batch-tile"][data-status="labelled"]').count();
  expect(labelled).toBeLessThan(6);
  await page.getByTestId('batch-resume').click();
  await page.getByTestId('batch-cancel').click();
  await expect(page.getByTestId('batch-message')).toContainText('Cancelled', { timeout: 60_000 });

  // Start again and reload in the middle: the run comes back paused, Resume finishes it. (Pause shows once the run
  // is under way and recorded as running.)
  await page.getByTestId('batch-run').click();
  await expect(page.getByTestId('batch-pause')).toBeVisible();
  await page.reload();
  await openFolderMode(page);
  await expect(page.getByTestId('batch-tile')).toHaveCount(6);
  const left = await page.locator('[data-testid="batch-tile"][data-status="pending"]').count();
  expect(left, 'the reload came in the middle of the run').toBeGreaterThan(0);
  await expect(page.getByTestId('batch-message')).toContainText('Press Resume');
  await expect(page.getByTestId('status')).toHaveText(/ready/i, { timeout: 180_000 });
  await expect(page.getByTestId('batch-run')).toHaveText(`Resume (${left} left)`);
  await page.getByTestId('batch-run').click();
  await expect(page.getByTestId('batch-summary')).toContainText('6 labelled', { timeout: 90_000 });
  for (const s of folder)
    await expect(await tileOf(page, s.name)).toHaveAttribute('data-count', String(count(s.scene)));
});
