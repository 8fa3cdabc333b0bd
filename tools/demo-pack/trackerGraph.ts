/**
 * tracker.onnx (onnx-community sam3-tracker prompt decoder contract). See README.md for the designed behaviour:
 * a positive point selects the 8-connected same-colour region under it, a box the pixels of its dominant colour
 * inside it, a negative point cuts its region out; three candidates [shrunk, exact, grown] ranked by IoU scores.
 */
import { MASK_GAIN } from './detectorGraph.ts';
import { backgroundClass, componentLabels, gridCover, overlap, range, up2 } from './gridSteps.ts';
import { GraphBuilder } from './onnxBuilder.ts';
import { NUM_CLASSES } from '../scenes/palette.ts';
import { CELL, EMB_DIMS, GRID0, GRID1, GRID2 } from './visionGraph.ts';

/** Label-propagation steps of the same-colour components (≥ the Chebyshev diameter of a convex shape on 64²). */
export const TRACKER_PROPAGATION_STEPS = 64;
/** Predicted IoU of the candidates [shrunk, exact, grown]: the exact one (index 1) ranks first. */
export const CANDIDATE_IOU = [0.6, 0.9, 0.4] as const;
/** Side of the min/max pool (in 128² cells) that shrinks / grows the exact candidate. */
export const CANDIDATE_KERNEL = 5;
export const OBJECT_LOGIT = 10;
/**
 * Weight of the background class (the 64² border's dominant class) in a box's dominant-class vote: 0, so a box on
 * plain background selects nothing; points on the background select nothing either (an object that has left its
 * tracked box and interior point disappears).
 */
export const TRACKER_BACKGROUND_WEIGHT = 0;

const P = NUM_CLASSES;
const G = GRID1;
const CELLS = G * G;
/** 128² cell size in input pixels (3.5). */
const CELL0 = CELL / 2;

/** Box coverage of every cell of an n×n grid: xyxy rows [M,4] in pixels → [M,n·n]. */
function boxCover(g: GraphBuilder, boxes: string, cellPx: number, n: number): string {
  const b = g.div(boxes, g.scalar(cellPx));
  const col = (i: number) => g.slice(b, [i], [i + 1], [1]);
  const ovX = overlap(g, col(0), col(2), n);
  const ovY = overlap(g, col(1), col(3), n);
  return gridCover(g, ovX, ovY, n);
}

/** Step 1: per-class same-colour components on the 64² grid and the background class. */
export interface ColourRegions {
  /** Class fractions [P,4096] and their transpose [4096,P] (64² grid). */
  fracPC: string;
  fracT: string;
  /** Cells with fraction > 0.5 per class [1,P,64,64]. */
  on: string;
  /** 4096 − cell index [1,1,64,64]: a component's label is its first cell's value. */
  rev: string;
  /** Component labels per class [1,P,64,64] (unique across classes). */
  label: string;
  /** 1 for the background class (the 64² border's dominant one) [1,P]. */
  isBg: string;
  /** Box-vote weight per class [1,P] (background weighted TRACKER_BACKGROUND_WEIGHT). */
  classWeight: string;
  /** 1 − isBg as [1,P,1,1]. */
  notBg: string;
  /** One label per cell, background class excluded [1,4096]. */
  labelFlat: string;
}

/**
 * 8-connected components of each class's `fraction > 0.5` on the 64² grid (labels unique across classes:
 * 4096 − index of the component's first cell) and the background class.
 */
export function colourRegions(g: GraphBuilder, emb1: string): ColourRegions {
  const frac1 = g.slice(emb1, [0], [P], [1]); // [1,P,64,64]
  const fracPC = g.reshape(frac1, [P, CELLS]);
  const on = g.toFloat(g.op('Greater', [frac1, g.scalar(0.5)])); // [1,P,64,64]
  const { rev, label } = componentLabels(g, on, TRACKER_PROPAGATION_STEPS);
  // The background class (the 64² border's dominant one) is never selected: its cells get label 0.
  const fracT = g.op('Transpose', [fracPC], { perm: [1, 0] }); // [4096,P]
  const { isBg, classWeight } = backgroundClass(g, fracT, TRACKER_BACKGROUND_WEIGHT);
  const notBg = g.reshape(g.sub(g.scalar(1), isBg), [1, P, 1, 1]);
  const labelFlat = g.reshape(g.reduceSum(g.mul(label, notBg), [1], 0), [1, CELLS]); // one class per cell
  return { fracPC, fracT, on, rev, label, isBg, classWeight, notBg, labelFlat };
}

/** Step 2: the regions under positive (label 1) and negative (label 0) points, per object. */
export interface PointSelection {
  /** [N,1,4096] cells of positive / negative regions. */
  pos: string;
  neg: string;
  /** 1 − neg. */
  keep: string;
  /** `on` as [1,P,4096]. */
  onPC: string;
  /** Positive regions minus negative ones, per class [N,P,4096]. */
  ptsK: string;
}

/**
 * `pts` [1,N,Q,2] in 448-frame pixels with their labels `lbl` [1,N,Q] (`shapeNP` = [N,Q]); `constant` makes a
 * scalar of the labels' dtype (the tracker's labels are int64, the memory decoder's float).
 */
export function pointSelection(
  g: GraphBuilder,
  r: ColourRegions,
  pts: string,
  lbl: string,
  shapeNP: string,
  constant: (v: number) => string,
): PointSelection {
  const xy = g.div(g.reshape(pts, [-1, 2]), g.scalar(CELL)); // [M,2] in 64²-cell units
  const lo = g.f32(
    range(G, (j) => j),
    [1, G],
  );
  const hi = g.f32(
    range(G, (j) => j + 1),
    [1, G],
  );
  const inCell = (v: string) => g.toFloat(g.op('And', [g.op('Not', [g.op('Less', [v, lo])]), g.op('Less', [v, hi])])); // [M,64]
  const rowOH = g.op('Unsqueeze', [inCell(g.slice(xy, [1], [2], [1])), g.i64([2], [1])]);
  const colOH = g.op('Unsqueeze', [inCell(g.slice(xy, [0], [1], [1])), g.i64([1], [1])]);
  const cellOH = g.reshape(g.mul(rowOH, colOH), [-1, CELLS]); // [M,4096] (all 0 outside the frame)
  const ptLabel = g.op('MatMul', [cellOH, g.op('Transpose', [r.labelFlat], { perm: [1, 0] })]); // [M,1]
  const member = g.toFloat(
    g.op('And', [g.op('Equal', [r.labelFlat, ptLabel]), g.op('Greater', [ptLabel, g.scalar(0)])]),
  ); // [M,4096]
  const flatLabels = g.reshape(lbl, [-1, 1]);
  const byObject = (want: number) => {
    const w = g.toFloat(g.op('Equal', [flatLabels, constant(want)]));
    const perPoint = g.op('Reshape', [g.mul(member, w), g.op('Concat', [shapeNP, g.i64([CELLS], [1])], { axis: 0 })]);
    return g.op('Unsqueeze', [g.reduce('ReduceMax', perPoint, [1], 0), g.i64([1], [1])]); // [N,1,4096]
  };
  const pos = byObject(1);
  const neg = byObject(0);
  const keep = g.sub(g.scalar(1), neg);
  const onPC = g.reshape(r.on, [1, P, CELLS]);
  const ptsK = g.mul(g.mul(pos, onPC), keep); // [N,P,4096]
  return { pos, neg, keep, onPC, ptsK };
}

/**
 * Step 3: a box's dominant class (background weight TRACKER_BACKGROUND_WEIGHT) selects that colour inside the box.
 * `boxRows` [B,4] xyxy in 448-frame pixels (B = 1 broadcasts over the objects). Returns the selection [N,P,4096]
 * and the exact box coverage at 128² [B,1,128,128].
 */
export function boxSelection(
  g: GraphBuilder,
  r: ColourRegions,
  p: PointSelection,
  boxRows: string,
): { boxK: string; cover128: string } {
  const cover64 = boxCover(g, boxRows, CELL, G); // [B,4096]
  const cover128 = g.reshape(boxCover(g, boxRows, CELL0, GRID0), [-1, 1, GRID0, GRID0]);
  const boxArea = g.mul(g.op('MatMul', [cover64, r.fracT]), r.classWeight); // [B,P]
  const isTop = g.op('Equal', [boxArea, g.reduce('ReduceMax', boxArea, [1], 1)]);
  const boxOH = g.toFloat(g.op('And', [isTop, g.op('Greater', [boxArea, g.scalar(0)])]));
  const inBox = g.op('Unsqueeze', [g.toFloat(g.op('Greater', [cover64, g.scalar(0)])), g.i64([1], [1])]);
  const boxK = g.mul(g.mul(g.mul(g.op('Unsqueeze', [boxOH, g.i64([2], [1])]), p.onPC), inBox), p.keep); // [N,P,4096]
  return { boxK, cover128 };
}

/** Soft map at 128² of per-class selected 64² cells [N,P,4096]: the cells dilated by one cell × that class's fractions. */
export type SoftMap = (selected: string) => string;

/**
 * Step 4: the exact soft map [N,1,128,128] in [0,1] (box part × box coverage, negative regions cut out) and the
 * soft-map function over `emb0`'s fractions.
 */
export function exactMap(
  g: GraphBuilder,
  emb0: string,
  p: PointSelection,
  box: { boxK: string; cover128: string },
): { exact: string; soft128: SoftMap } {
  const frac0 = g.slice(emb0, [0], [P], [1]); // [1,P,128,128]
  const soft128: SoftMap = (k) => {
    const dil = up2(g, g.maxPool2d(g.reshape(k, [-1, P, G, G]), 3, 1, 1));
    return g.reduceSum(g.mul(dil, frac0), [1], 1); // [N,1,128,128]
  };
  const negUp = up2(g, g.reshape(p.neg, [-1, 1, G, G]));
  const softAll = g.op('Max', [soft128(p.ptsK), g.mul(soft128(box.boxK), box.cover128)]);
  const exact = g.mul(g.clip(softAll, 0, 1), g.sub(g.scalar(1), negUp)); // [N,1,128,128]
  return { exact, soft128 };
}

export function buildTrackerGraph(): Uint8Array {
  const g = new GraphBuilder('demo_tracker');
  const points = g.input('input_points', 'float32', [1, 'num_objects', 'num_points', 2]);
  const labels = g.input('input_labels', 'int64', [1, 'num_objects', 'num_points']);
  const boxes = g.input('input_boxes', 'float32', [1, 'num_boxes', 4]);
  const emb0 = g.input('image_embeddings.0', 'float32', [1, EMB_DIMS[0], GRID0, GRID0]);
  const emb1 = g.input('image_embeddings.1', 'float32', [1, EMB_DIMS[1], G, G]);
  const emb2 = g.input('image_embeddings.2', 'float32', [1, EMB_DIMS[2], GRID2, GRID2]);

  // 1. Class fractions and same-colour 8-connected components on the 64² grid.
  const regions = colourRegions(g, emb1);

  // 2. Points: one padding point (label −1) per object so that P = 0 works; the cell under each point.
  // (Concat, not Pad: onnxruntime-web's WebGPU Pad rejects zero-sized inputs.)
  const shapeN1 = g.op('Concat', [g.slice(g.op('Shape', [labels]), [0], [2], [0]), g.i64([1], [1])], { axis: 0 });
  const padLabel = g.op('Expand', [g.i64([-1], [1, 1, 1]), shapeN1]); // [1,N,1]
  const lbl = g.op('Concat', [labels, padLabel], { axis: 2 }); // [1,N,P+1]
  const padPoint = g.op('Expand', [
    g.f32([0, 0], [1, 1, 1, 2]),
    g.op('Concat', [shapeN1, g.i64([2], [1])], { axis: 0 }),
  ]);
  const pts = g.op('Concat', [points, padPoint], { axis: 2 }); // [1,N,P+1,2]
  const shapeNP = g.slice(g.op('Shape', [lbl]), [1], [3], [0]); // [N, P+1]
  const sel = pointSelection(g, regions, pts, lbl, shapeNP, (v) => g.i64([v], []));

  // 3. Box: one zero box appended (Nb = 0 → that one row, broadcast over the objects; Nb = N → the first N rows).
  const boxRows = g.op('Slice', [
    g.reshape(g.op('Concat', [boxes, g.f32([0, 0, 0, 0], [1, 1, 4])], { axis: 1 }), [-1, 4]),
    g.i64([0], [1]),
    g.slice(shapeNP, [0], [1], [0]),
    g.i64([0], [1]),
  ]); // [B,4], B ∈ {1, N}
  const box = boxSelection(g, regions, sel, boxRows);

  // 4. Soft exact map at 128².
  const { exact } = exactMap(g, emb0, sel, box);
  const { ptsK } = sel;
  const { boxK } = box;

  // 5. Candidates [shrunk, exact, grown] as logits; IoU scores rank the exact one first.
  const grown = g.maxPool2d(exact, CANDIDATE_KERNEL, 1, (CANDIDATE_KERNEL - 1) / 2);
  const neg1 = g.scalar(-1);
  const shrunk = g.mul(g.maxPool2d(g.mul(exact, neg1), CANDIDATE_KERNEL, 1, (CANDIDATE_KERNEL - 1) / 2), neg1);
  const cands = g.op('Concat', [shrunk, exact, grown], { axis: 1 }); // [N,3,128,128]
  const logits = g.mul(g.sub(cands, g.scalar(0.5)), g.scalar(MASK_GAIN));
  g.output('pred_masks', g.op('Unsqueeze', [logits, g.i64([0], [1])]), 'float32', [1, 'num_objects', 3, GRID0, GRID0]);
  const region = g.op('Max', [g.reduce('ReduceMax', ptsK, [1, 2], 0), g.reduce('ReduceMax', boxK, [1, 2], 0)]); // [N]
  const unused = g.mul(g.op('ReduceMax', [emb2], { keepdims: 0 }), g.scalar(0));
  const present = g.add(g.reshape(region, [-1, 1]), unused); // [N,1]: 1 when the exact region is non-empty
  const ious = g.mul(present, g.f32(CANDIDATE_IOU, [1, 3]));
  g.output('iou_scores', g.op('Unsqueeze', [ious, g.i64([0], [1])]), 'float32', [1, 'num_objects', 3]);
  const objLogit = g.mul(g.sub(g.mul(present, g.scalar(2)), g.scalar(1)), g.scalar(OBJECT_LOGIT));
  g.output('object_score_logits', g.op('Unsqueeze', [objLogit, g.i64([0], [1])]), 'float32', [1, 'num_objects', 1]);
  return g.toBytes();
}
