/**
 * Test helpers: run the demo pack with onnxruntime-node on a scene, and the engine-like post-processing
 * (bilinear half-pixel upsample of mask logits, threshold 0; scores σ(logit)·σ(presence)).
 */
// The demo pack's own tests run its graphs on onnxruntime-node (CPU); the engine never imports this file.
// eslint-disable-next-line no-restricted-imports
import * as ort from 'onnxruntime-node';
import { preprocessImage } from '../../workers/core/resize.ts';
import type { Scene } from '../scenes/scene.ts';
import { QUERIES } from './detectorGraph.ts';
import { CONTEXT_LENGTH } from './textGraph.ts';
import { EOT_ID } from './tokenizer.ts';
import { GRID0, INPUT_SIZE } from './visionGraph.ts';

export interface Sessions {
  vision: ort.InferenceSession;
  text: ort.InferenceSession;
  detector: ort.InferenceSession;
}

export async function loadSessions(files: Record<string, Uint8Array>): Promise<Sessions> {
  return {
    vision: await ort.InferenceSession.create(files['vision.onnx']),
    text: await ort.InferenceSession.create(files['text.onnx']),
    detector: await ort.InferenceSession.create(files['detector.onnx']),
  };
}

export type Vision = Record<string, ort.Tensor>;

export async function encodeImage(s: Sessions, scene: Scene): Promise<Vision> {
  const x = preprocessImage(scene, INPUT_SIZE, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);
  return (await s.vision.run({ images: new ort.Tensor('float32', x, [1, 3, INPUT_SIZE, INPUT_SIZE]) })) as Vision;
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
    ...vision,
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
