/**
 * Box conversions between the user's pixel boxes, the graphs' normalized boxes and result boxes
 * (reference.md §3 "stretch ⇒ normalized coordinates map directly", §5 boxes, §6 exemplar boxes;
 * exports.md §3.5 no-geometry slot, §17.4 step 2).
 */

/** Four numbers: `[x1, y1, x2, y2]` or `[cx, cy, w, h]` depending on the function. */
export type Box4 = [number, number, number, number];

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/** Clips an xyxy box to `[0, W] × [0, H]`. */
export function clipXyxy(b: Box4, W: number, H: number): Box4 {
  return [clamp(b[0], 0, W), clamp(b[1], 0, H), clamp(b[2], 0, W), clamp(b[3], 0, H)];
}

/**
 * xyxy in original-image pixels → cxcywh normalized to [0, 1] (the detector's exemplar box input,
 * reference.md §6 HF processor rule). Corners are put in order and clipped to the image first.
 */
export function xyxyPxToCxcywhNorm(b: Box4, W: number, H: number): Box4 {
  const [x1, y1, x2, y2] = clipXyxy(
    [Math.min(b[0], b[2]), Math.min(b[1], b[3]), Math.max(b[0], b[2]), Math.max(b[1], b[3])],
    W,
    H,
  );
  return [(x1 + x2) / 2 / W, (y1 + y2) / 2 / H, (x2 - x1) / W, (y2 - y1) / H];
}

/** cxcywh → xyxy in the same units (Meta raw `pred_boxes` rule, reference.md §5). */
export function cxcywhToXyxy(b: Box4): Box4 {
  const [cx, cy, w, h] = b;
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}

/** Normalized xyxy → original-image pixels (× [W, H, W, H]), clipped to the image (exports.md §17.4 step 2). */
export function xyxyNormToPx(b: Box4, W: number, H: number): Box4 {
  return clipXyxy([b[0] * W, b[1] * H, b[2] * W, b[3] * H], W, H);
}

/** Intersection over union of two xyxy boxes; 0 when the union is empty. */
export function boxIou(a: Box4, b: Box4): number {
  const iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  const inter = iw > 0 && ih > 0 ? iw * ih : 0;
  const areaA = Math.max(0, a[2] - a[0]) * Math.max(0, a[3] - a[1]);
  const areaB = Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
  const union = areaA + areaB - inter;
  return union > 0 ? inter / union : 0;
}

export interface ExemplarBox {
  xyxyPx: Box4;
  positive: boolean;
}

export interface PackedExemplarBoxes {
  /** `[1, count, 4]` data: cxcywh normalized. */
  boxes: Float32Array;
  /** `[1, count]` data: 1 positive, 0 negative, `padLabel` for the empty slot. */
  labels: BigInt64Array;
  /** Number of slots N in the tensors (≥ 1: one padding slot when there are no boxes). */
  count: number;
}

/**
 * Packs exemplar boxes for the usls v2 / HF detector layout (batch-first `[1, N, 4]` cxcywh normalized,
 * int64 labels 1/0; reference.md §6, exports.md §3.5). With no boxes, returns one zero box labelled
 * `padLabel` (−10): never a zero-length axis.
 */
export function packExemplarBoxes(boxes: ExemplarBox[], W: number, H: number, padLabel: number): PackedExemplarBoxes {
  if (boxes.length === 0) {
    return { boxes: new Float32Array(4), labels: new BigInt64Array([BigInt(padLabel)]), count: 1 };
  }
  const out = new Float32Array(boxes.length * 4);
  const labels = new BigInt64Array(boxes.length);
  boxes.forEach((b, i) => {
    out.set(xyxyPxToCxcywhNorm(b.xyxyPx, W, H), i * 4);
    labels[i] = b.positive ? 1n : 0n;
  });
  return { boxes: out, labels, count: boxes.length };
}
