/**
 * Graph-level parity: the committed tiny pack (tests/fixtures/sam3-tiny/pack), run with onnxruntime-node on the
 * golden inputs, reproduces the PyTorch (transformers 5.17) outputs recorded by tools/export/make_g().py.
 * Fails — never skips — when the fixtures are missing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
// Graph parity runs the committed graphs on onnxruntime-node (CPU); the engine never imports this file.
import * as ort from 'onnxruntime-node';
import { Goldens, SAM3_TINY_PACK_DIR, maxAbsDiff, type GoldenTensor } from './fixtures';

// Tolerances of issue 5, applied to the raw graph outputs (the engine-level tests apply them after post-processing).
const TOL: Record<string, number> = {
  pred_logits: 1e-4,
  presence_logits: 1e-4,
  iou_scores: 1e-4,
  object_score_logits: 1e-4,
  pred_boxes: 1e-3,
  pred_masks: 1e-3,
  text_features: 1e-4,
};
const VISION_TOL = 1e-4;

// Loaded lazily inside each test, so missing fixtures fail every test instead of skipping anything.
let goldensCache: Goldens | undefined;
const sessions: Record<string, ort.InferenceSession> = {};

function g(): Goldens {
  goldensCache ??= new Goldens();
  return goldensCache;
}

async function session(graph: string): Promise<ort.InferenceSession> {
  sessions[graph] ??= await ort.InferenceSession.create(join(SAM3_TINY_PACK_DIR, `${graph}.onnx`), {
    executionProviders: ['cpu'],
  });
  return sessions[graph];
}

function toOrt(t: GoldenTensor): ort.Tensor {
  if (t.dtype === 'bool') return new ort.Tensor('bool', t.data as Uint8Array, t.dims);
  if (t.dtype === 'uint8') return new ort.Tensor('uint8', t.data as Uint8Array, t.dims);
  if (t.dtype === 'int64') return new ort.Tensor('int64', t.data as BigInt64Array, t.dims);
  if (t.dtype === 'int32') return new ort.Tensor('int32', t.data as Int32Array, t.dims);
  return new ort.Tensor('float32', t.data as Float32Array, t.dims);
}

function numbers(data: unknown): number[] {
  return Array.from(data as ArrayLike<number | bigint | boolean>, (v) => Number(v));
}

function checkOutput(label: string, out: ort.Tensor, expected: GoldenTensor, tol: number): void {
  assert.deepEqual(Array.from(out.dims), expected.dims, `${label}: dims`);
  const diff = maxAbsDiff(numbers(out.data), numbers(expected.data));
  assert.ok(diff <= tol, `${label}: max |onnx − torch| = ${diff} > ${tol}`);
}

async function run(graph: string, feeds: Record<string, GoldenTensor>): Promise<ort.InferenceSession.OnnxValueMapType> {
  const s = await session(graph);
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const name of s.inputNames) {
    const t = feeds[name];
    assert.ok(t, `${graph}: no golden feed for input ${name}`);
    ortFeeds[name] = toOrt(t);
  }
  return s.run(ortFeeds);
}

describe('sam3-tiny fixtures', () => {
  test('were made without errors and the manifest matches the files', () => {
    assert.deepEqual(g().index.errors, {});
    const manifest = JSON.parse(readFileSync(join(SAM3_TINY_PACK_DIR, 'manifest.json'), 'utf8')) as {
      inputSize: number;
      graphs: Record<string, { file: { path: string; size: number; sha256: string }; contract: string }>;
    };
    assert.equal(manifest.inputSize, g().index.meta.inputSize);
    assert.equal(manifest.graphs.tracker?.contract, 'sam3-tracker-decoder');
    for (const [key, g] of Object.entries(manifest.graphs)) {
      const p = join(SAM3_TINY_PACK_DIR, g.file.path);
      assert.equal(statSync(p).size, g.file.size, `${key}: size`);
      assert.equal(createHash('sha256').update(readFileSync(p)).digest('hex'), g.file.sha256, `${key}: sha256`);
    }
  });
});

describe('vision graph (dual encoder) vs PyTorch', () => {
  for (const img of ['img0', 'img1']) {
    test(img, async () => {
      const out = await run('vision', { pixel_values: g().get(`image/${img}/pixel_values`) });
      for (const name of g().index.meta.visionOutputs) {
        checkOutput(`${img}/${name}`, out[name], g().get(`vision/${img}/torch/${name}`), VISION_TOL);
      }
    });
  }
});

describe('text graph vs PyTorch', () => {
  for (const t of ['t0', 't1']) {
    test(t, async () => {
      const out = await run('text', {
        input_ids: g().get(`text/${t}/input_ids`),
        attention_mask: g().get(`text/${t}/attention_mask`),
      });
      checkOutput(`${t}/text_features`, out.text_features, g().get(`text/${t}/torch/text_features`), TOL.text_features);
      checkOutput(`${t}/text_mask`, out.text_mask, g().get(`text/${t}/torch/text_mask`), 0);
    });
  }
});

describe('detector graph (usls v2) vs PyTorch', () => {
  for (const [key, c] of Object.entries({ d0: ['img0', 't0'], d1: ['img0', 't1'], d2: ['img1', 't0'] })) {
    test(key, async () => {
      const [img, txt] = c;
      const v = (n: string): GoldenTensor => g().get(`vision/${img}/torch/${n}`);
      const out = await run('detector', {
        fpn_feat_0: v('fpn_hidden_state_0'),
        fpn_feat_1: v('fpn_hidden_state_1'),
        fpn_feat_2: v('fpn_hidden_state_2'),
        fpn_pos_2: v('fpn_position_encoding_2'),
        text_features: g().get(`text/${txt}/torch/text_features`),
        text_mask: g().get(`text/${txt}/torch/text_mask`),
        input_boxes: g().get(`detector/${key}/input_boxes`),
        input_boxes_labels: g().get(`detector/${key}/input_boxes_labels`),
      });
      for (const name of ['pred_masks', 'pred_boxes', 'pred_logits', 'presence_logits']) {
        checkOutput(`${key}/${name}`, out[name], g().get(`detector/${key}/torch/${name}`), TOL[name]);
      }
      // Same kept set at the recorded threshold: σ(logit)·σ(presence) > 0.5.
      const sig = (x: number): number => 1 / (1 + Math.exp(-x));
      const presence = sig(numbers(out.presence_logits.data)[0]);
      const kept = numbers(out.pred_logits.data)
        .map((l, i) => [sig(l) * presence, i] as const)
        .filter(([s]) => s > g().index.meta.threshold)
        .map(([, i]) => i);
      assert.deepEqual(kept, numbers(g().get(`detector/${key}/post/kept_indices`).data), `${key}: kept set`);
    });
  }
});

describe('tracker prompt decoder (onnx-community contract) vs PyTorch', () => {
  for (const [key, img] of Object.entries({ p0: 'img0', p1: 'img0', p2: 'img1', p3: 'img1' })) {
    test(key, async () => {
      const out = await run('tracker', {
        input_points: g().get(`tracker/${key}/input_points`),
        input_labels: g().get(`tracker/${key}/input_labels`),
        input_boxes: g().get(`tracker/${key}/input_boxes`),
        'image_embeddings.0': g().get(`vision/${img}/torch/image_embeddings.0`),
        'image_embeddings.1': g().get(`vision/${img}/torch/image_embeddings.1`),
        'image_embeddings.2': g().get(`vision/${img}/torch/image_embeddings.2`),
      });
      for (const name of ['iou_scores', 'pred_masks', 'object_score_logits']) {
        checkOutput(`${key}/${name}`, out[name], g().get(`tracker/${key}/torch/${name}`), TOL[name]);
      }
    });
  }
});
