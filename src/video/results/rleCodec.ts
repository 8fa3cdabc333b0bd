/**
 * Compact mask encodings for the per-frame results of a long video (pure; Node tests import it).
 *
 * - `packCounts` / `unpackCounts`: row-major RLE counts (the worker's `RleMask.counts`) as bytes. Each count is
 *   stored as the difference to the count two places back (for a smooth shape a row's 0-run and 1-run change by a
 *   few pixels from one row to the next), zig-zag signed, LEB128 varint: about one byte per count instead of four.
 * - `rowMajorToCocoCounts` + `cocoCountsToString`: the same mask as pycocotools' compressed RLE (column-major)
 *   for the YouTube-VIS export, computed inside the mask's bounding box only.
 *
 * pycocotools' string coding itself is the protocol's (workers/protocol/cocoRle.ts), shared with the engine.
 */
import { rowSegments } from '../../draw/rowSegments';

export { cocoCountsToString, cocoStringToCounts } from '../../../workers/protocol/cocoRle';

/** Row-major counts → delta / zig-zag / varint bytes. */
export function packCounts(counts: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(counts.length * 5 + 5);
  let p = writeVarint(out, 0, counts.length);
  for (let i = 0; i < counts.length; i++) {
    const d = i >= 2 ? counts[i] - counts[i - 2] : counts[i];
    p = writeVarint(out, p, d >= 0 ? d * 2 : -d * 2 - 1);
  }
  return out.slice(0, p);
}

/** The inverse of `packCounts`. */
export function unpackCounts(bytes: Uint8Array): Uint32Array {
  let p = 0;
  const read = (): number => {
    let v = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[p++];
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 128;
    }
  };
  const n = read();
  const counts = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const z = read();
    const d = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    counts[i] = i >= 2 ? counts[i - 2] + d : d;
  }
  return counts;
}

function writeVarint(out: Uint8Array, p: number, v: number): number {
  while (v >= 0x80) {
    out[p++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  out[p++] = v;
  return p;
}

/**
 * Row-major RLE (width × height, or over the crop `box` of that frame) → column-major run lengths (pycocotools'
 * order) of the whole frame. Only the bounding box of the set pixels is rasterised, so the cost is the box's area,
 * not the frame's.
 */
export function rowMajorToCocoCounts(
  counts: ArrayLike<number>,
  width: number,
  height: number,
  box?: [number, number, number, number],
): number[] {
  const { runs, minX, maxX, minY, maxY } = rowSegments(counts, width, box);
  if (maxX < 0) return [width * height];
  const bw = maxX - minX + 1;
  const bh = maxY - minY + 1;
  const cells = new Uint8Array(bw * bh); // column-major inside the set pixels' box
  for (let r = 0; r < runs.length; r += 3) {
    const y = runs[r] - minY;
    for (let x = runs[r + 1]; x < runs[r + 2]; x++) cells[(x - minX) * bh + y] = 1;
  }
  const out: number[] = [];
  let value = 0;
  let length = 0;
  const push = (bit: number, n: number) => {
    if (n <= 0) return;
    if (bit !== value) {
      out.push(length);
      value = bit;
      length = 0;
    }
    length += n;
  };
  push(0, minX * height); // every column left of the box is empty
  for (let cx = 0; cx < bw; cx++) {
    push(0, minY); // rows above the box in this column
    const col = cx * bh;
    for (let y = 0; y < bh; y++) push(cells[col + y], 1);
    push(0, height - 1 - maxY); // rows below the box
  }
  push(0, (width - 1 - maxX) * height);
  out.push(length);
  return out;
}
