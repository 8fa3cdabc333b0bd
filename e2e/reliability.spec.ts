/**
 * The reliability suite: every class of bad or odd input a tester fed the app (issue 10), in ONE page session.
 * For each bad input: a message naming the file and the reason, the previous image and results intact, and the page
 * responsive afterwards. Odd but valid inputs (CMYK JPEG, 16-bit PNG, animated GIF) open. Fixtures are made in
 * code (e2e/badInputs.ts, tools/scenes).
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import { dropFile, openApp, openModelPanel, scenePng, typePhrase, waitIdle } from './helpers';
import { animatedGif, cmykJpeg, jpegHeaderOnly, png16, randomBytes } from './badInputs';
import { encodeBlankPng } from '../tools/scenes/png';
import { renderScene, SHAPES_SAMPLE } from '../tools/scenes/scene';

const DEMO = 'public/packs/demo';

/** What must survive a bad input: the image on screen and its results. */
const snapshot = (page: Page) =>
  page.evaluate(() => {
    const s = window.__sam3!.store.getState();
    return {
      imageId: s.image?.imageId,
      name: s.image?.name,
      pack: s.pack?.id,
      instances: s.result?.instances.map((i) => i.instanceId) ?? [],
    };
  });

/** The page still answers: a frame is drawn, the help overlay opens and closes, the status is ready. */
async function responsive(page: Page): Promise<void> {
  const t0 = Date.now();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
  expect(Date.now() - t0).toBeLessThan(5000);
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  await page.keyboard.press('Shift+?');
  await expect(page.getByTestId('help-overlay')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('help-overlay')).toHaveCount(0);
  await waitIdle(page);
}

/** RGB of the opened image itself (its display copy) at a pixel: what was decoded, without any mask over it. */
const imagePixel = (page: Page, x: number, y: number) =>
  page.evaluate(
    ([x, y]) => {
      const image = window.__sam3!.store.getState().image!;
      const c = new OffscreenCanvas(image.displayWidth, image.displayHeight);
      const ctx = c.getContext('2d')!;
      ctx.drawImage(image.display!, 0, 0);
      return [...ctx.getImageData(x, y, 1, 1).data.slice(0, 3)];
    },
    [x, y],
  );

/** The newest notice; dismissed after it was read so the next one stands alone. */
async function expectNotice(page: Page, text: RegExp): Promise<void> {
  const notice = page.getByTestId('notice').last();
  await expect(notice).toContainText(text, { timeout: 60_000 });
  await notice.getByRole('button', { name: 'Dismiss' }).click();
}

function packFiles(replace: Record<string, Buffer> = {}) {
  return readdirSync(DEMO).map((name) => ({
    name,
    mimeType: 'application/octet-stream',
    buffer: replace[name] ?? readFileSync(`${DEMO}/${name}`),
  }));
}

test('every bad input in one session: named in a message, nothing lost, the page still answers', async ({ page }) => {
  test.setTimeout(600_000);
  await openApp(page);
  await typePhrase(page, 'red, blue');
  await expect(page.getByTestId('instance-row')).toHaveCount(3);

  const { png: shapes } = scenePng(SHAPES_SAMPLE);
  const bad: { name: string; type: string; bytes: Buffer; says: RegExp }[] = [
    { name: 'empty.png', type: 'image/png', bytes: Buffer.alloc(0), says: /“empty\.png” is empty \(0 bytes\)/ },
    {
      name: 'truncated.png',
      type: 'image/png',
      bytes: shapes.subarray(0, shapes.length >> 1),
      says: /“truncated\.png” is a 640×480 PNG but could not be decoded: the file is truncated or corrupt/,
    },
    {
      name: 'page.png',
      type: 'image/png',
      bytes: Buffer.from('<!DOCTYPE html>\n<html><head><title>404</title></head><body>Not found</body></html>'),
      says: /“page\.png” is not an image this app can open: it is an HTML page/,
    },
    {
      name: 'huge.png',
      type: 'image/png',
      bytes: Buffer.from(encodeBlankPng(60000, 60000)), // valid, ≈ 2.8 MB: refused from its header
      says: /“huge\.png” is a 60000×60000 PNG \(3,600 megapixels\); images up to 16384×16384 pixels are supported/,
    },
    {
      name: 'huge.jpg',
      type: 'image/jpeg',
      bytes: jpegHeaderOnly(60000, 40000),
      says: /“huge\.jpg” is a 60000×40000 JPEG .*images up to 16384×16384/,
    },
    {
      name: 'random.jpg',
      type: 'image/jpeg',
      bytes: randomBytes(4096, 7),
      says: /“random\.jpg” could not be decoded as an image: the file is corrupt or not a supported format/,
    },
    {
      name: 'document.png',
      type: 'image/png',
      bytes: Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj << >> endobj\n'),
      says: /“document\.png” is not an image this app can open: it is a PDF document/,
    },
  ];

  for (const input of bad) {
    const before = await snapshot(page);
    await dropFile(page, input.name, input.bytes, input.type);
    await expectNotice(page, input.says);
    expect(await snapshot(page), `${input.name}: the image and results stay`).toEqual(before);
    await responsive(page);
  }

  // Odd but valid images open: a CMYK JPEG, a 16-bit PNG (and segments), an animated GIF (its first frame).
  await dropFile(page, 'cmyk.jpg', cmykJpeg(64, 48, [0, 200, 200, 0]), 'image/jpeg');
  await expect.poll(async () => (await snapshot(page)).name).toBe('cmyk.jpg');
  await waitIdle(page);
  const cmyk = await imagePixel(page, 32, 24);
  expect(cmyk[0] > 150 && cmyk[1] < 120 && cmyk[2] < 120, `CMYK magenta+yellow ink reads as red: ${cmyk}`).toBe(true);
  const scene = renderScene(SHAPES_SAMPLE);
  await dropFile(page, 'deep.png', png16(scene.width, scene.height, scene.data), 'image/png');
  await expect.poll(async () => (await snapshot(page)).name).toBe('deep.png');
  await typePhrase(page, 'red');
  await expect(page.getByTestId('instance-row')).toHaveCount(2);
  await dropFile(
    page,
    'blink.gif',
    animatedGif(32, 32, [
      [220, 30, 30],
      [30, 60, 220],
    ]),
    'image/gif',
  );
  await expect.poll(async () => (await snapshot(page)).name).toBe('blink.gif');
  await waitIdle(page);
  expect(await imagePixel(page, 16, 16), 'the first frame (red), not the second (blue)').toEqual([220, 30, 30]);

  // Back on the shapes, then broken packs: the demo pack keeps working after each.
  await dropFile(page, 'shapes.png', shapes, 'image/png');
  await expect.poll(async () => (await snapshot(page)).name).toBe('shapes.png');
  await typePhrase(page, 'red, blue');
  await expect(page.getByTestId('instance-row')).toHaveCount(3);
  await openModelPanel(page);
  const vision = readFileSync(`${DEMO}/vision.onnx`);
  const junk = randomBytes(4096, 11);
  const manifest = JSON.parse(readFileSync(`${DEMO}/manifest.json`, 'utf8'));
  manifest.graphs.text.file = {
    path: 'text.onnx',
    size: junk.length,
    sha256: createHash('sha256').update(junk).digest('hex'),
  };
  const packs: { what: string; files: ReturnType<typeof packFiles>; says: RegExp }[] = [
    {
      what: 'a truncated graph',
      files: packFiles({ 'vision.onnx': vision.subarray(0, vision.length >> 1) }),
      says: /vision\.onnx: expected .* got .*truncated/,
    },
    {
      what: 'a graph whose size and sha256 match but which is not ONNX',
      files: packFiles({ 'text.onnx': junk, 'manifest.json': Buffer.from(JSON.stringify(manifest)) }),
      says: /text\.onnx \(the text graph\) could not be opened by onnxruntime/,
    },
    {
      what: 'a manifest that is not JSON',
      files: packFiles({ 'manifest.json': Buffer.from('{"format": "sam3-web-pack", oops') }),
      says: /manifest\.json is not valid JSON, so it cannot be a pack manifest/,
    },
  ];
  for (const p of packs) {
    const before = await snapshot(page);
    await page.getByTestId('pack-files-input').setInputFiles(p.files);
    await expectNotice(page, p.says);
    await waitIdle(page);
    expect(await snapshot(page), `${p.what}: the pack, image and results stay`).toEqual(before);
    await responsive(page);
  }
  // A pack URL on a host outside the Content-Security-Policy.
  const before = await snapshot(page);
  await page.getByTestId('pack-url-input').fill('https://cdn.example.net/sam3/manifest.json');
  await page.getByTestId('pack-url-open').click();
  await expectNotice(page, /cdn\.example\.net is not an allowed host/);
  expect(await snapshot(page)).toEqual(before);

  // Text abuse: 5,000 characters of words run 16 concepts and say so.
  const words = Array.from({ length: 700 }, (_, i) => `w${i}`).join(', ');
  await typePhrase(page, words);
  await expect(page.getByTestId('concept-cap-notice')).toContainText('first 16 concepts');

  // And the page still does real work at the end.
  await typePhrase(page, 'green');
  await expect(page.getByTestId('instance-row')).toHaveCount(1);
  await expect(page.getByTestId('pack-name')).toContainText(/demo/i);
});
