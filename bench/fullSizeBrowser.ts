/**
 * `npm run bench:browser:full` — a full-size SAM 3 pack in Chromium as a person meets it, the flow of
 * e2e/fullSize.spec.ts timed: the test build (`npm run build:e2e`: the page hooks it reads) served by `vite preview`
 * with SAM3_FULL_DIR (the variants of `npm run export:full` under /full-packs/), the pack opened through the model
 * panel's URL field (streamed into Cache Storage, verified, compiled), then the sample image segmented with a phrase.
 *
 * Writes bench/results/full-size-browser.json: the variant and provider, downloadMs (open → every file stored and
 * verified), openMs (→ pack ready), firstMasksMs (phrase typed → first masks), peakBytes (the renderer processes'
 * resident memory, sampled from /proc every second: the page and its engine worker live there, the WASM heap
 * included), longestFrameGapMs (between animation frames, as bench/stalls.ts measures), the graphs shown and the
 * machine's load. A variant the app refuses is recorded with the reason, as the app says it.
 *
 * Env: SAM3_FULL_DIR (required), BENCH_VARIANT (q4f16), BENCH_EP (wasm | webgpu | auto; wasm), BENCH_PHRASE (red),
 * BENCH_TIMEOUT_MIN (60: for the whole flow; a run past it is written marked `incomplete`), E2E_PORT (4185),
 * BENCH_OUT (the result file; default bench/results/full-size-browser.json, the one bench:full's report quotes).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { waitForStartup } from '../e2e/helpers';
import {
  FULL_SIZE_PROBE,
  fullPackUrl,
  openPackUrl,
  packId,
  quietPrompt,
  readFrameProbe,
  readRecording,
  startFrameProbe,
  startRecording,
  waitForMasks,
  waitForPackOrError,
} from '../e2e/fullSizeFlow';
import { withPreviewPage } from './previewBrowser';

const DIR = process.env.SAM3_FULL_DIR;
const VARIANT = process.env.BENCH_VARIANT ?? 'q4f16';
const EP = process.env.BENCH_EP ?? 'wasm';
const PHRASE = process.env.BENCH_PHRASE ?? 'red';
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MIN ?? 60) * 60_000;
const PORT = Number(process.env.E2E_PORT ?? 4185);
const OUT = process.env.BENCH_OUT ?? join(import.meta.dirname, 'results', 'full-size-browser.json');

if (!DIR) {
  console.error('bench:browser:full needs SAM3_FULL_DIR (the folder of `npm run export:full`, with variants/).');
  process.exit(2);
}

/** Resident bytes of the browser's renderer processes (the page and its workers), from /proc. */
async function rendererRss(page: Page): Promise<() => number> {
  const cdp = await page.context().browser()!.newBrowserCDPSession();
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as {
    processInfo: { type: string; id: number }[];
  };
  await cdp.detach();
  const pids = processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
  return () =>
    pids.reduce((sum, pid) => {
      try {
        const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
        return sum + Number(kb ?? 0) * 1024;
      } catch {
        return sum; // the process ended
      }
    }, 0);
}

const result = await withPreviewPage(PORT, async (page, base) => {
  const load0 = loadavg()[0];
  await page.addInitScript(FULL_SIZE_PROBE);
  await page.goto(`${base}/?ep=${EP}`);
  await waitForStartup(page);
  const demo = await packId(page);
  await quietPrompt(page);
  const rss = await rendererRss(page);
  let peakBytes = rss();
  const sampler = setInterval(() => (peakBytes = Math.max(peakBytes, rss())), 1000);
  try {
    const started = Date.now();
    await startFrameProbe(page);
    await startRecording(page);
    console.log(`# opening ${fullPackUrl(VARIANT)} with ?ep=${EP}`);
    await openPackUrl(page, fullPackUrl(VARIANT));
    const refused = await waitForPackOrError(page, demo, TIMEOUT_MS).catch(() => 'not open within BENCH_TIMEOUT_MIN');
    if (refused) return { variant: VARIANT, provider: EP, refused };
    const opened = await readRecording(page);
    console.log(`# open after ${((opened.readyAt! - opened.t0) / 1000).toFixed(1)} s; segmenting "${PHRASE}"`);
    const typedAt = await page.evaluate(() => performance.now());
    await page.getByTestId('phrase-input').fill(PHRASE);
    // Masks that do not come in time still leave what was measured (marked incomplete: not a result to quote).
    const instances = await waitForMasks(page, TIMEOUT_MS - (Date.now() - started)).catch(() => null);
    const record = await readRecording(page);
    const frames = await readFrameProbe(page);
    return {
      ...(instances === null
        ? {
            incomplete: `no masks within BENCH_TIMEOUT_MIN (${TIMEOUT_MS / 60_000} min); the graphs shown are how far it got`,
          }
        : {}),
      variant: VARIANT,
      provider: EP,
      phrase: PHRASE,
      downloadMs: Math.round((record.compileAt ?? record.readyAt!) - record.t0),
      openMs: Math.round(record.readyAt! - record.t0),
      firstMasksMs: record.firstMasksAt === null ? null : Math.round(record.firstMasksAt - typedAt),
      instances,
      graphs: record.graphs,
      // Files that showed "verifying" (SHA-256 against the manifest) and ended "done", of all the pack's files.
      filesVerified: `${
        Object.values(record.fileStatuses).filter((st) => st.includes('verifying') && st.at(-1) === 'done').length
      } of ${Object.keys(record.fileStatuses).length}`,
      peakBytes,
      peakBytesSource: 'renderer processes resident memory (/proc VmRSS, sampled every second)',
      longestFrameGapMs: Math.round(frames.longestGapMs),
      frameGapsOver50ms: frames.gapsOver50,
      frameGapsOver1s: frames.gapsOver1000,
      frames: frames.frames,
      machine: { cores: cpus().length, loadAtStart: load0, loadAtEnd: loadavg()[0] },
      date: new Date().toISOString(),
    };
  } finally {
    clearInterval(sampler);
  }
});

mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(OUT, JSON.stringify(result, null, 1) + '\n');
console.log(JSON.stringify(result, null, 1));
console.log(`# wrote ${OUT}`);
