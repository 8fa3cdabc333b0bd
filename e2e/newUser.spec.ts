/**
 * What a new user meets (issue 10), in Debian Chromium on the demo pack: the keyboard around the Find field, the
 * concept cap, notices that float and count repeats, the model panel and catalogue, a pack host outside the
 * Content-Security-Policy, colours that contrast with the objects, small screens, zoom and pan with every tool,
 * and an annotator's edits (hide, delete, move, clear all) reflected in the export and undone.
 */
import { test, expect, type Page } from '@playwright/test';
import {
  canvasPixelAt,
  clickOnImage,
  dragOnImage,
  dropFile,
  imageToPage,
  openApp,
  openModelPanel,
  screenshotPixels,
  typePhrase,
  waitIdle,
} from './helpers';
import { deltaE, type Rgb } from '../src/colors';
import type { CocoExport } from '../workers/protocol';

// public/samples/shapes.png (640×480): red squares [60,60,170,170] and [440,300,560,420], green circle c(330,130)
// r70, blue rect [80,280,330,400], yellow circle c(530,120) r55, background (236,236,236).
const RED: Rgb = [220, 30, 30];
const BLUE: Rgb = [30, 60, 220];
const GREEN: Rgb = [30, 170, 50];
const RED_1 = [115, 115] as const;
const RED_2 = [500, 360] as const;
const BLUE_C = [205, 340] as const;
const GREEN_C = [330, 130] as const;

/** A few numbers from the app's store. */
const store = (page: Page) =>
  page.evaluate(() => {
    const s = window.__sam3!.store.getState();
    return {
      resultVersion: s.resultVersion,
      concepts: s.concepts.length,
      requestConcepts: s.resultRequest?.concepts.length ?? 0,
      hovered: s.hoveredInstanceId,
      points: s.objects[0]?.points.length ?? 0,
    };
  });
const pixel = async (page: Page, at: readonly [number, number]) =>
  (await canvasPixelAt(page, at[0], at[1])).slice(0, 3) as unknown as Rgb;
const rows = (page: Page) => page.getByTestId('instance-row');

/** The ID of the instance whose box holds image pixel `at`. */
const instanceIdAt = (page: Page, at: readonly [number, number]) =>
  page.evaluate(
    ([x, y]) =>
      window
        .__sam3!.store.getState()
        .result!.instances.find(
          (i) => i.boxXyxyPx[0] <= x && x <= i.boxXyxyPx[2] && i.boxXyxyPx[1] <= y && y <= i.boxXyxyPx[3],
        )!.instanceId,
    at,
  );

async function exportCoco(page: Page): Promise<CocoExport> {
  await page.evaluate(() => window.__sam3!.store.setState({ lastExport: null }));
  await page.getByTestId('export-json').click();
  const handle = await page.waitForFunction(() => window.__sam3?.lastExport ?? null);
  return (await handle.jsonValue()) as CocoExport;
}

test('keyboard around the Find field, the concept cap, the demo hint, notices, model panel, catalogue, CSP hosts', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await openApp(page);
  const input = page.getByTestId('phrase-input');
  const canvas = page.getByTestId('overlay-canvas');

  // Letters typed in the field are text; Escape leaves the field, and then they are shortcuts.
  await input.click();
  await input.press('End');
  await page.keyboard.press('b');
  await expect(input).toHaveValue('redb');
  await expect(canvas).toHaveAttribute('data-tool', 'select');
  await page.keyboard.press('Backspace');
  await expect(input).toHaveValue('red');
  await waitIdle(page);
  const version = (await store(page)).resultVersion;
  await page.keyboard.press('Escape');
  await expect(input).not.toBeFocused();
  await page.keyboard.press('b');
  await expect(canvas).toHaveAttribute('data-tool', 'box');
  await page.keyboard.press('x');
  await expect(page.getByTestId('polarity-toggle')).toHaveAttribute('data-polarity', 'negative');
  await page.keyboard.press('p');
  await expect(canvas).toHaveAttribute('data-tool', 'click');
  await page.keyboard.press('Shift+?');
  await expect(page.getByTestId('help-overlay')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('help-overlay')).toHaveCount(0);
  await expect(input).toHaveValue('red');
  expect((await store(page)).resultVersion, 'the shortcuts re-ran nothing').toBe(version);
  await page.keyboard.press('v');
  await page.keyboard.press('x');

  // 5,000 characters of comma-separated words: 16 concepts, and a notice saying why.
  const words: string[] = [];
  for (let i = 0; words.join(', ').length < 5000; i++) words.push(`word${i}`);
  await typePhrase(page, words.join(', '));
  await expect(page.getByTestId('concept-cap-notice')).toContainText(`${words.length - 16} more phrases are left out`);
  await expect(page.getByTestId('concept-cap-notice')).toContainText('first 16 concepts');
  expect((await store(page)).concepts).toBe(16);
  expect((await store(page)).requestConcepts).toBe(16);
  // Nothing matches on the demo pack: it says it knows only colour words.
  await typePhrase(page, 'giraffe');
  await expect(page.getByTestId('concept-cap-notice')).toHaveCount(0);
  await expect(page.getByTestId('no-matches-demo')).toContainText('knows only colour words');
  // A long phrase is shown truncated, whole in its tooltip.
  const long = 'the small yellow school bus parked next to the red brick building';
  await input.fill(long);
  await input.press('Enter');
  const chip = page.getByTestId('concept-chip');
  await expect(chip).toHaveCount(1);
  await expect(chip).toHaveAttribute('title', new RegExp(long));
  expect((await chip.locator('.chip__text').textContent())!.endsWith('…')).toBe(true);
  await chip.getByRole('button').click();
  await typePhrase(page, 'red');
  await expect(rows(page)).toHaveCount(2);

  // Notices float over the page (the stage never moves) and a repeat is counted, not stacked.
  const stageBefore = await page.getByTestId('stage').boundingBox();
  for (let i = 0; i < 3; i++)
    await dropFile(page, 'noise.png', Buffer.from('not an image, just some text'), 'image/png');
  const notices = page.getByTestId('notice');
  await expect(notices).toHaveCount(1);
  await expect(notices.first()).toHaveAttribute('data-count', '3');
  await expect(notices.first()).toContainText(/noise\.png.*could not be decoded/);
  expect(await page.getByTestId('stage').boundingBox()).toEqual(stageBefore);
  await notices.first().getByRole('button', { name: 'Dismiss' }).click();
  await expect(notices).toHaveCount(0);
  await expect(rows(page)).toHaveCount(2);

  // The model panel is collapsed once the pack is ready; opened, each provider reason is stated once.
  const toggle = page.getByTestId('model-panel').locator('.panel__toggle');
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByTestId('pack-providers')).toContainText(/\d+ graphs on (WASM|WebGPU)|on WASM|on WebGPU/);
  expect((await page.getByTestId('model-panel').boundingBox())!.height).toBeLessThan(300);
  await openModelPanel(page);
  const eps = await page.getByTestId('graph-ep').count();
  const reasons = await page.getByTestId('graph-reason').allTextContents();
  expect(reasons.length).toBeLessThan(eps);
  expect(new Set(reasons).size).toBe(reasons.length);
  // The catalogue claims no check it cannot make.
  const entries = page.getByTestId('catalogue-entry');
  expect(await entries.count()).toBeGreaterThan(0);
  for (const entry of await entries.all()) {
    await expect(entry.getByTestId('catalogue-size')).toContainText('size unknown — unverified');
    await expect(entry.getByRole('button')).toHaveText('Download unverified');
  }
  await expect(entries.first().getByTestId('catalogue-sources')).toContainText('unpinned');
  // Each variant's precision and GPU needs, judged against this adapter before any download: a q4f16 pack on a GPU
  // without shader-f16 cannot be downloaded from here (choose WASM instead); without WebGPU it would run on WASM.
  const gpu = await page.evaluate(() => window.__sam3!.store.getState().runtime!.webgpu);
  for (const entry of await entries.all()) {
    const fit = entry.getByTestId('catalogue-fit');
    await expect(fit.getByTestId('catalogue-precision')).toHaveText('q4f16');
    await expect(fit).toContainText('needs shader-f16');
    if (gpu.available && !gpu.shaderF16) {
      await expect(fit).toHaveAttribute('data-allowed', 'false');
      await expect(fit).toContainText(
        'this GPU cannot run it: it computes in float16 and the adapter lacks shader-f16',
      );
      await expect(fit).toContainText('?ep=wasm');
      await expect(entry.getByRole('button')).toBeDisabled();
    } else {
      await expect(fit).toHaveAttribute('data-runs', gpu.available ? 'webgpu' : 'wasm');
      await expect(entry.getByRole('button')).toBeEnabled();
    }
  }

  // A pack URL outside the Content-Security-Policy: said so before any request, with how to allow one.
  await page.getByTestId('pack-url-input').fill('https://models.example.org/pack/manifest.json');
  await page.getByTestId('pack-url-open').click();
  await expect(notices.first()).toContainText('models.example.org is not an allowed host');
  await expect(notices.first()).toContainText('MODEL_HOSTS in src/security/csp.ts');
  expect(requests.filter((u) => u.includes('example.org'))).toEqual([]);
  await expect(page.getByTestId('pack-name')).toContainText(/demo/i);
});

test('mask colours contrast with the objects and with each other; labels name the concept; box outlines show on red', async ({
  page,
}) => {
  await openApp(page);
  await typePhrase(page, 'red, blue, green');
  await expect(rows(page)).toHaveCount(4);
  const red = await pixel(page, RED_1);
  const blue = await pixel(page, BLUE_C);
  const green = await pixel(page, GREEN_C);
  expect(deltaE(red, blue), `red ${red} and blue ${blue} masks look alike`).toBeGreaterThan(40);
  expect(deltaE(red, RED)).toBeGreaterThan(25);
  expect(deltaE(blue, BLUE)).toBeGreaterThan(25);
  expect(deltaE(green, GREEN), `green mask ${green} on a green object`).toBeGreaterThan(25);
  const labels = await page.evaluate(() => window.__sam3!.view!.labels);
  expect(labels.filter((l) => /^#\d+ red 0\.\d\d$/.test(l))).toHaveLength(2);
  expect(labels.filter((l) => /^#\d+ blue 0\.\d\d$/.test(l))).toHaveLength(1);
  expect(labels.filter((l) => /^#\d+ green 0\.\d\d$/.test(l))).toHaveLength(1);

  // A negative box across the first red square: its outline has white and black rings, visible on red.
  await page.getByTestId('tool-box').click();
  await dragOnImage(page, [90, 40], [140, 150], { button: 'right' });
  const box = page.getByTestId('exemplar-box');
  await expect(box).toHaveAttribute('data-polarity', 'negative');
  const b = (await box.boundingBox())!;
  // A strip across the box's bottom edge, which lies on the red square.
  const strip = await screenshotPixels(page, { x: b.x + b.width / 2 - 2, y: b.y + b.height - 8, width: 4, height: 16 });
  const colours: Rgb[] = [];
  for (let i = 0; i < strip.data.length; i += 4) colours.push([strip.data[i], strip.data[i + 1], strip.data[i + 2]]);
  expect(
    colours.some((c) => c.every((v) => v > 200)),
    'a white ring',
  ).toBe(true);
  expect(
    colours.some((c) => c.every((v) => v < 70)),
    'a black ring',
  ).toBe(true);
});

test('at 390 px wide every control is reachable, the Video and Webcam buttons included', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp(page);
  const ids = [
    'source-mode-image',
    'source-mode-video',
    'source-mode-webcam',
    'folder-mode',
    'phrase-input',
    'threshold-slider',
    'export-json',
    'export-png',
    'tool-select',
    'tool-box',
    'tool-click',
    'polarity-toggle',
    'zoom-in',
    'zoom-actual',
    'help-button',
    'clear-all',
  ];
  for (const id of ids) {
    const el = page.getByTestId(id);
    await el.scrollIntoViewIfNeeded();
    const r = (await el.boundingBox())!;
    expect(r.x, id).toBeGreaterThanOrEqual(0);
    expect(r.x + r.width, id).toBeLessThanOrEqual(390);
    const onTop = await el.evaluate((node) => {
      const rect = node.getBoundingClientRect();
      const hit = document.elementFromPoint(rect.x + rect.width / 2, rect.y + rect.height / 2);
      return hit !== null && (hit === node || node.contains(hit));
    });
    expect(onTop, `${id} is covered`).toBe(true);
  }
  await page.getByTestId('source-mode-video').click();
  await expect(page.getByTestId('source-mode-video')).toHaveAttribute('aria-checked', 'true');
  await page.getByTestId('source-mode-image').click();
  await expect(page.getByTestId('source-mode-image')).toHaveAttribute('aria-checked', 'true');
});

test('zoom and pan: wheel, drag, Fit, 1:1, keys; boxes, clicks and hover stay on the right pixels', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await openApp(page);
  await expect(rows(page)).toHaveCount(2);
  const view = () => page.evaluate(() => ({ ...window.__sam3!.view! }));
  const fit = await view();
  const before = await imageToPage(page, ...RED_1);
  await page.mouse.move(before.x, before.y);
  await page.mouse.wheel(0, -300); // one notch: × e^0.45 ≈ 1.57, the whole first square still on screen
  await expect(page.getByTestId('zoom-level')).not.toHaveText('Fit');
  await expect.poll(async () => (await view()).scale).toBeGreaterThan(fit.scale * 1.5);
  const after = await imageToPage(page, ...RED_1);
  expect(Math.hypot(after.x - before.x, after.y - before.y), 'the pixel under the pointer stays').toBeLessThan(2);
  await expect.poll(async () => deltaE(await pixel(page, RED_1), RED), 'still masked when zoomed').toBeGreaterThan(25);

  // Hover through the zoomed view highlights the right row.
  await page.mouse.move(after.x + 10, after.y + 10);
  const red1Id = await instanceIdAt(page, RED_1);
  await expect.poll(async () => (await store(page)).hovered).toBe(red1Id);

  // A negative box drawn on the zoomed image lands on the right original pixels and removes that square.
  await page.getByTestId('tool-box').click();
  await dragOnImage(page, [62, 62], [168, 168], { button: 'right' });
  const box = page.getByTestId('exemplar-box');
  const coords = (await box.getAttribute('data-box'))!.split(',').map(Number);
  [62, 62, 168, 168].forEach((v, i) => expect(Math.abs(coords[i] - v)).toBeLessThanOrEqual(1));
  await waitIdle(page);
  await expect(rows(page)).toHaveCount(1);
  await page.keyboard.press('Control+z');
  await waitIdle(page);
  await expect(rows(page)).toHaveCount(2);

  // A click on the zoomed image refines the instance under it (same ID).
  await page.getByTestId('tool-click').click();
  await clickOnImage(page, ...RED_1);
  await waitIdle(page);
  await expect(page.locator(`[data-testid="instance-row"][data-source="object"]`)).toHaveAttribute(
    'data-instance-id',
    String(red1Id),
  );

  // Select-tool drag pans; the mapping follows.
  await page.getByTestId('tool-select').click();
  const v1 = await view();
  const start = await imageToPage(page, 250, 200);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(start.x - 60, start.y + 40, { steps: 6 });
  await page.mouse.up();
  const v2 = await view();
  expect(Math.abs(v2.offsetX - v1.offsetX + 60)).toBeLessThan(2);
  expect(Math.abs(v2.offsetY - v1.offsetY - 40)).toBeLessThan(2);
  await expect.poll(async () => deltaE(await pixel(page, RED_1), RED)).toBeGreaterThan(25);

  // 1:1, Fit, and the keys.
  await page.getByTestId('zoom-actual').click();
  await expect.poll(async () => (await view()).scale).toBeCloseTo(1, 5);
  await expect(page.getByTestId('zoom-level')).toHaveText('100%');
  await page.getByTestId('zoom-fit').click();
  await expect(page.getByTestId('zoom-level')).toHaveText('Fit');
  expect((await view()).scale).toBeCloseTo(fit.scale, 5);
  await page.keyboard.press('+');
  // The level is in original pixels per CSS pixel (1:1 = 100 %): one step up from the fit.
  await expect(page.getByTestId('zoom-level')).toHaveText(`${Math.round(fit.scale * 125)}%`);
  await page.keyboard.press('0');
  await expect(page.getByTestId('zoom-level')).toHaveText('Fit');
});

test('annotator edits: select, hide, delete, move, clear all; each undone and reflected in the export', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await openApp(page);
  await typePhrase(page, 'red, blue');
  await expect(rows(page)).toHaveCount(3);
  const red1 = await instanceIdAt(page, RED_1);
  const red2 = await instanceIdAt(page, RED_2);
  const blue = await instanceIdAt(page, BLUE_C);
  const row = (id: number) => page.locator(`[data-testid="instance-row"][data-instance-id="${id}"]`);

  // Select on the canvas, hide: not drawn, not exported, still listed; undo shows it again.
  await clickOnImage(page, ...RED_2);
  await expect(page.getByTestId('edit-bar')).toHaveAttribute('data-instance-id', String(red2));
  await page.getByTestId('edit-hide').click();
  await waitIdle(page);
  await expect(row(red2)).toHaveAttribute('data-hidden', 'true');
  await expect
    .poll(async () => deltaE(await pixel(page, RED_2), RED), 'a hidden detection is not drawn')
    .toBeLessThan(6);
  expect((await exportCoco(page)).annotations.map((a) => a.id)).not.toContain(red2);
  await page.keyboard.press('Control+z');
  await waitIdle(page);
  await expect(row(red2)).toHaveAttribute('data-hidden', 'false');
  await expect.poll(async () => deltaE(await pixel(page, RED_2), RED)).toBeGreaterThan(25);

  // Select a row, Delete: gone from the list, the canvas and the export.
  await row(red1).click();
  await page.keyboard.press('Delete');
  await waitIdle(page);
  await expect(row(red1)).toHaveCount(0);
  await expect.poll(async () => deltaE(await pixel(page, RED_1), RED)).toBeLessThan(6);
  expect((await exportCoco(page)).annotations.map((a) => a.id)).not.toContain(red1);

  // Move the blue one to "red": its label, list and export category follow.
  await row(blue).click();
  await page.getByTestId('edit-move').selectOption('concept:red');
  await waitIdle(page);
  await expect(row(blue)).toHaveAttribute('data-concept-id', 'concept:red');
  await expect
    .poll(() => page.evaluate(() => window.__sam3!.view!.labels))
    .toContainEqual(expect.stringMatching(new RegExp(`^#${blue} red `)));
  const coco = await exportCoco(page);
  const moved = coco.annotations.find((a) => a.id === blue)!;
  expect(coco.categories.find((c) => c.id === moved.category_id)!.name).toBe('red');

  // Clear all, then undo everything back, step by step.
  await page.getByTestId('clear-all').click();
  await waitIdle(page);
  await expect(rows(page)).toHaveCount(0);
  await expect(page.getByTestId('phrase-input')).toHaveValue('');
  await page.keyboard.press('Control+z'); // clear all
  await waitIdle(page);
  await expect(rows(page)).toHaveCount(2);
  await page.keyboard.press('Control+z'); // move
  await page.keyboard.press('Control+z'); // delete
  await waitIdle(page);
  await expect(rows(page)).toHaveCount(3);
  await expect(row(blue)).toHaveAttribute('data-concept-id', 'concept:blue');
  expect((await exportCoco(page)).annotations.map((a) => a.id).sort()).toEqual([red1, red2, blue].sort());

  // The threshold slider starts at the engine's floor: no empty rows at its lowest.
  const slider = page.getByTestId('threshold-slider');
  await expect(slider).toHaveAttribute('min', '0.05');
  await slider.focus();
  await page.keyboard.press('Home');
  await expect(page.getByTestId('threshold-value')).toHaveText('0.05');
  await waitIdle(page);
  const areas = await rows(page).evaluateAll((els) =>
    els.map((e) => e.querySelector('.instance-row__area')!.textContent),
  );
  expect(areas.every((a) => a !== '0 px')).toBe(true);
  await page.keyboard.press('End');
  await page.keyboard.press('Escape');
});

test('a click that finds nothing is said so and taken back; the previous masks stay', async ({ page }) => {
  await openApp(page);
  await expect(rows(page)).toHaveCount(2);
  const before = await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-instance-id')));
  await page.getByTestId('tool-click').click();
  // The background's top-right corner: the tracker finds no object there.
  await clickOnImage(page, 620, 20);
  const notice = page.getByTestId('notice');
  await expect(notice).toHaveAttribute('data-tone', 'info');
  await expect(notice).toContainText(/click at \(620, 20\) found nothing, so it was taken back/);
  await waitIdle(page);
  expect(await page.evaluate(() => window.__sam3!.store.getState().objects.length)).toBe(0);
  await expect(page.locator('[data-testid="instance-row"][data-source="object"]')).toHaveCount(0);
  expect(await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-instance-id')))).toEqual(before);
  await expect(page.getByTestId('prompt-item').filter({ hasText: 'Object' })).toHaveCount(0);
});
