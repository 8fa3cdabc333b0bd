/**
 * The interactive loop in Debian Chromium (WASM provider), through real mouse gestures on the canvas: exemplar
 * boxes (negative on a false hit, positive with no phrase), click refinement with candidates, undo/redo via the
 * keyboard. Asserts on the list, the canvas pixels and the exported JSON.
 */
import { test, expect, type Page } from '@playwright/test';
import {
  canvasPixelAt,
  clickOnImage,
  dragOnImage,
  dropFile,
  imageToPage,
  openApp,
  scenePng,
  typePhrase,
  waitIdle,
} from './helpers';

// public/samples/shapes.png (640×480): red squares [60,60,170,170] and [440,300,560,420], green circle c(330,130)
// r70, blue rect [80,280,330,400], yellow circle c(530,120) r55, background (236,236,236).
const RED_1_CENTRE = [115, 115] as const;
const PLAIN_RED = [220, 30, 30];

const colourDistance = (a: readonly number[], b: readonly number[]) =>
  Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);

/** How far the canvas at the first red square's centre is from the plain image colour. */
async function redDistance(page: Page): Promise<number> {
  return colourDistance(await canvasPixelAt(page, RED_1_CENTRE[0], RED_1_CENTRE[1]), PLAIN_RED);
}

function parseBox(text: string): number[] {
  return text.split(',').map((v) => Number(v.trim()));
}

function expectBoxNear(actual: number[], expected: number[], tolerance: number) {
  expect(actual).toHaveLength(4);
  actual.forEach((v, i) =>
    expect(Math.abs(v - expected[i]), `box[${i}] ${v} vs ${expected[i]}`).toBeLessThanOrEqual(tolerance),
  );
}

async function exportJson(page: Page) {
  await page.evaluate(() => window.__sam3?.store.setState({ lastExport: null }));
  await page.getByTestId('export-json').click();
  const handle = await page.waitForFunction(() => window.__sam3?.lastExport ?? null);
  return (await handle.jsonValue()) as {
    annotations: { bbox: number[]; category_id: number }[];
    categories: { id: number; name: string }[];
  };
}

async function historyLength(page: Page): Promise<{ undo: number; redo: number }> {
  return page.evaluate(() => {
    const h = (window.__sam3!.store.getState() as unknown as { history: { undo: unknown[]; redo: unknown[] } }).history;
    return { undo: h.undo.length, redo: h.redo.length };
  });
}

async function addNegativeBoxOnFirstRedSquare(page: Page) {
  await openApp(page);
  await typePhrase(page, 'red');
  const rows = page.getByTestId('instance-row');
  await expect(rows).toHaveCount(2);
  await page.getByTestId('tool-box').click();
  await dragOnImage(page, [50, 50], [180, 180], { button: 'right' });
  await waitIdle(page);
  return rows;
}

test('a negative box (right-drag) on one red square removes that instance and keeps the other', async ({ page }) => {
  const rows = await addNegativeBoxOnFirstRedSquare(page);
  const boxes = page.getByTestId('exemplar-box');
  await expect(boxes).toHaveCount(1);
  await expect(boxes.first()).toHaveAttribute('data-polarity', 'negative');
  expectBoxNear(parseBox((await boxes.first().getAttribute('data-box')) ?? ''), [50, 50, 180, 180], 2);
  await expect(page.getByTestId('prompt-item').and(page.locator('[data-kind="box"]'))).toHaveCount(1);

  await expect(rows).toHaveCount(1);
  // The remaining instance is the second square.
  expectBoxNear(parseBox(await rows.first().locator('.instance-row__box').innerText()), [440, 300, 560, 420], 3);
  // The first square shows the plain image again (the canvas repaints on the next animation frame).
  await expect.poll(() => redDistance(page)).toBeLessThan(12);
  const coco = await exportJson(page);
  expect(coco.annotations).toHaveLength(1);
  expectBoxNear(coco.annotations[0].bbox, [440, 300, 120, 120], 3);

  // The delete handle removes the box: both squares again.
  await page.getByTestId('exemplar-delete').click();
  await waitIdle(page);
  await expect(page.getByTestId('exemplar-box')).toHaveCount(0);
  await expect(rows).toHaveCount(2);
});

test('undo / redo via the keyboard: Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y', async ({ page }) => {
  const rows = await addNegativeBoxOnFirstRedSquare(page);
  await expect(rows).toHaveCount(1);
  await expect(page.getByTestId('undo')).toBeEnabled();
  await expect(page.getByTestId('redo')).toBeDisabled();
  const before = await historyLength(page);

  await page.keyboard.press('Control+z');
  await waitIdle(page);
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId('exemplar-box')).toHaveCount(0);
  await expect(page.getByTestId('redo')).toBeEnabled();
  await expect.poll(() => redDistance(page), { message: 'mask drawn again on the first square' }).toBeGreaterThan(30);
  expect(await historyLength(page)).toEqual({ undo: before.undo - 1, redo: 1 });
  expect((await exportJson(page)).annotations).toHaveLength(2);

  await page.keyboard.press('Control+Shift+z');
  await waitIdle(page);
  await expect(rows).toHaveCount(1);
  await expect(page.getByTestId('exemplar-box')).toHaveCount(1);
  await expect.poll(() => redDistance(page)).toBeLessThan(12);

  await page.keyboard.press('Control+z');
  await waitIdle(page);
  await expect(rows).toHaveCount(2);
  await page.keyboard.press('Control+y');
  await waitIdle(page);
  await expect(rows).toHaveCount(1);
  expect((await exportJson(page)).annotations).toHaveLength(1);

  // Typing is one entry, and Ctrl+Z inside the text field undoes it (not the browser's own text undo).
  const input = page.getByTestId('phrase-input');
  await input.fill('red, blue');
  await page.waitForTimeout(400);
  await waitIdle(page);
  await expect(rows).toHaveCount(2);
  await input.focus();
  await page.keyboard.press('Control+z');
  await waitIdle(page);
  await expect(input).toHaveValue('red');
  await expect(rows).toHaveCount(1);
  await expect(page.getByTestId('exemplar-box')).toHaveCount(1);
  await page.keyboard.press('Control+Shift+z');
  await waitIdle(page);
  await expect(input).toHaveValue('red, blue');
  await expect(rows).toHaveCount(2);
});

test('a positive box with no phrase finds every region like it', async ({ page }) => {
  await openApp(page);
  await typePhrase(page, '');
  await expect(page.getByTestId('instance-row')).toHaveCount(0);
  await page.getByTestId('tool-box').click();
  await dragOnImage(page, [255, 55], [405, 205]);
  await waitIdle(page);
  await expect(page.getByTestId('exemplar-box')).toHaveCount(1);
  await expect(page.getByTestId('exemplar-box').first()).toHaveAttribute('data-polarity', 'positive');
  await expect(page.getByTestId('instance-row')).toHaveCount(1);
  expectBoxNear(
    parseBox(await page.getByTestId('instance-row').first().locator('.instance-row__box').innerText()),
    [260, 60, 400, 200],
    3,
  );

  // A scene with two green squares: one box finds both.
  const { png } = scenePng({
    width: 400,
    height: 300,
    background: 'white',
    shapes: [
      { kind: 'rect', colour: 'green', x0: 30, y0: 30, x1: 130, y1: 130 },
      { kind: 'rect', colour: 'green', x0: 250, y0: 150, x1: 350, y1: 250 },
      { kind: 'rect', colour: 'blue', x0: 200, y0: 20, x1: 280, y1: 100 },
    ],
  });
  await dropFile(page, 'greens.png', png, 'image/png');
  await waitIdle(page);
  await expect(page.getByTestId('exemplar-box')).toHaveCount(0); // boxes belong to the old image
  await page.getByTestId('tool-box').click();
  await dragOnImage(page, [25, 25], [135, 135]);
  await waitIdle(page);
  await expect(page.getByTestId('instance-row')).toHaveCount(2);
});

test('a click refines an instance: same ID, becomes an object, candidates cycle with C', async ({ page }) => {
  await openApp(page);
  await typePhrase(page, 'red');
  const rows = page.getByTestId('instance-row');
  await expect(rows).toHaveCount(2);
  const second = rows.filter({ hasText: '440,300,560,420' });
  await expect(second).toHaveCount(1);
  const id = await second.getAttribute('data-instance-id');

  await page.getByTestId('tool-click').click();
  await clickOnImage(page, 500, 360);
  await waitIdle(page);
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId('object-point')).toHaveCount(1);
  await expect(page.getByTestId('object-point').first()).toHaveAttribute('data-polarity', 'positive');
  const refined = page.locator(`[data-testid="instance-row"][data-instance-id="${id}"]`);
  await expect(refined).toHaveAttribute('data-source', 'object');
  const objects = await page.evaluate(
    () => (window.__sam3!.store.getState() as unknown as { objects: { refines?: { conceptId: string } }[] }).objects,
  );
  expect(objects).toHaveLength(1);
  expect(objects[0].refines?.conceptId).toBe('concept:red');

  const info = page.getByTestId('candidate-info');
  await expect(info).toContainText('1/3');
  const first = await info.innerText();
  await page.keyboard.press('c');
  await waitIdle(page);
  await expect(info).toContainText('2/3');
  await expect(info).not.toHaveText(first);
  await expect(refined).toHaveAttribute('data-source', 'object');

  // Undo the candidate change, then the click: a detector instance again.
  await page.keyboard.press('Control+z');
  await waitIdle(page);
  await expect(info).toContainText('1/3');
  await page.keyboard.press('Control+z');
  await waitIdle(page);
  await expect(page.getByTestId('object-point')).toHaveCount(0);
  await expect(refined).toHaveAttribute('data-source', 'concept');
});

test('help overlay with ?, Escape closes it and cancels a drag in progress', async ({ page }) => {
  await openApp(page);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('?');
  await expect(page.getByTestId('help-overlay')).toBeVisible();
  await expect(page.getByTestId('help-overlay')).toContainText('Ctrl+Z');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('help-overlay')).toHaveCount(0);

  await page.getByTestId('tool-box').click();
  const a = await imageToPage(page, 250, 250);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(a.x + 80, a.y + 60, { steps: 4 });
  await expect(page.getByTestId('exemplar-draft')).toHaveCount(1);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('exemplar-draft')).toHaveCount(0);
  await page.mouse.up();
  await expect(page.getByTestId('exemplar-box')).toHaveCount(0);

  // The ± toggle makes plain drags negative (touch).
  await page.getByTestId('polarity-toggle').click();
  await expect(page.getByTestId('polarity-toggle')).toHaveAttribute('data-polarity', 'negative');
});
