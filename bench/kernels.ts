/**
 * npm run bench:kernels — the full-size ViT's heaviest kernels alone, at its shapes, on onnxruntime-node's CPU EP
 * and on onnxruntime-web's WASM build in Node (the kernels a browser without WebGPU runs), with the same threads.
 *
 *   npm run bench:kernels -- [--threads 2] [--repeats 3] [--out bench/results]
 *
 * bench:full measures whole requests; this says where the WASM/node ratio of a full-size request comes from, with
 * graphs of one op each (built here, random weights): a float32 MatMul and a 4-bit MatMulNBits (block 32, the q4
 * variant's; accuracy levels 0 = float32 compute and 4 = int8 compute) at the MLP's shape [5184 × 1024] · [1024 ×
 * 4096], and MultiHeadAttention as build_variants fuses it: global (16 heads, one 741-query block against all
 * 72² = 5184 keys) and windowed (nine 24² windows folded into 9 × 16 heads). Reported per kernel: the median time over `--repeats` runs
 * after one warm-up on each runtime, and their ratio (wasm / node) from the same run. Writes OUT/kernels-cpu.json.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder } from '../tools/demo-pack/onnxBuilder';
import { prng } from '../tools/scenes/scene';
import { createNodeRuntime } from '../workers/ort/nodeRuntime';
import { createNodeWasmRuntime } from '../workers/ort/nodeWasmRuntime';
import type { GraphRuntime, GraphValue, HostTensor } from '../workers/ort/graphRuntime';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a.startsWith('--')) args.set(a.slice(2), process.argv[i + 1]?.startsWith('--') ? '' : (process.argv[++i] ?? ''));
}
const threads = Number(args.get('threads') || 2);
const repeats = Number(args.get('repeats') || 3);
const outDir = args.get('out') || 'bench/results';

/** Deterministic values in [−scale, scale) from the scenes' PRNG: the kernels' speed does not depend on them. */
function random(n: number, seed: number, scale = 1): Float32Array {
  const next = prng(seed);
  return Float32Array.from({ length: n }, () => (next() - 0.5) * 2 * scale);
}

function bytes(n: number, seed: number): Uint8Array {
  const next = prng(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
}

interface Kernel {
  name: string;
  what: string;
  model: Uint8Array;
  inputs: Record<string, HostTensor>;
}

const TOKENS = 72 * 72; // 1008 / 14 patches a side
const WIDTH = 1024;
const MLP = 4096;

function matmul(): Kernel {
  const g = new GraphBuilder('matmul');
  const x = g.input('x', 'float32', [1, TOKENS, WIDTH]);
  g.output('y', g.op('MatMul', [x, g.f32(random(WIDTH * MLP, 2, 0.02), [WIDTH, MLP])]), 'float32', [1, TOKENS, MLP]);
  return {
    name: 'matmul-fp32',
    what: `MatMul float32 [${TOKENS}×${WIDTH}]·[${WIDTH}×${MLP}]`,
    model: g.toBytes(),
    inputs: { x: { type: 'float32', dims: [1, TOKENS, WIDTH], data: random(TOKENS * WIDTH, 1) } },
  };
}

function matmulNBits(accuracyLevel: 0 | 4): Kernel {
  const block = 32;
  const blocks = WIDTH / block;
  const g = new GraphBuilder('matmul-nbits');
  const x = g.input('x', 'float32', [1, TOKENS, WIDTH]);
  const w = g.u8(bytes(MLP * blocks * (block / 2), 3), [MLP, blocks, block / 2]);
  const scales = g.f32(random(MLP * blocks, 4, 0.002).map(Math.abs), [MLP * blocks]);
  const zeros = g.u8(bytes((MLP * blocks) / 2, 5), [(MLP * blocks) / 2]);
  const y = g.contribOp('MatMulNBits', [x, w, scales, zeros], {
    K: WIDTH,
    N: MLP,
    bits: 4,
    block_size: block,
    accuracy_level: accuracyLevel,
  });
  g.output('y', y, 'float32', [1, TOKENS, MLP]);
  return {
    name: `matmul-nbits4-acc${accuracyLevel}`,
    what: `MatMulNBits 4-bit block ${block}, accuracy_level ${accuracyLevel}, same shape`,
    model: g.toBytes(),
    inputs: { x: { type: 'float32', dims: [1, TOKENS, WIDTH], data: random(TOKENS * WIDTH, 1) } },
  };
}

/**
 * Global: one of the 7 query blocks build_variants splits each global layer into (chunk_attention.py: 741 queries
 * against all 5184 keys, 234 MiB of float32 scores; the whole layer's 1.6 GiB overflows the WASM build's 32-bit
 * sizes). Windowed: a whole windowed layer.
 */
function attention(kind: 'global' | 'windowed'): Kernel {
  const heads = kind === 'global' ? 16 : 9 * 16;
  const queries = kind === 'global' ? 741 : 24 * 24;
  const keys = kind === 'global' ? TOKENS : 24 * 24;
  const hidden = heads * 64;
  const g = new GraphBuilder('mha');
  const q = g.input('q', 'float32', [1, queries, hidden]);
  const [k, v] = ['k', 'v'].map((n) => g.input(n, 'float32', [1, keys, hidden]));
  g.output('y', g.contribOp('MultiHeadAttention', [q, k, v], { num_heads: heads }), 'float32', [1, queries, hidden]);
  const data = (n: number, seed: number) => ({
    type: 'float32' as const,
    dims: [1, n, hidden],
    data: random(n * hidden, seed),
  });
  return {
    name: `mha-${kind}`,
    what: `MultiHeadAttention ${kind}: ${heads} heads, ${queries} queries × ${keys} keys, head size 64`,
    model: g.toBytes(),
    inputs: { q: data(queries, 6), k: data(keys, 7), v: data(keys, 8) },
  };
}

async function time(runtime: GraphRuntime, kernel: Kernel): Promise<number> {
  const graph = await runtime.createGraph({
    name: kernel.name,
    model: kernel.model,
    externalData: [],
    provider: runtime.providers[0],
  });
  const feeds: Record<string, GraphValue> = {};
  for (const [k, t] of Object.entries(kernel.inputs)) feeds[k] = runtime.tensor(t);
  const ms: number[] = [];
  for (let i = 0; i <= repeats; i++) {
    const t0 = performance.now();
    await graph.run(feeds);
    if (i > 0) ms.push(performance.now() - t0);
  }
  await graph.release();
  return [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)];
}

const kernels = [matmul(), matmulNBits(0), matmulNBits(4), attention('global'), attention('windowed')];
const node = await createNodeRuntime({ threads });
const wasm = await createNodeWasmRuntime(threads);
const rows: { kernel: string; what: string; nodeMs: number; wasmMs: number; ratio: number }[] = [];
for (const k of kernels) {
  const nodeMs = await time(node, k);
  const wasmMs = await time(wasm, k);
  rows.push({ kernel: k.name, what: k.what, nodeMs, wasmMs, ratio: wasmMs / nodeMs });
  console.log(
    `${k.name.padEnd(22)} node ${nodeMs.toFixed(0).padStart(6)} ms  wasm ${wasmMs.toFixed(0).padStart(6)} ms  ×${(wasmMs / nodeMs).toFixed(2)}`,
  );
}
const report = { date: new Date().toISOString(), cpu: cpus()[0]?.model ?? '', threads, repeats, kernels: rows };
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'kernels-cpu.json'), JSON.stringify(report, null, 2) + '\n');
console.log(`wrote ${join(outDir, 'kernels-cpu.json')}`);
