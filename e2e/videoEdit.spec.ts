/**
 * Fixing a track anywhere in a processed file (issue 20), through the UI: a blue square enters on frame 10 (the
 * phrase "red" never finds it); after processing, a click on it on frame 30 tracks it with a new ID back to where
 * it entered and on to the end, the red track is untouched, the YouTube-VIS export follows, and Undo takes it back;
 * removing a track over frames and merging two IDs follow in the export and undo the same way.
 */
import { test, expect, type Page } from '@playwright/test';
import { openApp, typePhrase } from './helpers';
import { clipDataTransfer, cocoHas, dropOnVideoStage } from './videoClips';
import type { ClipSpec } from '../tools/video-fixtures/clips';
import { squareShape } from '../tools/scenes/scene';

const blueX = (t: number) => -28 + (t - 10) * 5;
/** A red square all along; a blue one enters from the left on frame 10 and crosses (the Node test's clip). */
const ENTERING: ClipSpec = {
  name: 'blue-enters',
  width: 320,
  height: 240,
  fps: 10,
  frameCount: 40,
  lateFrame: 10,
  frame(t) {
    return {
      width: 320,
      height: 240,
      background: [236, 236, 236],
      shapes: [squareShape(220, 30, 40, 'red'), ...(t >= 10 ? [squareShape(blueX(t), 150, 40, 'blue')] : [])],
    };
  },
};

type Rle = { size: number[]; counts: string } | null;
interface EditState {
  status: string;
  message: string | null;
  editCount: number;
  ytvis: { id: number; segmentations: Rle[] }[] | null;
}

async function editState(page: Page): Promise<EditState> {
  return page.evaluate(() => {
    const s = (
      window as unknown as { __sam3: { video: { getState(): Record<string, unknown> } } }
    ).__sam3.video.getState() as {
      status: string;
      message: string | null;
      editHistory: unknown[];
      lastYtvis: unknown;
    };
    return JSON.parse(
      JSON.stringify({
        status: s.status,
        message: s.message,
        editCount: s.editHistory.length,
        ytvis: s.lastYtvis,
      }),
    ) as EditState;
  });
}

async function ytvis(page: Page): Promise<{ id: number; segmentations: Rle[] }[]> {
  await page.getByTestId('export-ytvis').click();
  return (await editState(page)).ytvis!;
}

async function frameToPage(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  const canvas = page.getByTestId('video-canvas');
  const box = (await canvas.boundingBox())!;
  const vw = Number(await canvas.getAttribute('data-media-width'));
  const vh = Number(await canvas.getAttribute('data-media-height'));
  const scale = Math.min(Math.floor(box.width) / vw, Math.floor(box.height) / vh);
  return {
    x: box.x + (Math.floor(box.width) - vw * scale) / 2 + x * scale,
    y: box.y + (Math.floor(box.height) - vh * scale) / 2 + y * scale,
  };
}

test('a click on frame 30 tracks a new object back to frame 10 and on to the end, the red track unchanged; remove over frames, merge, pause, cancel and undo', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await openApp(page);
  await typePhrase(page, 'red');
  await page.getByTestId('source-mode-video').click();
  await dropOnVideoStage(page, await clipDataTransfer(page, ENTERING, { container: 'webm', codec: 'vp8' }));
  await expect.poll(async () => (await editState(page)).status, { timeout: 240_000, intervals: [250] }).toBe('ready');
  const before = await ytvis(page);
  expect(before).toHaveLength(1);
  const red = before[0];
  await expect(page.getByTestId('edit-direction')).toHaveValue('both');

  // Frame 30 (index 30), the Click tool, a click on the blue square's centre.
  await page.getByTestId('video-scrub').fill('30');
  await expect(page.getByTestId('video-frame-index')).toContainText('Frame 31 ');
  await page.getByTestId('tool-click').click();
  const at = await frameToPage(page, blueX(30) + 20, 170);
  await page.mouse.click(at.x, at.y);
  await expect.poll(async () => (await editState(page)).editCount, { timeout: 120_000, intervals: [250] }).toBe(1);
  expect((await editState(page)).status).toBe('ready');

  const after = await ytvis(page);
  expect(after).toHaveLength(2);
  const blue = after.find((t) => t.id !== red.id)!;
  expect(blue.id).toBeGreaterThan(red.id);
  // Tracked back to where it entered (frame 10: 12 px of it show) and forward to the end; none before.
  for (let t = 11; t < 40; t++) expect(blue.segmentations[t], `frame ${t}: the new ID has a mask`).not.toBeNull();
  for (let t = 0; t < 10; t++) expect(blue.segmentations[t], `frame ${t}: not in the picture yet`).toBeNull();
  // Each frame's mask is that frame's square (3 px inside both edges: one frame off would miss one of them).
  for (const t of [20, 25, 35])
    for (const x of [blueX(t) + 3, blueX(t) + 37])
      expect(cocoHas(blue.segmentations[t]!, x, 170), `frame ${t}, x ${x}`).toBe(true);
  // The red track was not re-run: its export is byte for byte what it was.
  expect(after.find((t) => t.id === red.id)!.segmentations).toEqual(red.segmentations);
  const row = page.locator(`[data-testid="track-row"][data-track-id="${blue.id}"]`);
  await expect(row).toHaveCount(1);
  expect(Number(await row.getAttribute('data-first-frame'))).toBeLessThanOrEqual(11);
  await expect(row).toHaveAttribute('data-last-frame', '39');

  // Remove the new ID from frames 11–20 (1-based: indices 10–19), then undo; merge red into it, then undo.
  await row.getByTestId('track-remove-range').click();
  await row.getByTestId('track-remove-from').fill('11');
  await row.getByTestId('track-remove-to').fill('20');
  await row.getByTestId('track-remove-apply').click();
  const removed = (await ytvis(page)).find((t) => t.id === blue.id)!;
  expect(removed.segmentations.slice(10, 20).every((r) => r === null)).toBe(true);
  expect(removed.segmentations.slice(20)).toEqual(blue.segmentations.slice(20));
  await page.getByTestId('edit-undo').click();
  expect((await ytvis(page)).find((t) => t.id === blue.id)!.segmentations).toEqual(blue.segmentations);
  const redRow = page.locator(`[data-testid="track-row"][data-track-id="${red.id}"]`);
  await redRow.getByTestId('track-merge').selectOption(String(blue.id));
  await expect(redRow).toHaveCount(0);
  const merged = await ytvis(page);
  expect(merged.map((t) => t.id)).toEqual([blue.id]);
  // Frames 0–9 had only the red square: its masks now carry the kept ID; where both were, the kept mask stays.
  expect(merged[0].segmentations.slice(0, 10)).toEqual(red.segmentations.slice(0, 10));
  expect(merged[0].segmentations.slice(11)).toEqual(blue.segmentations.slice(11));
  await page.getByTestId('edit-undo').click();
  await expect(redRow).toHaveCount(1);
  expect((await ytvis(page)).find((t) => t.id === red.id)!.segmentations).toEqual(red.segmentations);

  // Undo edit: the new ID is gone from the results, the panel and the export; red as before.
  await page.getByTestId('edit-undo').click();
  await expect(row).toHaveCount(0);
  const undone = await ytvis(page);
  expect(undone.map((t) => t.id)).toEqual([red.id]);
  expect(undone[0].segmentations).toEqual(red.segmentations);
  await expect(page.getByTestId('edit-undo')).toHaveCount(0);

  // Backward only, paused at once and cancelled: it stops before its next frame (the one in flight completes), the
  // frames re-run so far keep their masks, the frames after 30 get none (backward only), and Undo takes it back.
  await page.getByTestId('edit-direction').selectOption('backward');
  await page.mouse.click(at.x, at.y);
  await page.getByTestId('edit-pause').click();
  await expect(page.getByTestId('edit-pause')).toHaveAttribute('data-state', 'paused');
  const progress = page.getByTestId('edit-progress-text');
  await page.waitForTimeout(1000);
  const done = Number(await progress.getAttribute('data-done'));
  await page.waitForTimeout(1000);
  await expect(progress).toHaveAttribute('data-done', String(done));
  expect(done).toBeLessThan(30);
  await page.getByTestId('edit-cancel').click();
  await expect.poll(async () => (await editState(page)).status, { timeout: 30_000 }).toBe('ready');
  const s = await editState(page);
  expect(s.editCount).toBe(1);
  expect(s.message).toContain(`cancelled after ${done} of 30 frames`);
  const cut = (await ytvis(page)).find((t) => t.id !== red.id)!;
  for (let t = 30 - done; t <= 30; t++) expect(cut.segmentations[t], `frame ${t}: re-run`).not.toBeNull();
  for (let t = 31; t < 40; t++) expect(cut.segmentations[t], `frame ${t}: backward only`).toBeNull();
  expect(cut.segmentations.filter((r) => r !== null)).toHaveLength(done + 1);
  await page.getByTestId('edit-undo').click();
  expect((await ytvis(page)).map((t) => t.id)).toEqual([red.id]);
});
