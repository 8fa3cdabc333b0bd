/**
 * The pipeline with every graph on WebGPU, and pre-processing on the GPU, in Chromium's software WebGPU adapter (SwiftShader): with every graph on WebGPU the
 * sample image is resized and normalised by the WGSL passes and fed to the vision graph as a GPU tensor. In check
 * mode the engine also reads those pixels back and compares them with the JS reference; the masks a person sees
 * must be those of the JS path (`?preprocess=js`) exactly.
 */
import { readFileSync } from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import type { EngineStats } from '../workers/protocol';
import { openApp, openModelPanel } from './helpers';

/** Every graph of the demo pack shows its provider in the model panel. */
const DEMO_GRAPHS = Object.keys(JSON.parse(readFileSync('public/packs/demo/manifest.json', 'utf8')).graphs).length;

/**
 * The pixel parity tolerance elsewhere (normalised units; one colour level is 2/255 ≈ 7.8e-3). The shader is exact
 * by design (float64 rounding done in u32 arithmetic, core/gpuResize.ts), so here every value must be equal.
 */
const PIXEL_TOLERANCE = 1e-3;

async function engineStats(page: Page): Promise<EngineStats> {
  return page.evaluate(() => window.__sam3!.engineStats());
}

/** What a person sees of the result: each instance's box, area, score and mask runs, and the overlay's pixels. */
async function visibleResult(page: Page) {
  return page.evaluate(() => {
    const result = window.__sam3!.store.getState().result!;
    const instances = result.instances.map((i) => ({
      box: i.boxXyxyPx,
      area: i.areaPx,
      score: i.score,
      mask: { width: i.mask.width, height: i.mask.height, box: i.mask.box, counts: Array.from(i.mask.counts) },
    }));
    const canvas = document.querySelector('[data-testid="overlay-canvas"]') as HTMLCanvasElement;
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    // FNV-1a over the overlay's RGBA bytes, and how many pixels carry a mask's tint.
    let hash = 0x811c9dc5;
    let tinted = 0;
    for (let i = 0; i < pixels.length; i++) {
      hash = Math.imul(hash ^ pixels[i], 0x01000193) >>> 0;
      if (i % 4 === 3 && pixels[i] > 0) tinted++;
    }
    return { instances, overlay: { width: canvas.width, height: canvas.height, hash, tinted } };
  });
}

test('WebGPU: every graph on WebGPU; the sample is pre-processed on the GPU, its pixels equal the JS reference, its masks those of JS', async ({
  browser,
}) => {
  test.setTimeout(600_000);
  const gpuPage = await browser.newPage();
  const warnings: string[] = [];
  gpuPage.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  await openApp(gpuPage, '?ep=webgpu&preprocess=check');
  const onGpu = await visibleResult(gpuPage);
  await openModelPanel(gpuPage);
  const eps = gpuPage.getByTestId('graph-ep');
  await expect(eps).toHaveCount(DEMO_GRAPHS);
  for (const ep of await eps.all()) await expect(ep).toContainText(/webgpu/i);
  const gpuStats = (await engineStats(gpuPage)).preprocess;
  expect(warnings.filter((w) => /pre-processing/i.test(w))).toEqual([]);
  expect(gpuStats.gpuFailure).toBeUndefined();
  expect(gpuStats.gpu).toBeGreaterThanOrEqual(1);
  expect(gpuStats.js).toBe(0);
  const check = gpuStats.lastCheck!;
  expect(check, 'check mode compared the GPU pixels with JS').toBeDefined();
  expect([check.width, check.height, check.total]).toEqual([640, 480, 3 * check.size * check.size]);
  console.log(`GPU vs JS pixels: ${check.differing}/${check.total} differ, max |Δ| ${check.maxAbs}`);
  expect(check.maxAbs).toBeLessThanOrEqual(PIXEL_TOLERANCE);
  expect(check.differing).toBe(0);
  await gpuPage.close();

  const jsPage = await browser.newPage();
  await openApp(jsPage, '?ep=webgpu&preprocess=js');
  const inJs = await visibleResult(jsPage);
  const jsStats = (await engineStats(jsPage)).preprocess;
  expect(jsStats.gpu).toBe(0);
  expect(jsStats.js).toBeGreaterThanOrEqual(1);
  await jsPage.close();

  // "red" finds both red squares either way, with the same masks, scores and overlay pixels.
  expect(onGpu.instances).toHaveLength(2);
  expect(onGpu.overlay.tinted).toBeGreaterThan(0);
  expect(onGpu).toEqual(inJs);
});
