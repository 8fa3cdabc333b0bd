/**
 * File-mode throughput in the browser (`npm run bench:video-file`): the same clip (44 frames, 320×240, MP4/H.264,
 * encoded in the page) and the demo pack, processed once with WebCodecs (decoding pipelined ahead of the engine) and
 * once with the <video> seek path (`?videoDecode=seek`), in one run; prints both rates, their ratio and the decode's
 * share of the per-frame time. Needs a test build (`npm run build:e2e`: the page hooks it reads); starts `vite preview` on E2E_PORT (default 4183).
 */
import type { Page } from '@playwright/test';
import { waitForStartup } from '../e2e/helpers';
import { clipDataTransfer, dropOnVideoStage } from '../e2e/videoClips';
import type { RunStats } from '../src/video/videoStore';
import { FILE_CLIP, type ClipSpec } from '../tools/video-fixtures/clips';
import { withPreviewPage } from './previewBrowser';

const PORT = Number(process.env.E2E_PORT ?? 4183);
const BASE = `http://127.0.0.1:${PORT}`;
const CLIP: ClipSpec = { ...FILE_CLIP, name: 'bench', frameCount: 44, frame: FILE_CLIP.frame.bind(FILE_CLIP) };

async function runOnce(page: Page, query: string): Promise<RunStats> {
  await page.goto(`${BASE}/${query}`);
  await waitForStartup(page);
  await page.getByTestId('phrase-input').fill('red');
  await page.waitForTimeout(1500);
  await page.getByTestId('source-mode-video').click();
  await dropOnVideoStage(page, await clipDataTransfer(page, CLIP, { container: 'mp4', codec: 'avc' }));
  await page.waitForFunction(
    () =>
      (
        window as unknown as { __sam3: { video: { getState(): { status: string; runStats: unknown } } } }
      ).__sam3.video.getState().runStats !== null,
    undefined,
    { timeout: 600_000, polling: 250 },
  );
  return page.evaluate(
    () =>
      (window as unknown as { __sam3: { video: { getState(): { runStats: RunStats } } } }).__sam3.video.getState()
        .runStats,
  );
}

await withPreviewPage(PORT, async (page) => {
  const rows: RunStats[] = [];
  for (const query of ['?ep=wasm', '?ep=wasm&videoDecode=seek', '?ep=wasm']) rows.push(await runOnce(page, query));
  const fps = (r: RunStats) => (r.frames * 1000) / r.wallMs;
  console.log(`\nFile mode, ${CLIP.frameCount} frames ${CLIP.width}×${CLIP.height} MP4/H.264, demo pack on WASM`);
  console.log(
    'decoder    | frames | wall s | fps  | decode ms/frame | waited ms/frame | engine ms/frame | decode share | queue',
  );
  for (const r of rows) {
    const n = Math.max(1, r.frames);
    console.log(
      `${r.decoder.padEnd(10)} | ${String(r.frames).padStart(6)} | ${(r.wallMs / 1000).toFixed(1).padStart(6)} | ${fps(
        r,
      )
        .toFixed(2)
        .padStart(4)} | ${(r.decodeMs / n).toFixed(1).padStart(15)} | ${(r.waitMs / n).toFixed(1).padStart(15)} | ${(
        r.engineMs / n
      )
        .toFixed(1)
        .padStart(15)} | ${((100 * r.waitMs) / r.wallMs).toFixed(1).padStart(10)} % | ${r.maxQueueDepth}`,
    );
  }
  const wc = rows.filter((r) => r.decoder === 'webcodecs');
  const best = wc.reduce((a, b) => (fps(a) > fps(b) ? a : b));
  const seek = rows.find((r) => r.decoder === 'seek')!;
  console.log(`WebCodecs / seek throughput: ${(fps(best) / fps(seek)).toFixed(2)}× (target ≥ 3×)`);
  console.log('decode share = time the loop waited for a decoded frame / wall time (what pipelining did not hide)');
});
