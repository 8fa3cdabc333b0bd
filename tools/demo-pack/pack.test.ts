import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type * as OnnxProto from 'onnx-proto';
import type { PackManifest } from '../../workers/protocol/manifest.ts';
import { decodePng } from '../scenes/png.ts';
import { renderScene } from '../scenes/scene.ts';
import { makeAll, SAMPLES, writeDemoPack } from './make.ts';
import { buildPack, MEMORY_FILES, PACK_DIR, PACK_FILES, SPLIT_EXTRA_FILES } from './pack.ts';
import { encodeImage, loadSessions } from './testUtil.ts';

const require = createRequire(import.meta.url);
const { onnx } = require('onnx-proto') as typeof OnnxProto;
const repoPublic = join(import.meta.dirname, '../../public');
const packDir = join(repoPublic, PACK_DIR);

test('regenerating into a temp dir is byte-identical to the committed files', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'demo-pack-'));
  try {
    const written = makeAll(tmp);
    assert.equal(written.length, PACK_FILES.length + Object.keys(SAMPLES).length);
    for (const f of written) {
      const rel = f.slice(tmp.length + 1);
      assert.ok(readFileSync(f).equals(readFileSync(join(repoPublic, rel))), `${rel} differs: rerun make.ts`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('manifest: fields, memory graphs + constants, sizes and sha256 of every file; total pack < 400 KB', () => {
  const m = JSON.parse(readFileSync(join(packDir, 'manifest.json'), 'utf8')) as PackManifest;
  assert.equal(m.format, 'sam3-web-pack');
  assert.equal(m.version, 1);
  assert.equal(m.id, 'demo-colours');
  assert.equal(m.demo, true);
  assert.equal(m.inputSize, 448);
  assert.deepEqual(m.tokenizer, { ...m.tokenizer, contextLength: 32, padding: 'eot', sotId: 49406, eotId: 49407 });
  assert.equal(m.graphs.detector.queries, 200);
  assert.equal(m.graphs.detector.boxPadLabel, -10);
  assert.equal(m.graphs.detector.textMaskPolarity, 'true-is-valid');
  assert.equal(m.graphs.vision.contract, 'dual-encoder');
  assert.deepEqual(m.graphs.tracker, {
    file: m.graphs.tracker?.file,
    contract: 'sam3-tracker-decoder',
    labelDtype: 'int64',
    ioDtype: 'float32',
  });
  assert.equal(m.graphs.trackerVision, undefined);
  const memory = (role: 'memoryDecoder' | 'memoryAttention' | 'memoryEncoder', path: string, contract: string) =>
    assert.deepEqual(m.graphs[role], { file: { ...m.graphs[role]!.file, path }, contract, ioDtype: 'float32' });
  memory('memoryDecoder', 'memory-decoder.onnx', 'jax-sam3-mask-decoder');
  memory('memoryAttention', 'memory-attention.onnx', 'jax-sam3-memory-attention');
  memory('memoryEncoder', 'memory-encoder.onnx', 'jax-sam3-memory-encoder');
  assert.equal(m.memoryConstants?.path, 'constants.json');
  let total = 0;
  const refs = [m.tokenizer.file, m.graphs.vision.file, m.graphs.text.file, m.graphs.detector.file];
  const graphs = [m.graphs.tracker, m.graphs.memoryDecoder, m.graphs.memoryAttention, m.graphs.memoryEncoder];
  for (const ref of [...refs, ...graphs.map((g) => g!.file), m.memoryConstants!]) {
    const bytes = readFileSync(join(packDir, ref.path));
    assert.equal(bytes.length, ref.size, ref.path);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), ref.sha256, ref.path);
    total += bytes.length;
  }
  const listed = [...refs, ...graphs.map((g) => g!.file), m.memoryConstants!].map((r) => r.path);
  assert.deepEqual([...listed, 'manifest.json'].sort(), [...PACK_FILES].sort());
  total += readFileSync(join(packDir, 'manifest.json')).length;
  assert.ok(total < 400 * 1024, `pack is ${total} bytes`);
});

type Io = [name: string, elem: number, dims: (number | string)[]];
const F = 1;
const I32 = 6;
const I64 = 7;
const B = 9;
const TRACKER_NECK: Io[] = [
  ['image_embeddings.0', F, [1, 32, 128, 128]],
  ['image_embeddings.1', F, [1, 64, 64, 64]],
  ['image_embeddings.2', F, [1, 256, 32, 32]],
];
const CONTRACT: Record<string, { inputs: Io[]; outputs: Io[] }> = {
  'vision.onnx': {
    inputs: [['pixel_values', F, [1, 3, 448, 448]]],
    outputs: [
      ['fpn_hidden_state_0', F, [1, 256, 128, 128]],
      ['fpn_hidden_state_1', F, [1, 256, 64, 64]],
      ['fpn_hidden_state_2', F, [1, 256, 32, 32]],
      ['fpn_position_encoding_2', F, [1, 256, 32, 32]],
      ...TRACKER_NECK,
    ],
  },
  'tracker.onnx': {
    inputs: [
      ['input_points', F, [1, 'num_objects', 'num_points', 2]],
      ['input_labels', I64, [1, 'num_objects', 'num_points']],
      ['input_boxes', F, [1, 'num_boxes', 4]],
      ...TRACKER_NECK,
    ],
    outputs: [
      ['pred_masks', F, [1, 'num_objects', 3, 128, 128]],
      ['iou_scores', F, [1, 'num_objects', 3]],
      ['object_score_logits', F, [1, 'num_objects', 1]],
    ],
  },
  'text.onnx': {
    inputs: [
      ['input_ids', I64, [1, 32]],
      ['attention_mask', I64, [1, 32]],
    ],
    outputs: [
      ['text_features', F, [1, 32, 256]],
      ['text_mask', B, [1, 32]],
    ],
  },
  'detector.onnx': {
    inputs: [
      ['fpn_feat_0', F, [1, 256, 128, 128]],
      ['fpn_feat_1', F, [1, 256, 64, 64]],
      ['fpn_feat_2', F, [1, 256, 32, 32]],
      ['fpn_pos_2', F, [1, 256, 32, 32]],
      ['text_features', F, [1, 32, 256]],
      ['text_mask', B, [1, 32]],
      ['input_boxes', F, [1, 'num_boxes', 4]],
      ['input_boxes_labels', I64, [1, 'num_boxes']],
    ],
    outputs: [
      ['pred_masks', F, [1, 200, 128, 128]],
      ['pred_boxes', F, [1, 200, 4]],
      ['pred_logits', F, [1, 200]],
      ['presence_logits', F, [1, 1]],
    ],
  },
  'memory-decoder.onnx': {
    inputs: [
      ['feats0', F, [1, 32, 128, 128]],
      ['feats1', F, [1, 64, 64, 64]],
      ['feats2', F, [1, 256, 32, 32]],
      ['input_points', F, [1, 1, 'num_points', 2]],
      ['input_labels', I32, [1, 1, 'num_points']],
    ],
    outputs: [
      ['pred_masks', F, [1, 1, 128, 128]],
      ['high_res_masks', F, [1, 1, 448, 448]],
      ['iou_scores', F, [1, 1]],
      ['object_pointer', F, [1, 1, 256]],
      ['object_score_logits', F, [1, 1]],
    ],
  },
  'memory-attention.onnx': {
    inputs: [
      ['current_vision_features', F, [1024, 1, 256]],
      ['current_vision_position_embeddings', F, [1024, 1, 256]],
      ['spatial_memory', F, ['num_spatial_tokens', 1, 64]],
      ['spatial_memory_position_embeddings', F, ['num_spatial_tokens', 1, 64]],
      ['pointer_memory', F, ['num_pointer_tokens', 1, 64]],
      ['pointer_memory_position_embeddings', F, ['num_pointer_tokens', 1, 64]],
    ],
    outputs: [['conditioned_features', F, [1, 1, 1024, 256]]],
  },
  'memory-encoder.onnx': {
    inputs: [
      ['vision_features', F, [1, 256, 32, 32]],
      ['pred_masks_high_res', F, [1, 1, 448, 448]],
      ['is_mask_from_pts', B, [1]],
    ],
    outputs: [
      ['memory_tokens', F, [1024, 1, 64]],
      ['memory_pos_enc', F, [1024, 1, 64]],
    ],
  },
};

function describeIo(v: OnnxProto.onnx.IValueInfoProto): Io {
  const t = v.type!.tensorType!;
  const dims = t.shape!.dim!.map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue)));
  return [v.name!, t.elemType!, dims];
}

const SPLIT_CONTRACT: Record<string, { inputs: Io[]; outputs: Io[] }> = {
  'vision.onnx': {
    inputs: [['images', F, [1, 3, 448, 448]]],
    outputs: [
      ['fpn_feat_0', F, [1, 256, 128, 128]],
      ['fpn_feat_1', F, [1, 256, 64, 64]],
      ['fpn_feat_2', F, [1, 256, 32, 32]],
      ['fpn_pos_2', F, [1, 256, 32, 32]],
    ],
  },
  'tracker-vision.onnx': { inputs: [['pixel_values', F, [1, 3, 448, 448]]], outputs: TRACKER_NECK },
};

const ALLOWED_OPS = new Set(
  'Conv ArgMax Equal Cast AveragePool Transpose Reshape Pad Expand Concat Sin Add Sub Mul Div Unsqueeze MatMul Greater Less Not And Or Slice ReduceMax ReduceSum Relu Min Max Clip MaxPool TopK Resize Log Where Identity Shape Sigmoid'.split(
    ' ',
  ),
);

/** Checks names, dtypes, shapes, opset and ops; Conv and pools carry explicit 2-D attributes (WebGPU needs them). */
function checkGraph(file: string, bytes: Uint8Array, io: { inputs: Io[]; outputs: Io[] }): void {
  const model = onnx.ModelProto.decode(bytes);
  assert.deepEqual(
    model.opsetImport.map((o) => [o.domain, Number(o.version)]),
    [['', 17]],
    file,
  );
  assert.deepEqual(model.graph!.input!.map(describeIo), io.inputs, file);
  assert.deepEqual(model.graph!.output!.map(describeIo), io.outputs, file);
  for (const n of model.graph!.node!) {
    assert.ok(ALLOWED_OPS.has(n.opType!), `${file}: ${n.opType}`);
    if (/^(Conv|MaxPool|AveragePool)$/.test(n.opType!)) {
      const attrs = new Map(n.attribute!.map((a) => [a.name!, a.ints!.map(Number)]));
      const want = n.opType === 'AveragePool' ? ['kernel_shape', 'strides'] : ['kernel_shape', 'strides', 'dilations'];
      for (const a of want) assert.equal(attrs.get(a)?.length, 2, `${file}: ${n.name} ${a}`);
      assert.equal(attrs.get('pads')?.length, 4, `${file}: ${n.name} pads`);
    }
  }
}

test('split variant (tests only): usls-v2 vision + separate tracker encoder; manifest entries', () => {
  const files = buildPack('split');
  const noMemory = PACK_FILES.filter((f) => !(MEMORY_FILES as readonly string[]).includes(f));
  assert.deepEqual(Object.keys(files).sort(), [...noMemory, ...SPLIT_EXTRA_FILES].sort());
  for (const [file, io] of Object.entries(SPLIT_CONTRACT)) checkGraph(file, files[file], io);
  checkGraph('tracker.onnx', files['tracker.onnx'], CONTRACT['tracker.onnx']);
  const m = JSON.parse(new TextDecoder().decode(files['manifest.json'])) as PackManifest;
  assert.equal(m.graphs.vision.contract, 'usls-v2-vision');
  assert.equal(m.graphs.trackerVision?.contract, 'sam3-tracker-vision');
  assert.equal(m.graphs.tracker?.contract, 'sam3-tracker-decoder');
  assert.equal(m.graphs.memoryDecoder, undefined);
  assert.equal(m.memoryConstants, undefined);
  const tmp = mkdtempSync(join(tmpdir(), 'demo-pack-split-'));
  try {
    assert.equal(writeDemoPack(tmp, { variant: 'split' }).length, noMemory.length + SPLIT_EXTRA_FILES.length);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('dual-no-memory variant (tests only): the committed pack without the memory graphs and constants.json', () => {
  const files = buildPack('dual-no-memory');
  const dual = buildPack('dual');
  const noMemory = PACK_FILES.filter((f) => !(MEMORY_FILES as readonly string[]).includes(f));
  assert.deepEqual(Object.keys(files).sort(), [...noMemory].sort());
  for (const f of noMemory) if (f !== 'manifest.json') assert.ok(Buffer.from(files[f]).equals(Buffer.from(dual[f])), f);
  const m = JSON.parse(new TextDecoder().decode(files['manifest.json'])) as PackManifest;
  assert.equal(m.graphs.vision.contract, 'dual-encoder');
  assert.equal(m.memoryConstants, undefined);
  assert.deepEqual(
    [m.graphs.memoryDecoder, m.graphs.memoryAttention, m.graphs.memoryEncoder],
    [undefined, undefined, undefined],
  );
  const d = JSON.parse(new TextDecoder().decode(dual['manifest.json'])) as PackManifest;
  assert.deepEqual(m.graphs.tracker, d.graphs.tracker);
});

test('split and dual variants give the same detector and tracker features', async () => {
  const scene = renderScene(SAMPLES['shapes.png']);
  const dual = await encodeImage(await loadSessions(buildPack('dual')), scene);
  const split = await encodeImage(await loadSessions(buildPack('split')), scene);
  const names = ['fpn_feat_0', 'fpn_feat_1', 'fpn_feat_2', 'fpn_pos_2', ...TRACKER_NECK.map((x) => x[0])];
  assert.deepEqual(Object.keys(dual).sort(), [...names].sort());
  assert.deepEqual(Object.keys(split).sort(), [...names].sort());
  for (const k of names) {
    assert.deepEqual(dual[k].dims, split[k].dims, k);
    assert.ok(
      Buffer.from((dual[k].data as Float32Array).buffer).equals(Buffer.from((split[k].data as Float32Array).buffer)),
      k,
    );
  }
});

test('graphs: exact contract names, dtypes and shapes; opset 17; standard ops only', () => {
  for (const [file, io] of Object.entries(CONTRACT)) checkGraph(file, readFileSync(join(packDir, file)), io);
});

test('graphs: no CumSum (its WebGPU kernel fails) and every file of the committed pack is listed', () => {
  for (const file of Object.keys(CONTRACT)) {
    const model = onnx.ModelProto.decode(readFileSync(join(packDir, file)));
    assert.ok(
      model.graph!.node!.every((n) => n.opType !== 'CumSum'),
      file,
    );
  }
  assert.deepEqual(Object.keys(buildPack()).sort(), [...PACK_FILES].sort());
});

test('samples: PNGs decode to the rendered scenes', () => {
  for (const [name, spec] of Object.entries(SAMPLES)) {
    const png = decodePng(readFileSync(join(repoPublic, 'samples', name)));
    const scene = renderScene(spec);
    assert.equal(png.width, scene.width);
    assert.equal(png.height, scene.height);
    assert.ok(Buffer.from(png.data).equals(Buffer.from(scene.data)), name);
  }
});
