/**
 * detector.onnx (usls-v2-decoder contract). See README.md for the designed behaviour:
 * concept classes (text ∪ positive boxes) → concept map f on the 64² grid → 8-connected components of f > 0.5
 * (label propagation, unrolled) → one component per query, in raster order of its first cell.
 */
import { backgroundClass, componentLabels, gridCover, overlap, range, up2 } from './gridSteps.ts';
import { GraphBuilder } from './onnxBuilder.ts';
import { NUM_CLASSES } from '../scenes/palette.ts';
import { CONTEXT_LENGTH } from './textGraph.ts';
import { FEAT_DIM, GRID0, GRID1, GRID2 } from './visionGraph.ts';

export const QUERIES = 200;
/** Label-propagation steps (≥ the longest 8-connected geodesic path from a component's first cell). */
export const PROPAGATION_STEPS = 96;
/** Mask logit = MASK_GAIN·(f − 0.5); unused or far cells get −MASK_GAIN/2 = −10. */
export const MASK_GAIN = 20;
export const EMPTY_LOGIT = -10;
/** Score = area / (area + AREA_HALF), i.e. logit = ln(area / AREA_HALF), area in 64²-grid cells. */
export const AREA_HALF = 16;
/** A positive box's background class (the border's dominant class) has its area weighted by this. */
export const BACKGROUND_WEIGHT = 0.25;

const P = NUM_CLASSES;
const G = GRID1;
const CELLS = G * G;
const Q = QUERIES;

/** Near and far edges [1,Q] (cell units) of per-query profiles [1,Q,128], with sub-cell accuracy. */
function profileEdges(g: GraphBuilder, profile: string): [string, string] {
  const peak = g.op('Max', [g.reduce('ReduceMax', profile, [2], 1), g.scalar(1e-6)]);
  const p = g.div(profile, peak);
  const empty = g.sub(g.scalar(1), p);
  const full = g.toFloat(g.op('Not', [g.op('Less', [p, g.scalar(0.99)])]));
  // Exclusive prefix counts as a MatMul with a strictly triangular 0/1 matrix built in-graph (CumSum's WebGPU
  // kernel in onnxruntime-web 1.30 does not compile).
  const idx = g.f32(
    range(GRID0, (i) => i),
    [GRID0],
  );
  const rows = g.reshape(idx, [GRID0, 1]);
  const cols = g.reshape(idx, [1, GRID0]);
  const before = g.toFloat(g.op('Less', [rows, cols])); // [i,j] = i < j
  const after = g.toFloat(g.op('Greater', [rows, cols])); // [i,j] = i > j
  const edge = (reverse: 0 | 1) => {
    const fullBefore = g.op('MatMul', [full, reverse ? after : before]);
    const outside = g.toFloat(g.op('Less', [fullBefore, g.scalar(0.5)]));
    return g.reduceSum(g.mul(outside, empty), [2], 0);
  };
  return [edge(0), g.sub(g.scalar(GRID0), edge(1))];
}

export function buildDetectorGraph(): Uint8Array {
  const g = new GraphBuilder('demo_detector');
  const feat0 = g.input('fpn_feat_0', 'float32', [1, FEAT_DIM, GRID0, GRID0]);
  const feat1 = g.input('fpn_feat_1', 'float32', [1, FEAT_DIM, G, G]);
  const feat2 = g.input('fpn_feat_2', 'float32', [1, FEAT_DIM, GRID2, GRID2]);
  const pos2 = g.input('fpn_pos_2', 'float32', [1, FEAT_DIM, GRID2, GRID2]);
  const textFeatures = g.input('text_features', 'float32', [1, CONTEXT_LENGTH, FEAT_DIM]);
  const textMask = g.input('text_mask', 'bool', [1, CONTEXT_LENGTH]);
  const inputBoxes = g.input('input_boxes', 'float32', [1, 'num_boxes', 4]);
  const inputLabels = g.input('input_boxes_labels', 'int64', [1, 'num_boxes']);

  // 1. Concept classes named by valid text tokens: [1,P].
  const validTok = g.op('Unsqueeze', [g.toFloat(textMask), g.i64([2], [1])]);
  const textOneHot = g.mul(g.slice(textFeatures, [0], [P], [2]), validTok);
  const wText = g.reduce('ReduceMax', textOneHot, [1], 0);

  // 2. Level-1 class fractions.
  const fracPC = g.reshape(g.slice(feat1, [0], [P], [1]), [P, CELLS]);
  const fracT = g.op('Transpose', [fracPC], { perm: [1, 0] }); // [4096,P]

  // 3. Boxes: cxcywh-norm → per-cell coverage [N,4096]; labels.
  const bx = g.mul(g.reshape(inputBoxes, [-1, 4]), g.scalar(G));
  const col = (i: number) => g.slice(bx, [i], [i + 1], [1]); // [N,1]
  const halfW = g.mul(col(2), g.scalar(0.5));
  const halfH = g.mul(col(3), g.scalar(0.5));
  const ovX = overlap(g, g.sub(col(0), halfW), g.add(col(0), halfW), G);
  const ovY = overlap(g, g.sub(col(1), halfH), g.add(col(1), halfH), G);
  const cover = gridCover(g, ovX, ovY, G); // [N,4096]
  const labels = g.reshape(inputLabels, [-1]);
  const isPos = g.toFloat(g.op('Equal', [labels, g.i64([1], [])])); // [N]
  const isNeg = g.toFloat(g.op('Equal', [labels, g.i64([0], [])]));

  // 4. Dominant class inside each positive box, the background (border-dominant) class down-weighted.
  const { classWeight } = backgroundClass(g, fracT, BACKGROUND_WEIGHT);
  const boxArea = g.mul(g.op('MatMul', [cover, fracT]), classWeight); // [N,P]
  const isTop = g.op('Equal', [boxArea, g.reduce('ReduceMax', boxArea, [1], 1)]);
  const boxOneHot = g.mul(
    g.toFloat(g.op('And', [isTop, g.op('Greater', [boxArea, g.scalar(0)])])),
    g.op('Unsqueeze', [isPos, g.i64([1], [1])]),
  );
  const wBox = g.reduce(
    'ReduceMax',
    g.op('Concat', [boxOneHot, g.f32(new Float32Array(P), [1, P])], { axis: 0 }),
    [0],
    1,
  );
  const w = g.op('Max', [wText, wBox]); // [1,P]

  // 5. Concept maps: f at 64² and at 128² (both clipped to 1).
  const f = g.reshape(g.clip(g.op('MatMul', [w, fracPC]), 0, 1), [1, 1, G, G]);
  const frac0 = g.reshape(g.slice(feat0, [0], [P], [1]), [P, GRID0 * GRID0]);
  const f128 = g.reshape(g.clip(g.op('MatMul', [w, frac0]), 0, 1), [1, 1, GRID0, GRID0]);

  // 6. 8-connected components of f > 0.5: every cell takes the max of (4096 − index) over its component.
  const on = g.toFloat(g.op('Greater', [f, g.scalar(0.5)]));
  const { rev, label } = componentLabels(g, on, PROPAGATION_STEPS);

  // 7. Roots (a component's first cell in raster order) → queries, first-cell raster order.
  const root = g.mul(label, g.toFloat(g.op('Equal', [label, rev])));
  const [topVals] = g.opN('TopK', [g.reshape(root, [1, CELLS]), g.i64([Q], [1])], 2, {
    axis: 1,
    largest: 1,
    sorted: 1,
  });
  const qLabel = g.reshape(topVals, [Q, 1]);
  const valid = g.toFloat(g.op('Greater', [qLabel, g.scalar(0)])); // [Q,1]
  const member = g.mul(g.toFloat(g.op('Equal', [g.reshape(label, [1, CELLS]), qLabel])), valid); // [Q,4096]
  const area = g.reduceSum(member, [1], 1); // [Q,1]

  // 8. Masks: f restricted to the component dilated by one cell, as logits at 128².
  const dil = g.maxPool2d(g.reshape(member, [1, Q, G, G]), 3, 1, 1); // [1,Q,64,64]
  const dil128 = up2(g, dil);
  const soft = g.mul(dil128, f128);
  const masks = g.mul(g.sub(soft, g.scalar(0.5)), g.scalar(MASK_GAIN));
  g.output('pred_masks', masks, 'float32', [1, Q, GRID0, GRID0]);

  // 9. Boxes from the per-column / per-row max-fraction profiles of the soft component at 128².
  const [x0, x1] = profileEdges(g, g.reduce('ReduceMax', soft, [2], 0));
  const [y0, y1] = profileEdges(g, g.reduce('ReduceMax', soft, [3], 0));
  const unsq = (x: string) => g.op('Unsqueeze', [x, g.i64([2], [1])]);
  const xyxy = g.op('Concat', [unsq(x0), unsq(y0), unsq(x1), unsq(y1)], { axis: 2 }); // [1,Q,4]
  const boxes = g.mul(g.div(xyxy, g.scalar(GRID0)), g.reshape(valid, [1, Q, 1]));
  g.output('pred_boxes', boxes, 'float32', [1, Q, 4]);

  // 10. Scores: ln(area/16); unused queries and those ≥ 50 % inside a negative box get −10.
  const inside = g.op('MatMul', [member, g.op('Transpose', [cover], { perm: [1, 0] })]); // [Q,N]
  const safeArea = g.op('Max', [area, g.scalar(1)]);
  const mostlyIn = g.toFloat(g.op('Not', [g.op('Less', [g.div(inside, safeArea), g.scalar(0.5)])]));
  const negHit = g.mul(mostlyIn, g.op('Unsqueeze', [isNeg, g.i64([0], [1])]));
  const suppressed = g.reduce(
    'ReduceMax',
    g.op('Concat', [negHit, g.f32(new Float32Array(Q), [Q, 1])], { axis: 1 }),
    [1],
    1,
  );
  const keep = g.op('Greater', [g.mul(valid, g.sub(g.scalar(1), suppressed)), g.scalar(0.5)]);
  const logit = g.op('Log', [g.div(safeArea, g.scalar(AREA_HALF))]);
  const scores = g.op('Where', [keep, logit, g.scalar(EMPTY_LOGIT)]);
  g.output('pred_logits', g.reshape(scores, [1, Q]), 'float32', [1, Q]);

  // 11. Presence: 10·(max f − 0.5), clamped; the unused contract inputs enter ×0.
  const peak = g.reduce('ReduceMax', g.reshape(f, [1, CELLS]), [1], 1); // [1,1]
  const unused = g.mul(g.op('ReduceMax', [g.add(feat2, pos2)], { keepdims: 0 }), g.scalar(0));
  const presence = g.clip(g.add(g.mul(g.sub(peak, g.scalar(0.5)), g.scalar(10)), unused), -10, 10);
  g.output('presence_logits', presence, 'float32', [1, 1]);
  return g.toBytes();
}
