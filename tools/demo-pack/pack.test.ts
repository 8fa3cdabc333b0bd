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
import { makeAll, SAMPLES } from './make.ts';
import { PACK_DIR, PACK_FILES } from './pack.ts';

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

test('manifest: fields, sizes and sha256 of every file; total pack < 2 MB', () => {
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
  let total = 0;
  for (const ref of [m.tokenizer.file, m.graphs.vision.file, m.graphs.text.file, m.graphs.detector.file]) {
    const bytes = readFileSync(join(packDir, ref.path));
    assert.equal(bytes.length, ref.size, ref.path);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), ref.sha256, ref.path);
    total += bytes.length;
  }
  assert.ok(total < 2 * 1024 * 1024, `pack is ${total} bytes`);
});

type Io = [name: string, elem: number, dims: (number | string)[]];
const F = 1;
const I64 = 7;
const B = 9;
const CONTRACT: Record<string, { inputs: Io[]; outputs: Io[] }> = {
  'vision.onnx': {
    inputs: [['images', F, [1, 3, 448, 448]]],
    outputs: [
      ['fpn_feat_0', F, [1, 256, 128, 128]],
      ['fpn_feat_1', F, [1, 256, 64, 64]],
      ['fpn_feat_2', F, [1, 256, 32, 32]],
      ['fpn_pos_2', F, [1, 256, 32, 32]],
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
};

function describeIo(v: OnnxProto.onnx.IValueInfoProto): Io {
  const t = v.type!.tensorType!;
  const dims = t.shape!.dim!.map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue)));
  return [v.name!, t.elemType!, dims];
}

test('graphs: exact usls-v2 names, dtypes and shapes; opset 17; standard ops only', () => {
  const allowed = new Set(
    'Conv ArgMax Equal Cast AveragePool Transpose Reshape Pad Expand Concat Sin Add Sub Mul Div Unsqueeze MatMul Greater Less Not And Slice ReduceMax ReduceSum Relu Min Max Clip MaxPool TopK Resize CumSum Log Where Identity'.split(
      ' ',
    ),
  );
  for (const [file, io] of Object.entries(CONTRACT)) {
    const model = onnx.ModelProto.decode(readFileSync(join(packDir, file)));
    assert.deepEqual(
      model.opsetImport.map((o) => [o.domain, Number(o.version)]),
      [['', 17]],
      file,
    );
    assert.deepEqual(model.graph!.input!.map(describeIo), io.inputs, file);
    assert.deepEqual(model.graph!.output!.map(describeIo), io.outputs, file);
    for (const n of model.graph!.node!) assert.ok(allowed.has(n.opType!), `${file}: ${n.opType}`);
  }
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
