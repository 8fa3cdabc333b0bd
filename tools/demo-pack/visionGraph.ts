/**
 * The vision graphs. Channels 0..P−1 of every level hold per-palette-class AREA FRACTIONS; the other channels are 0.
 * - `usls-v2-vision`: `images` [1,3,S,S] → `fpn_feat_0..2`, `fpn_pos_2` (detector neck);
 * - `dual-encoder`: `pixel_values` → `fpn_hidden_state_0..2`, `fpn_position_encoding_2` (detector neck) and
 *   `image_embeddings.0..2` (tracker neck);
 * - `sam3-tracker-vision`: `pixel_values` → `image_embeddings.0..2` (tracker neck only).
 */
import { GraphBuilder } from './onnxBuilder.ts';
import { NUM_CLASSES, PALETTE } from '../scenes/palette.ts';

export const INPUT_SIZE = 448;
export const FEAT_DIM = 256;
/** Pixels per level-1 cell (448 / 64). */
export const CELL = 7;
export const GRID1 = INPUT_SIZE / CELL; // 64
export const GRID0 = GRID1 * 2; // 128 (mask grid = 4·S/14)
export const GRID2 = GRID1 / 2; // 32

/** Tracker-neck channel counts of `image_embeddings.0..2`. */
export const EMB_DIMS = [32, 64, 256] as const;

export type VisionVariant = 'usls-v2-vision' | 'dual-encoder' | 'sam3-tracker-vision';

/** Pads channels P → `dim` with zeros. */
function padChannels(g: GraphBuilder, x: string, dim: number = FEAT_DIM): string {
  return g.op('Pad', [x, g.i64([0, 0, 0, 0, 0, dim - NUM_CLASSES, 0, 0], [8])], { mode: 'constant' });
}

/**
 * The constant sine position encoding [1,256,32,32], computed in-graph from two small vectors so that the
 * file stays small: channels 0..63 sin(y·ω), 64..127 cos(y·ω), 128..191 sin(x·ω), 192..255 cos(x·ω),
 * with positions normalized to (0, 2π] and ω = 10000^(−k/64).
 */
function sinePositionEncoding(g: GraphBuilder): string {
  const half = FEAT_DIM / 2;
  const quarter = FEAT_DIM / 4;
  const freq = new Float32Array(half);
  const phase = new Float32Array(half);
  for (let k = 0; k < half; k++) {
    freq[k] = Math.pow(10000, -(k % quarter) / quarter);
    phase[k] = k < quarter ? 0 : Math.PI / 2;
  }
  const pos = Array.from({ length: GRID2 }, (_, i) => ((i + 1) / GRID2) * 2 * Math.PI);
  const freqC = g.f32(freq, [1, half, 1, 1]);
  const phaseC = g.f32(phase, [1, half, 1, 1]);
  const ys = g.add(g.mul(freqC, g.f32(pos, [1, 1, GRID2, 1])), phaseC); // [1,128,32,1]
  const xs = g.add(g.mul(freqC, g.f32(pos, [1, 1, 1, GRID2])), phaseC); // [1,128,1,32]
  const shape = g.i64([1, half, GRID2, GRID2], [4]);
  const both = g.op('Concat', [g.op('Expand', [ys, shape]), g.op('Expand', [xs, shape])], { axis: 1 });
  return g.op('Sin', [both]);
}

/**
 * `noMemoryEmbedding`: added to `image_embeddings.2` per channel, as transformers' `Sam3TrackerModel` and our own
 * export do (the pack then says `trackerTopLevel: 'plus-no-memory'`); the committed pack emits the raw level.
 */
export function buildVisionGraph(
  variant: VisionVariant = 'dual-encoder',
  noMemoryEmbedding?: Float32Array,
): Uint8Array {
  const g = new GraphBuilder(variant === 'sam3-tracker-vision' ? 'demo_tracker_vision' : 'demo_vision');
  const inputName = variant === 'usls-v2-vision' ? 'images' : 'pixel_values';
  const images = g.input(inputName, 'float32', [1, 3, INPUT_SIZE, INPUT_SIZE]);
  // Nearest prototype in normalized space: argmax_k 2·x·p_k − |p_k|² (a 1×1 conv).
  const w = new Float32Array(NUM_CLASSES * 3);
  const b = new Float32Array(NUM_CLASSES);
  PALETTE.forEach((c, k) => {
    const p = c.rgb.map((v) => (v / 255 - 0.5) / 0.5);
    p.forEach((v, ch) => (w[k * 3 + ch] = 2 * v));
    b[k] = -(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
  });
  const scores = g.conv2d(images, g.f32(w, [NUM_CLASSES, 3, 1, 1]), g.f32(b, [NUM_CLASSES]), { kernel: [1, 1] });
  const cls = g.op('ArgMax', [scores], { axis: 1, keepdims: 1 }); // [1,1,S,S] int64
  const classIds = g.i64(
    Array.from({ length: NUM_CLASSES }, (_, i) => i),
    [1, NUM_CLASSES, 1, 1],
  );
  const oneHot = g.toFloat(g.op('Equal', [cls, classIds])); // [1,P,S,S]
  // Exact area fractions on the 128² grid (cells of 3.5 px): a grouped 7×7 stride-7 conv gives the 2×2
  // sub-cells of every 7×7 block (the middle pixel row/column is shared half-half), then a pixel shuffle.
  const taps = [
    [1, 1, 1, 0.5, 0, 0, 0],
    [0, 0, 0, 0.5, 1, 1, 1],
  ];
  const k = new Float32Array(NUM_CLASSES * 4 * CELL * CELL);
  for (let c = 0; c < NUM_CLASSES; c++)
    for (let sub = 0; sub < 4; sub++)
      for (let y = 0; y < CELL; y++)
        for (let x = 0; x < CELL; x++)
          k[((c * 4 + sub) * CELL + y) * CELL + x] = (taps[sub >> 1][y] * taps[sub & 1][x]) / (3.5 * 3.5);
  const sub = g.conv2d(oneHot, g.f32(k, [NUM_CLASSES * 4, 1, CELL, CELL]), null, {
    kernel: [CELL, CELL],
    stride: [CELL, CELL],
    group: NUM_CLASSES,
  }); // [1,4P,64,64]
  const sub6 = g.reshape(sub, [1, NUM_CLASSES, 2, 2, GRID1, GRID1]);
  const frac0 = g.reshape(g.op('Transpose', [sub6], { perm: [0, 1, 4, 2, 5, 3] }), [1, NUM_CLASSES, GRID0, GRID0]);
  const frac1 = g.avgPool2d(frac0, 2, 2, 0); // [1,P,64,64]
  const frac2 = g.avgPool2d(frac1, 2, 2, 0); // [1,P,32,32]
  const levels = [
    [frac0, GRID0],
    [frac1, GRID1],
    [frac2, GRID2],
  ] as const;
  if (variant === 'usls-v2-vision') {
    levels.forEach(([f, n], i) => g.output(`fpn_feat_${i}`, padChannels(g, f), 'float32', [1, FEAT_DIM, n, n]));
    g.output('fpn_pos_2', sinePositionEncoding(g), 'float32', [1, FEAT_DIM, GRID2, GRID2]);
  }
  if (variant === 'dual-encoder') {
    levels.forEach(([f, n], i) => g.output(`fpn_hidden_state_${i}`, padChannels(g, f), 'float32', [1, FEAT_DIM, n, n]));
    g.output('fpn_position_encoding_2', sinePositionEncoding(g), 'float32', [1, FEAT_DIM, GRID2, GRID2]);
  }
  if (variant !== 'usls-v2-vision')
    levels.forEach(([f, n], i) => {
      const emb = padChannels(g, f, EMB_DIMS[i]);
      const top = i === 2 && noMemoryEmbedding ? g.add(emb, g.f32(noMemoryEmbedding, [1, EMB_DIMS[2], 1, 1])) : emb;
      g.output(`image_embeddings.${i}`, top, 'float32', [1, EMB_DIMS[i], n, n]);
    });
  return g.toBytes();
}
