import assert from 'node:assert/strict';
import { test } from 'node:test';
import { actualSizeAt, fitView, zoomAt } from '../draw/coords';
import { initialAppState, type AppState } from './appStore';
import { selectZoomPercent } from './selectors';

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
