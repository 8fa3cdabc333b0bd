/**
 * Structure of the committed tiny variants (tests/fixtures/sam3-tiny/variants, tools/export/build_variants.py), read
 * from the ONNX files themselves: manifests validate, every listed file has its size and sha256, every external
 * initializer lies inside a listed chunk (one chunk per location, each within the chunk limit), no `Mod` and no
 * traced shape arithmetic in fully static graphs, no Softmax left — every attention of the base pack is a
 * MultiHeadAttention —, precision and GPU requirements as the manifest says.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as OnnxProto from 'onnx-proto';
import { SAM3_TINY_DIR, SAM3_TINY_PACK_DIR, SAM3_TINY_VARIANTS_DIR } from './fixtures';
import { manifestFiles, validateManifest } from '../../workers/packs/manifestValidate';
import type { GraphEntryBase, PackFileRef, PackManifest } from '../../workers/protocol/manifest';

const require = createRequire(import.meta.url);
const { onnx } = require('onnx-proto') as typeof OnnxProto;
type Model = OnnxProto.onnx.ModelProto;
type Node = OnnxProto.onnx.INodeProto;

const VARIANTS = ['fp32-fused', 'fp16', 'q8f16', 'q4f16'] as const;
const FLOAT = 1;
const FLOAT16 = 10;
const ELEM_BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 6: 4, 7: 8, 9: 1, 10: 2 };

interface BuildReport {
  chunkMiB: Record<string, number>;
}

function loadModel(path: string): Model {
  return onnx.ModelProto.decode(readFileSync(path));
}

/** Every node, inside If/Loop bodies too. */
function allNodes(nodes: readonly Node[] | null | undefined): Node[] {
  const out: Node[] = [];
  for (const n of nodes ?? []) {
    out.push(n);
    for (const a of n.attribute ?? []) {
      if (a.g) out.push(...allNodes(a.g.node));
      for (const sub of a.graphs ?? []) out.push(...allNodes(sub.node));
    }
  }
  return out;
}

function count(nodes: Node[], op: string, domain = ''): number {
  return nodes.filter((n) => n.opType === op && (n.domain ?? '') === domain).length;
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function initializerBytes(t: OnnxProto.onnx.ITensorProto): number {
  const ext = t.externalData?.find((e) => e.key === 'length');
  if (ext) return Number(ext.value);
  const n = (t.dims ?? []).reduce((a: number, d) => a * Number(d), 1);
  return n * (ELEM_BYTES[t.dataType ?? 1] ?? 4);
}

interface GraphFile {
  role: string;
  entry: GraphEntryBase;
}

function variantGraphs(v: string, manifest: PackManifest): GraphFile[] {
  const out: GraphFile[] = Object.entries(manifest.graphs).map(([role, entry]) => ({ role, entry: entry! }));
  const extraPath = join(SAM3_TINY_VARIANTS_DIR, v, 'extra-entries.json');
  if (existsSync(extraPath)) {
    const extra = JSON.parse(readFileSync(extraPath, 'utf8')) as { graphs: Record<string, GraphEntryBase> };
    out.push(...Object.entries(extra.graphs).map(([role, entry]) => ({ role, entry })));
  }
  return out;
}

const report = (): BuildReport =>
  JSON.parse(readFileSync(join(SAM3_TINY_VARIANTS_DIR, 'build-report.json'), 'utf8')) as BuildReport;

function chunkLimitBytes(file: string): number {
  const r = report().chunkMiB;
  return (r[file] ?? r.default) * 1024 * 1024;
}

/**
 * Softmax nodes of the base pack's graph that depend on a graph input: each is one attention the variant must have
 * fused. (An attention over weights only — the DETR decoder's first self-attention over the learned queries — is
 * image-independent and folded into a constant by the build.)
 */
function baseAttentions(file: string): number {
  const model = loadModel(join(SAM3_TINY_PACK_DIR, file));
  const nodes = model.graph?.node ?? [];
  const producer = new Map<string, Node>();
  for (const n of nodes) for (const o of n.output ?? []) producer.set(o, n);
  const inputs = new Set((model.graph?.input ?? []).map((i) => i.name!));
  const memo = new Map<Node, boolean>();
  const depends = (n: Node): boolean => {
    if (memo.has(n)) return memo.get(n)!;
    memo.set(n, false);
    const r = (n.input ?? []).some((i) => inputs.has(i) || (producer.has(i) && depends(producer.get(i)!)));
    memo.set(n, r);
    return r;
  };
  return nodes.filter((n) => n.opType === 'Softmax' && depends(n)).length;
}

for (const v of VARIANTS) {
  describe(`variant ${v}: files and graphs`, () => {
    const dir = join(SAM3_TINY_VARIANTS_DIR, v);
    const manifest = () => validateManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));

    test('manifest validates; variant metadata names its base pack, precision and build steps', () => {
      const m = manifest();
      const base = JSON.parse(readFileSync(join(SAM3_TINY_PACK_DIR, 'manifest.json'), 'utf8')) as PackManifest;
      assert.equal(m.id, `${base.id}-${v}`);
      assert.equal(m.variant?.baseId, base.id);
      assert.equal(m.variant?.precision, v === 'fp32-fused' ? 'fp32' : v);
      assert.deepEqual(m.variant?.transforms.slice(0, 2), ['fold-shapes', 'fused-attention']);
      assert.equal(m.variant?.transforms.at(-1), 'chunked-external-data');
      assert.equal(m.variant?.transforms.includes('fp16'), v !== 'fp32-fused');
      assert.equal(m.variant?.requires.shaderF16, v !== 'fp32-fused');
      // fp16 computes its detector in float32 (its scores are where float16 arithmetic costs the most).
      assert.equal(m.variant?.transforms.includes('fp16-weights-float32-compute:detector'), v === 'fp16');
    });

    test('every listed file exists with its size and sha256 (manifest and extra entries)', () => {
      const m = manifest();
      const refs: PackFileRef[] = manifestFiles(m).map((f) => f.ref);
      for (const { entry } of variantGraphs(v, m).filter((g) => !(g.role in m.graphs))) {
        refs.push(entry.file, ...(entry.externalData ?? []).flatMap((e) => e.chunks));
      }
      assert.ok(refs.length > 10);
      for (const ref of refs) {
        const p = join(dir, ref.path);
        assert.ok(existsSync(p), `${ref.path} missing`);
        assert.equal(statSync(p).size, ref.size, `${ref.path} size`);
        assert.equal(sha256(p), ref.sha256, `${ref.path} sha256`);
      }
    });

    test('external data: one chunk per location, each within the limit, every initializer inside its chunk', () => {
      let mostChunks = 0;
      for (const { role, entry } of variantGraphs(v, manifest())) {
        const ext = entry.externalData ?? [];
        const locations = new Map(ext.map((e) => [e.location, e]));
        for (const e of ext) {
          assert.equal(e.chunks.length, 1, `${role}: ${e.location} has ${e.chunks.length} chunks`);
          assert.equal(e.chunks[0].path, e.location, `${role}: chunk file = location (nothing is joined)`);
          assert.ok(e.chunks[0].size <= chunkLimitBytes(entry.file.path), `${role}: ${e.location} over the limit`);
        }
        mostChunks = Math.max(mostChunks, ext.length);
        const model = loadModel(join(dir, entry.file.path));
        const used = new Set<string>();
        for (const t of model.graph?.initializer ?? []) {
          if (t.dataLocation !== onnx.TensorProto.DataLocation.EXTERNAL) continue;
          const kv = Object.fromEntries((t.externalData ?? []).map((e) => [e.key, e.value]));
          const listed = locations.get(kv.location ?? '');
          assert.ok(listed, `${role}: ${t.name} in unlisted ${kv.location}`);
          const end = Number(kv.offset ?? 0) + Number(kv.length);
          assert.ok(end <= listed.chunks[0].size, `${role}: ${t.name} ends at ${end} > ${listed.chunks[0].size}`);
          used.add(kv.location!);
        }
        assert.deepEqual([...used].sort(), [...locations.keys()].sort(), `${role}: every chunk is read`);
      }
      assert.ok(mostChunks >= 2, 'the tiny build (small --chunk-mb) splits at least one graph into several chunks');
    });

    test('no Mod, no Softmax; every attention of the base pack is a MultiHeadAttention; static graphs have no Shape', () => {
      for (const { role, entry } of variantGraphs(v, manifest())) {
        const model = loadModel(join(dir, entry.file.path));
        const nodes = allNodes(model.graph?.node);
        assert.equal(count(nodes, 'Mod'), 0, `${role}: Mod`);
        assert.equal(count(nodes, 'Softmax'), 0, `${role}: unfused attention (Softmax) left`);
        const attentions = baseAttentions(entry.file.path);
        assert.equal(count(nodes, 'MultiHeadAttention', 'com.microsoft'), attentions, `${role}: fused attentions`);
        const dynamic = (model.graph?.input ?? []).some((i) =>
          (i.type?.tensorType?.shape?.dim ?? []).some((d) => d.dimParam),
        );
        if (!dynamic) {
          const shapeOps = ['Shape', 'Size', 'ConstantOfShape'].reduce((s, op) => s + count(nodes, op), 0);
          assert.equal(shapeOps, 0, `${role}: fixed-size graph still computes shapes`);
        }
      }
    });

    test('precision: float16 weights and I/O as ioDtype says; weight-only 4/8-bit MatMulNBits', () => {
      const m = manifest();
      let largest = 0;
      for (const { role, entry } of variantGraphs(v, m)) {
        const model = loadModel(join(dir, entry.file.path));
        const io = [...(model.graph?.input ?? []), ...(model.graph?.output ?? [])].map(
          (x) => x.type?.tensorType?.elemType,
        );
        assert.equal(entry.ioDtype, io.includes(FLOAT16) ? 'float16' : 'float32', `${role}: ioDtype`);
        const inits = model.graph?.initializer ?? [];
        for (const t of inits) largest = Math.max(largest, initializerBytes(t));
        const bytes = (type: number) =>
          inits.filter((t) => t.dataType === type).reduce((s, t) => s + initializerBytes(t), 0);
        const nodes = allNodes(model.graph?.node);
        const float32Compute = m.variant!.transforms.includes(`fp16-weights-float32-compute:${role}`);
        if (v === 'fp32-fused') {
          assert.equal(bytes(FLOAT16), 0, `${role}: float16 weights in the fp32 variant`);
          assert.ok(!io.includes(FLOAT16));
        } else if (float32Compute) {
          // Weights stored float16 and widened by Casts (folded when the session loads), float16 inputs widened in
          // the graph: float32 arithmetic, float32 outputs.
          assert.ok(bytes(FLOAT) <= 0.05 * (bytes(FLOAT) + bytes(FLOAT16)), `${role}: float32 weights left`);
          assert.ok(count(nodes, 'Cast') >= inits.filter((t) => t.dataType === FLOAT16).length, `${role}: Casts`);
          const outTypes = (model.graph?.output ?? []).map((x) => x.type?.tensorType?.elemType);
          assert.ok(io.includes(FLOAT16), `${role}: float16 inputs`);
          assert.ok(outTypes.length > 0 && outTypes.every((t) => t === FLOAT), `${role}: float32 outputs`);
        } else {
          // float32 only in the islands (position-encoding tables, reductions): a few % of the float weights.
          assert.ok(bytes(FLOAT) <= 0.05 * (bytes(FLOAT) + bytes(FLOAT16)), `${role}: float32 weights left`);
          assert.ok(io.includes(FLOAT16), `${role}: float16 I/O`);
        }
        const nbits = nodes.filter((n) => n.opType === 'MatMulNBits');
        if (v === 'q4f16' || v === 'q8f16') {
          const bits = v === 'q4f16' ? 4 : 8;
          for (const n of nbits) assert.equal(Number(n.attribute?.find((a) => a.name === 'bits')?.i), bits);
          const matmuls = count(nodes, 'MatMul');
          if (count(nodes, 'MatMul') + nbits.length > 0 && role !== 'memoryEncoder') {
            assert.ok(nbits.length > matmuls, `${role}: ${nbits.length} quantised vs ${matmuls} float MatMuls`);
          }
        } else {
          assert.equal(nbits.length, 0);
        }
      }
      assert.ok(m.variant!.requires.maxBufferSize >= largest, 'maxBufferSize covers the largest weight');
      assert.equal(m.variant!.requires.maxStorageBufferBindingSize, m.variant!.requires.maxBufferSize);
    });
  });
}

test('the tiny variants were built from the committed pack (fixtures exist)', () => {
  assert.ok(existsSync(join(SAM3_TINY_DIR, 'variants', 'build-report.json')), 'run tools/export/build_variants.py');
});
