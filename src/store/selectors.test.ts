import assert from 'node:assert/strict';
import { test } from 'node:test';
import { actualSizeAt, fitView, zoomAt } from '../draw/coords';
import { initialAppState, type AppState } from './appStore';
import { selectStatusDetail, selectZoomPercent } from './selectors';

const withImage = (width: number, displayWidth: number): AppState => ({
  ...initialAppState(),
  stageSize: { width: 800, height: 600 },
  image: {
    imageId: 'i',
    name: 'x.png',
    width,
    height: width / 2,
    displayWidth,
    displayHeight: displayWidth / 2,
    downscaledForModel: false,
    timingsMs: {},
  } as AppState['image'],
});

test('the zoom level reads 100 % at 1:1 (one original pixel per CSS pixel), whatever the fit', () => {
  for (const [width, displayWidth] of [
    [640, 640], // smaller than the stage: fit magnifies
    [4000, 2048], // larger, shown from a display copy
  ]) {
    const s = withImage(width, displayWidth);
    const fit = fitView(displayWidth, displayWidth / 2, 800, 600);
    const actual = actualSizeAt(fit, { width }, { displayWidth }, 400, 300);
    assert.equal(selectZoomPercent({ ...s, zoom: actual }), 100, `${width} px image`);
    assert.equal(selectZoomPercent({ ...s, zoom: zoomAt(actual, 2, 400, 300) }), 200);
  }
});

test('the status line: image counts only in image mode, no "· 0 ms" for a result that ran no graph', () => {
  const s: AppState = {
    ...withImage(640, 640),
    pack: { name: 'Demo pack' } as AppState['pack'],
    result: {
      imageId: 'i',
      instances: [{}, {}],
      timingsMs: { vision: 20, detector: 12.4 },
    } as unknown as AppState['result'],
  };
  assert.equal(selectStatusDetail(s), '2 instances · 32 ms');
  assert.equal(
    selectStatusDetail({ ...s, result: { ...s.result!, timingsMs: { vision: 0 } } as AppState['result'] }),
    '2 instances',
  );
  assert.equal(selectStatusDetail(s, 'other'), 'Demo pack ready');
  assert.equal(selectStatusDetail({ ...s, pack: null }, 'other'), 'No model pack');
});
