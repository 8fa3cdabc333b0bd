import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unzlibSync } from 'fflate';
import { crc32, decodePng, encodeBlankPng, encodePng } from './png';

/** The chunks of a PNG: type, data, and whether the stored CRC matches. */
function chunks(png: Uint8Array) {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: { type: string; data: Uint8Array; crcOk: boolean }[] = [];
  for (let o = 8; o < png.length;) {
    const len = view.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    const crc = (crc32(png.subarray(o + 4, o + 8 + len)) ^ 0xffffffff) >>> 0;
    out.push({ type, data: png.subarray(o + 8, o + 8 + len), crcOk: crc === view.getUint32(o + 8 + len) });
    o += 12 + len;
  }
  return out;
}

test('encodePng round-trips through decodePng', () => {
  const rgba = Uint8Array.from({ length: 5 * 3 * 4 }, (_, i) => (i * 37) % 256);
  assert.deepEqual(decodePng(encodePng(5, 3, rgba)), { width: 5, height: 3, data: rgba });
});

test('encodeBlankPng: a valid 1-bit PNG whose zlib stream inflates to all-zero rows (checksums included)', () => {
  for (const [w, h] of [
    [1, 1],
    [13, 7],
    [300, 211],
  ]) {
    const png = encodeBlankPng(w, h);
    const cs = chunks(png);
    assert.deepEqual(
      cs.map((c) => c.type),
      ['IHDR', 'IDAT', 'IEND'],
    );
    assert.ok(cs.every((c) => c.crcOk));
    const raw = unzlibSync(cs[1].data);
    assert.equal(raw.length, h * (1 + Math.ceil(w / 8)));
    assert.ok(raw.every((b) => b === 0));
    let a = 1;
    let b = 0;
    for (const byte of raw) {
      a = (a + byte) % 65521;
      b = (b + a) % 65521;
    }
    const stored = new DataView(cs[1].data.buffer, cs[1].data.byteOffset + cs[1].data.length - 4, 4).getUint32(0);
    assert.equal(stored, ((b << 16) | a) >>> 0, 'Adler-32');
  }
});
