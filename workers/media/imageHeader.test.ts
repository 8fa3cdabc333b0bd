import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeBlankPng, encodePng } from '../../tools/scenes/png';
import { readImageHeader } from './imageHeader';

const bytes = (...parts: (number[] | string)[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const le16 = (v: number) => [v & 0xff, v >>> 8];
const be16 = (v: number) => [v >>> 8, v & 0xff];
const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

test('PNG: the size from IHDR, also for a valid 60000×60000 file that is never decoded', () => {
  assert.deepEqual(readImageHeader(encodePng(3, 2, new Uint8Array(24))), { format: 'png', width: 3, height: 2 });
  const huge = encodeBlankPng(60000, 60000);
  assert.ok(huge.length < 4_000_000, `${huge.length} bytes`);
  assert.deepEqual(readImageHeader(huge.subarray(0, 4096)), { format: 'png', width: 60000, height: 60000 });
});

test('JPEG: the size from the first SOF marker, after APP segments and fill bytes; none before the scan → unknown', () => {
  const app1 = [0xff, 0xe1, ...be16(2 + 300), ...new Array<number>(300).fill(0x41)];
  const sof2 = [0xff, 0xc2, ...be16(17), 8, ...be16(480), ...be16(640), 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  const dht = [0xff, 0xc4, ...be16(4), 0, 0];
  const jpeg = bytes([0xff, 0xd8], app1, [0xff], dht, sof2, [0xff, 0xda, 0, 2]);
  assert.deepEqual(readImageHeader(jpeg), { format: 'jpeg', width: 640, height: 480 });
  assert.equal(readImageHeader(bytes([0xff, 0xd8], app1, [0xff, 0xda, 0, 2])), null);
  assert.equal(readImageHeader(jpeg.subarray(0, 200)), null, 'truncated inside APP1: unknown, the decoder decides');
});

test('WebP: lossy VP8, lossless VP8L and extended VP8X headers', () => {
  const riff = (chunk: string, body: number[]) =>
    bytes('RIFF', le32(4 + 8 + body.length), 'WEBP', chunk, le32(body.length), body);
  assert.deepEqual(readImageHeader(riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, ...le16(1920), ...le16(1080), 0, 0])), {
    format: 'webp',
    width: 1920,
    height: 1080,
  });
  const bits = (300 - 1) | ((200 - 1) << 14);
  assert.deepEqual(readImageHeader(riff('VP8L', [0x2f, ...le32(bits), 0])), {
    format: 'webp',
    width: 300,
    height: 200,
  });
  const w = 20000 - 1;
  const h = 17 - 1;
  const vp8x = [0x10, 0, 0, 0, w & 0xff, (w >>> 8) & 0xff, w >>> 16, h & 0xff, (h >>> 8) & 0xff, h >>> 16];
  assert.deepEqual(readImageHeader(riff('VP8X', vp8x)), { format: 'webp', width: 20000, height: 17 });
});

test('GIF and BMP (bottom-up, top-down and the old core header)', () => {
  assert.deepEqual(readImageHeader(bytes('GIF89a', le16(70000 & 0xffff), le16(12), [0, 0, 0])), {
    format: 'gif',
    width: 70000 & 0xffff,
    height: 12,
  });
  const bmp = (info: number[]) => bytes('BM', le32(0), le32(0), le32(54), info);
  assert.deepEqual(readImageHeader(bmp([...le32(40), ...le32(640), ...le32(-480), 1, 0, 24, 0])), {
    format: 'bmp',
    width: 640,
    height: 480,
  });
  assert.deepEqual(readImageHeader(bmp([...le32(12), ...le16(32), ...le16(16), 1, 0, 24, 0, 0, 0, 0, 0])), {
    format: 'bmp',
    width: 32,
    height: 16,
  });
});

test('files that are not images say what they are; unknown bytes say nothing', () => {
  const what = (b: Uint8Array) => {
    const h = readImageHeader(b);
    return h && 'kind' in h ? h.what : h;
  };
  assert.match(String(what(bytes('<!DOCTYPE html><html><body>404</body></html>'))), /HTML page/);
  assert.match(String(what(bytes('\n  <html lang="en">'))), /HTML page/);
  assert.match(String(what(bytes('II*\0', [8, 0, 0, 0]))), /TIFF/);
  assert.match(String(what(bytes([0, 0, 0, 24], 'ftypheic', [0, 0, 0, 0]))), /HEIC/);
  assert.match(String(what(bytes('%PDF-1.7\n'))), /PDF/);
  assert.match(String(what(bytes('<svg xmlns="http://www.w3.org/2000/svg"/>'))), /SVG/);
  assert.equal(readImageHeader(bytes([0x13, 0x37, 0xaa, 0x55, 1, 2, 3, 4])), null);
  assert.equal(readImageHeader(new Uint8Array(0)), null);
});
