import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatInstanceLabel, renderOverlay, type OverlayContext, type OverlayScene } from './renderOverlay';

interface Call {
  op: string;
  args: unknown[];
  alpha: number;
}

/** A fake 2D context that records calls (with the globalAlpha in force). */
function fakeContext(): { ctx: OverlayContext; calls: Call[] } {
  const calls: Call[] = [];
  const state = {
    fillStyle: '' as string | CanvasGradient | CanvasPattern,
    strokeStyle: '' as string | CanvasGradient | CanvasPattern,
    lineWidth: 1,
    globalAlpha: 1,
    font: '',
    textBaseline: 'alphabetic' as CanvasTextBaseline,
    imageSmoothingEnabled: true,
  };
  const rec =
    (op: string) =>
    (...args: unknown[]) => {
      calls.push({ op, args, alpha: state.globalAlpha });
    };
  const ctx = {
    ...state,
    setTransform: rec('setTransform'),
    clearRect: rec('clearRect'),
    fillRect: rec('fillRect'),
    strokeRect: rec('strokeRect'),
    drawImage: rec('drawImage'),
    fillText: rec('fillText'),
    save: rec('save'),
    restore: rec('restore'),
    measureText: (t: string) => ({ width: t.length * 7 }) as TextMetrics,
  };
  // Route property writes through `state` so `rec` sees the current alpha.
  for (const key of Object.keys(state) as (keyof typeof state)[]) {
    Object.defineProperty(ctx, key, {
      get: () => state[key],
      set: (v) => {
        (state as Record<string, unknown>)[key] = v;
      },
    });
  }
  return { ctx: ctx as unknown as OverlayContext, calls };
}

const image = { source: { id: 'img' } as unknown as CanvasImageSource, width: 100, height: 50 };
const mask = (id: number) => ({
  instanceId: id,
  source: { id: `m${id}` } as unknown as CanvasImageSource,
  label: formatInstanceLabel(id, 0.923),
  boxCanvas: [10 * id, 30, 10 * id + 20, 60] as [number, number, number, number],
  // Mask frames at half the image's size: crop (5·id, 10)–(5·id + 10, 30) of a 50×25 frame.
  crop: { box: [5 * id, 10, 5 * id + 10, 30] as [number, number, number, number], frameWidth: 50, frameHeight: 25 },
  color: 'red',
  outlineColor: 'darkred',
});
const scene = (over: Partial<OverlayScene> = {}): OverlayScene => ({
  width: 200,
  height: 200,
  dpr: 2,
  view: { scale: 2, offsetX: 0, offsetY: 50 },
  image,
  masks: [mask(1), mask(2)],
  hoveredId: null,
  ...over,
});

test('labels read "#id concept score" with two decimals; long concept names are cut', () => {
  assert.equal(formatInstanceLabel(3, 0.923), '#3 0.92');
  assert.equal(formatInstanceLabel(3, 0.923, 'red'), '#3 red 0.92');
  assert.equal(formatInstanceLabel(12, 0.5, 'a very long concept name indeed'), '#12 a very long concept… 0.50');
});

test('draws the image fitted, then each mask crop where it lies on the image, then labels', () => {
  const { ctx, calls } = fakeContext();
  renderOverlay(ctx, scene());
  assert.deepEqual(calls[0], { op: 'setTransform', args: [2, 0, 0, 2, 0, 0], alpha: 1 });
  const draws = calls.filter((c) => c.op === 'drawImage');
  assert.equal(draws.length, 3);
  assert.deepEqual(draws[0].args, [image.source, 0, 50, 200, 100]);
  // The image is drawn at 200×100, the 50×25 mask frame scales by 4: crop (5, 10)–(15, 30) → (20, 90) 40×80.
  assert.deepEqual(draws[1].args.slice(1), [20, 90, 40, 80]);
  assert.deepEqual(draws[2].args.slice(1), [40, 90, 40, 80]);
  const texts = calls.filter((c) => c.op === 'fillText').map((c) => c.args[0]);
  assert.deepEqual(texts, ['#1 0.92', '#2 0.92']);
  assert.equal(calls.filter((c) => c.op === 'strokeRect').length, 0);
});

test('a hovered instance is drawn stronger (twice, boxed) and the others dimmed', () => {
  const { ctx, calls } = fakeContext();
  renderOverlay(ctx, scene({ hoveredId: 2 }));
  const maskDraws = calls.filter((c) => c.op === 'drawImage').slice(1);
  assert.deepEqual(
    maskDraws.map((c) => [(c.args[0] as { id: string }).id, c.alpha]),
    [
      ['m1', 0.35],
      ['m2', 1],
      ['m2', 1],
    ],
  );
  const box = calls.find((c) => c.op === 'strokeRect');
  assert.deepEqual(box?.args, [20, 30, 20, 30]);
  // The hovered label is drawn last, on top.
  assert.equal(calls.filter((c) => c.op === 'fillText').at(-1)?.args[0], '#2 0.92');
});

test('labels stay inside the canvas', () => {
  const { ctx, calls } = fakeContext();
  renderOverlay(ctx, scene({ masks: [{ ...mask(1), boxCanvas: [195, 0, 199, 10] }] }));
  const bg = calls.filter((c) => c.op === 'fillRect').at(-1)!;
  const [x, y, w] = bg.args as number[];
  assert.ok(x >= 0 && x + w <= 200 && y >= 0);
});

test('without an image only the placeholder is drawn', () => {
  const { ctx, calls } = fakeContext();
  renderOverlay(ctx, scene({ image: null, placeholder: 'Drop an image' }));
  assert.equal(calls.filter((c) => c.op === 'drawImage').length, 0);
  assert.equal(calls.find((c) => c.op === 'fillText')?.args[0], 'Drop an image');
});
