/** Shared Playwright helpers: open the app, drop files, read canvas pixels in image coordinates. */
import { expect, type JSHandle, type Page } from '@playwright/test';
import { renderScene, type SceneSpec, type Scene } from '../tools/scenes/scene';
import { encodePng } from '../tools/scenes/png';

/** Start-up is done when the demo pack and the sample image are open and the first result is in. */
export async function waitForStartup(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const s = (
        window as unknown as { __sam3?: { store: { getState(): Record<string, unknown> } } }
      ).__sam3?.store.getState();
      return Boolean(s?.pack && s?.image && s?.result);
    },
    undefined,
    { timeout: 120_000 },
  );
}

export async function openApp(page: Page, query = ''): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`/${query}`);
  await waitForStartup(page);
  await expect(page.getByTestId('status')).toHaveText(/ready/i, { timeout: 90_000 });
  expect(errors, 'uncaught page errors').toEqual([]);
}

export async function waitIdle(page: Page): Promise<void> {
  await expect(page.getByTestId('status')).toHaveText(/ready/i, { timeout: 60_000 });
}

export async function typePhrase(page: Page, text: string): Promise<void> {
  const input = page.getByTestId('phrase-input');
  await input.fill(text);
  await page.waitForTimeout(400); // debounce
  await waitIdle(page);
}

export function scenePng(spec: SceneSpec): { scene: Scene; png: Buffer } {
  const scene = renderScene(spec);
  return { scene, png: Buffer.from(encodePng(scene.width, scene.height, scene.data)) };
}

/** Drops a file onto the stage the way a person drags one in (DataTransfer + drag events). */
export async function dropFile(page: Page, name: string, bytes: Buffer, type: string): Promise<void> {
  // Base64 crosses into the page far faster than a JSON array of numbers (multi-megabyte fixtures).
  const dt = await page.evaluateHandle(
    ({ b64, name, type }) => {
      const bin = atob(b64);
      const data = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) data[i] = bin.charCodeAt(i);
      const dt = new DataTransfer();
      dt.items.add(new File([data], name, { type }));
      return dt;
    },
    { b64: bytes.toString('base64'), name, type },
  );
  await dropDataTransfer(page, 'stage', dt);
}

/** Drags `dt` over the element with `testId` and drops it there (dragenter, dragover, drop), as a person would. */
export async function dropDataTransfer(page: Page, testId: string, dt: JSHandle<DataTransfer>): Promise<void> {
  const target = page.getByTestId(testId);
  for (const ev of ['dragenter', 'dragover', 'drop']) await target.dispatchEvent(ev, { dataTransfer: dt });
}

/** RGBA of the overlay canvas at an original-image pixel (through the published view mapping). */
export async function canvasPixelAt(page: Page, x: number, y: number): Promise<number[]> {
  return page.evaluate(
    ({ x, y }) => {
      const hooks = (
        window as unknown as {
          __sam3: {
            view: { scale: number; offsetX: number; offsetY: number; dpr: number };
            store: { getState(): { image: { width: number; displayWidth: number } | null } };
          };
        }
      ).__sam3;
      const v = hooks.view;
      const image = hooks.store.getState().image;
      const k = image ? image.displayWidth / image.width : 1;
      const canvas = document.querySelector('[data-testid="overlay-canvas"]') as HTMLCanvasElement;
      const cx = Math.round((v.offsetX + x * k * v.scale) * v.dpr);
      const cy = Math.round((v.offsetY + y * k * v.scale) * v.dpr);
      return [...canvas.getContext('2d')!.getImageData(cx, cy, 1, 1).data];
    },
    { x, y },
  );
}

export async function instanceRows(page: Page) {
  return page.getByTestId('instance-row');
}

/**
 * Page coordinates (for page.mouse) of an original-image pixel, through the published view mapping
 * (`window.__sam3.view` maps display-image px → canvas CSS px; display = original × displayWidth / width).
 */
export async function imageToPage(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  const [cx, cy] = await page.evaluate(
    ({ x, y }) => {
      const hooks = (
        window as unknown as {
          __sam3: {
            view: { scale: number; offsetX: number; offsetY: number };
            store: { getState(): { image: { width: number; displayWidth: number } | null } };
          };
        }
      ).__sam3;
      const v = hooks.view;
      const image = hooks.store.getState().image;
      const k = image ? image.displayWidth / image.width : 1;
      return [v.offsetX + x * k * v.scale, v.offsetY + y * k * v.scale];
    },
    { x, y },
  );
  const box = await page.getByTestId('overlay-canvas').boundingBox();
  if (!box) throw new Error('overlay canvas not visible');
  return { x: box.x + cx, y: box.y + cy };
}

/** A real mouse drag between two original-image pixels (left button, or right, optionally with Alt held). */
export async function dragOnImage(
  page: Page,
  from: [number, number],
  to: [number, number],
  options: { button?: 'left' | 'right'; alt?: boolean } = {},
): Promise<void> {
  const button = options.button ?? 'left';
  const a = await imageToPage(page, from[0], from[1]);
  const b = await imageToPage(page, to[0], to[1]);
  if (options.alt) await page.keyboard.down('Alt');
  await page.mouse.move(a.x, a.y);
  await page.mouse.down({ button });
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
  await page.mouse.move(b.x, b.y, { steps: 4 });
  await page.mouse.up({ button });
  if (options.alt) await page.keyboard.up('Alt');
}

/** A real click on an original-image pixel. */
export async function clickOnImage(
  page: Page,
  x: number,
  y: number,
  options: { button?: 'left' | 'right' } = {},
): Promise<void> {
  const p = await imageToPage(page, x, y);
  await page.mouse.click(p.x, p.y, { button: options.button ?? 'left' });
}

/** Opens the model panel (it collapses to a summary once a pack is ready). */
export async function openModelPanel(page: Page): Promise<void> {
  const toggle = page.getByTestId('model-panel').locator('.panel__toggle');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
}

/** RGBA pixels of a screenshot of a page region (CSS px), decoded by the browser. */
export async function screenshotPixels(
  page: Page,
  clip: { x: number; y: number; width: number; height: number },
): Promise<{ width: number; height: number; data: number[] }> {
  const png = await page.screenshot({ clip });
  return page.evaluate(async (b64) => {
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const c = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = c.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    return { width: c.width, height: c.height, data: [...ctx.getImageData(0, 0, c.width, c.height).data] };
  }, png.toString('base64'));
}
