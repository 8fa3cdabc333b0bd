/**
 * Decodes an image file in Node for `npm run label` (the browser decodes in the worker instead): PNG (fast-png,
 * any bit depth, grey/palette/alpha) and JPEG (jpeg-js) to 8-bit RGBA, with the JPEG's EXIF orientation applied
 * (exifr) so boxes and masks are in the same upright pixels the browser's `imageOrientation: 'from-image'` gives.
 */
import { decode as decodePngFile, convertIndexedToRgb, hasPngSignature } from 'fast-png';
import jpeg from 'jpeg-js';
import exifr from 'exifr';
import { readFile, stat } from 'node:fs/promises';
import type { RgbaImage } from '../../workers/protocol/api';
import { imageTooLargeMessage, MAX_IMAGE_BYTES } from '../../workers/batch/importLimits';

export const SUPPORTED_EXTENSIONS = ['.png', '.jpg', '.jpeg'];

export class ImageDecodeError extends Error {}

/** Sample layout → RGBA (toRgba8; the tests' and bench:label's per-sample reference has the same signature). */
export type RgbaConverter = (data: ArrayLike<number>, pixels: number, channels: number, depth: number) => Uint8Array;

/**
 * An image file's bytes, refused unread when the file is larger than one image may be: the app's import limit
 * (workers/batch/importLimits.ts), so a 1.5 GiB file gets the same message here as in the browser.
 */
export async function readImageFile(path: string, name: string): Promise<Uint8Array> {
  const { size } = await stat(path);
  if (size > MAX_IMAGE_BYTES) throw new ImageDecodeError(imageTooLargeMessage(name, size));
  return new Uint8Array(await readFile(path));
}

export async function decodeImageFile(
  bytes: Uint8Array,
  name: string,
  convert: RgbaConverter = toRgba8,
): Promise<RgbaImage> {
  if (hasPngSignature(bytes)) return decodePng(bytes, name, convert);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    let raw;
    try {
      raw = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 2048 });
    } catch (err) {
      throw new ImageDecodeError(
        `“${name}” is not a readable JPEG: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const image = { width: raw.width, height: raw.height, data: raw.data as Uint8Array };
    let orientation: number | undefined;
    try {
      orientation = await exifr.orientation(bytes);
    } catch {
      orientation = undefined; // unreadable EXIF: keep the stored orientation
    }
    return orient(image, orientation ?? 1);
  }
  throw new ImageDecodeError(`“${name}” is not a PNG or JPEG file (the command line reads those two formats).`);
}

function decodePng(bytes: Uint8Array, name: string, convert: RgbaConverter): RgbaImage {
  let png;
  try {
    png = decodePngFile(bytes);
  } catch (err) {
    throw new ImageDecodeError(`“${name}” is not a readable PNG: ${err instanceof Error ? err.message : String(err)}`);
  }
  const { width, height } = png;
  let data = png.data;
  let channels = png.channels;
  if (png.palette) {
    data = convertIndexedToRgb(png);
    channels = png.palette[0]?.length ?? 3;
  }
  return { width, height, data: convert(data, width * height, channels, png.palette ? 8 : png.depth) };
}

/**
 * Samples (1–4 channels: grey, grey+alpha, RGB, RGBA; 1–16 bits, one sample per element) → 8-bit RGBA. One
 * straight loop per layout: a closure per sample made a 640×480 PNG take 150 ms here instead of a few.
 */
export function toRgba8(data: ArrayLike<number>, pixels: number, channels: number, depth: number): Uint8Array {
  const out = new Uint8Array(pixels * 4);
  if (depth === 8 && channels === 4 && data instanceof Uint8Array) {
    out.set(data.subarray(0, pixels * 4));
    return out;
  }
  // 16-bit samples keep their high byte; 1/2/4-bit grey is stretched to 0–255.
  const shift = depth === 16 ? 8 : 0;
  const scale = depth < 8 ? 255 / (2 ** depth - 1) : 1;
  const v = (x: number) => (scale === 1 ? x >> shift : Math.round(x * scale));
  for (let i = 0, s = 0, d = 0; i < pixels; i++, s += channels, d += 4) {
    if (channels >= 3) {
      out[d] = v(data[s]);
      out[d + 1] = v(data[s + 1]);
      out[d + 2] = v(data[s + 2]);
      out[d + 3] = channels === 4 ? v(data[s + 3]) : 255;
    } else {
      const g = v(data[s]);
      out[d] = g;
      out[d + 1] = g;
      out[d + 2] = g;
      out[d + 3] = channels === 2 ? v(data[s + 1]) : 255;
    }
  }
  return out;
}

/** EXIF orientation 1–8 → upright pixels. */
export function orient(image: RgbaImage, orientation: number): RgbaImage {
  if (orientation <= 1 || orientation > 8) return image;
  const { width: w, height: h, data } = image;
  const swap = orientation >= 5;
  const W = swap ? h : w;
  const H = swap ? w : h;
  const out = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      // Source pixel shown at (x, y) of the upright image.
      let sx: number, sy: number;
      switch (orientation) {
        case 2:
          [sx, sy] = [w - 1 - x, y];
          break;
        case 3:
          [sx, sy] = [w - 1 - x, h - 1 - y];
          break;
        case 4:
          [sx, sy] = [x, h - 1 - y];
          break;
        case 5:
          [sx, sy] = [y, x];
          break;
        case 6:
          [sx, sy] = [y, h - 1 - x];
          break;
        case 7:
          [sx, sy] = [w - 1 - y, h - 1 - x];
          break;
        default:
          [sx, sy] = [w - 1 - y, x];
      }
      const s = (sy * w + sx) * 4;
      const d = (y * W + x) * 4;
      out[d] = data[s];
      out[d + 1] = data[s + 1];
      out[d + 2] = data[s + 2];
      out[d + 3] = data[s + 3];
    }
  }
  return { width: W, height: H, data: out };
}
