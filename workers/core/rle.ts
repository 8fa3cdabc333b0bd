/**
 * Run-length encodings of binary masks.
 *
 * - Row-major runs: the worker → UI mask format (`RleMask` in workers/protocol/results.ts): counts alternate
 *   0-runs and 1-runs over the pixels in row-major order, starting with a 0-run that may be empty.
 * - COCO RLE: pycocotools-compatible for export (`CocoExport`): the same alternation over COLUMN-major
 *   (Fortran) order, compressed to pycocotools' `rleToString` text (LEB128-like, 5 data bits per character,
 *   0x20 continuation bit, +48 offset; from the fourth count on, each count is stored as a delta to the count
 *   two places back). `size` is `[height, width]`.
 */

import { cocoCountsToString, cocoStringToCounts } from '../protocol/cocoRle';

export { cocoCountsToString, cocoStringToCounts };

/** A pycocotools compressed RLE (`segmentation` of a COCO annotation). */
export interface CocoRle {
  /** `[height, width]`. */
  size: [number, number];
  counts: string;
}

/** Collects alternating run lengths, starting with a (possibly empty) 0-run. */
class RunBuilder {
  private readonly runs: number[] = [];
  private value = 0;
  private length = 0;

  push(bit: number): void {
    if (bit !== this.value) {
      this.runs.push(this.length);
      this.value = bit;
      this.length = 0;
    }
    this.length++;
  }

  finish(): Uint32Array {
    this.runs.push(this.length);
    return Uint32Array.from(this.runs);
  }
}

/** Row-major runs of a `w × h` mask (non-zero = set). */
export function encodeRowMajorRle(mask: Uint8Array, w: number, h: number): Uint32Array {
  const n = w * h;
  if (mask.length < n) throw new RangeError('mask is shorter than w·h');
  const runs = new RunBuilder();
  for (let i = 0; i < n; i++) runs.push(mask[i] !== 0 ? 1 : 0);
  return runs.finish();
}

/** Inverse of `encodeRowMajorRle`: a row-major 0/1 mask. Throws when the runs do not cover exactly w·h. */
export function decodeRowMajorRle(counts: ArrayLike<number>, w: number, h: number): Uint8Array {
  const n = w * h;
  const mask = new Uint8Array(n);
  let p = 0;
  for (let k = 0; k < counts.length; k++) {
    const end = p + counts[k];
    if (end > n) throw new RangeError('RLE runs exceed the mask size');
    if (k % 2 === 1) mask.fill(1, p, end);
    p = end;
  }
  if (p !== n) throw new RangeError(`RLE runs cover ${p} pixels, expected ${n}`);
  return mask;
}

/** A mask of a `width × height` frame whose runs cover the crop `box` (absent: the whole frame). */
export interface CroppedRle {
  width: number;
  height: number;
  box?: [number, number, number, number];
  counts: ArrayLike<number>;
}

/** Row-major 0/1 pixels of the whole frame of a cropped mask (tests, exports; the engine never needs the frame). */
export function decodeMaskToFrame(mask: CroppedRle): Uint8Array {
  const [x0, y0, x1, y1] = mask.box ?? [0, 0, mask.width, mask.height];
  const cw = x1 - x0;
  const crop = decodeRowMajorRle(mask.counts, cw, y1 - y0);
  if (cw === mask.width && y0 === 0 && y1 === mask.height) return crop;
  const out = new Uint8Array(mask.width * mask.height);
  for (let y = y0; y < y1; y++) out.set(crop.subarray((y - y0) * cw, (y - y0 + 1) * cw), y * mask.width + x0);
  return out;
}

/** Column-major (Fortran order) runs of a row-major `w × h` mask: pycocotools `rleEncode`. */
export function encodeColumnMajorRuns(mask: Uint8Array, w: number, h: number): Uint32Array {
  if (mask.length < w * h) throw new RangeError('mask is shorter than w·h');
  const runs = new RunBuilder();
  for (let x = 0; x < w; x++) for (let i = x; i < w * h; i += w) runs.push(mask[i] !== 0 ? 1 : 0);
  return runs.finish();
}

/** Row-major `w × h` mask → pycocotools compressed RLE (`mask_utils.encode(np.asfortranarray(mask))`). */
export function encodeCocoRle(mask: Uint8Array, w: number, h: number): CocoRle {
  return { size: [h, w], counts: cocoCountsToString(encodeColumnMajorRuns(mask, w, h)) };
}

/**
 * pycocotools compressed RLE of a `w × h` mask whose set pixels all lie in the crop `box` `[x0, y0, x1, y1)`, given
 * the crop's row-major bits. Equal to `encodeCocoRle` of the full mask, but columns outside the crop are one run each.
 */
export function encodeCocoRleFromCrop(
  cropBits: Uint8Array,
  box: [number, number, number, number],
  w: number,
  h: number,
): CocoRle {
  const [x0, y0, x1, y1] = box;
  const cw = x1 - x0;
  const runs: number[] = [];
  let value = 0;
  let length = 0;
  const add = (bit: number, n: number) => {
    if (n === 0) return;
    if (bit !== value) {
      runs.push(length);
      value = bit;
      length = 0;
    }
    length += n;
  };
  for (let x = 0; x < w; x++) {
    if (x < x0 || x >= x1 || y1 <= y0) {
      add(0, h);
      continue;
    }
    add(0, y0);
    for (let y = y0; y < y1; y++) add(cropBits[(y - y0) * cw + (x - x0)] ? 1 : 0, 1);
    add(0, h - y1);
  }
  runs.push(length);
  return { size: [h, w], counts: cocoCountsToString(runs) };
}

/** pycocotools compressed RLE → row-major 0/1 mask of `size[1] × size[0]` (width × height). */
export function decodeCocoRle(rle: CocoRle): Uint8Array {
  const [h, w] = rle.size;
  const counts = cocoStringToCounts(rle.counts);
  const mask = new Uint8Array(w * h);
  let p = 0;
  for (let k = 0; k < counts.length; k++) {
    const end = p + counts[k];
    if (counts[k] < 0 || end > w * h) throw new RangeError('COCO RLE runs exceed the mask size');
    if (k % 2 === 1) {
      // Column-major index i is pixel (x = floor(i / h), y = i mod h).
      let x = Math.floor(p / h);
      let y = p - x * h;
      for (let i = p; i < end; i++) {
        mask[y * w + x] = 1;
        if (++y === h) {
          y = 0;
          x++;
        }
      }
    }
    p = end;
  }
  if (p !== w * h) throw new RangeError(`COCO RLE runs cover ${p} pixels, expected ${w * h}`);
  return mask;
}

/** Area (set pixels) of a compressed COCO RLE: the sum of its 1-runs (pycocotools `area`). */
export function cocoRleArea(rle: CocoRle): number {
  const counts = cocoStringToCounts(rle.counts);
  let area = 0;
  for (let k = 1; k < counts.length; k += 2) area += counts[k];
  return area;
}
