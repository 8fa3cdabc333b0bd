/**
 * The full-size flow in Chromium, shared by the spec that runs only with SAM3_FULL_DIR (e2e/fullSize.spec.ts) and
 * `npm run bench:browser:full`: open a pack served by `vite preview` under /full-packs/<variant>/ (tools/serve/
 * fullPacks.ts) through the model panel's URL field, as a remote pack; record what the person sees on the way
 * (download statuses per file, the graphs of the first request) and how responsive the page stays (the gap between
 * animation frames, as bench/stalls.ts measures it). No Playwright `expect` here: the benchmark runs outside the
 * test runner, so waits are page.waitForFunction and the spec asserts on what these return.
 */
import type { Page } from '@playwright/test';

/** Where the preview serves the full-size variants (SAM3_FULL_DIR/variants/<variant>/). */
export const fullPackUrl = (variant: string) => `/full-packs/${variant}/manifest.json`;

/**
 * Installed before any page script (page.addInitScript): gaps between animation frames while `on`, and a record of
 * the store's pack-load statuses and segmentation graphs. A string, so the page gets it as written.
 */
export const FULL_SIZE_PROBE = `(() => {
  const probe = { on: false, last: 0, longest: 0, over50: 0, over1000: 0, frames: 0 };
  window.__frameProbe = probe;
  const loop = (t) => {
    if (probe.on && probe.last > 0) {
      const gap = t - probe.last;
      probe.frames++;
      if (gap > probe.longest) probe.longest = gap;
      if (gap > 50) probe.over50++;
      if (gap > 1000) probe.over1000++;
    }
    probe.last = t;
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
})();`;

export interface FrameStats {
  frames: number;
  longestGapMs: number;
  gapsOver50: number;
  gapsOver1000: number;
}

export async function startFrameProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const p = (window as unknown as { __frameProbe: Record<string, number | boolean> }).__frameProbe;
    Object.assign(p, { on: true, last: 0, longest: 0, over50: 0, over1000: 0, frames: 0 });
  });
}

export async function readFrameProbe(page: Page): Promise<FrameStats> {
  return page.evaluate(() => {
    const p = (window as unknown as { __frameProbe: Record<string, number> }).__frameProbe;
    return { frames: p.frames, longestGapMs: p.longest, gapsOver50: p.over50, gapsOver1000: p.over1000 };
  });
}

/** What the store went through, recorded in the page from the moment `startRecording` is called. */
export interface FlowRecord {
  /** Per file, the download statuses it showed, in order ("progress", "verifying", "done", …). */
  fileStatuses: Record<string, string[]>;
  /** Graphs compiled, in order. */
  compiled: string[];
  /** The segmentation's graphs as they started: "vision 1/3", "text 2/3", … */
  graphs: string[];
  /** performance.now() marks: recording start, first compile, pack ready, first result with instances. */
  t0: number;
  compileAt: number | null;
  readyAt: number | null;
  firstMasksAt: number | null;
  /** Instances in the first result that had any. */
  instances: number;
}

type Hooks = { __sam3: { store: { getState(): Record<string, unknown>; subscribe(fn: (s: never) => void): void } } };

export async function startRecording(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as Hooks & { __flow: unknown };
    const rec = {
      fileStatuses: {} as Record<string, string[]>,
      compiled: [] as string[],
      graphs: [] as string[],
      t0: performance.now(),
      compileAt: null as number | null,
      readyAt: null as number | null,
      firstMasksAt: null as number | null,
      instances: 0,
    };
    w.__flow = rec;
    const startPack = w.__sam3.store.getState().pack;
    // The load shown before (the demo pack's, whose file names partly differ) is not this one's.
    const startLoad = w.__sam3.store.getState().packLoad;
    w.__sam3.store.subscribe(
      (s: {
        packLoad: { files: Record<string, { status: string }>; compiling: string | null } | null;
        pack: unknown;
        segmentProgress: { running: { graph: string; index: number } | null; total: number } | null;
        result: { instances: unknown[] } | null;
      }) => {
        for (const [file, f] of Object.entries(s.packLoad && s.packLoad !== startLoad ? s.packLoad.files : {})) {
          const seen = (rec.fileStatuses[file] ??= []);
          if (seen.at(-1) !== f.status) seen.push(f.status);
        }
        const compiling = s.packLoad !== startLoad ? s.packLoad?.compiling : null;
        if (compiling && rec.compiled.at(-1) !== compiling) {
          rec.compiled.push(compiling);
          rec.compileAt ??= performance.now();
        }
        if (rec.readyAt === null && s.pack && s.pack !== startPack) rec.readyAt = performance.now();
        const running = s.segmentProgress?.running;
        const step = running ? `${running.graph} ${running.index}/${s.segmentProgress!.total}` : null;
        if (step && rec.graphs.at(-1) !== step) rec.graphs.push(step);
        if (rec.readyAt !== null && rec.firstMasksAt === null && (s.result?.instances.length ?? 0) > 0) {
          rec.firstMasksAt = performance.now();
          rec.instances = s.result!.instances.length;
        }
      },
    );
  });
}

export async function readRecording(page: Page): Promise<FlowRecord> {
  return page.evaluate(() => (window as unknown as { __flow: FlowRecord }).__flow);
}

/** Opens the model panel and asks for the pack at `url` (made absolute) through its URL field. */
export async function openPackUrl(page: Page, url: string): Promise<void> {
  const toggle = page.getByTestId('model-panel').locator('.panel__toggle');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await page.getByTestId('pack-url-input').fill(new URL(url, page.url()).href);
  await page.getByTestId('pack-url-open').click();
}

/** Waits until a pack other than `previous` is open, or a load error is shown; returns the error's text if any. */
export async function waitForPackOrError(page: Page, previous: string, timeoutMs: number): Promise<string | null> {
  const handle = await page.waitForFunction(
    (previous) => {
      const s = (window as unknown as Hooks).__sam3.store.getState() as {
        pack: { id: string } | null;
        packLoad: { active: boolean } | null;
        errors: { message: string; tone: string }[];
      };
      if (s.pack && s.pack.id !== previous) return { error: null };
      const error = s.errors.find((e) => e.tone === 'error');
      return !s.packLoad?.active && error ? { error: error.message } : null;
    },
    previous,
    { timeout: timeoutMs, polling: 500 },
  );
  return ((await handle.jsonValue()) as { error: string | null }).error;
}

/** The id of the open pack. */
export async function packId(page: Page): Promise<string> {
  return page.evaluate(() => ((window as unknown as Hooks).__sam3.store.getState().pack as { id: string }).id);
}

/** Sets the score threshold to its floor (the slider's Home key), so a random-weight pack's masks show. */
export async function lowestThreshold(page: Page): Promise<void> {
  await page.getByTestId('threshold-slider').focus();
  await page.keyboard.press('Home');
}

/**
 * Clears the phrase and sets the score threshold to its floor (the slider's Home key) before a pack opens: no request
 * starts with the new pack until a phrase is typed, and a random-weight pack's masks (scores 0.1–0.6) show.
 */
export async function quietPrompt(page: Page): Promise<void> {
  await page.getByTestId('phrase-input').fill('');
  await page.getByTestId('threshold-slider').focus();
  await page.keyboard.press('Home');
}

/** Waits (up to `timeoutMs`) for a result with instances; returns their count. */
export async function waitForMasks(page: Page, timeoutMs: number): Promise<number> {
  const handle = await page.waitForFunction(
    () => {
      const s = (window as unknown as Hooks).__sam3.store.getState() as {
        segmentPending: boolean;
        result: { instances: unknown[] } | null;
      };
      return !s.segmentPending && (s.result?.instances.length ?? 0) > 0 ? s.result!.instances.length : null;
    },
    undefined,
    { timeout: timeoutMs, polling: 1000 },
  );
  return (await handle.jsonValue()) as number;
}

/** A sum over the overlay canvas's pixels: it changes when masks are drawn or taken away. */
export async function canvasSignature(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector('[data-testid="overlay-canvas"]') as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += data[i] * 3 + data[i + 1] * 5 + data[i + 2] * 7;
    return sum;
  });
}
