/**
 * The same pipeline with every graph on WebGPU (Chromium's software adapter, SwiftShader: correct but slow, so
 * only the small demo graphs run here).
 */
import { readFileSync } from 'node:fs';
import { test, expect } from '@playwright/test';
import { openApp, openModelPanel, typePhrase } from './helpers';

/** Every graph of the demo pack shows its provider in the model panel. */
const DEMO_GRAPHS = Object.keys(JSON.parse(readFileSync('public/packs/demo/manifest.json', 'utf8')).graphs).length;

test('WebGPU provider: the model panel says WebGPU and "red" finds both red squares', async ({ page }) => {
  test.setTimeout(300_000);
  await openApp(page, '?ep=webgpu');
  await openModelPanel(page);
  const eps = page.getByTestId('graph-ep');
  await expect(eps).toHaveCount(DEMO_GRAPHS);
  for (const ep of await eps.all()) await expect(ep).toContainText(/webgpu/i);
  await typePhrase(page, 'red');
  await expect(page.getByTestId('instance-row')).toHaveCount(2, { timeout: 180_000 });
});
