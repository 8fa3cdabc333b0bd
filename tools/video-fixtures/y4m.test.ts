import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FILE_CLIP, LIVE_CLIP, visibleSquares } from './clips.ts';
import { clipToY4m, rgbaToI420, y4mHeader } from './y4m.ts';

test('y4m header and frame layout', () => {
  assert.equal(y4mHeader(LIVE_CLIP), 'YUV4MPEG2 W320 H240 F15:1 Ip A1:1 C420jpeg\n');
  const short = { ...LIVE_CLIP, frameCount: 2 };
  const chunks = clipToY4m(short);
  assert.equal(chunks.length, 1 + 2 * 2);
  assert.equal(chunks[2].length, (320 * 240 * 3) / 2);
});

test('full-range BT.601: red converts to the expected YUV', () => {
  const px = new Uint8Array(2 * 2 * 4);
  for (let i = 0; i < 4; i++) px.set([220, 30, 30, 255], i * 4);
  const yuv = rgbaToI420(2, 2, px);
  assert.deepEqual([...yuv], [87, 87, 87, 87, 96, 223]);
});

test('clips: two squares, a third one late; the live clip loops seamlessly', () => {
  assert.equal(visibleSquares(LIVE_CLIP, 0), 2);
  assert.equal(visibleSquares(LIVE_CLIP, LIVE_CLIP.lateFrame - 1), 2);
  assert.equal(visibleSquares(LIVE_CLIP, LIVE_CLIP.lateFrame), 3);
  assert.deepEqual(LIVE_CLIP.frame(LIVE_CLIP.frameCount).shapes, LIVE_CLIP.frame(0).shapes);
  assert.equal(visibleSquares(FILE_CLIP, FILE_CLIP.lateFrame - 1), 2);
  assert.equal(visibleSquares(FILE_CLIP, FILE_CLIP.frameCount - 1), 3);
  // No two squares ever touch (the colour detector must see separate objects).
  for (const clip of [LIVE_CLIP, FILE_CLIP]) {
    for (let i = 0; i < clip.frameCount; i++) {
      const r = clip.frame(i).shapes.map((s) => (s.kind === 'rect' ? [s.x0, s.y0, s.x1, s.y1] : [0, 0, 0, 0]));
      for (let a = 0; a < r.length; a++)
        for (let b = a + 1; b < r.length; b++) {
          const gap = r[a][0] > r[b][2] + 4 || r[b][0] > r[a][2] + 4 || r[a][1] > r[b][3] + 4 || r[b][1] > r[a][3] + 4;
          assert.ok(gap, `${clip.name} frame ${i}: squares ${a} and ${b} touch`);
        }
      for (const s of r) assert.ok(s[0] >= 0 && s[1] >= 0 && s[2] <= clip.width && s[3] <= clip.height);
    }
  }
});
