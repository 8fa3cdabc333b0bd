/**
 * Test helpers: run the demo pack with onnxruntime-node on a scene, and the engine-like post-processing
 * (bilinear half-pixel upsample of mask logits, threshold 0; scores σ(logit)·σ(presence)).
 */
// The demo pack's own tests run its graphs on onnxruntime-node (CPU); the engine never imports this file.
// eslint-disable-next-line no-restricted-imports
import * as ort from 'onnxruntime-node';
import { resizeBilinear } from '../../workers/core/masks.ts';
import { preprocessImage } from '../../workers/core/resize.ts';
import { fromTokens, toTokens } from '../../workers/pipelines/memoryFrame.ts';
import type { Scene } from '../scenes/scene.ts';
import { QUERIES } from './detectorGraph.ts';
import { CONTEXT_LENGTH } from './textGraph.ts';
import { EOT_ID } from './tokenizer.ts';
import { MEMORY_DIM, TOKENS } from './memoryGraphs.ts';
import { FEAT_DIM, GRID0, GRID2, INPUT_SIZE } from './visionGraph.ts';

export interface Sessions {
  vision: ort.InferenceSession;
  text: ort.InferenceSession;
  detector: ort.InferenceSession;
  tracker?: ort.InferenceSession;
  /** Split variant only: the separate tracker encoder. */
  trackerVision?: ort.InferenceSession;
}

export async function loadSessions(files: Record<string, Uint8Array>): Promise<Sessions> {
  const open = (f: string) => ort.InferenceSession.create(files[f]);
  return {
    vision: await open('vision.onnx'),
    text: await open('text.onnx'),
    detector: await open('detector.onnx'),
    ...(files['tracker.onnx'] ? { tracker: await open('tracker.onnx') } : {}),
    ...(files['tracker-vision.onnx'] ? { trackerVision: await open('tracker-vision.onnx') } : {}),
  };
}

export type Vision = Record<string, ort.Tensor>;

/** Dual-encoder output names → the detector's (usls v2) input names. */
const DUAL_TO_USLS: Record<string, string> = {
  fpn_hidden_state_0: 'fpn_feat_0',
  fpn_hidden_state_1: 'fpn_feat_1',
  fpn_hidden_state_2: 'fpn_feat_2',
  fpn_position_encoding_2: 'fpn_pos_2',
};

export function pixelValues(scene: Scene): ort.Tensor {
  const x = preprocessImage(scene, INPUT_SIZE, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);
  return new ort.Tensor('float32', x, [1, 3, INPUT_SIZE, INPUT_SIZE]);
}

/**
 * Runs the vision graph (and the tracker encoder of a split pack) like the engine's adapters: returns the detector
 * neck under the usls v2 names (`fpn_feat_0..2`, `fpn_pos_2`) and the tracker neck (`image_embeddings.0..2`).
 */
export async function encodeImage(s: Sessions, scene: Scene): Promise<Vision> {
  const px = pixelValues(scene);
  const out = (await s.vision.run({ [s.vision.inputNames[0]]: px })) as Vision;
  const v: Vision = {};
  for (const [k, t] of Object.entries(out)) v[DUAL_TO_USLS[k] ?? k] = t;
  if (s.trackerVision) Object.assign(v, await s.trackerVision.run({ pixel_values: px }));
  return v;
}

/** Pads with EOT to 32 (HF style), mask 1 on real tokens. */
export async function encodeText(s: Sessions, ids: number[]): Promise<Vision> {
  const t = ids.slice(0, CONTEXT_LENGTH);
  const padded = BigInt64Array.from({ length: CONTEXT_LENGTH }, (_, i) => BigInt(i < t.length ? t[i] : EOT_ID));
  const mask = BigInt64Array.from({ length: CONTEXT_LENGTH }, (_, i) => (i < t.length ? 1n : 0n));
  return (await s.text.run({
    input_ids: new ort.Tensor('int64', padded, [1, CONTEXT_LENGTH]),
    attention_mask: new ort.Tensor('int64', mask, [1, CONTEXT_LENGTH]),
  })) as Vision;
}

export interface BoxPrompt {
  /** Pixel xyxy in the scene. */
  box: [number, number, number, number];
  /** 1 positive, 0 negative, −10 padding. */
  label: 0 | 1 | -10;
}

export interface Detection {
  score: number;
  logit: number;
  /** Pixel xyxy. */
  box: [number, number, number, number];
  mask: Uint8Array;
  area: number;
}

export interface DetectorResult {
  presence: number;
  logits: Float32Array;
  detections: Detection[];
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Bilinear (half-pixel centres, edge clamp) upsample of one n×n logit plane to w×h, thresholded at 0. */
export function upsampleMask(logits: Float32Array, offset: number, n: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(Math.max(((y + 0.5) * n) / h - 0.5, 0), n - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, n - 1);
    const fy = sy - y0;
    for (let x = 0; x < w; x++) {
      const sx = Math.min(Math.max(((x + 0.5) * n) / w - 0.5, 0), n - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, n - 1);
      const fx = sx - x0;
      const at = (yy: number, xx: number) => logits[offset + yy * n + xx];
      const top = at(y0, x0) * (1 - fx) + at(y0, x1) * fx;
      const bot = at(y1, x0) * (1 - fx) + at(y1, x1) * fx;
      out[y * w + x] = top * (1 - fy) + bot * fy > 0 ? 1 : 0;
    }
  }
  return out;
}

export function iou(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    inter += a[i] & b[i];
    union += a[i] | b[i];
  }
  return union ? inter / union : 1;
}

export async function detect(
  s: Sessions,
  scene: Scene,
  vision: Vision,
  text: Vision,
  prompts: BoxPrompt[] = [],
  threshold = 0.5,
): Promise<DetectorResult> {
  const { width: W, height: H } = scene;
  const n = Math.max(prompts.length, 1);
  const boxes = new Float32Array(n * 4);
  const labels = new BigInt64Array(n).fill(-10n);
  prompts.forEach((p, i) => {
    const [x0, y0, x1, y1] = p.box;
    boxes.set([(x0 + x1) / 2 / W, (y0 + y1) / 2 / H, (x1 - x0) / W, (y1 - y0) / H], i * 4);
    labels[i] = BigInt(p.label);
  });
  const out = await s.detector.run({
    fpn_feat_0: vision.fpn_feat_0,
    fpn_feat_1: vision.fpn_feat_1,
    fpn_feat_2: vision.fpn_feat_2,
    fpn_pos_2: vision.fpn_pos_2,
    text_features: text.text_features,
    text_mask: text.text_mask,
    input_boxes: new ort.Tensor('float32', boxes, [1, n, 4]),
    input_boxes_labels: new ort.Tensor('int64', labels, [1, n]),
  });
  const logits = out.pred_logits.data as Float32Array;
  const presence = (out.presence_logits.data as Float32Array)[0];
  const pb = out.pred_boxes.data as Float32Array;
  const pm = out.pred_masks.data as Float32Array;
  const detections: Detection[] = [];
  for (let q = 0; q < QUERIES; q++) {
    const score = sigmoid(logits[q]) * sigmoid(presence);
    if (score < threshold) continue;
    const mask = upsampleMask(pm, q * GRID0 * GRID0, GRID0, W, H);
    const box: Detection['box'] = [pb[q * 4] * W, pb[q * 4 + 1] * H, pb[q * 4 + 2] * W, pb[q * 4 + 3] * H];
    detections.push({ score, logit: logits[q], box, mask, area: mask.reduce((a, v) => a + v, 0) });
  }
  return { presence, logits, detections };
}

/** One object's prompt for the tracker decoder, in scene pixels. */
export interface ObjectPrompt {
  /** [x, y, label]: 1 positive, 0 negative, −1 padding, −10 ignore. */
  points?: [number, number, number][];
  box?: [number, number, number, number];
}

export interface TrackedObject {
  iouScores: number[];
  objectScore: number;
  /** The three candidates, upsampled to the scene and thresholded at 0. */
  masks: Uint8Array[];
  /** Raw logits [3,128,128]. */
  logits: Float32Array;
}

/**
 * Runs the tracker decoder: points and boxes scaled to the 448 frame (x·448/W, y·448/H), points padded with
 * label −1 to the longest list, boxes `[1,0,4]` when no object has one (otherwise every object needs one).
 */
export async function track(
  s: Sessions,
  scene: Scene,
  vision: Vision,
  objects: ObjectPrompt[],
): Promise<TrackedObject[]> {
  if (!s.tracker) throw new Error('this pack has no tracker');
  const { width: W, height: H } = scene;
  const sx = INPUT_SIZE / W;
  const sy = INPUT_SIZE / H;
  const n = objects.length;
  const p = Math.max(0, ...objects.map((o) => o.points?.length ?? 0));
  const pts = new Float32Array(n * p * 2);
  const labels = new BigInt64Array(n * p).fill(-1n);
  objects.forEach((o, i) =>
    (o.points ?? []).forEach(([x, y, l], j) => {
      pts.set([x * sx, y * sy], (i * p + j) * 2);
      labels[i * p + j] = BigInt(l);
    }),
  );
  const withBox = objects.some((o) => o.box);
  const boxes = new Float32Array(withBox ? n * 4 : 0);
  if (withBox)
    objects.forEach((o, i) => {
      if (!o.box) throw new Error('with boxes, every object needs one');
      const [x0, y0, x1, y1] = o.box;
      boxes.set([x0 * sx, y0 * sy, x1 * sx, y1 * sy], i * 4);
    });
  const out = await s.tracker.run({
    input_points: new ort.Tensor('float32', pts, [1, n, p, 2]),
    input_labels: new ort.Tensor('int64', labels, [1, n, p]),
    input_boxes: new ort.Tensor('float32', boxes, [1, withBox ? n : 0, 4]),
    'image_embeddings.0': vision['image_embeddings.0'],
    'image_embeddings.1': vision['image_embeddings.1'],
    'image_embeddings.2': vision['image_embeddings.2'],
  });
  const iouData = out.iou_scores.data as Float32Array;
  const obj = out.object_score_logits.data as Float32Array;
  const pm = out.pred_masks.data as Float32Array;
  const plane = GRID0 * GRID0;
  return objects.map((_, i) => ({
    iouScores: Array.from(iouData.slice(i * 3, i * 3 + 3)),
    objectScore: obj[i],
    masks: [0, 1, 2].map((c) => upsampleMask(pm, (i * 3 + c) * plane, GRID0, W, H)),
    logits: pm.slice(i * 3 * plane, (i + 1) * 3 * plane),
  }));
}

/** The three video memory graphs. */
export interface MemorySessions {
  decoder: ort.InferenceSession;
  attention: ort.InferenceSession;
  encoder: ort.InferenceSession;
}

export async function loadMemorySessions(files: Record<string, Uint8Array>): Promise<MemorySessions> {
  const open = (f: string) => ort.InferenceSession.create(files[f]);
  return {
    decoder: await open('memory-decoder.onnx'),
    attention: await open('memory-attention.onnx'),
    encoder: await open('memory-encoder.onnx'),
  };
}

export interface MemoryDecode {
  /** pred_masks [128²] logits. */
  logits: Float32Array;
  /** high_res_masks [448²] logits. */
  high: Float32Array;
  iou: number;
  pointer: Float32Array;
  objectScore: number;
}

/**
 * The memory decoder like the engine feeds it: `feats0/1` = the tracker neck's levels 0/1, `feats2` the given top
 * level [1,256,32,32] (conditioned, or raw on conditioning frames), points [x, y, label] in 448-frame pixels.
 */
export async function memoryDecode(
  m: MemorySessions,
  vision: Vision,
  feats2: Float32Array,
  points: [number, number, number][],
): Promise<MemoryDecode> {
  const out = await m.decoder.run({
    feats0: vision['image_embeddings.0'],
    feats1: vision['image_embeddings.1'],
    feats2: new ort.Tensor('float32', feats2, [1, FEAT_DIM, GRID2, GRID2]),
    input_points: new ort.Tensor('float32', Float32Array.from(points.flatMap((p) => [p[0], p[1]])), [
      1,
      1,
      points.length,
      2,
    ]),
    input_labels: new ort.Tensor(
      'int32',
      Int32Array.from(points, (p) => p[2]),
      [1, 1, points.length],
    ),
  });
  return {
    logits: out.pred_masks.data as Float32Array,
    high: out.high_res_masks.data as Float32Array,
    iou: (out.iou_scores.data as Float32Array)[0],
    pointer: out.object_pointer.data as Float32Array,
    objectScore: (out.object_score_logits.data as Float32Array)[0],
  };
}

/** The memory encoder on the raw top level and 128² mask logits (bilinear to 448², like the engine). */
export async function memoryEncode(
  m: MemorySessions,
  vision: Vision,
  maskLogits: Float32Array,
  fromPoints: boolean,
): Promise<{ tokens: Float32Array; pos: Float32Array }> {
  const out = await m.encoder.run({
    vision_features: vision['image_embeddings.2'],
    pred_masks_high_res: new ort.Tensor('float32', resizeBilinear(maskLogits, GRID0, GRID0, INPUT_SIZE, INPUT_SIZE), [
      1,
      1,
      INPUT_SIZE,
      INPUT_SIZE,
    ]),
    is_mask_from_pts: new ort.Tensor('bool', Uint8Array.of(fromPoints ? 1 : 0), [1]),
  });
  return { tokens: out.memory_tokens.data as Float32Array, pos: out.memory_pos_enc.data as Float32Array };
}

/**
 * Memory attention over spatial blocks (each [1024·64] tokens, oldest first) and `pointerTokens` pointer tokens
 * (deterministic filler); returns the conditioned top level [1,256,32,32] (the engine's transpose).
 */
export async function memoryAttend(
  m: MemorySessions,
  vision: Vision,
  blocks: Float32Array[],
  pointerTokens = 4,
): Promise<Float32Array> {
  const S = blocks.length * TOKENS;
  const spatial = new Float32Array(S * MEMORY_DIM);
  blocks.forEach((b, k) => spatial.set(b, k * TOKENS * MEMORY_DIM));
  const filler = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37));
  const f32 = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);
  const out = await m.attention.run({
    current_vision_features: f32(toTokens(vision['image_embeddings.2'].data as Float32Array, FEAT_DIM, TOKENS), [
      TOKENS,
      1,
      FEAT_DIM,
    ]),
    current_vision_position_embeddings: f32(toTokens(vision.fpn_pos_2.data as Float32Array, FEAT_DIM, TOKENS), [
      TOKENS,
      1,
      FEAT_DIM,
    ]),
    spatial_memory: f32(spatial, [S, 1, MEMORY_DIM]),
    spatial_memory_position_embeddings: f32(filler(S * MEMORY_DIM), [S, 1, MEMORY_DIM]),
    pointer_memory: f32(filler(pointerTokens * MEMORY_DIM), [pointerTokens, 1, MEMORY_DIM]),
    pointer_memory_position_embeddings: f32(filler(pointerTokens * MEMORY_DIM), [pointerTokens, 1, MEMORY_DIM]),
  });
  const conditioned = out.conditioned_features;
  if (conditioned.dims.join() !== [1, 1, TOKENS, FEAT_DIM].join()) throw new Error(`dims ${conditioned.dims}`);
  return fromTokens(conditioned.data as Float32Array, FEAT_DIM, TOKENS);
}
