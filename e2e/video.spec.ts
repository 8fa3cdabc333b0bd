/**
 * Video and webcam mode in Chromium: the fake camera plays tools/video-fixtures' LIVE_CLIP (written by
 * video.setup.ts); file mode gets FILE_CLIP encoded to WebM inside the page with MediaRecorder.
 * IDs are read from the video store's per-frame ID log (`window.__sam3.video`).
 */
import { test, expect, type Page } from '@playwright/test';
import { clipDataTransfer, dropOnVideoStage } from './videoClips';
import { PALETTE } from '../tools/scenes/palette';
import { DEFAULT_TRACKER_SETTINGS } from '../workers/protocol/video';
import { FILE_CLIP, LIVE_BLUE } from '../tools/video-fixtures/clips';
import { openApp, typePhrase } from './helpers';

interface IdLogEntry {
  frameIndex: number;
  ids: number[];
}

interface VideoHookState {
  status: string;
  message: string | null;
  idLog: IdLogEntry[];
  live: {
    cameraFrames: number;
    processedFrames: number;
    droppedFrames: number;
    maxInFlight: number;
    latencyMs: number;
    maxLatencyMs: number;
  };
  progress: { done: number; total: number } | null;
  playback: { frameIndex: number; playing: boolean };
  meta: { frameCount: number; fps: number; width: number; height: number } | null;
}

async function videoState(page: Page): Promise<VideoHookState> {
  return page.evaluate(() => {
    const s = (window as unknown as { __sam3: { video: { getState(): VideoHookState } } }).__sam3.video.getState();
    return JSON.parse(JSON.stringify({ ...s, frames: undefined, latest: undefined, tracks: undefined }));
  });
}

/** Polls the video store from Node (the page's CSP forbids eval, so no string predicates in the page). */
async function waitForVideo(page: Page, predicate: (s: VideoHookState) => boolean, timeout = 120_000): Promise<void> {
  await expect.poll(async () => predicate(await videoState(page)), { timeout, intervals: [200] }).toBe(true);
}

const rgbOf = (name: string) => PALETTE.find((c) => c.name === name)!.rgb;

/**
 * FILE_CLIP as a WebM recorded in the page from a canvas (MediaRecorder, as a screen or camera recording would be),
 * wrapped in a DataTransfer. Exact-frame tests with encoded clips are in videoFile.spec.ts.
 */
async function recordClipDataTransfer(page: Page) {
  const frames = Array.from({ length: FILE_CLIP.frameCount }, (_, i) => {
    const spec = FILE_CLIP.frame(i);
    return {
      background: [...(spec.background as readonly number[])],
      rects: spec.shapes.map((s) =>
        s.kind === 'rect' ? { x0: s.x0, y0: s.y0, x1: s.x1, y1: s.y1, rgb: [...rgbOf(s.colour)] } : null,
      ),
    };
  });
  return page.evaluateHandle(
    async ({ frames, width, height, fps }) => {
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const ctx = canvas.getContext('2d')!;
      const draw = (f: (typeof frames)[number]) => {
        ctx.fillStyle = `rgb(${f.background.join(',')})`;
        ctx.fillRect(0, 0, width, height);
        for (const r of f.rects) {
          if (!r) continue;
          ctx.fillStyle = `rgb(${r.rgb.join(',')})`;
          ctx.fillRect(r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0);
        }
      };
      const stream = canvas.captureStream(0);
      const track = stream.getVideoTracks()[0] as MediaStreamTrack & { requestFrame(): void };
      const recorder = new MediaRecorder(stream, { mimeType: 'video/webm;codecs=vp8', videoBitsPerSecond: 4_000_000 });
      const chunks: Blob[] = [];
      recorder.ondataavailable = (e) => chunks.push(e.data);
      const stopped = new Promise((r) => (recorder.onstop = r));
      draw(frames[0]);
      recorder.start();
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
      // Frames are timestamped by the wall clock: pace them against absolute times so jitter never accumulates.
      const t0 = performance.now();
      const paced = [...frames, frames[frames.length - 1]]; // the last frame twice: its duration then counts
      for (const [k, f] of paced.entries()) {
        await sleep(t0 + (k * 1000) / fps - performance.now());
        draw(f);
        track.requestFrame();
      }
      await sleep(t0 + (paced.length * 1000) / fps - performance.now());
      recorder.stop();
      await stopped;
      const dt = new DataTransfer();
      dt.items.add(new File(chunks, 'two-then-three.webm', { type: 'video/webm' }));
      return dt;
    },
    { frames, width: FILE_CLIP.width, height: FILE_CLIP.height, fps: FILE_CLIP.fps },
  );
}

interface SentObject {
  id: string;
  trackId?: number;
  points: { xyPx: [number, number]; polarity: string }[];
}
interface SentConcept {
  id: string;
  phrase: string;
  boxes: { xyxyPx: number[]; polarity: string }[];
}
interface ShownObject {
  id: number;
  boxXyxyPx: [number, number, number, number];
}

/** What the last processFrame call carried, and the objects of the newest result. */
async function sentAndLatest(page: Page): Promise<{
  sent: { frameIndex: number; concepts: SentConcept[]; objects: SentObject[] } | null;
  latest: ShownObject[];
}> {
  return page.evaluate(() => {
    const s = (
      window as unknown as {
        __sam3: { video: { getState(): { lastSent: unknown; latest: { objects: ShownObject[] } | null } } };
      }
    ).__sam3.video.getState();
    return JSON.parse(
      JSON.stringify({
        sent: s.lastSent,
        latest: (s.latest?.objects ?? []).map((o) => ({ id: o.id, boxXyxyPx: o.boxXyxyPx })),
      }),
    );
  });
}

/** Page coordinates of a frame pixel on the video canvas (the frame is fitted into it, centred). */
async function frameToPage(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  const box = await page.getByTestId('video-canvas').boundingBox();
  if (!box) throw new Error('video canvas not visible');
  // The stage publishes the size of the picture it shows (camera element or decoded frame).
  const canvas = page.getByTestId('video-canvas');
  const vw = Number(await canvas.getAttribute('data-media-width'));
  const vh = Number(await canvas.getAttribute('data-media-height'));
  const scale = Math.min(Math.floor(box.width) / vw, Math.floor(box.height) / vh);
  return {
    x: box.x + (Math.floor(box.width) - vw * scale) / 2 + x * scale,
    y: box.y + (Math.floor(box.height) - vh * scale) / 2 + y * scale,
  };
}

/** Left and right edges (x1 exclusive) of the red run on row `y` of the camera picture shown now, or null. */
async function redRunNow(page: Page, y: number): Promise<[number, number] | null> {
  return page.evaluate((row) => {
    const video = document.querySelector('video');
    if (!video || video.videoWidth === 0) return null;
    const c = document.createElement('canvas');
    c.width = video.videoWidth;
    c.height = 1;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(video, 0, row, video.videoWidth, 1, 0, 0, video.videoWidth, 1);
    const px = ctx.getImageData(0, 0, c.width, 1).data;
    let first = -1;
    let last = -1;
    for (let x = 0; x < c.width; x++) {
      const red = px[4 * x] > 150 && px[4 * x + 1] < 110 && px[4 * x + 2] < 110;
      if (red && first < 0) first = x;
      if (red) last = x;
    }
    return first < 0 ? null : ([first, last + 1] as [number, number]);
  }, y);
}

/**
 * Where to click a moving tracked square the way a person would: on the square as the camera shows it now, and on
 * the mask drawn for it (the newest result, up to a latency older) — so the click names its track — leaning the
 * way it moves, so the point is still on the square in the frame the click is sent with. Null while the two
 * overlap too little for that (the square moving fast against the latency); then ask again.
 */
async function clickPointOnMovingSquare(
  page: Page,
  trackId: number,
  rowY: number,
): Promise<{ x: number; y: number } | null> {
  const shown = (await sentAndLatest(page)).latest.find((o) => o.id === trackId);
  const now = await redRunNow(page, rowY);
  if (!shown || !now) return null;
  const [a1, , a2] = shown.boxXyxyPx;
  const left = Math.max(a1, now[0]);
  const right = Math.min(a2, now[1]);
  if (right - left < 20) return null;
  const moving = now[0] - a1;
  const x = moving > 2 ? right - 6 : moving < -2 ? left + 6 : (left + right) / 2;
  return { x, y: rowY };
}

async function clickOnFrame(page: Page, x: number, y: number): Promise<void> {
  const p = await frameToPage(page, x, y);
  await page.mouse.click(p.x, p.y);
}

async function dragOnFrame(
  page: Page,
  from: [number, number],
  to: [number, number],
  button: 'left' | 'right' = 'left',
): Promise<void> {
  const a = await frameToPage(page, ...from);
  const b = await frameToPage(page, ...to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down({ button });
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
  await page.mouse.move(b.x, b.y, { steps: 4 });
  await page.mouse.up({ button });
}

const sortedIds = (ids: number[]) => [...ids].sort((a, b) => a - b);

test('webcam: IDs stay stable over 30+ processed frames, a new square gets a new ID, frames are dropped', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await openApp(page);
  await typePhrase(page, 'red');
  await page.getByTestId('source-mode-webcam').click();
  await waitForVideo(page, (s) => s.status === 'live', 60_000);
  await expect(page.getByTestId('camera-select')).not.toBeDisabled();
  await expect(page.getByTestId('propagation-mode')).toBeVisible();

  // 40 processed frames after the first one showing both squares.
  await waitForVideo(page, (s) => s.idLog.findIndex((e) => e.ids.length === 2) >= 0, 90_000);
  await waitForVideo(page, (s) => s.idLog.length - s.idLog.findIndex((e) => e.ids.length === 2) >= 40, 150_000);
  let s = await videoState(page);
  const start = s.idLog.findIndex((e) => e.ids.length === 2);
  const base = [...s.idLog[start].ids].sort((a, b) => a - b);
  const window = s.idLog.slice(start);
  expect(window.length).toBeGreaterThanOrEqual(30);
  for (const e of window)
    expect(e.ids, `frame ${e.frameIndex} keeps IDs ${base}`).toEqual(expect.arrayContaining(base));

  // The third square appears half-way through the clip: a new ID, above every earlier one.
  await waitForVideo(page, (s) => s.idLog.some((e) => e.ids.some((id) => !base.includes(id))), 90_000);
  s = await videoState(page);
  const newIds = new Set(s.idLog.flatMap((e) => e.ids).filter((id) => !base.includes(id)));
  for (const id of newIds) expect(id).toBeGreaterThan(Math.max(...base));

  // Frames are dropped, never queued: one request in flight at most, latency bounded.
  await page.waitForTimeout(600); // one more stats publication
  s = await videoState(page);
  const cameraFps = Number(await page.getByTestId('camera-fps').textContent());
  const processedFps = Number(await page.getByTestId('processed-fps').textContent());
  const latency = Number(await page.getByTestId('latency-ms').textContent());
  console.log(
    `live: camera ${s.live.cameraFrames} frames (${cameraFps} fps), processed ${s.live.processedFrames} ` +
      `(${processedFps} fps), dropped ${s.live.droppedFrames}, latency ${latency} ms (max ${Math.round(s.live.maxLatencyMs)} ms), ` +
      `max in flight ${s.live.maxInFlight}`,
  );
  expect(s.live.maxInFlight).toBe(1);
  expect(s.live.processedFrames).toBeLessThan(s.live.cameraFrames);
  expect(s.live.droppedFrames).toBeGreaterThan(0);
  expect(cameraFps).toBeGreaterThan(0);
  expect(processedFps).toBeGreaterThan(0);
  expect(s.live.maxLatencyMs).toBeLessThan(15_000);

  // The track list shows every ID with its first and last frame.
  const rows = page.getByTestId('track-row');
  for (const id of base) {
    const row = rows.and(page.locator(`[data-track-id="${id}"]`));
    await expect(row).toHaveCount(1);
    expect(Number(await row.getAttribute('data-first-frame'))).toBeLessThanOrEqual(window[0].frameIndex);
  }
  await page.getByTestId('source-mode-image').click();
});

test('file mode: a generated WebM goes through; progress reaches 100 %; masklets have the expected IDs', async ({
  page,
}) => {
  test.setTimeout(480_000);
  await openApp(page);
  await typePhrase(page, 'red');
  await page.getByTestId('source-mode-video').click();
  const dt = await clipDataTransfer(page, FILE_CLIP, { container: 'webm', codec: 'vp8', name: 'two-then-three.webm' });
  await dropOnVideoStage(page, dt);
  await waitForVideo(page, (s) => s.status === 'processing' || s.status === 'ready', 60_000);
  await expect(page.getByTestId('video-eta')).toBeVisible();
  await waitForVideo(page, (s) => s.status === 'ready', 400_000);
  const s = await videoState(page);
  expect(s.meta!.fps).toBe(FILE_CLIP.fps);
  expect(s.meta!.frameCount).toBe(FILE_CLIP.frameCount);
  const progress = page.getByTestId('video-progress');
  await expect(progress).toHaveAttribute('data-percent', '100');
  expect(s.progress!.done).toBe(s.progress!.total);

  await page.getByTestId('export-masklets').click();
  const m = await page.evaluate(
    () =>
      (
        window as unknown as {
          __sam3: {
            lastMasklets: {
              video: { width: number; height: number; frames: number; fps: number };
              categories: { id: number; name: string }[];
              frames: {
                frameIndex: number;
                objects: { id: number; categoryId: number; bbox: number[]; segmentation: { size: number[] } | null }[];
              }[];
            };
          };
        }
      ).__sam3.lastMasklets,
  );
  expect(m.video).toMatchObject({ width: FILE_CLIP.width, height: FILE_CLIP.height, fps: FILE_CLIP.fps });
  expect(m.frames.length).toBe(m.video.frames);
  expect(m.categories).toEqual([{ id: 1, name: 'red' }]);
  const late = FILE_CLIP.lateFrame;
  const early = m.frames.filter((f) => f.frameIndex < late - 2);
  const after = m.frames.filter((f) => f.frameIndex >= late + 3);
  const base = early[0].objects.map((o) => o.id).sort((a, b) => a - b);
  expect(base).toHaveLength(2);
  for (const f of early)
    expect(
      f.objects.map((o) => o.id).sort((a, b) => a - b),
      `frame ${f.frameIndex}`,
    ).toEqual(base);
  const third = after[0].objects.map((o) => o.id).find((id) => !base.includes(id));
  expect(third).toBeGreaterThan(Math.max(...base));
  for (const f of after)
    expect(
      f.objects.map((o) => o.id).sort((a, b) => a - b),
      `frame ${f.frameIndex}`,
    ).toEqual([...base, third]);
  for (const f of m.frames)
    for (const o of f.objects) {
      expect(o.categoryId).toBe(1);
      expect(o.segmentation?.size).toEqual([FILE_CLIP.height, FILE_CLIP.width]);
      expect(o.bbox).toHaveLength(4);
    }

  // The track list: the third square's track starts near the late frame and lasts to the end.
  const thirdRow = page.locator(`[data-testid="track-row"][data-track-id="${third}"]`);
  expect(Math.abs(Number(await thirdRow.getAttribute('data-first-frame')) - late)).toBeLessThanOrEqual(2);
  expect(Number(await thirdRow.getAttribute('data-last-frame'))).toBe(m.video.frames - 1);

  // Scrub, then play and pause.
  await page.getByTestId('video-scrub').fill('25');
  await waitForVideo(page, (s) => s.playback.frameIndex === 25, 10_000);
  await page.getByTestId('video-scrub').fill('0');
  await waitForVideo(page, (s) => s.playback.frameIndex === 0, 10_000);
  await page.getByTestId('video-play').click();
  await waitForVideo(page, (s) => s.playback.playing && s.playback.frameIndex > 3, 20_000);
  await page.getByTestId('video-play').click();
  await waitForVideo(page, (s) => !s.playback.playing, 10_000);
});

test('file mode: cancel keeps the frames done; an undecodable file gets a clear message', async ({ page }) => {
  test.setTimeout(180_000);
  await openApp(page);
  await typePhrase(page, 'red');
  await page.getByTestId('source-mode-video').click();
  // A MediaRecorder recording (as a screen or camera recording would be: no cues, wall-clock timestamps).
  await dropOnVideoStage(page, await recordClipDataTransfer(page));
  await waitForVideo(page, (s) => s.status === 'processing' && (s.progress?.done ?? 0) >= 2, 120_000);
  await page.getByTestId('video-cancel').click();
  await waitForVideo(page, (s) => s.status === 'cancelled', 20_000);
  await expect(page.getByTestId('video-message')).toContainText(/cancelled/i);
  const s = await videoState(page);
  expect(s.progress!.done).toBeLessThan(s.progress!.total);

  const bad = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(4096).fill(7)], 'broken.webm', { type: 'video/webm' }));
    return dt;
  });
  await dropOnVideoStage(page, bad);
  await expect(page.getByTestId('video-message')).toContainText(/broken\.webm/);
  await expect(page.getByTestId('video-message')).toContainText(/MP4|WebM|decoded/);
});

test('webcam: a denied permission and a missing camera get clear messages', async ({ page }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { __denyCamera?: string };
    navigator.mediaDevices.getUserMedia = () =>
      Promise.reject(new DOMException('denied', w.__denyCamera ?? 'NotAllowedError'));
  });
  await openApp(page);
  await page.getByTestId('source-mode-webcam').click();
  await expect(page.getByTestId('video-message')).toContainText(/permission was denied/i);
  await page.getByTestId('source-mode-image').click();
  await page.evaluate(() => ((window as unknown as { __denyCamera?: string }).__denyCamera = 'NotFoundError'));
  await page.getByTestId('source-mode-webcam').click();
  await expect(page.getByTestId('video-message')).toContainText(/no camera found/i);
});

test('webcam: Click on a tracked square re-conditions it (same ID, trackId sent); a click on the blue square makes a new ID', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await openApp(page);
  await typePhrase(page, 'red');
  await page.getByTestId('source-mode-webcam').click();
  await waitForVideo(page, (s) => s.status === 'live', 60_000);
  // IDs have settled: the same non-empty set on 5 processed frames in a row.
  await waitForVideo(
    page,
    (s) => {
      const last = s.idLog.slice(-5);
      const key = (e: IdLogEntry) => sortedIds(e.ids).join(',');
      return last.length === 5 && last[0].ids.length >= 2 && last.every((e) => key(e) === key(last[0]));
    },
    120_000,
  );
  await waitForVideo(page, (s) => s.idLog.length >= 12, 120_000);

  // The top-row square (always in the clip): click it with the Click tool where it is shown now and where its mask
  // is drawn (the result shown is up to a latency older than the picture, and the square moves meanwhile).
  await page.getByTestId('tool-click').click();
  const { latest } = await sentAndLatest(page);
  const top = latest.filter((o) => o.boxXyxyPx[3] < 100).sort((a, b) => a.boxXyxyPx[0] - b.boxXyxyPx[0])[0];
  expect(top, 'a tracked square on the top row').toBeTruthy();
  const rowY = (top.boxXyxyPx[1] + top.boxXyxyPx[3]) / 2;
  let at: { x: number; y: number } | null = null;
  await expect
    .poll(async () => (at = await clickPointOnMovingSquare(page, top.id, rowY)), { timeout: 90_000, intervals: [50] })
    .not.toBeNull();
  await clickOnFrame(page, at!.x, at!.y);
  await expect(page.locator('[data-testid="prompt-item"][data-kind="video-object"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="prompt-item"][data-kind="video-object"]')).toHaveAttribute(
    'data-track-id',
    String(top.id),
  );
  await expect
    .poll(async () => (await sentAndLatest(page)).sent?.objects.map((o) => o.trackId) ?? [], { timeout: 30_000 })
    .toEqual([top.id]);
  const clickedAt = (await sentAndLatest(page)).sent!.frameIndex;
  await waitForVideo(page, (s) => s.idLog.filter((e) => e.frameIndex >= clickedAt).length >= 10, 90_000);
  let s = await videoState(page);
  const after = s.idLog.filter((e) => e.frameIndex >= clickedAt);
  for (const e of after) expect(e.ids, `frame ${e.frameIndex} keeps the clicked ID ${top.id}`).toContain(top.id);

  // The blue square is not a "red" object: a click on it starts a new object with a new ID.
  const maxBefore = Math.max(...s.idLog.flatMap((e) => e.ids));
  // Every frame processed before the click (frames are sent in order, one at a time).
  const lastFrameBeforeClick = Math.max(...(await videoState(page)).idLog.map((e) => e.frameIndex));
  await clickOnFrame(page, (LIVE_BLUE.x0 + LIVE_BLUE.x1) / 2, (LIVE_BLUE.y0 + LIVE_BLUE.y1) / 2);
  await expect(page.locator('[data-testid="prompt-item"][data-kind="video-object"]')).toHaveCount(2);
  await expect.poll(async () => (await sentAndLatest(page)).sent?.objects.length ?? 0, { timeout: 30_000 }).toBe(2);
  const sent = (await sentAndLatest(page)).sent!;
  expect(sent.objects.map((o) => o.trackId)).toEqual([top.id, undefined]);
  let blueId = 0;
  await expect
    .poll(
      async () => {
        const objs = (await sentAndLatest(page)).latest;
        const blue = objs.find(
          (o) =>
            o.id > maxBefore &&
            Math.abs(o.boxXyxyPx[0] - LIVE_BLUE.x0) <= 6 &&
            Math.abs(o.boxXyxyPx[1] - LIVE_BLUE.y0) <= 6 &&
            Math.abs(o.boxXyxyPx[2] - LIVE_BLUE.x1) <= 6 &&
            Math.abs(o.boxXyxyPx[3] - LIVE_BLUE.y1) <= 6,
        );
        blueId = blue?.id ?? 0;
        return blueId;
      },
      { timeout: 60_000 },
    )
    .toBeGreaterThan(maxBefore);
  // The click-born object is tracked from its frame on. It never matches a "red" detection, yet the user started
  // it, so hotstart removal leaves it alone: it stays for longer than the hotstart window.
  const firstFrames = DEFAULT_TRACKER_SETTINGS.hotstartUnmatchThreshold + 4;
  s = await videoState(page);
  const born = s.idLog.find((e) => e.ids.includes(blueId))!.frameIndex;
  expect(born).toBeGreaterThan(lastFrameBeforeClick);
  await waitForVideo(page, (s) => s.idLog.filter((e) => e.frameIndex >= born).length >= firstFrames, 90_000);
  s = await videoState(page);
  for (const e of s.idLog.filter((e) => e.frameIndex >= born && e.frameIndex < born + firstFrames)) {
    expect(e.ids, `frame ${e.frameIndex} keeps the blue object`).toContain(blueId);
    expect(e.ids, `frame ${e.frameIndex} keeps the clicked square`).toContain(top.id);
  }
  await expect(page.locator(`[data-testid="track-row"][data-track-id="${blueId}"]`)).toHaveCount(1);
  await waitForVideo(page, (s) => s.idLog.filter((e) => e.frameIndex > born).length >= 12, 90_000);
  const seen = (await videoState(page)).idLog.filter((e) => e.ids.includes(blueId)).map((e) => e.frameIndex);
  console.log(`live: clicked blue object #${blueId} seen on frames ${seen[0]}–${seen.at(-1)} (${seen.length} frames)`);

  // Undo takes the last click out of the prompts (it is no longer sent).
  await page.getByTestId('undo').click();
  await expect(page.locator('[data-testid="prompt-item"][data-kind="video-object"]')).toHaveCount(1);
  await expect.poll(async () => (await sentAndLatest(page)).sent?.objects.length ?? -1, { timeout: 30_000 }).toBe(1);
  await page.getByTestId('source-mode-image').click();
});

test('file mode: pause, a negative box around the late square, resume: its ID goes from then on; re-run after removing the box', async ({
  page,
}) => {
  test.setTimeout(480_000); // the file is processed twice
  await openApp(page);
  await typePhrase(page, 'red');
  await page.getByTestId('source-mode-video').click();
  await dropOnVideoStage(page, await clipDataTransfer(page, FILE_CLIP, { container: 'webm', codec: 'vp8' }));
  // Pause once the late square (frame 20 on) has its ID.
  await waitForVideo(page, (s) => s.idLog.some((e) => e.ids.length === 3), 240_000);
  await page.getByTestId('video-pause').click();
  await waitForVideo(page, (s) => s.status === 'paused', 30_000);
  await expect(page.getByTestId('video-pause')).toHaveText('Resume');
  const s = await videoState(page);
  const k = s.progress!.done; // the next frame to process: prompts added now apply from it
  expect(k).toBeGreaterThanOrEqual(10);
  expect(s.playback.frameIndex).toBe(k - 1);
  const { hotstartDelay, hotstartUnmatchThreshold } = DEFAULT_TRACKER_SETTINGS;
  // The late square's track is young enough for hotstart removal to show within the clip.
  expect(k + hotstartUnmatchThreshold - 1 - FILE_CLIP.lateFrame).toBeLessThan(hotstartDelay);
  const base = sortedIds(s.idLog.find((e) => e.frameIndex === 0)!.ids);
  const lateId = s.idLog.find((e) => e.frameIndex === k - 1)!.ids.find((id) => !base.includes(id))!;
  expect(lateId).toBeGreaterThan(Math.max(...base));

  // A negative box (right-drag with the Box tool) around the late square, on the paused frame.
  await page.getByTestId('tool-box').click();
  await dragOnFrame(page, [30, 90], [92, 152], 'right');
  const boxItem = page.locator('[data-testid="prompt-item"][data-kind="video-box"]');
  await expect(boxItem).toHaveCount(1);
  await expect(boxItem).toHaveAttribute('data-polarity', 'negative');
  await expect(boxItem).toHaveAttribute('data-from-frame', String(k));
  await expect(page.getByTestId('video-exemplar-box')).toHaveCount(1);
  await page.getByTestId('video-pause').click(); // Resume
  await waitForVideo(page, (s) => s.status === 'ready', 180_000);
  const sent = (await sentAndLatest(page)).sent!;
  expect(sent.frameIndex).toBe(FILE_CLIP.frameCount - 1);
  expect(sent.concepts).toHaveLength(1);
  expect(sent.concepts[0].boxes.map((b) => b.polarity)).toEqual(['negative']);
  await expect(page.getByTestId('video-rerun')).toHaveCount(0);

  type Masklets = { frames: { frameIndex: number; objects: { id: number; segmentation: unknown }[] }[] };
  const masklets = async (): Promise<Masklets> => {
    await page.getByTestId('export-masklets').click();
    return page.evaluate(() => (window as unknown as { __sam3: { lastMasklets: Masklets } }).__sam3.lastMasklets);
  };
  const removedBy = k + hotstartUnmatchThreshold;
  let m = await masklets();
  for (const f of m.frames) {
    const ids = sortedIds(f.objects.map((o) => o.id));
    if (f.frameIndex > FILE_CLIP.lateFrame + 1 && f.frameIndex < k)
      expect(ids, `frame ${f.frameIndex}, before the box, keeps ${lateId}`).toEqual([...base, lateId]);
    if (f.frameIndex >= removedBy) expect(ids, `frame ${f.frameIndex}: ${lateId} removed, never back`).toEqual(base);
    for (const o of f.objects) expect(o.segmentation).not.toBeNull();
  }
  const lastWithLate = Math.max(
    ...m.frames.filter((f) => f.objects.some((o) => o.id === lateId)).map((f) => f.frameIndex),
  );
  expect(lastWithLate).toBeGreaterThanOrEqual(k - 1);
  expect(lastWithLate).toBeLessThan(removedBy);
  await expect(page.locator(`[data-testid="track-row"][data-track-id="${lateId}"]`)).toHaveAttribute(
    'data-last-frame',
    String(lastWithLate),
  );

  // Removing the box changes results from frame k on: "Re-run from here" replays the file without it.
  await boxItem.getByTestId('prompt-remove').click();
  await expect(page.getByTestId('video-rerun')).toHaveAttribute('data-from-frame', String(k));
  await page.getByTestId('video-rerun').click();
  await waitForVideo(page, (s) => s.status === 'processing', 30_000);
  await waitForVideo(page, (s) => s.status === 'ready', 180_000);
  await expect(page.getByTestId('video-rerun')).toHaveCount(0);
  m = await masklets();
  for (const f of m.frames.filter((f) => f.frameIndex > FILE_CLIP.lateFrame + 1))
    expect(sortedIds(f.objects.map((o) => o.id)), `frame ${f.frameIndex} after the re-run`).toEqual([...base, lateId]);
});

test('webcam with the output delay: results and their frames are shown a hotstart window late, confirmed only', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await openApp(page);
  await typePhrase(page, 'red');
  await page.getByTestId('source-mode-webcam').click();
  await waitForVideo(page, (s) => s.status === 'live', 60_000);
  await page.getByTestId('live-delay').check();
  const delay = DEFAULT_TRACKER_SETTINGS.hotstartDelay;
  await waitForVideo(page, (s) => s.idLog.length >= delay + 4, 180_000);
  const shown = await page.evaluate(() => {
    const s = (
      window as unknown as {
        __sam3: {
          video: {
            getState(): {
              latest: { frameIndex: number } | null;
              idLog: { frameIndex: number }[];
              notices: { text: string }[];
            };
          };
        };
      }
    ).__sam3.video.getState();
    return {
      latest: s.latest?.frameIndex ?? null,
      newest: Math.max(...s.idLog.map((e) => e.frameIndex)),
      notices: s.notices.map((n) => n.text),
    };
  });
  expect(shown.latest).not.toBeNull();
  // The shown frame is the one released `delay` processed frames ago (or one more while a result lands).
  expect(shown.newest - shown.latest!).toBeGreaterThanOrEqual(delay - 1);
  // A track the hotstart rule removes is taken out of the held frames before they show: nothing shown is retracted.
  expect(shown.notices.filter((t) => /not confirmed|duplicate/.test(t))).toEqual([]);
  await expect(page.getByTestId('video-canvas')).toHaveAttribute('data-media-width', '320');
  await page.getByTestId('source-mode-image').click();
});
