/**
 * The video memory graphs (jax-image-tools/sam3-video-onnx contract, exports.md §9.3) and their `constants.json`.
 * Designed behaviour: "the previous mask's colour region, nearest to its last position" (see README.md):
 * - memory-encoder.onnx: per top-level token, channel 0 = the mask's area fraction in the cell, channels 1..12 =
 *   that fraction × the cell's palette fractions;
 * - memory-attention.onnx: copies the current features and writes the LAST spatial block's mask (channel 200) and
 *   colour weights (channels 201..212, broadcast) into spare channels;
 * - memory-decoder.onnx: with a real point (or a box) it is the tracker's prompt decoder (exact candidate); with
 *   only padding points it picks, among the same-colour regions of the remembered colour, the one that overlaps a
 *   blurred copy of the remembered mask most.
 */
import { MASK_GAIN } from './detectorGraph.ts';
import { up2 } from './gridSteps.ts';
import { GraphBuilder } from './onnxBuilder.ts';
import { NUM_CLASSES } from '../scenes/palette.ts';
import { boxSelection, CANDIDATE_IOU, colourRegions, exactMap, OBJECT_LOGIT, pointSelection } from './trackerGraph.ts';
import { EMB_DIMS, FEAT_DIM, GRID0, GRID1, GRID2, INPUT_SIZE } from './visionGraph.ts';

const P = NUM_CLASSES;
/** Memory token width (SAM 3: 64). */
export const MEMORY_DIM = 64;
/** Top-level tokens (32² = 1024). */
export const TOKENS = GRID2 * GRID2;
/** Spare feature channel that memory attention writes the remembered mask fraction into. */
export const MEMORY_MASK_CHANNEL = 200;
/** First of the P channels (201..212) that hold the remembered colour weights. */
export const MEMORY_COLOUR_CHANNEL = MEMORY_MASK_CHANNEL + 1;
/** A remembered cell counts when its mask fraction exceeds this (so sigmoid(−10) backgrounds vanish). */
export const MEMORY_MASK_GATE = 0.05;
/** The remembered colour is the dominant class of the memory when its weight exceeds this. */
export const MEMORY_COLOUR_MIN = 0.3;
/** Two box blurs of this side (64² cells): the remembered mask reaches 2·⌊k/2⌋ = 8 cells (56 px at 448). */
export const MEMORY_BLUR_KERNEL = 9;
/** At most this many same-colour regions (first cells in raster order) compete for a tracked object. */
export const MEMORY_CANDIDATES = 32;
/** Rows of `memory_temporal_positional_encoding` (SAM 3 num_maskmem). */
export const NUM_MASKMEM = 7;

const G = GRID1;
const CELLS = G * G;
/** Input pixels per top-level token (14). */
const TOKEN_PX = INPUT_SIZE / GRID2;

function range<T>(n: number, f: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

/**
 * memory-decoder.onnx (`jax-sam3-mask-decoder`): `feats0..2`, `input_points` [1,1,N,2] (448-frame pixels),
 * `input_labels` int32 [1,1,N] → `pred_masks` [1,1,128,128], `high_res_masks` [1,1,448,448], `iou_scores` [1,1],
 * `object_pointer` [1,1,256], `object_score_logits` [1,1].
 */
export function buildMemoryDecoderGraph(): Uint8Array {
  const g = new GraphBuilder('demo_memory_decoder');
  const feats0 = g.input('feats0', 'float32', [1, EMB_DIMS[0], GRID0, GRID0]);
  const feats1 = g.input('feats1', 'float32', [1, EMB_DIMS[1], G, G]);
  const feats2 = g.input('feats2', 'float32', [1, EMB_DIMS[2], GRID2, GRID2]);
  const points = g.input('input_points', 'float32', [1, 1, 'num_points', 2]);
  const labels = g.input('input_labels', 'int32', [1, 1, 'num_points']);

  // 1. Same-colour regions (the tracker's).
  const regions = colourRegions(g, feats1);

  // 2. Prompts: a padding point appended (Concat, so N = 0 never reaches a kernel empty); box corners (labels 2, 3)
  //    become the box and are ignored as points.
  const lblAll = g.op('Concat', [g.toFloat(labels), g.f32([-1], [1, 1, 1])], { axis: 2 }); // [1,1,N+1]
  const pts = g.op('Concat', [points, g.f32([0, 0], [1, 1, 1, 2])], { axis: 2 }); // [1,1,N+1,2]
  const isCorner = g.toFloat(g.op('Greater', [lblAll, g.scalar(1.5)]));
  const lbl = g.sub(lblAll, g.mul(isCorner, g.add(lblAll, g.scalar(1)))); // corners → −1
  const shapeNP = g.slice(g.op('Shape', [lbl]), [1], [3], [0]); // [1, N+1]
  const corner = (label: number) => {
    const w = g.toFloat(g.op('Equal', [lblAll, g.scalar(label)])); // [1,1,N+1]
    const xy = g.reduceSum(g.mul(pts, g.op('Unsqueeze', [w, g.i64([3], [1])])), [2], 0); // [1,1,2]
    return { xy: g.reshape(xy, [1, 2]), has: g.op('ReduceMax', [w], { keepdims: 0 }) };
  };
  const c2 = corner(2);
  const c3 = corner(3);
  const hasBox = g.mul(c2.has, c3.has);
  const boxRows = g.mul(
    g.op('Concat', [g.op('Min', [c2.xy, c3.xy]), g.op('Max', [c2.xy, c3.xy])], { axis: 1 }),
    hasBox,
  ); // [1,4], zeros without a box
  const isPoint = g.op('Or', [g.op('Equal', [lbl, g.scalar(1)]), g.op('Equal', [lbl, g.scalar(0)])]);
  const prompted = g.op('Max', [g.op('ReduceMax', [g.toFloat(isPoint)], { keepdims: 0 }), hasBox]); // 0/1

  // 3. Prompted path: the tracker's exact candidate.
  const sel = pointSelection(g, regions, pts, lbl, shapeNP, (v) => g.scalar(v));
  const box = boxSelection(g, regions, sel, boxRows);
  const { exact: exactPrompt, soft128 } = exactMap(g, feats0, sel, box);
  const selPrompt = g.op('Max', [sel.ptsK, box.boxK]); // [1,P,4096]

  // 4. Memory path: the remembered colour c and mask m (written by memory attention), the regions of colour c,
  //    the one overlapping the blurred m most.
  const m32 = g.slice(feats2, [MEMORY_MASK_CHANNEL], [MEMORY_MASK_CHANNEL + 1], [1]); // [1,1,32,32]
  const colour = g.reduce(
    'ReduceMax',
    g.slice(feats2, [MEMORY_COLOUR_CHANNEL], [MEMORY_COLOUR_CHANNEL + P], [1]),
    [2, 3],
    1,
  ); // [1,P,1,1]
  const isTopColour = g.op('Equal', [colour, g.reduce('ReduceMax', colour, [1], 1)]);
  const colourOH = g.mul(
    g.toFloat(g.op('And', [isTopColour, g.op('Greater', [colour, g.scalar(MEMORY_COLOUR_MIN)])])),
    regions.notBg,
  ); // [1,P,1,1], the background colour never
  const labelC = g.reshape(g.reduceSum(g.mul(regions.label, colourOH), [1], 1), [1, CELLS]);
  const rev = g.reshape(regions.rev, [1, CELLS]);
  const roots = g.mul(g.toFloat(g.op('Equal', [labelC, rev])), rev); // a component's first cell holds its label
  const [topRoots] = g.opN('TopK', [roots, g.i64([MEMORY_CANDIDATES], [1])], 2, { axis: 1, largest: 1, sorted: 1 });
  const rootCol = g.op('Transpose', [topRoots], { perm: [1, 0] }); // [K,1]
  const comps = g.toFloat(g.op('And', [g.op('Equal', [labelC, rootCol]), g.op('Greater', [rootCol, g.scalar(0)])])); // [K,4096]
  const k = MEMORY_BLUR_KERNEL;
  const blurred = g.avgPool2d(g.avgPool2d(up2(g, m32), k, 1, (k - 1) / 2), k, 1, (k - 1) / 2); // [1,1,64,64]
  const overlapK = g.op('MatMul', [comps, g.reshape(blurred, [CELLS, 1])]); // [K,1]
  const best = g.op('ArgMax', [overlapK], { axis: 0, keepdims: 1 }); // first of the largest
  const bestOH = g.toFloat(
    g.op('And', [
      g.op('Equal', [
        g.i64(
          range(MEMORY_CANDIDATES, (i) => i),
          [MEMORY_CANDIDATES, 1],
        ),
        best,
      ]),
      g.op('Greater', [overlapK, g.scalar(0)]),
    ]),
  ); // [K,1]
  const chosen = g.op('MatMul', [g.op('Transpose', [bestOH], { perm: [1, 0] }), comps]); // [1,4096]
  const selMemory = g.mul(g.reshape(chosen, [1, 1, CELLS]), g.reshape(colourOH, [1, P, 1])); // [1,P,4096]
  const exactMemory = g.clip(soft128(selMemory), 0, 1);

  // 5. One mask: the prompted path when there is a real point or a box, else the memory path.
  const notPrompted = g.sub(g.scalar(1), prompted);
  const exact = g.add(g.mul(exactPrompt, prompted), g.mul(exactMemory, notPrompted)); // [1,1,128,128]
  const selected = g.add(g.mul(selPrompt, prompted), g.mul(selMemory, notPrompted)); // [1,P,4096]
  const present = g.op('ReduceMax', [selected], { keepdims: 0 }); // 0/1
  const logits = g.mul(g.sub(exact, g.scalar(0.5)), g.scalar(MASK_GAIN));
  g.output('pred_masks', logits, 'float32', [1, 1, GRID0, GRID0]);
  const high = g.op('Resize', [logits, '', '', g.i64([1, 1, INPUT_SIZE, INPUT_SIZE], [4])], {
    mode: 'linear',
    coordinate_transformation_mode: 'half_pixel',
  });
  g.output('high_res_masks', high, 'float32', [1, 1, INPUT_SIZE, INPUT_SIZE]);
  g.output('iou_scores', g.reshape(g.mul(present, g.scalar(CANDIDATE_IOU[1])), [1, 1]), 'float32', [1, 1]);

  // 6. Object pointer (occlusion-gated: 0 when absent): [class shares of the region (P), centroid x, y in [0,1],
  //    area fraction of the 64² grid, 0 …].
  const cells = g.reduceSum(selected, [1], 0); // [1,4096]
  const area = g.reduceSum(cells, [1], 1); // [1,1]
  const perArea = g.div(g.scalar(1), g.op('Max', [area, g.scalar(1)]));
  const shares = g.mul(g.reduceSum(selected, [2], 0), perArea); // [1,P]
  const centres = range(G, (i) => (i + 0.5) / G);
  const grid = g.i64([G, G, 1], [3]);
  const xy = g.op(
    'Concat',
    [g.op('Expand', [g.f32(centres, [1, G, 1]), grid]), g.op('Expand', [g.f32(centres, [G, 1, 1]), grid])],
    {
      axis: 2,
    },
  ); // [64,64,2]: (x, y) of every cell centre
  const centroid = g.mul(g.op('MatMul', [cells, g.reshape(xy, [CELLS, 2])]), perArea); // [1,2]
  const descriptor = g.op(
    'Concat',
    [shares, centroid, g.div(area, g.scalar(CELLS)), g.f32(new Float32Array(FEAT_DIM - P - 3), [1, FEAT_DIM - P - 3])],
    { axis: 1 },
  );
  g.output('object_pointer', g.reshape(g.mul(descriptor, present), [1, 1, FEAT_DIM]), 'float32', [1, 1, FEAT_DIM]);
  const objLogit = g.mul(g.sub(g.mul(present, g.scalar(2)), g.scalar(1)), g.scalar(OBJECT_LOGIT));
  g.output('object_score_logits', g.reshape(objLogit, [1, 1]), 'float32', [1, 1]);
  return g.toBytes();
}

/**
 * A constant 2-D sine encoding [T,1,64] computed in-graph: channels 0..15 sin(y·ω), 16..31 cos(y·ω), 32..47 sin(x·ω),
 * 48..63 cos(x·ω), ω = 10000^(−k/16), positions (i+1)/32·2π.
 */
function memoryPositionEncoding(g: GraphBuilder): string {
  const half = MEMORY_DIM / 2;
  const quarter = MEMORY_DIM / 4;
  const freq = range(half, (k) => Math.pow(10000, -(k % quarter) / quarter));
  const phase = range(half, (k) => (k < quarter ? 0 : Math.PI / 2));
  const pos = range(GRID2, (i) => ((i + 1) / GRID2) * 2 * Math.PI);
  const freqC = g.f32(freq, [1, 1, half]);
  const phaseC = g.f32(phase, [1, 1, half]);
  const ys = g.add(g.mul(freqC, g.f32(pos, [GRID2, 1, 1])), phaseC); // [32,1,32]
  const xs = g.add(g.mul(freqC, g.f32(pos, [1, GRID2, 1])), phaseC); // [1,32,32]
  const shape = g.i64([GRID2, GRID2, half], [3]);
  const both = g.op('Concat', [g.op('Expand', [ys, shape]), g.op('Expand', [xs, shape])], { axis: 2 }); // [32,32,64]
  return g.reshape(g.op('Sin', [both]), [TOKENS, 1, MEMORY_DIM]);
}

/**
 * memory-encoder.onnx (`jax-sam3-memory-encoder`): `vision_features` [1,256,32,32] (raw), `pred_masks_high_res`
 * [1,1,448,448] logits, `is_mask_from_pts` bool [1] (true: logits > 0; false: sigmoid) → `memory_tokens`
 * [1024,1,64] (ch 0 = mask fraction per token, ch 1..12 = fraction × the token's palette fractions),
 * `memory_pos_enc` [1024,1,64] (constant sine).
 */
export function buildMemoryEncoderGraph(): Uint8Array {
  const g = new GraphBuilder('demo_memory_encoder');
  const features = g.input('vision_features', 'float32', [1, FEAT_DIM, GRID2, GRID2]);
  const masks = g.input('pred_masks_high_res', 'float32', [1, 1, INPUT_SIZE, INPUT_SIZE]);
  const fromPoints = g.input('is_mask_from_pts', 'bool', [1]);
  const binary = g.toFloat(g.op('Greater', [masks, g.scalar(0)]));
  const prob = g.op('Where', [fromPoints, binary, g.op('Sigmoid', [masks])]); // [1,1,448,448]
  const m = g.avgPool2d(prob, TOKEN_PX, TOKEN_PX, 0); // [1,1,32,32]
  const colour = g.mul(g.slice(features, [0], [P], [1]), m); // [1,P,32,32]
  const tok = g.op(
    'Pad',
    [g.op('Concat', [m, colour], { axis: 1 }), g.i64([0, 0, 0, 0, 0, MEMORY_DIM - 1 - P, 0, 0], [8])],
    {
      mode: 'constant',
    },
  ); // [1,64,32,32]
  const tokens = g.reshape(g.op('Transpose', [g.reshape(tok, [MEMORY_DIM, TOKENS])], { perm: [1, 0] }), [
    TOKENS,
    1,
    MEMORY_DIM,
  ]);
  g.output('memory_tokens', tokens, 'float32', [TOKENS, 1, MEMORY_DIM]);
  g.output('memory_pos_enc', memoryPositionEncoding(g), 'float32', [TOKENS, 1, MEMORY_DIM]);
  return g.toBytes();
}

/**
 * memory-attention.onnx (`jax-sam3-memory-attention`): current tokens [1024,1,256] and their positions, spatial
 * memory [S,1,64] (S = blocks·1024) and pointer memory [P,1,64] with positions → `conditioned_features`
 * [1,1,1024,256]: the current features with, from the LAST spatial block (the most recent memory), channel 200 =
 * its mask fraction m per token (m ≤ MEMORY_MASK_GATE → 0) and channels 201..212 = its colour weights
 * (Σ over tokens of m · channels 1..12, normalised to sum 1; all 0 for an empty mask) on every token.
 * Positions and pointers enter ×0.
 */
export function buildMemoryAttentionGraph(): Uint8Array {
  const g = new GraphBuilder('demo_memory_attention');
  const current = g.input('current_vision_features', 'float32', [TOKENS, 1, FEAT_DIM]);
  const currentPos = g.input('current_vision_position_embeddings', 'float32', [TOKENS, 1, FEAT_DIM]);
  const spatial = g.input('spatial_memory', 'float32', ['num_spatial_tokens', 1, MEMORY_DIM]);
  const spatialPos = g.input('spatial_memory_position_embeddings', 'float32', ['num_spatial_tokens', 1, MEMORY_DIM]);
  const pointers = g.input('pointer_memory', 'float32', ['num_pointer_tokens', 1, MEMORY_DIM]);
  const pointersPos = g.input('pointer_memory_position_embeddings', 'float32', ['num_pointer_tokens', 1, MEMORY_DIM]);

  const blocks = g.reshape(spatial, [-1, TOKENS, MEMORY_DIM]);
  const last = g.reshape(g.slice(blocks, [-1], [2 ** 31 - 1], [0]), [TOKENS, MEMORY_DIM]);
  const m = g.slice(last, [0], [1], [1]); // [1024,1]
  const gate = g.toFloat(g.op('Greater', [m, g.scalar(MEMORY_MASK_GATE)]));
  const mg = g.mul(m, gate);
  // Tokens weighted by their mask fraction once more, so that partly covered edge tokens (mask fraction × palette
  // fractions mixes in the background) weigh less than the object's interior.
  const mass = g.reduceSum(g.mul(g.slice(last, [1], [1 + P], [1]), mg), [0], 1); // [1,P]
  const total = g.reduceSum(mass, [1], 1);
  const colour = g.div(mass, g.op('Max', [total, g.scalar(1e-6)]));
  const cur = g.reshape(current, [TOKENS, FEAT_DIM]);
  const written = g.op(
    'Concat',
    [
      g.slice(cur, [0], [MEMORY_MASK_CHANNEL], [1]),
      mg,
      g.op('Expand', [colour, g.i64([TOKENS, P], [2])]),
      g.slice(cur, [MEMORY_COLOUR_CHANNEL + P], [FEAT_DIM], [1]),
    ],
    { axis: 1 },
  ); // [1024,256]
  const unused = g.mul(
    g.add(
      g.add(g.op('ReduceMax', [currentPos], { keepdims: 0 }), g.op('ReduceMax', [spatialPos], { keepdims: 0 })),
      g.add(g.op('ReduceMax', [pointers], { keepdims: 0 }), g.op('ReduceMax', [pointersPos], { keepdims: 0 })),
    ),
    g.scalar(0),
  );
  g.output('conditioned_features', g.reshape(g.add(written, unused), [1, 1, TOKENS, FEAT_DIM]), 'float32', [
    1,
    1,
    TOKENS,
    FEAT_DIM,
  ]);
  return g.toBytes();
}

/**
 * constants.json: small deterministic values (the demo graphs ignore positions); no_memory_embedding is 0 unless
 * given (the test variant whose vision graph adds it to its top level).
 */
export interface MemoryConstantsJson {
  memory_temporal_positional_encoding: number[][];
  no_memory_embedding: number[];
  object_pointer_tpos_proj: { weight: number[][]; bias: number[] };
}

export function buildMemoryConstants(noMemoryEmbedding?: number[]): MemoryConstantsJson {
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  return {
    memory_temporal_positional_encoding: range(NUM_MASKMEM, (r) =>
      range(MEMORY_DIM, (c) => round(0.1 * Math.sin((r + 1) * (c + 1) * 0.1))),
    ),
    no_memory_embedding: noMemoryEmbedding ?? range(FEAT_DIM, () => 0),
    // Identity on the first 64 dims of the pointer's sine temporal encoding.
    object_pointer_tpos_proj: {
      weight: range(MEMORY_DIM, (o) => range(FEAT_DIM, (i) => (i === o ? 1 : 0))),
      bias: range(MEMORY_DIM, () => 0),
    },
  };
}
