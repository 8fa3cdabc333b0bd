/**
 * `npm run bench:stalls` — the main thread's responsiveness in Chromium, this build against an earlier commit, in one
 * run. A probe in the page records the gap between consecutive animation frames (and the browser's long tasks, which
 * say whether a gap was the page's own work or the machine's CPU going elsewhere) while a person:
 *
 *   (d) drops a 4032×3024 photo, "red" finds its 20 squares, and drags the score threshold slider across;
 *   (a) processes a video file (44 frames, MP4/H.264) and plays it back;
 *   (b) runs the phrases over a folder of 200 images and reviews them (A accepts each and moves on);
 *   (c) exports the dataset zip of those 200 images.
 *
 * Prints, per scenario and build, the longest gap between animation frames, how many gaps exceeded 50 ms, and the
 * longest long task. The earlier commit (`STALLS_BEFORE`, default the commit before issue 16) is checked out into a
 * temp folder with `git archive` and built there once (node_modules linked); this tree is built in test mode (its
 * hooks) into .bench/stalls-dist. Demo pack on WASM. Ports: E2E_PORT (default 4185) and the next one.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeTree, DEFAULT_BEFORE, ROOT } from './beforeTree';
import { withPreviewPage } from './previewBrowser';
import { type JSHandle, type Page } from '@playwright/test';
import { dropDataTransfer, scenePng, waitForStartup } from '../e2e/helpers';
import { clipDataTransfer, dropOnVideoStage } from '../e2e/videoClips';
import { randomScene } from '../tools/scenes/scene';
import { FILE_CLIP, type ClipSpec } from '../tools/video-fixtures/clips';

const BEFORE = process.env.STALLS_BEFORE ?? DEFAULT_BEFORE;
const PORT = Number(process.env.E2E_PORT ?? 4185);
const FOLDER_IMAGES = Number(process.env.STALLS_IMAGES ?? 200);
const SCENARIOS = (process.env.STALLS_SCENARIOS ?? 'd,a,b,c').split(',');
const CLIP: ClipSpec = { ...FILE_CLIP, name: 'stalls', frameCount: 44, frame: FILE_CLIP.frame.bind(FILE_CLIP) };

interface Build {
  label: string;
  dir: string;
  outDir: string;
}

interface Stalls {
  frames: number;
  longestGapMs: number;
  gapsOver50: number;
  longTasks: number;
  longestTaskMs: number;
  seconds: number;
}

/** The earlier commit, built once in a temp folder. */
function beforeBuild(): Build {
  const { dir, sha } = beforeTree(BEFORE, { build: true });
  return { label: `before (${sha})`, dir, outDir: join(dir, 'dist') };
}

/** This tree, built with its test hooks. */
function afterBuild(): Build {
  const outDir = join(ROOT, '.bench', 'stalls-dist');
  // STALLS_PROFILE also keeps names readable in the profiles (no minification).
  const minify = PROFILE_DIR ? ' --minify false' : '';
  execSync(`npx vite build --mode e2e --logLevel warn --outDir ${outDir} --emptyOutDir${minify}`, {
    cwd: ROOT,
    stdio: 'inherit',
  });
  const sha = execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim();
  return {
    label: `this tree (${sha}${execSync('git status --porcelain', { cwd: ROOT }).length ? '+' : ''})`,
    dir: ROOT,
    outDir,
  };
}

/**
 * Installed before any page script: gaps between animation frames and long tasks, while `on`. A string, so the
 * page gets it as written (tsx would wrap named functions in helpers the page does not have).
 */
const PROBE = `(() => {
  const probe = { on: false, last: 0, gaps: [], tasks: [], t0: 0 };
  window.__stallProbe = probe;
  const loop = (t) => {
    if (probe.on && probe.last > 0) probe.gaps.push(t - probe.last);
    probe.last = t;
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  try {
    new PerformanceObserver((list) => {
      if (probe.on) for (const e of list.getEntries()) probe.tasks.push(e.duration);
    }).observe({ type: 'longtask' });
  } catch {}
})();`;

/** STALLS_PROFILE=dir: a main-thread CPU profile per scenario and build, to see what a long gap was. */
const PROFILE_DIR = process.env.STALLS_PROFILE;

async function measure(page: Page, run: () => Promise<void>, name = 'scenario'): Promise<Stalls> {
  const cdp = PROFILE_DIR ? await page.context().newCDPSession(page) : null;
  // With STALLS_PROFILE, also a Chrome trace (what the main thread did besides JavaScript: layout, paint, GC…).
  const browser = page.context().browser();
  if (PROFILE_DIR && browser) {
    await browser.startTracing(page, {
      path: join(PROFILE_DIR, `${name}.trace.json`),
      categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink.user_timing'],
    });
  }
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await cdp.send('Profiler.start');
  }
  await page.evaluate(() => {
    const p = (
      window as unknown as { __stallProbe: { on: boolean; last: number; gaps: number[]; tasks: number[]; t0: number } }
    ).__stallProbe;
    Object.assign(p, { on: true, last: 0, gaps: [], tasks: [], t0: performance.now() });
  });
  await run();
  if (PROFILE_DIR && browser) await browser.stopTracing();
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop');
    mkdirSync(PROFILE_DIR!, { recursive: true });
    writeFileSync(join(PROFILE_DIR!, `${name}.cpuprofile`), JSON.stringify(profile));
    await cdp.detach();
  }
  return page.evaluate(() => {
    const p = (window as unknown as { __stallProbe: { on: boolean; gaps: number[]; tasks: number[]; t0: number } })
      .__stallProbe;
    p.on = false;
    return {
      frames: p.gaps.length,
      longestGapMs: Math.max(0, ...p.gaps),
      gapsOver50: p.gaps.filter((g) => g > 50).length,
      longTasks: p.tasks.length,
      longestTaskMs: Math.max(0, ...p.tasks),
      seconds: (performance.now() - p.t0) / 1000,
    };
  });
}

const storeState = <T>(page: Page, store: 'app' | 'video' | 'batch', pick: string) =>
  page.evaluate(
    ({ store, pick }) => {
      const w = window as unknown as {
        __sam3: { store: { getState(): Record<string, unknown> }; video: { getState(): Record<string, unknown> } };
        __sam3batch: { store: { getState(): Record<string, unknown> } };
      };
      const s = store === 'app' ? w.__sam3.store : store === 'video' ? w.__sam3.video : w.__sam3batch.store;
      return (s.getState() as Record<string, unknown>)[pick];
    },
    { store, pick },
  ) as Promise<T>;

async function until(page: Page, predicate: () => Promise<boolean>, timeoutMs = 600_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error('timed out');
    await page.waitForTimeout(100);
  }
}

/** (d) A 4032×3024 JPEG with 20 red squares (made in the page before the probe starts). */
function photo(page: Page) {
  return page.evaluateHandle(async () => {
    const canvas = new OffscreenCanvas(4032, 3024);
    const ctx = canvas.getContext('2d')!;
    const g = ctx.createLinearGradient(0, 0, 4032, 3024);
    g.addColorStop(0, '#d8d2c4');
    g.addColorStop(1, '#8a97a8');
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, 4032, 3024);
    ctx.fillStyle = '#d62828';
    for (let i = 0; i < 20; i++) ctx.fillRect(150 + (i % 5) * 780, 150 + Math.floor(i / 5) * 720, 520, 480);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
    const t = new DataTransfer();
    t.items.add(new File([blob], 'photo-20.jpg', { type: 'image/jpeg' }));
    return t;
  });
}

/** (d) The photo dropped with "red" typed: its 20 squares found; then the threshold slider is dragged across. */
async function photoAndSlider(page: Page, dt: JSHandle<DataTransfer>): Promise<void> {
  await dropDataTransfer(page, 'stage', dt);
  await until(page, async () => {
    const image = await storeState<{ name: string } | null>(page, 'app', 'image');
    const result = await storeState<{ instances: unknown[] } | null>(page, 'app', 'result');
    return image?.name === 'photo-20.jpg' && (result?.instances.length ?? 0) >= 20;
  });
  const box = (await page.getByTestId('threshold-slider').boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.45, y);
  await page.mouse.down();
  for (let k = 0; k <= 60; k++) {
    const f = k <= 30 ? 0.45 - (0.4 * k) / 30 : 0.05 + (0.9 * (k - 30)) / 30;
    await page.mouse.move(box.x + box.width * f, y);
    await page.waitForTimeout(30);
  }
  await page.mouse.up();
  await page.waitForTimeout(500);
}

/** (a) The clip (encoded in the page before the probe starts) processed with "red", then played to its end. */
async function videoFile(page: Page, dt: JSHandle<DataTransfer>): Promise<void> {
  await page.getByTestId('source-mode-video').click();
  await dropOnVideoStage(page, dt);
  await until(page, async () => (await storeState<string>(page, 'video', 'status')) === 'ready');
  await page.getByTestId('video-play').click();
  await page.waitForTimeout(300);
  await until(page, async () => !(await storeState<{ playing: boolean }>(page, 'video', 'playback')).playing);
  await page.getByTestId('source-mode-image').click();
}

/** (b) 200 images added, run with "red, blue", then reviewed: A accepts each image and moves to the next. */
async function folderRunAndReview(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[]) {
  await page.getByTestId('batch-run').click();
  await until(page, async () => {
    const run = await storeState<{ state: string } | null>(page, 'batch', 'run');
    return run?.state === 'done';
  });
  await page.locator('[data-testid="batch-tile"]').first().click();
  for (let i = 0; i < files.length; i++) {
    await page.keyboard.press('a');
    await page.waitForTimeout(40);
  }
  await until(page, async () => {
    const images = await storeState<{ accepted: boolean }[]>(page, 'batch', 'images');
    return images.every((i) => i.accepted);
  });
}

/** (c) The dataset zip of the accepted images, until its download starts. */
async function datasetExport(page: Page): Promise<void> {
  const download = page.waitForEvent('download', { timeout: 600_000 });
  await page.getByTestId('batch-export-button').click();
  await download;
}

function folderFiles() {
  return Array.from({ length: FOLDER_IMAGES }, (_, i) => {
    const spec = randomScene(7000 + i, 320, 240, 1 + (i % 4), ['red', 'blue', 'green'], {
      minSize: 24,
      maxSize: 64,
      gap: 8,
    });
    return { name: `folder_${String(i).padStart(3, '0')}.png`, mimeType: 'image/png', buffer: scenePng(spec).png };
  });
}

async function runBuild(build: Build, port: number): Promise<Record<string, Stalls>> {
  const out: Record<string, Stalls> = {};
  await withPreviewPage(
    port,
    async (page, base) => {
      await page.addInitScript({ content: PROBE });
      await page.goto(`${base}/?ep=wasm`);
      await waitForStartup(page);
      await page.getByTestId('phrase-input').fill('red');
      await page.waitForTimeout(20_000); // V8 optimises onnxruntime's WASM in the background for a while after load
      if (SCENARIOS.includes('d')) {
        const dt = await photo(page);
        await page.waitForTimeout(1000);
        out.d = await measure(page, () => photoAndSlider(page, dt), `d-${port}`);
      }
      if (SCENARIOS.includes('a')) {
        const dt = await clipDataTransfer(page, CLIP, { container: 'mp4', codec: 'avc' });
        await page.waitForTimeout(1000);
        out.a = await measure(page, () => videoFile(page, dt), `a-${port}`);
      }
      if (SCENARIOS.includes('b') || SCENARIOS.includes('c')) {
        const files = folderFiles();
        await page.getByTestId('folder-mode').click();
        const phrases = page.getByTestId('batch-phrases');
        await phrases.fill('red, blue');
        await phrases.press('Enter');
        await page.getByTestId('batch-file-input').setInputFiles(files);
        await until(page, async () => (await storeState<unknown[]>(page, 'batch', 'images')).length === files.length);
        out.b = await measure(page, () => folderRunAndReview(page, files), `b-${port}`);
        if (SCENARIOS.includes('c')) out.c = await measure(page, () => datasetExport(page), `c-${port}`);
      }
    },
    build,
  );
  return out;
}

const NAMES: Record<string, string> = {
  d: '(d) 4032×3024 photo, 20 instances, slider dragged',
  a: '(a) video file processed and played',
  b: `(b) folder of ${FOLDER_IMAGES} images run and reviewed`,
  c: `(c) dataset zip of ${FOLDER_IMAGES} images exported`,
};

/** STALLS_BUILDS=after measures this tree only (while profiling). */
const which = (process.env.STALLS_BUILDS ?? 'before,after').split(',');
const builds = [
  ...(which.includes('before') ? [beforeBuild()] : []),
  ...(which.includes('after') ? [afterBuild()] : []),
];
const results: Record<string, Record<string, Stalls>> = {};
for (const [k, build] of builds.entries()) results[build.label] = await runBuild(build, PORT + k);

console.log('\n## Main-thread stalls (Chromium, demo pack on WASM; gaps between animation frames)');
console.log('| scenario | build | longest gap | gaps > 50 ms | frames | longest long task | long tasks | seconds |');
console.log('|---|---|---|---|---|---|---|---|');
for (const key of ['d', 'a', 'b', 'c']) {
  for (const build of builds) {
    const r = results[build.label][key];
    if (!r) continue;
    console.log(
      `| ${NAMES[key]} | ${build.label} | ${r.longestGapMs.toFixed(0)} ms | ${r.gapsOver50} | ${r.frames} | ` +
        `${r.longestTaskMs.toFixed(0)} ms | ${r.longTasks} | ${r.seconds.toFixed(1)} |`,
    );
  }
}
