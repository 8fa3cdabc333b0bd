/**
 * The command line's PNG decoding: every sample layout (grey, grey + alpha, RGB, RGBA; 8 and 16 bits; palettes;
 * 1/2/4-bit grey) gives the same RGBA as the per-sample conversion it replaced (tests/helpers/rgbaReference.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode as encodePng } from 'fast-png';
import { decodeImageFile, toRgba8 } from './decodeImageFile';
import { toRgba8PerSample } from '../../tests/helpers/rgbaReference';
import { prng } from '../scenes/scene';

const W = 13;
const H = 7;

function samples(channels: number, depth: 8 | 16, seed: number): Uint8Array | Uint16Array {
  const rand = prng(seed);
  const max = depth === 16 ? 65535 : 255;
  const data = depth === 16 ? new Uint16Array(W * H * channels) : new Uint8Array(W * H * channels);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(rand() * (max + 1));
  return data;
}

test('grey, grey + alpha, RGB and RGBA PNGs at 8 and 16 bits decode as the per-sample reference does', async () => {
  for (const channels of [1, 2, 3, 4]) {
    for (const depth of [8, 16] as const) {
      const png = encodePng({ width: W, height: H, data: samples(channels, depth, channels * depth), depth, channels });
      const fast = await decodeImageFile(png, 'x.png');
      const reference = await decodeImageFile(png, 'x.png', toRgba8PerSample);
      assert.deepEqual([fast.width, fast.height], [W, H]);
      assert.deepEqual(fast.data, reference.data, `${channels} channels, ${depth} bits`);
    }
  }
  // RGBA 8-bit is the file's own samples.
  const rgba = samples(4, 8, 9) as Uint8Array;
  const decoded = await decodeImageFile(encodePng({ width: W, height: H, data: rgba, depth: 8, channels: 4 }), 'y.png');
  assert.deepEqual(decoded.data, rgba);
});

test('palette PNGs and 1/2/4-bit grey samples convert as the reference does', async () => {
  const palette = [
    [255, 0, 0],
    [0, 128, 255],
    [7, 7, 7],
  ];
  const indices = Uint8Array.from({ length: W * H }, (_, i) => i % 3);
  const png = encodePng({ width: W, height: H, data: indices, depth: 8, channels: 1, palette });
  const fast = await decodeImageFile(png, 'p.png');
  assert.deepEqual(fast.data, (await decodeImageFile(png, 'p.png', toRgba8PerSample)).data);
  assert.deepEqual([...fast.data.subarray(4, 8)], [0, 128, 255, 255]);
  for (const depth of [1, 2, 4]) {
    const grey = Uint8Array.from({ length: W * H }, (_, i) => i % 2 ** depth);
    assert.deepEqual(toRgba8(grey, W * H, 1, depth), toRgba8PerSample(grey, W * H, 1, depth), `${depth}-bit grey`);
  }
});
