/**
 * Fixtures for the reliability suite, made in code: odd but valid images (CMYK JPEG, 16-bit PNG, animated GIF, a
 * 60000×60000 PNG) and broken ones. Small encoders of our own, because each needs one corner of its format that
 * no encoder at hand writes (CMYK, 16 bits per sample, several GIF frames).
 */
import { deflateSync } from 'node:zlib';
import { crc32 } from '../tools/scenes/png';
import { prng } from '../tools/scenes/scene';

function pngChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE((crc32(out.subarray(4, 8 + data.length)) ^ 0xffffffff) >>> 0, 8 + data.length);
  return out;
}

/** A 16-bit-per-sample RGB PNG of 8-bit RGBA pixels (each sample v becomes v·257). */
export function png16(width: number, height: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([16, 2, 0, 0, 0], 8); // 16-bit, RGB
  const stride = 1 + width * 6;
  const raw = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++)
        raw.writeUInt16BE(rgba[(y * width + x) * 4 + c] * 257, y * stride + 1 + x * 6 + c * 2);
    }
  }
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A baseline JPEG in CMYK (Adobe APP14, inverted samples as Photoshop writes them) of one flat colour: every 8×8
 * block is its DC coefficient alone, so the entropy coder needs only the DC categories and an end-of-block.
 */
export function cmykJpeg(width: number, height: number, cmyk: [number, number, number, number]): Buffer {
  const bytes: number[] = [0xff, 0xd8];
  const segment = (marker: number, body: number[]) =>
    bytes.push(0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body);
  // APP14 "Adobe", version 100, flags 0, 0, transform 0 (no YCC): the samples are inverted CMYK.
  segment(0xee, [0x41, 0x64, 0x6f, 0x62, 0x65, 0, 100, 0, 0, 0, 0, 0]);
  segment(0xdb, [0, ...new Array<number>(64).fill(1)]); // quantisation table 0: all ones
  segment(0xc0, [
    8,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    4,
    ...[1, 2, 3, 4].flatMap((id) => [id, 0x11, 0]),
  ]);
  // DC table 0: categories 0..11, four-bit codes 0000..1011. AC table 0: EOB (0x00) and one spare, two-bit codes.
  segment(0xc4, [0x00, 0, 0, 0, 12, ...new Array<number>(12).fill(0), ...Array.from({ length: 12 }, (_, i) => i)]);
  segment(0xc4, [0x10, 0, 2, ...new Array<number>(14).fill(0), 0x00, 0x01]);
  segment(0xda, [4, ...[1, 2, 3, 4].flatMap((id) => [id, 0x00]), 0, 63, 0]);
  let acc = 0;
  let n = 0;
  const scan: number[] = [];
  const put = (value: number, len: number) => {
    for (let i = len - 1; i >= 0; i--) {
      acc = (acc << 1) | ((value >> i) & 1);
      if (++n === 8) {
        scan.push(acc);
        if (acc === 0xff) scan.push(0); // byte stuffing
        acc = 0;
        n = 0;
      }
    }
  };
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const dc = cmyk.map((ink) => 8 * (255 - ink - 128)); // Adobe CMYK is stored inverted; DC = 8·(mean − 128)
  for (let b = 0; b < blocks; b++) {
    for (let c = 0; c < 4; c++) {
      const diff = b === 0 ? dc[c] : 0;
      const cat = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1;
      put(cat, 4);
      if (cat > 0) put(diff > 0 ? diff : diff + (1 << cat) - 1, cat);
      put(0, 2); // EOB
    }
  }
  if (n > 0) put((1 << (8 - n)) - 1, 8 - n); // pad with ones
  bytes.push(...scan, 0xff, 0xd9);
  return Buffer.from(bytes);
}

/** A looping GIF of solid-colour frames (one palette entry each), LZW written without compression. */
export function animatedGif(width: number, height: number, frames: [number, number, number][]): Buffer {
  const out: number[] = [...Buffer.from('GIF89a', 'latin1'), width & 0xff, width >> 8, height & 0xff, height >> 8];
  out.push(0xf1, 0, 0); // global colour table of 4 entries
  const palette = [...frames, ...new Array(4 - frames.length).fill([0, 0, 0])].slice(0, 4);
  for (const rgb of palette) out.push(...rgb);
  out.push(0x21, 0xff, 0x0b, ...Buffer.from('NETSCAPE2.0', 'latin1'), 3, 1, 0, 0, 0); // loop forever
  frames.forEach((_, index) => {
    out.push(0x21, 0xf9, 4, 0, 10, 0, 0, 0); // 100 ms per frame
    out.push(0x2c, 0, 0, 0, 0, width & 0xff, width >> 8, height & 0xff, height >> 8, 0);
    // Minimum code size 2: clear = 4, end = 5, 3-bit codes. A clear before every two pixels keeps the code size.
    const codes: number[] = [];
    for (let p = 0; p < width * height; p++) {
      if (p % 2 === 0) codes.push(4);
      codes.push(index);
    }
    codes.push(5);
    const data: number[] = [];
    let acc = 0;
    let n = 0;
    for (const code of codes) {
      acc |= code << n;
      n += 3;
      while (n >= 8) {
        data.push(acc & 0xff);
        acc >>= 8;
        n -= 8;
      }
    }
    if (n > 0) data.push(acc & 0xff);
    out.push(2);
    for (let i = 0; i < data.length; i += 255) {
      const block = data.slice(i, i + 255);
      out.push(block.length, ...block);
    }
    out.push(0);
  });
  out.push(0x3b);
  return Buffer.from(out);
}

/** A JPEG whose frame header says `width × height` and which has no image data. */
export function jpegHeaderOnly(width: number, height: number): Buffer {
  return Buffer.from([
    0xff,
    0xd8,
    0xff,
    0xc0,
    0,
    11,
    8,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    1,
    1,
    0x11,
    0,
    0xff,
    0xd9,
  ]);
}

export function randomBytes(length: number, seed: number): Buffer {
  const next = prng(seed);
  return Buffer.from(Array.from({ length }, () => Math.floor(next() * 256)));
}
