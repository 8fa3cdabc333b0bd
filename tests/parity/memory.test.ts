/**
 * Video memory graphs (jax-image-tools contract): the committed tiny memory graphs (tests/fixtures/sam3-tiny/pack:
 * mask_decoder.onnx, memory_attention.onnx, memory_encoder.onnx, constants.json), run with onnxruntime-node on the
 * golden inputs, reproduce transformers 5.17's Sam3TrackerVideoModel (goldens by tools/export/make_memory_goldens.py,
 * tests/fixtures/sam3-tiny/memory). Also checks the host-side bank arithmetic (temporal rows, pointer positions) that
 * the goldens were assembled with by HF's own methods. Fails — never skips — when the fixtures are missing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
// Graph parity runs the committed graphs on onnxruntime-node (CPU); the engine never imports this file.
import * as ort from 'onnxruntime-node';
import { Goldens, SAM3_TINY_DIR, SAM3_TINY_PACK_DIR, maxAbsDiff, type GoldenTensor } from './fixtures';

const TOL = 1e-4;
const MASK_TOL = 1e-3;
// Memory tokens of soft (sigmoid) masks: the mask downsampler's first LayerNorm normalises 4 nearly equal channels on
// flat mask regions, which amplifies fp32 rounding; measured ort-vs-torch there ≈ 2.7e-4 (Python onnxruntime 1.30).
const SOFT_MEMORY_TOL = 1e-3;

interface Constants {
  memory_temporal_positional_encoding: number[][];
  no_memory_embedding: number[];
  object_pointer_tpos_proj: { weight: number[][]; bias: number[] };
  hidden_dim: number;
  memory_dim: number;
  max_object_pointers_in_encoder: number;
  num_maskmem: number;
}

let goldensCache: Goldens | undefined;
const sessions: Record<string, ort.InferenceSession> = {};

function g(): Goldens {
  goldensCache ??= new Goldens(join(SAM3_TINY_DIR, 'memory'));
  return goldensCache;
}

function constants(): Constants {
  const p = join(SAM3_TINY_PACK_DIR, 'constants.json');
  if (!existsSync(p)) throw new Error(`memory constants missing: ${p} (made by tools/export/make_memory_goldens.py)`);
  return JSON.parse(readFileSync(p, 'utf8')) as Constants;
}

async function session(graph: string): Promise<ort.InferenceSession> {
  sessions[graph] ??= await ort.InferenceSession.create(join(SAM3_TINY_PACK_DIR, `${graph}.onnx`), {
    executionProviders: ['cpu'],
  });
  return sessions[graph];
}

const f32 = (dims: number[], data: Float32Array): ort.Tensor => new ort.Tensor('float32', data, dims);

function toOrt(t: GoldenTensor): ort.Tensor {
  if (t.dtype === 'bool') return new ort.Tensor('bool', t.data as Uint8Array, t.dims);
  if (t.dtype === 'int32') return new ort.Tensor('int32', t.data as Int32Array, t.dims);
  if (t.dtype === 'int64') return new ort.Tensor('int64', t.data as BigInt64Array, t.dims);
  return f32(t.dims, t.data as Float32Array);
}

async function run(graph: string, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType> {
  const s = await session(graph);
  for (const name of s.inputNames) assert.ok(feeds[name], `${graph}: no feed for input ${name}`);
  return s.run(feeds);
}

function check(label: string, out: ort.Tensor, expected: GoldenTensor, tol: number): void {
  assert.deepEqual(Array.from(out.dims), expected.dims, `${label}: dims`);
  const diff = maxAbsDiff(out.data as Float32Array, expected.data as Float32Array);
  assert.ok(diff <= tol, `${label}: max |onnx − torch| = ${diff} > ${tol}`);
}

/** [1,C,h,w] → [h·w,1,C] (what the engine's toTokens does). */
function toTokens(t: GoldenTensor): ort.Tensor {
  const [, c, h, w] = t.dims;
  const n = h * w;
  const src = t.data as Float32Array;
  const out = new Float32Array(src.length);
  for (let ch = 0; ch < c; ch++) for (let i = 0; i < n; i++) out[i * c + ch] = src[ch * n + i];
  return f32([n, 1, c], out);
}

/** (1,1,T,C) token-major → [1,C,h,w] (what the engine's fromTokens does). */
function fromTokens(data: Float32Array, c: number, h: number, w: number): ort.Tensor {
  const n = h * w;
  const out = new Float32Array(data.length);
  for (let i = 0; i < n; i++) for (let ch = 0; ch < c; ch++) out[ch * n + i] = data[i * c + ch];
  return f32([1, c, h, w], out);
}

/** HF get_1d_sine_pe(offset / (maxPtrs − 1), dim = hidden) → Linear(hidden → memory dim). */
function pointerPosition(offset: number, c: Constants): Float32Array {
  const dim = c.hidden_dim;
  const half = dim / 2;
  const x = offset / (c.max_object_pointers_in_encoder - 1);
  const pe = new Float64Array(dim);
  for (let i = 0; i < half; i++) {
    const freq = Math.pow(10000, (2 * Math.floor(i / 2)) / half);
    pe[i] = Math.sin(x / freq);
    pe[i + half] = Math.cos(x / freq);
  }
  const { weight, bias } = c.object_pointer_tpos_proj;
  return Float32Array.from(bias, (b, o) => weight[o].reduce((s, w, i) => s + w * pe[i], b));
}

async function decode(frame: string, feats2: ort.Tensor): Promise<void> {
  const out = await run('mask_decoder', {
    feats0: toOrt(g().get('frame/feats0')),
    feats1: toOrt(g().get('frame/feats1')),
    feats2,
    input_points: toOrt(g().get(`${frame}/input_points`)),
    input_labels: toOrt(g().get(`${frame}/input_labels`)),
  });
  const e = (n: string): GoldenTensor => g().get(`${frame}/decoder/torch/${n}`);
  check(`${frame}/pred_masks`, out.pred_masks, e('pred_masks'), MASK_TOL);
  check(`${frame}/high_res_masks`, out.high_res_masks, e('high_res_masks'), MASK_TOL);
  for (const n of ['iou_scores', 'object_pointer', 'object_score_logits']) check(`${frame}/${n}`, out[n], e(n), TOL);
}

async function encode(frame: string, masks: GoldenTensor, tokensTol: number): Promise<void> {
  const out = await run('memory_encoder', {
    vision_features: toOrt(g().get('frame/feats2')),
    pred_masks_high_res: toOrt(masks),
    is_mask_from_pts: toOrt(g().get(`${frame}/is_mask_from_pts`)),
  });
  check(`${frame}/memory_tokens`, out.memory_tokens, g().get(`${frame}/encoder/torch/memory_tokens`), tokensTol);
  const pos = g().has(`${frame}/encoder/torch/memory_pos_enc`)
    ? g().get(`${frame}/encoder/torch/memory_pos_enc`)
    : g().get('f0/encoder/torch/memory_pos_enc'); // image-independent
  check(`${frame}/memory_pos_enc`, out.memory_pos_enc, pos, TOL);
}

describe('memory fixtures', () => {
  test('were made without errors; constants match the graphs', () => {
    assert.deepEqual(g().index.errors, {});
    const c = constants();
    const C = g().index.meta.hiddenDim as number;
    const M = g().index.meta.memoryDim as number;
    assert.equal(c.hidden_dim, C);
    assert.equal(c.memory_dim, M);
    assert.equal(c.memory_temporal_positional_encoding.length, c.num_maskmem);
    assert.ok(c.memory_temporal_positional_encoding.every((r) => r.length === M));
    assert.equal(c.no_memory_embedding.length, C);
    assert.equal(c.object_pointer_tpos_proj.weight.length, M);
    assert.ok(c.object_pointer_tpos_proj.weight.every((r) => r.length === C));
    assert.equal(g().get('frame/feats2').dims[1], C);
  });

  test('bank of frame 2: spatial blocks, temporal rows and pointer positions follow from constants.json', () => {
    const c = constants();
    const M = c.memory_dim;
    const tokens0 = g().get('f0/encoder/torch/memory_tokens').data as Float32Array;
    const pos0 = g().get('f0/encoder/torch/memory_pos_enc').data as Float32Array;
    const T = tokens0.length / M;
    const spatial = g().get('f2/spatial_memory');
    const spatialPos = g().get('f2/spatial_memory_position_embeddings').data as Float32Array;
    assert.deepEqual(spatial.dims, [2 * T, 1, M], 'one conditioning block + one recent block');
    assert.equal(maxAbsDiff((spatial.data as Float32Array).subarray(0, T * M), tokens0), 0, 'block 0 = frame 0 memory');
    // Conditioning block: temporal row num_maskmem − 1; the recent block one frame back: row 0.
    const rows = [c.num_maskmem - 1, 0];
    const expectPos = new Float32Array(2 * T * M);
    rows.forEach((row, k) => {
      for (let i = 0; i < T * M; i++)
        expectPos[k * T * M + i] = pos0[i] + c.memory_temporal_positional_encoding[row][i % M];
    });
    assert.ok(maxAbsDiff(spatialPos, expectPos) <= 1e-6, 'spatial memory positions = memory_pos_enc + tpos[row]');
    // Pointers: frame 0 (conditioning, offset 2) then frame 1 (offset 1); one token each (hidden = memory dim here).
    const pointers = g().get('f2/pointer_memory');
    const perPointer = c.hidden_dim / M;
    assert.deepEqual(pointers.dims, [2 * perPointer, 1, M]);
    const p0 = g().get('f0/decoder/torch/object_pointer').data as Float32Array;
    assert.equal(maxAbsDiff((pointers.data as Float32Array).subarray(0, c.hidden_dim), p0), 0);
    const pp = g().get('f2/pointer_memory_position_embeddings').data as Float32Array;
    [2, 1].forEach((offset, k) => {
      const pe = pointerPosition(offset, c);
      for (let j = 0; j < perPointer; j++) {
        const d = maxAbsDiff(pp.subarray((k * perPointer + j) * M, (k * perPointer + j + 1) * M), pe);
        assert.ok(d <= 1e-5, `pointer ${k} (offset ${offset}) position: ${d}`);
      }
    });
  });
});

describe('memory graphs vs PyTorch (Sam3TrackerVideoModel)', () => {
  test('frame 0, conditioning click: mask decoder on feats2 + no_memory_embedding', async () => {
    const c = constants();
    const f = g().get('frame/feats2');
    const [, C, h, w] = f.dims;
    const src = f.data as Float32Array;
    const cond = Float32Array.from(src, (v, i) => v + c.no_memory_embedding[Math.floor(i / (h * w))]);
    await decode('f0', f32([1, C, h, w], cond));
  });

  test('frame 0: memory encoder (mask from points, binarized)', async () => {
    await encode('f0', g().get('f0/decoder/torch/high_res_masks'), TOL);
  });

  test('frame 2, tracked: memory attention (1 conditioning + 1 recent block, 2 pointers), then the decoder', async () => {
    const feats2 = g().get('frame/feats2');
    const [, C, h, w] = feats2.dims;
    const out = await run('memory_attention', {
      current_vision_features: toTokens(feats2),
      current_vision_position_embeddings: toTokens(g().get('frame/pos2')),
      spatial_memory: toOrt(g().get('f2/spatial_memory')),
      spatial_memory_position_embeddings: toOrt(g().get('f2/spatial_memory_position_embeddings')),
      pointer_memory: toOrt(g().get('f2/pointer_memory')),
      pointer_memory_position_embeddings: toOrt(g().get('f2/pointer_memory_position_embeddings')),
    });
    const expected = g().get('f2/attention/torch/conditioned_features');
    check('f2/conditioned_features', out.conditioned_features, expected, TOL);
    await decode('f2', fromTokens(expected.data as Float32Array, C, h, w));
  });

  test('frame 2: memory encoder (tracked, sigmoid mask)', async () => {
    await encode('f2', g().get('f2/decoder/torch/high_res_masks'), SOFT_MEMORY_TOL);
  });

  test('absent object: the memory encoder adds the occlusion embedding', async () => {
    const S = g().index.meta.inputSize;
    const absent = {
      name: 'absent',
      dtype: 'float32' as const,
      dims: [1, 1, S, S],
      data: new Float32Array(S * S).fill(-1024),
    };
    await encode('absent', absent, TOL);
  });

  test('memory attention has dynamic memory sizes (1 block, 1 pointer; 2 blocks, no pointer)', async () => {
    const feats2 = g().get('frame/feats2');
    const [, C, h, w] = feats2.dims;
    const T = h * w;
    const spatial = g().get('f2/spatial_memory').data as Float32Array;
    const spatialPos = g().get('f2/spatial_memory_position_embeddings').data as Float32Array;
    const M = g().get('f2/spatial_memory').dims[2];
    const ptr = g().get('f2/pointer_memory').data as Float32Array;
    const ptrPos = g().get('f2/pointer_memory_position_embeddings').data as Float32Array;
    for (const [blocks, pointers] of [
      [1, 1],
      [2, 0],
    ]) {
      const out = await run('memory_attention', {
        current_vision_features: toTokens(feats2),
        current_vision_position_embeddings: toTokens(g().get('frame/pos2')),
        spatial_memory: f32([blocks * T, 1, M], spatial.slice(0, blocks * T * M)),
        spatial_memory_position_embeddings: f32([blocks * T, 1, M], spatialPos.slice(0, blocks * T * M)),
        pointer_memory: f32([pointers, 1, M], ptr.slice(0, pointers * M)),
        pointer_memory_position_embeddings: f32([pointers, 1, M], ptrPos.slice(0, pointers * M)),
      });
      assert.deepEqual(Array.from(out.conditioned_features.dims), [1, 1, T, C]);
      assert.ok((out.conditioned_features.data as Float32Array).every(Number.isFinite));
    }
  });
});
