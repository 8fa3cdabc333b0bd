/**
 * What an image file says about itself in its first bytes: the format and the pixel size, read from the header
 * without decoding (PNG IHDR, JPEG SOFn, WebP VP8/VP8L/VP8X, GIF logical screen, BMP info header). Lets the
 * decoder refuse a 60000×60000 PNG with its size and the limit instead of a failed decode, and name what a file
 * that is not an image looks like. Pure; a few dozen lines per format are less than a dependency for this.
 */

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp';

export interface ImageHeader {
  format: ImageFormat;
  /** Pixel size as stored (before EXIF orientation; the longest side is the same either way). */
  width: number;
  height: number;
}

/** A recognised file that is not a decodable image, or an image format browsers do not decode. */
export interface OtherFile {
  kind: 'other';
  /** What it is, for a message ("an HTML page", "a TIFF image"). */
  what: string;
}

/** How many leading bytes `readImageHeader` needs at most (JPEG: SOFn after EXIF/ICC segments). */
export const HEADER_BYTES = 1 << 20;

export const FORMAT_NAMES: Record<ImageFormat, string> = {
  png: 'PNG',
  jpeg: 'JPEG',
  webp: 'WebP',
  gif: 'GIF',
  bmp: 'BMP',
};

const u16be = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];
const u16le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u24le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
const u32be = (b: Uint8Array, o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
const i32le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
const ascii = (b: Uint8Array, o: number, n: number) => String.fromCharCode(...b.subarray(o, o + n));

function startsWith(b: Uint8Array, bytes: readonly number[]): boolean {
  return b.length >= bytes.length && bytes.every((v, i) => b[i] === v);
}

/**
 * The format and size from the header, `{ kind: 'other' }` for files recognisably not a supported image, or null
 * when the bytes say nothing (too short, unknown): the decoder then decides.
 */
export function readImageHeader(b: Uint8Array): ImageHeader | OtherFile | null {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return png(b);
  if (startsWith(b, [0xff, 0xd8, 0xff])) return jpeg(b);
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return webp(b);
  if (b.length >= 10 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a'))
    return { format: 'gif', width: u16le(b, 6), height: u16le(b, 8) };
  if (b.length >= 26 && ascii(b, 0, 2) === 'BM') return bmp(b);
  return otherFile(b);
}

function png(b: Uint8Array): ImageHeader | null {
  if (b.length < 24 || ascii(b, 12, 4) !== 'IHDR') return null;
  return { format: 'png', width: u32be(b, 16), height: u32be(b, 20) };
}

/** SOF markers carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames. */
function isSof(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function jpeg(b: Uint8Array): ImageHeader | null {
  let pos = 2;
  while (pos + 4 <= b.length) {
    if (b[pos] !== 0xff) return null;
    const marker = b[pos + 1];
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2; // no length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image / scan data before any frame header
    const length = u16be(b, pos + 2);
    if (isSof(marker)) {
      if (pos + 9 > b.length) return null;
      return { format: 'jpeg', height: u16be(b, pos + 5), width: u16be(b, pos + 7) };
    }
    pos += 2 + length;
  }
  return null;
}

function webp(b: Uint8Array): ImageHeader | null {
  const chunk = b.length >= 16 ? ascii(b, 12, 4) : '';
  if (chunk === 'VP8 ' && b.length >= 30 && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a)
    return { format: 'webp', width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  if (chunk === 'VP8L' && b.length >= 25 && b[20] === 0x2f) {
    const bits = (b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24)) >>> 0;
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X' && b.length >= 30) return { format: 'webp', width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  return null;
}

function bmp(b: Uint8Array): ImageHeader | null {
  const infoSize = i32le(b, 14);
  if (infoSize === 12) return { format: 'bmp', width: u16le(b, 18), height: u16le(b, 20) };
  if (infoSize < 40) return null;
  return { format: 'bmp', width: Math.abs(i32le(b, 18)), height: Math.abs(i32le(b, 22)) };
}

/** Common files that are not images a browser decodes, by their magic bytes or leading text. */
function otherFile(b: Uint8Array): OtherFile | null {
  if (b.length >= 4 && (ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*'))
    return { kind: 'other', what: 'a TIFF image, which browsers do not decode' };
  if (b.length >= 12 && ascii(b, 4, 4) === 'ftyp') {
    const brand = ascii(b, 8, 4);
    if (/^(heic|heix|hevc|mif1|msf1)$/.test(brand))
      return { kind: 'other', what: 'a HEIC/HEIF image, which browsers do not decode' };
    if (!/^avi[fs]$/.test(brand)) return { kind: 'other', what: 'a video or MP4-family file, not a still image' };
    return null; // AVIF: let the browser try
  }
  if (b.length >= 4 && ascii(b, 0, 4) === '%PDF') return { kind: 'other', what: 'a PDF document' };
  if (b.length >= 4 && startsWith(b, [0x50, 0x4b, 0x03, 0x04])) return { kind: 'other', what: 'a ZIP archive' };
  const head = new TextDecoder('utf-8', { fatal: false })
    .decode(b.subarray(0, 512))
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || /^<(head|body|meta|script|title)\b/.test(head))
    return { kind: 'other', what: 'an HTML page (a download that returned a web page instead of the image?)' };
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg')))
    return { kind: 'other', what: 'an SVG drawing; export it as PNG to open it' };
  if (head.startsWith('{') || head.startsWith('[')) return { kind: 'other', what: 'a JSON or text file' };
  return null;
}
