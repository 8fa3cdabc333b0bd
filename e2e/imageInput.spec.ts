/**
 * Image inputs and privacy in Debian Chromium: EXIF orientation, BMP, paste, a very large image, the model
 * panel's catalogue and cache, and that no request leaves the app's origin or carries image data.
 */
import { readFileSync } from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import { dropFile, openApp, openModelPanel, scenePng, typePhrase, waitIdle } from './helpers';
import { renderScene } from '../tools/scenes/scene';

/** Every graph of the demo pack shows its provider in the model panel. */
const DEMO_GRAPHS = Object.keys(JSON.parse(readFileSync('public/packs/demo/manifest.json', 'utf8')).graphs).length;

const imageSize = (page: Page) =>
  page.evaluate(() => {
    const img = (
      window as unknown as { __sam3: { store: { getState(): { image: Record<string, number> | null } } } }
    ).__sam3.store.getState().image!;
    return { width: img.width, height: img.height, displayWidth: img.displayWidth, displayHeight: img.displayHeight };
  });

/** A JPEG made by Chromium from a 200×100 image (left half red, right half blue), with EXIF Orientation = 6. */
async function rotatedJpeg(page: Page): Promise<Buffer> {
  const jpeg = await page.evaluate(async () => {
    const c = new OffscreenCanvas(200, 100);
    const ctx = c.getContext('2d')!;
    ctx.fillStyle = 'rgb(236,236,236)';
    ctx.fillRect(0, 0, 200, 100);
    ctx.fillStyle = 'rgb(220,30,30)';
    ctx.fillRect(20, 20, 60, 60);
    ctx.fillStyle = 'rgb(30,60,220)';
    ctx.fillRect(120, 20, 60, 60);
    const blob = await c.convertToBlob({ type: 'image/jpeg', quality: 0.95 });
    return [...new Uint8Array(await blob.arrayBuffer())];
  });
  // APP1 "Exif": big-endian TIFF, IFD0 with one entry: Orientation (0x0112) SHORT = 6 (rotate 90° clockwise).
  const app1 = Buffer.from([
    0xff, 0xe1, 0x00, 0x22, 0x45, 0x78, 0x69, 0x66, 0x00, 0x00, 0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, 0x00,
    0x01, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  ]);
  const bytes = Buffer.from(jpeg);
  return Buffer.concat([bytes.subarray(0, 2), app1, bytes.subarray(2)]);
}

/** A 24-bit bottom-up BMP. */
function bmp(width: number, height: number, rgba: Uint8Array): Buffer {
  const row = Math.ceil((width * 3) / 4) * 4;
  const out = Buffer.alloc(54 + row * height);
  out.write('BM', 0);
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(row * height, 34);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = ((height - 1 - y) * width + x) * 4;
      const d = 54 + y * row + x * 3;
      out[d] = rgba[s + 2];
      out[d + 1] = rgba[s + 1];
      out[d + 2] = rgba[s];
    }
  }
  return out;
}

test('EXIF orientation is honoured: a rotated JPEG opens upright', async ({ page }) => {
  await openApp(page);
  await dropFile(page, 'rotated.jpg', await rotatedJpeg(page), 'image/jpeg');
  await waitIdle(page);
  expect(await imageSize(page)).toMatchObject({ width: 100, height: 200 });
  await typePhrase(page, 'red');
  const rows = page.getByTestId('instance-row');
  await expect(rows).toHaveCount(1);
  // Rotated 90° clockwise, the left (red) half ends up on top.
  const box = await page.evaluate(
    () =>
      (
        window as unknown as { __sam3: { store: { getState(): { result: { instances: { boxXyxyPx: number[] }[] } } } } }
      ).__sam3.store.getState().result.instances[0].boxXyxyPx,
  );
  expect(box[3]).toBeLessThan(100);
});

test('BMP opens and segments', async ({ page }) => {
  await openApp(page);
  const scene = renderScene({
    width: 240,
    height: 180,
    background: 'white',
    shapes: [{ kind: 'rect', colour: 'green', x0: 40, y0: 40, x1: 140, y1: 120 }],
  });
  await dropFile(page, 'shape.bmp', bmp(scene.width, scene.height, scene.data), 'image/bmp');
  await waitIdle(page);
  expect(await imageSize(page)).toMatchObject({ width: 240, height: 180 });
  await typePhrase(page, 'green');
  await expect(page.getByTestId('instance-row')).toHaveCount(1);
});

test('paste an image from the clipboard', async ({ page }) => {
  await openApp(page);
  const { png } = scenePng({
    width: 300,
    height: 200,
    background: 'white',
    shapes: [
      { kind: 'rect', colour: 'yellow', x0: 20, y0: 20, x1: 100, y1: 100 },
      { kind: 'rect', colour: 'yellow', x0: 180, y0: 80, x1: 260, y1: 160 },
    ],
  });
  await page.evaluate(
    (data) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(data)], 'pasted.png', { type: 'image/png' }));
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true }));
    },
    [...png],
  );
  await waitIdle(page);
  expect(await imageSize(page)).toMatchObject({ width: 300, height: 200 });
  await typePhrase(page, 'yellow');
  await expect(page.getByTestId('instance-row')).toHaveCount(2);
});

test('an 8000×8000 image opens without freezing the page and exports at full size', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page);
  const { png } = scenePng({
    width: 8000,
    height: 8000,
    background: [236, 236, 236],
    shapes: [
      { kind: 'rect', colour: 'blue', x0: 800, y0: 800, x1: 3200, y1: 3200 },
      { kind: 'rect', colour: 'blue', x0: 4800, y0: 4000, x1: 7200, y1: 7000 },
    ],
  });
  await page.getByTestId('phrase-input').fill('blue');
  await dropFile(page, 'huge.png', png, 'image/png');
  // The page keeps answering while the worker decodes: the status shows work in progress.
  await expect(page.getByTestId('status')).toHaveText(/working/i);
  await waitIdle(page);
  const size = await imageSize(page);
  expect(size).toMatchObject({ width: 8000, height: 8000 });
  expect(Math.max(size.displayWidth, size.displayHeight)).toBeLessThanOrEqual(2048);
  await expect(page.getByTestId('instance-row')).toHaveCount(2);
  await page.getByTestId('export-json').click();
  const coco = await page.waitForFunction(() => window.__sam3?.lastExport ?? null, undefined, { timeout: 120_000 });
  const ann = (await coco.jsonValue()) as { annotations: { segmentation: { size: number[] }; bbox: number[] }[] };
  expect(ann.annotations).toHaveLength(2);
  expect(ann.annotations[0].segmentation.size).toEqual([8000, 8000]);
  const b = ann.annotations.map((a) => a.bbox).sort((p, q) => p[0] - q[0])[0];
  expect(Math.abs(b[0] - 800)).toBeLessThan(40);
  expect(Math.abs(b[2] - 2400)).toBeLessThan(60);
});

test('privacy: a Content-Security-Policy limits connections; no request leaves the origin or carries pixels', async ({
  page,
}) => {
  const requests: { url: string; method: string; body: number }[] = [];
  page.on('request', (r) => requests.push({ url: r.url(), method: r.method(), body: r.postDataBuffer()?.length ?? 0 }));
  const response = await page.goto('/');
  const csp = response!.headers()['content-security-policy'];
  expect(csp).toMatch(/connect-src 'self'/);
  expect(csp).not.toMatch(/connect-src[^;]*\*(;|\s|$)/);
  await openApp(page);
  await typePhrase(page, 'red, blue');
  await expect(page.getByTestId('instance-row')).toHaveCount(3);
  const origin = new URL(page.url()).origin;
  for (const r of requests) {
    expect(new URL(r.url).origin === origin || r.url.startsWith('blob:') || r.url.startsWith('data:')).toBe(true);
    expect(r.method === 'GET' || r.body === 0).toBe(true);
  }
});

test('model panel: catalogue of real packs with sizes, providers per graph, cached pack files', async ({ page }) => {
  await openApp(page);
  await openModelPanel(page);
  await expect(page.getByTestId('catalogue-entry').first()).toBeVisible();
  expect(await page.getByTestId('catalogue-entry').count()).toBeGreaterThanOrEqual(1);
  const eps = page.getByTestId('graph-ep');
  await expect(eps).toHaveCount(DEMO_GRAPHS);
  for (const ep of await eps.all()) await expect(ep).toContainText(/wasm|webgpu/i);
  await expect(page.getByTestId('cache-state')).toContainText(/manifest|onnx|\d/i);
});
