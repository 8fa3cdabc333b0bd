/**
 * A pack download a person can pause, leave, come back to and resume — while the open pack keeps working.
 * The "remote" pack is the demo pack served under another path by the test, with one graph held back.
 */
import { test, expect, type Page, type Route } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApp, openModelPanel, typePhrase } from './helpers';

const DEMO = join(import.meta.dirname, '../public/packs/demo');
const PACK = '/remote-pack/manifest.json';

/** Serves the demo pack's files under /remote-pack/; `hold` keeps vision.onnx waiting until released. */
async function serveRemotePack(page: Page, hold: boolean): Promise<() => void> {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/remote-pack/**', async (route: Route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop()!;
    if (hold && name === 'vision.onnx') await gate;
    await route.fulfill({ body: readFileSync(join(DEMO, name)), headers: { 'access-control-allow-origin': '*' } });
  });
  return release;
}

test('pause a download, keep segmenting, reload, resume; discard forgets it', async ({ page }) => {
  test.setTimeout(360_000);
  await openApp(page);
  const release = await serveRemotePack(page, true);
  await openModelPanel(page);
  await page.getByTestId('pack-url-input').fill(new URL(PACK, page.url()).href);
  await page.getByTestId('pack-url-open').click();
  await expect(page.getByTestId('download-pause')).toBeVisible();

  // The demo pack keeps segmenting while the other pack downloads.
  await typePhrase(page, 'blue');
  await expect(page.getByTestId('instance-row')).toHaveCount(1);

  await page.getByTestId('download-pause').click();
  await expect(page.getByTestId('download-resume')).toBeVisible();
  await expect(page.getByTestId('download-controls')).toContainText('Paused');
  await expect(page.getByTestId('pack-name')).toContainText(/demo/i);
  release();

  // Leave and come back: the unfinished download is offered again.
  await page.reload();
  await openApp(page);
  await expect(page.getByTestId('download-controls')).toContainText('Unfinished download');
  await serveRemotePack(page, false);
  await page.getByTestId('download-resume').click();
  await expect(page.getByTestId('download-controls')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('pack-name')).toContainText(/demo/i);
  await expect(page.getByTestId('instance-row').first()).toBeVisible();

  // Clear the cache, start again, pause, discard: nothing is offered any more, even after a reload.
  await openModelPanel(page);
  await page.getByTestId('cache-clear').click();
  await expect(page.getByTestId('cache-state')).toContainText('0 files');
  const hold = await serveRemotePack(page, true);
  await page.getByTestId('pack-url-input').fill(new URL(`${PACK}?again`, page.url()).href);
  await page.getByTestId('pack-url-open').click();
  await page.getByTestId('download-pause').click();
  await expect(page.getByTestId('download-controls')).toContainText('Paused');
  await page.getByTestId('download-cancel').click();
  hold();
  await expect(page.getByTestId('download-controls')).toHaveCount(0);
  await page.reload();
  await openApp(page);
  await expect(page.getByTestId('download-controls')).toHaveCount(0);
});
