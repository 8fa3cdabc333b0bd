/**
 * Mask geometry for dataset formats: a COCO RLE decoded inside its box only (a 4000×3000 photo never gets a
 * full-size buffer per instance), outlines as polygons from d3-contour (marching squares at the 0.5 level, so the
 * outline runs half-way between set and unset pixel centres, in COCO's pixel-edge coordinates), and the join of a
 * multi-part outline into the single polygon YOLO's format allows.
 */
import { contours } from 'd3-contour';
import { cocoStringToCounts, type CocoRle } from '../core/rle';

export interface Crop {
  x: number;
  y: number;
  w: number;
  h: number;
  /** Row-major 0/1 over the crop. */
  mask: Uint8Array;
}

/** The part of a COCO RLE inside `[x, y, w, h]` (clipped to the image), decoded row-major. */
export function decodeRleCrop(rle: CocoRle, box: readonly [number, number, number, number]): Crop {
  const [H, W] = rle.size;
  const x0 = Math.max(0, Math.floor(box[0]));
  const y0 = Math.max(0, Math.floor(box[1]));
  const x1 = Math.min(W, Math.ceil(box[0] + box[2]));
  const y1 = Math.min(H, Math.ceil(box[1] + box[3]));
  const w = Math.max(0, x1 - x0);
  const h = Math.max(0, y1 - y0);
  const mask = new Uint8Array(w * h);
  const counts = cocoStringToCounts(rle.counts);
  let p = 0;
  for (let k = 0; k < counts.length; k++) {
    const end = p + counts[k];
    if (k % 2 === 1) {
      for (let i = Math.max(p, x0 * H); i < Math.min(end, x1 * H); i++) {
        const x = Math.floor(i / H);
        const y = i - x * H;
        if (y >= y0 && y < y1) mask[(y - y0) * w + (x - x0)] = 1;
      }
    }
    p = end;
  }
  return { x: x0, y: y0, w, h, mask };
}

/** Outer rings (holes dropped: COCO and YOLO polygons cannot express them) as [x0, y0, x1, y1, …] in image pixels. */
export function maskPolygons(crop: Crop): number[][] {
  if (crop.w === 0 || crop.h === 0) return [];
  // One pixel of padding so outlines touching the crop's edge close.
  const pw = crop.w + 2;
  const ph = crop.h + 2;
  const values = new Float64Array(pw * ph);
  for (let y = 0; y < crop.h; y++) {
    for (let x = 0; x < crop.w; x++) values[(y + 1) * pw + x + 1] = crop.mask[y * crop.w + x];
  }
  const [shape] = contours().size([pw, ph]).thresholds([0.5]).smooth(false)(Array.from(values));
  const out: number[][] = [];
  for (const polygon of shape?.coordinates ?? []) {
    const ring = simplifyCollinear(polygon[0].slice(0, -1));
    if (ring.length < 3) continue;
    out.push(ring.flatMap(([x, y]) => [x - 1 + crop.x, y - 1 + crop.y]));
  }
  return out;
}

/** Drops vertices that lie on the straight line between their neighbours. */
function simplifyCollinear(ring: number[][]): number[][] {
  const n = ring.length;
  if (n < 4) return ring;
  const keep: number[][] = [];
  for (let i = 0; i < n; i++) {
    const [ax, ay] = ring[(i - 1 + n) % n];
    const [bx, by] = ring[i];
    const [cx, cy] = ring[(i + 1) % n];
    if ((bx - ax) * (cy - by) - (by - ay) * (cx - bx) !== 0) keep.push(ring[i]);
  }
  return keep;
}

/**
 * Several rings → one ring, by walking to each next ring along a zero-width bridge from the closest pair of
 * vertices and back (rasterised, the bridges add no area).
 */
export function joinPolygons(rings: number[][]): number[] {
  if (rings.length === 0) return [];
  const pts = (r: number[]) => Array.from({ length: r.length / 2 }, (_, i) => [r[2 * i], r[2 * i + 1]]);
  let joined = pts(rings[0]);
  for (const next of rings.slice(1).map(pts)) {
    let best = [0, 0, Infinity];
    for (let i = 0; i < joined.length; i++) {
      for (let j = 0; j < next.length; j++) {
        const d = (joined[i][0] - next[j][0]) ** 2 + (joined[i][1] - next[j][1]) ** 2;
        if (d < best[2]) best = [i, j, d];
      }
    }
    const [i, j] = best;
    const loop = [...next.slice(j), ...next.slice(0, j), next[j]];
    joined = [...joined.slice(0, i + 1), ...loop, ...joined.slice(i)];
  }
  return joined.flat();
}
