/**
 * npm run bench:gpu — the whole engine on onnxruntime-node's WebGPU EP (the C++ kernels the browser's WebGPU build
 * runs) over full-size packs, side by side with PyTorch when tools/export/torch_bench.py's results are there.
 *
 * Per pack (the exported pack and each built variant): per-stage times of the first image request (pre-processing,
 * vision, text, detector, post-processing), a keystroke, an exemplar change, a click, a video frame with 1, 5 and 20
 * tracked objects; peak GPU memory (nvidia-smi, when present); accuracy against PyTorch fp32 at full size (kept set,
 * scores, boxes, mask IoU). Cases: tools/export/bench_cases.json (the PyTorch bench's).
 *
 *   node gpu-bench.mjs --packs DIR[,DIR…] [--torch torch_bench.json] [--outputs DIR (holding goldens/)] [--cpu] [--repeats N] [--out DIR]
 *   SAM3_FULL_DIR=/tmp/sam3-full node gpu-bench.mjs        (pack/ and variants/* under it, torch/ beside)
 *
 * Bundled by `npm run bench:gpu:bundle` into one file that imports only onnxruntime-node (tools/export/README.md,
 * the GPU machine has no node_modules). Here it runs on the CPU EP (--cpu) or, with Chromium's SwiftShader Vulkan,
 * on the same WebGPU EP (slowly): `npm run bench:gpu -- --packs tests/fixtures/sam3-tiny/pack`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { createEngine, type Engine } from '../workers/engine/engine';
import { createNodeRuntime } from '../workers/ort/nodeRuntime';
import { MemoryByteStore } from '../workers/packs/byteStore';
import { nodePackDirectory } from '../workers/packs/nodePackDirectory';
import { decodeMaskToFrame } from '../workers/core/rle';
import { maskIou } from '../workers/core/masks';
import type { ObjectPrompt } from '../workers/protocol/prompts';
import type { SegmentResult } from '../workers/protocol/results';
import { caseImage, cases, concept, rolled } from './fullSize/cases';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a.startsWith('--')) args.set(a.slice(2), process.argv[i + 1]?.startsWith('--') ? '' : (process.argv[++i] ?? ''));
}
const fullDir = process.env.SAM3_FULL_DIR;
const useCpu = args.has('cpu');
const REPEATS = Number(args.get('repeats') || 5);
const outDir = resolve(args.get('out') || process.env.OUT || 'bench/results');
const root = resolve(args.get('root') || process.cwd());

function packDirs(): string[] {
  if (args.get('packs'))
    return args
      .get('packs')!
      .split(',')
      .map((p) => resolve(p));
  if (!fullDir) throw new Error('give --packs DIR[,DIR…] or set SAM3_FULL_DIR');
  const variants = join(fullDir, 'variants');
  const dirs = [join(fullDir, 'pack')];
  if (existsSync(variants)) {
    for (const v of readdirSync(variants)) if (statSync(join(variants, v)).isDirectory()) dirs.push(join(variants, v));
  }
  return dirs;
}

const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN);

/** Peak GPU memory used while `fn` runs, from nvidia-smi every 20 ms (null without an NVIDIA GPU). */
async function gpuPeak<T>(fn: () => Promise<T>): Promise<{ value: T; peakBytes: number | null }> {
  const query = () => {
    try {
      const out = execFileSync('nvidia-smi', ['--query-gpu=memory.used', '--format=csv,noheader,nounits'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      return Number(out.trim().split('\n')[0]) * 1024 * 1024;
    } catch {
      return null;
    }
  };
  const base = query();
  if (base === null) return { value: await fn(), peakBytes: null };
  let peak = base;
  const child = spawn('nvidia-smi', ['--query-gpu=memory.used', '--format=csv,noheader,nounits', '-lms', '20'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  child.stdout.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n')) if (line.trim()) peak = Math.max(peak, Number(line) * 1024 * 1024);
  });
  const value = await fn();
  await new Promise((r) => setTimeout(r, 60));
  child.kill();
  return { value, peakBytes: Math.max(0, peak - base) };
}

interface PackReport {
  pack: string;
  variant: string;
  bytes: number;
  providers: Record<string, string>;
  timingsMs: Record<string, number>;
  peakGpuBytes: Record<string, number | null>;
  accuracy?: Record<string, unknown>;
  errors: Record<string, string>;
}

async function openEngine(dir: string): Promise<{ engine: Engine; info: Awaited<ReturnType<Engine['openPack']>> }> {
  const engine = createEngine({
    createRuntime: () => createNodeRuntime({ webgpu: !useCpu }),
    store: new MemoryByteStore(),
  });
  await engine.init({ provider: 'auto' });
  const info = await engine.openPack(await nodePackDirectory(dir));
  return { engine, info };
}

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

async function benchPack(dir: string): Promise<PackReport> {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const report: PackReport = {
    pack: dir,
    variant: manifest.variant?.precision ?? 'as exported',
    bytes: dirBytes(dir),
    providers: {},
    timingsMs: {},
    peakGpuBytes: {},
    errors: {},
  };
  const step = async (name: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      report.errors[name] = err instanceof Error ? err.message : JSON.stringify(err);
      console.error(`  ${name}: ${report.errors[name]}`);
    }
  };
  const { engine, info } = await openEngine(dir);
  for (const g of info.graphs) report.providers[g.role] = `${g.executionProvider} (${g.reason})`;
  const first = caseImage(cases.firstRequest.image, root);

  // First image request: a new image each repeat (vision runs again), one phrase; stages from the engine's timings.
  await step('firstRequest', async () => {
    const samples: Record<string, number[]> = {};
    const add = (k: string, v?: number) => v !== undefined && (samples[k] ??= []).push(v);
    const { peakBytes } = await gpuPeak(async () => {
      for (let i = 0; i <= REPEATS; i++) {
        const t0 = performance.now();
        const img = await engine.openImage({ kind: 'rgba', name: 'first.png', image: first });
        // A phrase not seen before, so the text encoder runs too (the words only vary the tokens, not the work).
        const phrase = i === REPEATS ? cases.firstRequest.phrase : `${cases.firstRequest.phrase} ${'x'.repeat(i + 1)}`;
        const r = await engine.segment({ imageId: img.imageId, concepts: [concept(phrase)], scoreThreshold: 0.5 });
        const total = performance.now() - t0;
        if (i === 0) continue; // warm-up: shader compilation
        add('preprocess', img.timingsMs.preprocess);
        for (const s of ['vision', 'text', 'detector', 'postprocess']) add(s, r.timingsMs[s]);
        add('total', total);
      }
    });
    for (const [k, xs] of Object.entries(samples)) report.timingsMs[`firstRequest.${k}`] = median(xs);
    report.peakGpuBytes.firstRequest = peakBytes;
  });

  const img = await engine.openImage({ kind: 'rgba', name: 'k.png', image: caseImage(cases.keystrokes.image, root) });
  await engine.segment({ imageId: img.imageId, concepts: [concept(cases.firstRequest.phrase)], scoreThreshold: 0.5 });

  await step('keystroke', async () => {
    const xs: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      for (const phrase of cases.keystrokes.phrases) {
        // A new phrase each time: the text encoder and detector run; the image's features are cached.
        const p = `${phrase} ${i}`;
        const t = performance.now();
        await engine.segment({ imageId: img.imageId, concepts: [concept(p)], scoreThreshold: 0.5 });
        xs.push(performance.now() - t);
      }
    }
    report.timingsMs.keystroke = median(xs);
  });

  await step('exemplarChange', async () => {
    const xs: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const boxes = cases.exemplar.boxes.map((b, k) => ({
        id: `b${k}`,
        xyxyPx: b.xyxy.map((v) => v + i * 0.5) as [number, number, number, number],
        polarity: b.positive ? ('positive' as const) : ('negative' as const),
      }));
      const t = performance.now();
      await engine.segment({
        imageId: img.imageId,
        concepts: [concept(cases.exemplar.phrase, boxes)],
        scoreThreshold: 0.5,
      });
      xs.push(performance.now() - t);
    }
    report.timingsMs.exemplarChange = median(xs);
  });

  await step('click', async () => {
    const xs: number[] = [];
    for (let i = 0; i <= REPEATS; i++) {
      const object: ObjectPrompt = {
        id: 'o',
        candidate: 0,
        points: cases.click.points.map((p, k) => ({
          id: `p${k}`,
          xyPx: [p.xy[0] + i * 0.5, p.xy[1]] as [number, number],
          polarity: p.positive ? ('positive' as const) : ('negative' as const),
        })),
      };
      const t = performance.now();
      await engine.segment({ imageId: img.imageId, concepts: [], objects: [object], scoreThreshold: 0.5 });
      if (i > 0) xs.push(performance.now() - t);
    }
    report.timingsMs.click = median(xs);
  });

  // Video: frame k = the image rolled by k·shift; n objects seeded on frame 0 with grid-cell boxes.
  const base = caseImage(cases.video.image, root);
  for (const n of cases.video.objectCounts) {
    await step(`videoFrame.${n}`, async () => {
      const { peakBytes } = await gpuPeak(async () => {
        const session = await engine.startVideo({ mode: 'file', detectEvery: 1_000_000 });
        const [cols, rows] = cases.video.grid;
        const objects: ObjectPrompt[] = Array.from({ length: n }, (_, i) => {
          const c = i % cols;
          const r = Math.floor(i / cols);
          const W = base.width;
          const H = base.height;
          return {
            id: `o${i}`,
            candidate: 0,
            points: [],
            boxXyxyPx: [(c * W) / cols, (r * H) / rows, ((c + 1) * W) / cols, ((r + 1) * H) / rows],
          };
        });
        const xs: number[] = [];
        for (let k = 0; k < cases.video.frames; k++) {
          const frame = rolled(base, k * cases.video.shiftPerFrame[0], k * cases.video.shiftPerFrame[1]);
          const t = performance.now();
          await engine.processFrame({
            sessionId: session.sessionId,
            frameIndex: k,
            timestampMs: k * 33,
            rgba: frame,
            concepts: [],
            objects: k === 0 ? objects : objects,
            scoreThreshold: 0.5,
          });
          if (k > 1) xs.push(performance.now() - t); // after the conditioning frame and one warm-up
        }
        await engine.endVideo(session.sessionId);
        report.timingsMs[`videoFrame.${n}`] = median(xs);
      });
      report.peakGpuBytes[`video${n}`] = peakBytes;
    });
  }

  await step('accuracy', async () => {
    report.accuracy = await accuracy(engine);
  });
  return report;
}

/** The first-request case against PyTorch fp32's outputs (goldens format), when they are there. */
async function accuracy(engine: Engine): Promise<Record<string, unknown> | undefined> {
  const dir = args.get('outputs') || (fullDir ? join(fullDir, 'torch') : '');
  if (!dir || !existsSync(join(dir, 'goldens', 'index.json'))) return undefined;
  const { Goldens } = await import('../tests/parity/fixtures');
  const g = new Goldens(dir);
  const img = await engine.openImage({ kind: 'rgba', name: 'a.png', image: caseImage(cases.firstRequest.image, root) });
  const r: SegmentResult = await engine.segment({
    imageId: img.imageId,
    concepts: [concept(cases.firstRequest.phrase)],
    scoreThreshold: 0.5,
  });
  const keptTorch = Array.from(g.get('fp32/detector/first/kept_indices').data as BigInt64Array, Number).sort(
    (a, b) => a - b,
  );
  const scoresTorch = g.get('fp32/detector/first/scores').data as Float32Array;
  const keptEngine = r.instances.map((i) => i.query).sort((a, b) => a - b);
  const both = keptEngine.filter((q) => keptTorch.includes(q));
  const maskIdx = Array.from(g.get('fp32/detector/first/mask_indices').data as BigInt64Array, Number);
  const masks = g.get('fp32/detector/first/masks').data as Uint8Array;
  const ious: number[] = [];
  for (const inst of r.instances) {
    const k = maskIdx.indexOf(inst.query);
    if (k < 0) continue;
    const plane = inst.mask.width * inst.mask.height;
    ious.push(maskIou(decodeMaskToFrame(inst.mask), masks.subarray(k * plane, (k + 1) * plane)));
  }
  return {
    keptTorch,
    keptEngine,
    keptSame: JSON.stringify(keptTorch) === JSON.stringify(keptEngine),
    maxScoreDiffBothKept: Math.max(
      0,
      ...both.map((q) => Math.abs(r.instances.find((i) => i.query === q)!.score - scoresTorch[q])),
    ),
    minMaskIou: ious.length ? Math.min(...ious) : null,
  };
}

function table(reports: PackReport[], torch: Record<string, unknown> | null): string {
  const ms = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? `${v.toFixed(1)}` : '—');
  const gb = (v: number | null | undefined) => (typeof v === 'number' ? `${(v / 2 ** 30).toFixed(2)} GB` : '—');
  const runs = (torch?.runs ?? {}) as Record<
    string,
    { timingsMs: Record<string, unknown>; peakMemoryBytes?: Record<string, number> }
  >;
  const t = (dt: string, path: string) =>
    path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], runs[dt]?.timingsMs);
  const rows: [string, (r: PackReport) => string, string, string][] = [
    [
      'first request: pre-processing',
      (r) => ms(r.timingsMs['firstRequest.preprocess']),
      ms(t('fp32', 'preprocess')),
      ms(t('fp16', 'preprocess')),
    ],
    [
      'first request: vision',
      (r) => ms(r.timingsMs['firstRequest.vision']),
      ms(t('fp32', 'firstRequest.vision')),
      ms(t('fp16', 'firstRequest.vision')),
    ],
    [
      'first request: text',
      (r) => ms(r.timingsMs['firstRequest.text']),
      ms(t('fp32', 'firstRequest.text')),
      ms(t('fp16', 'firstRequest.text')),
    ],
    [
      'first request: detector',
      (r) => ms(r.timingsMs['firstRequest.detector']),
      ms(t('fp32', 'firstRequest.detector')),
      ms(t('fp16', 'firstRequest.detector')),
    ],
    ['first request: post-processing', (r) => ms(r.timingsMs['firstRequest.postprocess']), '—', '—'],
    [
      'first request: total',
      (r) => ms(r.timingsMs['firstRequest.total']),
      ms(t('fp32', 'firstRequest.total')),
      ms(t('fp16', 'firstRequest.total')),
    ],
    ['keystroke', (r) => ms(r.timingsMs.keystroke), ms(t('fp32', 'keystroke.total')), ms(t('fp16', 'keystroke.total'))],
    [
      'exemplar change',
      (r) => ms(r.timingsMs.exemplarChange),
      ms(t('fp32', 'exemplarChange.detector')),
      ms(t('fp16', 'exemplarChange.detector')),
    ],
    ['click', (r) => ms(r.timingsMs.click), ms(t('fp32', 'click.decoder')), ms(t('fp16', 'click.decoder'))],
    ...cases.video.objectCounts.map(
      (n) =>
        [
          `video frame, ${n} objects`,
          (r: PackReport) => ms(r.timingsMs[`videoFrame.${n}`]),
          ms(t('fp32', `videoFrame.${n}`)),
          ms(t('fp16', `videoFrame.${n}`)),
        ] as [string, (r: PackReport) => string, string, string],
    ),
    [
      'peak GPU memory, image request',
      (r) => gb(r.peakGpuBytes.firstRequest),
      gb(runs.fp32?.peakMemoryBytes?.firstRequest),
      gb(runs.fp16?.peakMemoryBytes?.firstRequest),
    ],
    ['download size', (r) => `${(r.bytes / 1e9).toFixed(2)} GB`, '—', '—'],
  ];
  const head = `| measure (ms unless stated) | ${reports.map((r) => `${basename(r.pack)} (${r.variant})`).join(' | ')} | PyTorch fp32 | PyTorch fp16 |`;
  const sep = `|---|${reports.map(() => '---|').join('')}---|---|`;
  return [
    head,
    sep,
    ...rows.map(([name, f, a, b]) => `| ${name} | ${reports.map(f).join(' | ')} | ${a} | ${b} |`),
  ].join('\n');
}

const torchPath = args.get('torch') || (fullDir ? join(fullDir, 'torch', 'torch_bench.json') : '');
const torch = torchPath && existsSync(torchPath) ? JSON.parse(readFileSync(torchPath, 'utf8')) : null;
const reports: PackReport[] = [];
for (const dir of packDirs()) {
  console.log(`# ${dir}`);
  const r = await benchPack(dir);
  reports.push(r);
  console.log(JSON.stringify(r.timingsMs));
}
mkdirSync(outDir, { recursive: true });
const stamp = new Date().toISOString().slice(0, 10);
const md = [
  `# bench:gpu — ${useCpu ? 'onnxruntime-node CPU EP' : 'onnxruntime-node WebGPU EP'}, ${stamp}`,
  '',
  `Command: \`node gpu-bench.mjs ${process.argv.slice(2).join(' ')}\`${fullDir ? ` (SAM3_FULL_DIR=${fullDir})` : ''}; medians of ${REPEATS} runs after one warm-up.`,
  '',
  table(reports, torch),
  '',
  '## Providers per graph',
  ...reports.map(
    (r) =>
      `- ${basename(r.pack)}: ${Object.entries(r.providers)
        .map(([k, v]) => `${k} → ${v}`)
        .join('; ')}`,
  ),
  '',
  '## Accuracy against PyTorch fp32 (first request)',
  ...reports.map(
    (r) => `- ${basename(r.pack)}: ${r.accuracy ? JSON.stringify(r.accuracy) : 'no PyTorch outputs given'}`,
  ),
  ...(reports.some((r) => Object.keys(r.errors).length)
    ? ['', '## Errors', ...reports.map((r) => `- ${basename(r.pack)}: ${JSON.stringify(r.errors)}`)]
    : []),
].join('\n');
writeFileSync(join(outDir, 'gpu-bench.md'), md + '\n');
writeFileSync(join(outDir, 'gpu-bench.json'), JSON.stringify({ reports, torch: torch ? torchPath : null }, null, 2));
console.log(`\n${md}`);
