/**
 * `npm run bench:browser` — the image path in Chromium, as a person meets it: the production build on the demo pack
 * with onnxruntime-web's WASM kernels (`?ep=wasm`), timed by the engine inside its worker. After one warm-up request,
 * each repeat drops the sample image (640×480 PNG) and then a 4032×3024 JPEG photo (made in the page) with "red"
 * typed: each a new image, so decode, pre-processing, the vision graph and the detector all run. Prints median stage times and decode + pre-processing +
 * post-processing as a share of graph time — with the browser's own image decoder, which Node's `npm run bench`
 * cannot use. Needs a test build (`npm run build:e2e`: the page hooks it reads); serves it on E2E_PORT (default 4184).
 */
import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dropDataTransfer, dropFile, waitForStartup } from '../e2e/helpers';
import { withPreviewPage } from './previewBrowser';

const PORT = Number(process.env.E2E_PORT ?? 4184);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const SETTLE_S = Number(process.env.BENCH_SETTLE_S ?? 40);
const GRAPHS = ['vision', 'text', 'detector'];
const AROUND = ['decode', 'preprocess', 'postprocess'];

type Timings = Record<string, number>;

/** The stage timings of the image named `imageName` and of its first result with instances. */
async function timingsOf(page: Page, imageName: string): Promise<Timings> {
  const handle = await page.waitForFunction(
    (imageName) => {
      const s = (
        window as unknown as {
          __sam3: {
            store: {
              getState(): {
                segmentPending: boolean;
                image: { imageId: string; name: string; timingsMs: Record<string, number> } | null;
                result: { imageId: string; instances: unknown[]; timingsMs: Record<string, number> } | null;
              };
            };
          };
        }
      ).__sam3.store.getState();
      const done =
        !s.segmentPending &&
        s.image?.name === imageName &&
        s.result?.imageId === s.image.imageId &&
        s.result.instances.length > 0;
      return done ? { ...s.image!.timingsMs, ...s.result!.timingsMs } : null;
    },
    imageName,
    { timeout: 300_000, polling: 50 },
  );
  return (await handle.jsonValue()) as Timings;
}

async function dropSample(page: Page, name: string): Promise<void> {
  const png = readFileSync(join(import.meta.dirname, '../public/samples/shapes.png'));
  await dropFile(page, name, png, 'image/png');
}

/** A 4032×3024 JPEG made in the page (shapes on a gradient with noise), dropped on the stage like a photo. */
async function dropPhoto(page: Page, name: string): Promise<void> {
  const dt = await page.evaluateHandle(async (name) => {
    const canvas = new OffscreenCanvas(4032, 3024);
    const ctx = canvas.getContext('2d')!;
    const g = ctx.createLinearGradient(0, 0, 4032, 3024);
    g.addColorStop(0, '#d8d2c4');
    g.addColorStop(1, '#8a97a8');
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, 4032, 3024);
    const colours = ['#d62828', '#2a9d3f', '#1d4ed8', '#f2c14e'];
    for (let i = 0; i < 12; i++) {
      ctx.fillStyle = colours[i % colours.length];
      ctx.fillRect(200 + (i % 4) * 950, 300 + Math.floor(i / 4) * 900, 520, 480);
    }
    const noise = ctx.getImageData(0, 0, 4032, 3024);
    let x = 1;
    for (let i = 0; i < noise.data.length; i += 4) {
      x = (x * 1103515245 + 12345) >>> 0;
      const d = ((x >>> 24) % 17) - 8;
      noise.data[i] += d;
      noise.data[i + 1] += d;
      noise.data[i + 2] += d;
    }
    ctx.putImageData(noise, 0, 0);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
    const t = new DataTransfer();
    t.items.add(new File([blob], name, { type: 'image/jpeg' }));
    return t;
  }, name);
  await dropDataTransfer(page, 'stage', dt);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await withPreviewPage(PORT, async (page, base) => {
  const runs: Record<'sample' | 'photo', Timings[]> = { sample: [], photo: [] };
  await page.goto(`${base}/?ep=wasm`);
  await waitForStartup(page);
  // Warm-up: the first run of each session pays one-time costs a person meets once per visit.
  await page.getByTestId('phrase-input').fill('red');
  await timingsOf(page, 'shapes.png');
  // After a page opens, V8 optimises onnxruntime's WASM in the background (on this 2-core machine both cores stay
  // busy for ≈ 30 s, and graphs run on baseline code meanwhile); measure once that has settled.
  await page.waitForTimeout(SETTLE_S * 1000);
  for (let i = 0; i < REPEATS; i++) {
    await dropSample(page, `sample-${i}.png`);
    runs.sample.push(await timingsOf(page, `sample-${i}.png`));
    await dropPhoto(page, `photo-${i}.jpg`);
    runs.photo.push(await timingsOf(page, `photo-${i}.jpg`));
  }
  for (const [label, rows] of [
    ['sample 640×480 PNG', runs.sample],
    ['photo 4032×3024 JPEG', runs.photo],
  ] as const) {
    const stages = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const m = Object.fromEntries(stages.map((k) => [k, median(rows.map((r) => r[k] ?? 0))]));
    console.log(`\n## Chromium, demo pack on WASM — ${label}, a new image with the phrase typed, median of ${REPEATS}`);
    console.log('| stage | time |\n|---|---|');
    for (const k of stages) console.log(`| ${k} | ${m[k].toFixed(1)} ms |`);
    const around = AROUND.reduce((a, k) => a + (m[k] ?? 0), 0);
    const graphs = GRAPHS.reduce((a, k) => a + (m[k] ?? 0), 0);
    console.log(
      `| decode + preprocess + postprocess as a share of graph time | ${((100 * around) / graphs).toFixed(0)} % |`,
    );
  }
});
