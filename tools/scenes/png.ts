/**
 * A minimal deterministic PNG encoder (8-bit RGBA, filter 0 on every row, zlib from fflate at a fixed level)
 * and the matching decoder for files written by it (tests read samples back).
 */
import { unzlibSync, zlibSync } from 'fflate';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array, crc = 0xffffffff): number {
  let c = crc;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return c >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, (crc32(out.subarray(4, 8 + data.length)) ^ 0xffffffff) >>> 0);
  return out;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

export function encodePng(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray): Uint8Array {
  if (rgba.length !== width * height * 4) throw new RangeError('rgba must be width·height·4 bytes');
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit, RGBA, deflate, filter 0, no interlace
  const raw = new Uint8Array(height * (1 + width * 4));
  for (let y = 0; y < height; y++) raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (1 + width * 4) + 1);
  const parts = [
    new Uint8Array(SIGNATURE),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlibSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Decodes the PNGs `encodePng` writes (8-bit RGBA, filter 0 only). */
export function decodePng(png: Uint8Array): { width: number; height: number; data: Uint8Array } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let o = 8;
  let width = 0;
  let height = 0;
  const idat: Uint8Array[] = [];
  while (o < png.length) {
    const len = view.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    const data = png.subarray(o + 8, o + 8 + len);
    if (type === 'IHDR') {
      width = view.getUint32(o + 8);
      height = view.getUint32(o + 12);
      if (data[8] !== 8 || data[9] !== 6) throw new Error('only 8-bit RGBA PNGs are supported');
    } else if (type === 'IDAT') idat.push(data);
    o += 12 + len;
  }
  const joined = new Uint8Array(idat.reduce((n, p) => n + p.length, 0));
  let j = 0;
  for (const p of idat) {
    joined.set(p, j);
    j += p.length;
  }
  const raw = unzlibSync(joined);
  const out = new Uint8Array(width * height * 4);
  const stride = 1 + width * 4;
  for (let y = 0; y < height; y++) {
    if (raw[y * stride] !== 0) throw new Error('only filter 0 is supported');
    out.set(raw.subarray(y * stride + 1, (y + 1) * stride), y * width * 4);
  }
  return { width, height, data: out };
}

/**
 * A valid, all-black 1-bit greyscale PNG of any size, made in milliseconds: the image data is all zero bytes, so
 * its zlib stream is written directly as one fixed-Huffman deflate block (a literal 0, then length-258 copies at
 * distance 1, then literal zeros). A 60000×60000 PNG is ≈ 2.8 MB. For tests of size limits read from headers.
 */
export function encodeBlankPng(width: number, height: number): Uint8Array {
  const total = height * (1 + Math.ceil(width / 8)); // filter byte 0 + packed zero pixels, every row
  const bytes: number[] = [0x78, 0x01];
  let acc = 0;
  let nbits = 0;
  const put = (value: number, n: number) => {
    for (let i = 0; i < n; i++) {
      acc |= ((value >>> i) & 1) << nbits;
      if (++nbits === 8) {
        bytes.push(acc);
        acc = 0;
        nbits = 0;
      }
    }
  };
  /** Huffman codes are packed most significant bit first. */
  const code = (value: number, n: number) => {
    for (let i = n - 1; i >= 0; i--) put((value >>> i) & 1, 1);
  };
  put(1, 1); // BFINAL
  put(1, 2); // BTYPE = 01, fixed Huffman
  const literalZero = () => code(0x30, 8);
  literalZero();
  let left = total - 1;
  while (left >= 258) {
    code(0xc5, 8); // length symbol 285 = 258 bytes
    code(0, 5); // distance symbol 0 = 1 byte back
    left -= 258;
  }
  for (; left > 0; left--) literalZero();
  code(0, 7); // end of block (256)
  if (nbits > 0) bytes.push(acc);
  const adler = (((total % 65521) << 16) | 1) >>> 0; // a = 1 + Σ0 = 1, b = Σa = total
  bytes.push(adler >>> 24, (adler >>> 16) & 0xff, (adler >>> 8) & 0xff, adler & 0xff);

  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([1, 0, 0, 0, 0], 8); // 1-bit, greyscale, deflate, filter 0, no interlace
  const parts = [
    new Uint8Array(SIGNATURE),
    chunk('IHDR', ihdr),
    chunk('IDAT', Uint8Array.from(bytes)),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
