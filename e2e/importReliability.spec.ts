/**
 * The reliability suite, continued for what a dataset builder feeds the folder workspace and the video path (issue
 * 17), in ONE page session: files picked in directory order land sorted like a zip's; a zip bomb (4 entries that
 * declare and inflate to 1.5 GiB each) is refused entry by entry from its directory, nothing stored; a zip of 5,000
 * entries is added (the old reader overflowed the call stack) with progress and its non-images named; Cancel in the
 * middle of a large zip keeps what was stored; a browser storage too full for the images refuses them before
 * writing; H.264 files with a damaged decoder configuration are told so. After each: a clear message, the images
 * added before still there, and the page answering — the longest gap between animation frames (a
 * requestAnimationFrame loop in the page) is logged and bounded. A second, short session labels same-stem images
 * (a/x.png, b/x.png, x.jpg, dup.png, dup.jpg), exports them (every zip entry once, each image's labels its own) and
 * cancels a re-run (every image keeps its labels).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import { strFromU8, unzipSync, zipSync } from 'fflate';
import { decode as decodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { openApp, scenePng } from './helpers';
import { randomScene } from '../tools/scenes/scene';
import { manyEntryZip, tinyPng, zipBomb } from './importFixtures';
import { damagedAvcClip, dropOnVideoStage } from './videoClips';
import { FILE_CLIP } from '../tools/video-fixtures/clips';

/** A frozen page shows as seconds between two animation frames; a busy but answering one stays well under this. */
const MAX_FRAME_GAP_MS = 2000;

async function startGapMeter(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __gap: { max: number; last: number } };
    w.__gap = { max: 0, last: performance.now() };
    const loop = (t: number) => {
      w.__gap.max = Math.max(w.__gap.max, t - w.__gap.last);
      w.__gap.last = t;
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
}

/** The longest gap between animation frames since the last call (ms); the meter starts over. */
async function frameGap(page: Page, what: string): Promise<number> {
  const gap = await page.evaluate(() => {
    const g = (window as unknown as { __gap: { max: number; last: number } }).__gap;
    const max = Math.max(g.max, performance.now() - g.last);
    g.max = 0;
    g.last = performance.now();
    return Math.round(max);
  });
  console.log(`${what}: longest gap between animation frames ${gap} ms`);
  return gap;
}

const names = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { __sam3batch: { store: { getState(): { images: { name: string }[] } } } }).__sam3batch.store
      .getState()
      .images.map((i) => i.name),
  );

const message = (page: Page) => page.getByTestId('batch-message');

/**
 * Picks files from disk, as a person does. (Playwright hands in-memory buffers to the page by decoding them on its
 * main thread, which would be measured as the app's own freeze.)
 */
async function pick(page: Page, files: { name: string; buffer: Uint8Array }[]): Promise<void> {
  const paths = files.map((f) => {
    const path = test.info().outputPath(f.name);
    writeFileSync(path, f.buffer);
    return path;
  });
  await page.getByTestId('batch-file-input').setInputFiles(paths);
}

test('bad imports and damaged videos in one session: clear messages, nothing lost, the page answering', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await openApp(page);
  await startGapMeter(page);
  await page.getByTestId('folder-mode').click();
  await expect(page.getByTestId('batch-workspace')).toBeVisible();
  await frameGap(page, 'start-up');

  // Files picked in directory order (the folder input's fallback) are sorted as a drop and a zip are.
  await pick(
    page,
    ['img10.png', 'img2.png', 'img1.png'].map((name, i) => ({ name, buffer: tinyPng(i) })),
  );
  await expect(message(page)).toContainText('Added 3 images.');
  expect(await names(page)).toEqual(['img1.png', 'img2.png', 'img10.png']);
  const kept = await names(page);
  await frameGap(page, 'three images');

  // A zip bomb: refused from its directory, each entry named with its declared size and the limit; nothing stored.
  const bomb = zipBomb(4);
  expect(bomb.length).toBeLessThan(7 * 2 ** 20);
  await pick(page, [{ name: 'bomb.zip', buffer: bomb }]);
  await expect(message(page)).toContainText(
    'No new images found. 4 files skipped — 4 too large (the limit for one image is 1 GiB): bomb.zip › a.png ' +
      '(declares 1.5 GiB)',
  );
  await page.getByTestId('import-skipped').locator('summary').click();
  await expect(page.getByTestId('import-skipped')).toContainText(
    'bomb.zip › d.png — declares 1.5 GiB; the limit for one image is 1 GiB',
  );
  expect(await names(page)).toEqual(kept);
  const stored = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  expect(stored, 'bytes this site stores').toBeLessThan(200 * 2 ** 20);
  expect(await frameGap(page, 'zip bomb')).toBeLessThan(MAX_FRAME_GAP_MS);

  // 5,000 entries: added in path order after the images already there, the non-images named.
  const many = manyEntryZip('many', 4990, [
    ...Array.from({ length: 8 }, (_, i) => `many/notes_${i}.txt`),
    'x/.DS_Store',
    '__MACOSX/many/._img_1.png',
  ]);
  await pick(page, [{ name: 'many.zip', buffer: many }]);
  await expect(page.getByTestId('import-status'), 'progress while the batches land').toContainText(' / 4,990');
  await expect(message(page)).toContainText('Added 4,990 images.', { timeout: 60_000 });
  await expect(message(page)).toContainText(
    '10 files skipped — 8 not images: many.zip › many/notes_0.txt, many.zip › many/notes_1.txt, ' +
      'many.zip › many/notes_2.txt, many.zip › many/notes_3.txt, and 4 more; 2 hidden or system files',
  );
  await expect(page.getByTestId('batch-summary')).toContainText('4993 images');
  const after = await names(page);
  expect(after.slice(0, 6)).toEqual([...kept, 'many/img_0.png', 'many/img_1.png', 'many/img_2.png']);
  expect(after.at(-1)).toBe('many/img_4989.png');
  expect(await frameGap(page, '5,000-entry zip')).toBeLessThan(MAX_FRAME_GAP_MS);

  // Cancel in the middle of a large zip: what was stored stays, the message says how far it got.
  await pick(page, [{ name: 'more.zip', buffer: manyEntryZip('more', 4000) }]);
  await expect(page.getByTestId('import-status')).toContainText(/[1-9][\d,]* \/ 4,000/);
  await page.getByTestId('import-cancel').click();
  await expect(message(page)).toContainText(
    /^Cancelled after [\d,]+ of 4,000 images\. The [\d,]+ images added before stay\./,
  );
  const partial = await names(page);
  const stayed = Number(/The ([\d,]+) images added/.exec((await message(page).textContent())!)![1].replace(/,/g, ''));
  expect(stayed).toBeGreaterThan(0);
  expect(stayed).toBeLessThan(4000);
  expect(partial.slice(0, after.length)).toEqual(after);
  expect(partial.slice(after.length)).toEqual(Array.from({ length: stayed }, (_, i) => `more/img_${i}.png`));
  expect(await frameGap(page, 'cancelled zip')).toBeLessThan(MAX_FRAME_GAP_MS);

  // Storage too full for the images: refused before anything is written, with the numbers.
  await page.evaluate(() => {
    const storage = navigator.storage as StorageManager & { realEstimate?: StorageManager['estimate'] };
    storage.realEstimate = storage.estimate.bind(storage);
    storage.estimate = async () => ({ quota: 10 * 2 ** 30, usage: 10 * 2 ** 30 - 4096 });
  });
  await pick(page, [{ name: 'late.png', buffer: tinyPng(7) }]);
  await expect(message(page)).toContainText(
    "The 1 new image needs 32 KiB of the browser's storage, but only 4 KiB is left for this site",
  );
  expect(await names(page)).toEqual(partial);
  await page.evaluate(() => {
    const storage = navigator.storage as StorageManager & { realEstimate?: StorageManager['estimate'] };
    storage.estimate = storage.realEstimate!;
  });

  // Damaged H.264 decoder configurations: named as damage, not as a codec this browser cannot decode.
  await page.getByTestId('folder-mode').click();
  await page.getByTestId('source-mode-video').click();
  const videoMessage = page.getByTestId('video-message');
  await dropOnVideoStage(page, await damagedAvcClip(page, FILE_CLIP, 'config', 'broken-config.mp4'));
  await expect(videoMessage).toContainText(
    '“broken-config.mp4” is H.264 video, but its decoder configuration (the avcC record) is damaged (its version ' +
      'is 255, not 1), so the decoder cannot be set up for its stream.',
  );
  await expect(videoMessage).not.toContainText('Re-encode it as H.264');
  await dropOnVideoStage(page, await damagedAvcClip(page, FILE_CLIP, 'sps', 'broken-sps.mp4'));
  await expect(videoMessage).toContainText(
    '“broken-sps.mp4” is H.264 video, but the decoder rejected its stream at the first frame',
  );
  expect(await frameGap(page, 'damaged H.264')).toBeLessThan(MAX_FRAME_GAP_MS);

  // Back in the folder workspace, every image added is still there.
  await page.getByTestId('folder-mode').click();
  await expect(page.getByTestId('batch-summary')).toContainText(`${partial.length} images`);
  expect(await names(page)).toEqual(partial);
});

/** Every entry name in a zip's central directory, duplicates included (unzipping to an object would hide them). */
function centralDirectoryNames(zip: Uint8Array): string[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = zip.length - 22;
  while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end--;
  expect(end, 'end of central directory').toBeGreaterThanOrEqual(0);
  const count = view.getUint16(end + 10, true);
  const names: string[] = [];
  for (let k = 0, p = view.getUint32(end + 16, true); k < count; k++) {
    expect(view.getUint32(p, true)).toBe(0x02014b50);
    const [n, extra, comment] = [28, 30, 32].map((o) => view.getUint16(p + o, true));
    names.push(strFromU8(zip.subarray(p + 46, p + 46 + n)));
    p += 46 + n + extra + comment;
  }
  return names;
}

test('same-stem images export without overwriting each other; a cancelled re-run keeps every label', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await openApp(page);
  await page.getByTestId('folder-mode').click();
  await expect(page.getByTestId('batch-workspace')).toBeVisible();
  const phrases = page.getByTestId('batch-phrases');
  await phrases.fill('red, blue');
  await phrases.press('Enter');
  // Five images whose names differ only by folder or extension, each a scene with its own number of shapes.
  const NAMES = ['a/x.png', 'b/x.png', 'dup.jpg', 'dup.png', 'x.jpg'];
  const files = Object.fromEntries(
    NAMES.map((name, k) => {
      const { scene, png } = scenePng(
        randomScene(900 + k, 160, 120, 1 + k, ['red', 'blue'], { minSize: 20, maxSize: 34, gap: 8 }),
      );
      const bytes = name.endsWith('.jpg')
        ? jpeg.encode({ data: scene.data, width: scene.width, height: scene.height }, 95).data
        : png;
      return [name, new Uint8Array(bytes)];
    }),
  );
  await pick(page, [{ name: 'same-stem.zip', buffer: zipSync(files) }]);
  await expect(message(page)).toContainText('Added 5 images.');
  expect(await names(page)).toEqual(NAMES);
  await page.getByTestId('batch-run').click();
  const summary = page.getByTestId('batch-summary');
  await expect(summary).toContainText('5 images · 5 labelled', { timeout: 90_000 });
  await page.getByTestId('batch-tile').first().click();
  for (let n = 1; n <= 5; n++) {
    await page.keyboard.press('a');
    await expect(summary).toContainText(`${n} accepted`);
  }

  // The export: every entry once; dup.png and dup.jpg keep their whole names, the rest their stems.
  const download = page.waitForEvent('download');
  await page.getByTestId('batch-export-button').click();
  const zip = new Uint8Array(readFileSync((await (await download).path())!));
  const entries = centralDirectoryNames(zip);
  expect(entries.filter((e, i) => entries.indexOf(e) !== i)).toEqual([]);
  const unzipped = unzipSync(zip);
  const coco = JSON.parse(strFromU8(unzipped['coco.json']));
  const bases: Record<string, string> = {
    'a/x.png': 'a/x',
    'b/x.png': 'b/x',
    'dup.jpg': 'dup.jpg',
    'dup.png': 'dup.png',
    'x.jpg': 'x',
  };
  const counts: number[] = [];
  for (const im of coco.images as { id: number; file_name: string }[]) {
    const base = bases[im.file_name];
    expect(base, im.file_name).toBeTruthy();
    const anns = coco.annotations.filter((a: { image_id: number }) => a.image_id === im.id);
    const lines = strFromU8(unzipped[`labels/${base}.txt`]).split('\n').filter(Boolean);
    expect(lines.length, `labels/${base}.txt holds ${im.file_name}'s labels`).toBe(anns.length);
    const semantic = decodePng(unzipped[`masks/semantic/${base}.png`]);
    let pixels = 0;
    for (const v of semantic.data) if (v) pixels++;
    const area = anns.reduce((n: number, a: { area: number }) => n + a.area, 0);
    expect(pixels, `masks/semantic/${base}.png is ${im.file_name}'s own`).toBe(area);
    counts.push(anns.length);
  }
  expect(new Set(counts).size, `each image its own labels: ${counts}`).toBeGreaterThan(1);
  expect(strFromU8(unzipped['README.txt'])).toContain('labels/dup.png.txt, labels/dup.jpg.txt');

  // Re-run all, paused at once and cancelled: the images not reached keep their labels; the message says so.
  const before = await page.getByTestId('batch-tile').evaluateAll((tiles) => tiles.map((t) => t.dataset.count));
  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('batch-rerun').click();
  await page.getByTestId('batch-pause').click();
  await expect(page.getByTestId('batch-resume')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('batch-cancel').click();
  await expect(message(page)).toContainText(
    /^Re-run cancelled after [0-4] of 5 images; the other [1-5] keep their earlier labels and review\./,
  );
  await expect(summary).toContainText('5 images · 5 labelled');
  const reached = Number(/after (\d) of 5/.exec((await message(page).textContent())!)![1]);
  await expect(summary).toContainText(`${5 - reached} accepted`);
  const after = await page.getByTestId('batch-tile').evaluateAll((tiles) => tiles.map((t) => t.dataset.count));
  expect(after, 'every tile still shows its instance count').toEqual(before);
});
