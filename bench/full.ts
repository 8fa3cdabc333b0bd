/**
 * npm run bench:full — the whole engine over the full-size packs on this machine's CPU, beside PyTorch fp32 on the
 * same weights and inputs, with each variant's accuracy against PyTorch.
 *
 *   npm run export:full                      # once: the pack and its variants in $SAM3_FULL_DIR (see README)
 *   npm run bench:full -- [--dir DIR] [--variants fp32-fused,fp16,q8f16,q4f16,q4] [--runtimes node,wasm]
 *                         [--scenarios first,keystroke,exemplar,click,video,accuracy] [--wasm-scenarios …]
 *                         [--threads 2] [--video-frames 5] [--torch-rerun] [--no-torch] [--out bench/results]
 *                         [--reuse | --reuse-only | --update]
 *
 * Per variant and runtime, one child process (bench/fullSize/runPack.ts, so each peak memory is its own):
 * onnxruntime-node's CPU EP ("node") and onnxruntime-web's WASM build in Node ("wasm", the kernels a browser without
 * WebGPU runs, `--threads` threads as a cross-origin-isolated page gets them; its WASM heap is measured). PyTorch:
 * tools/export/torch_bench.py on the CPU (fp32, eager, the same cases and the same thread count), run once and kept
 * in DIR/torch/ (--torch-rerun to redo). Writes OUT/full-size-cpu.json and OUT/full-size-cpu.md. Each run's own
 * report is kept as OUT/.run-<runtime>-<variant>.json; `--reuse` takes those already there instead of running them
 * again (a long sweep done in parts: each run's report carries its own date); `--reuse-only` assembles the report
 * from them alone and runs nothing; `--update` runs the given scenarios again and merges them into the kept run
 * (`mergeRun`: e.g. the video case after a fix, without redoing the image cases).
 *
 * A full-size vision pass takes about a minute on this 2-core machine, so the defaults keep the count down: every
 * scenario on "node", and on "wasm" the first request, a keystroke, an exemplar change and a click (the video and
 * the accuracy set add a vision pass per frame and per image).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { packFit } from '../workers/protocol/variantFit';
import type { PackManifest } from '../workers/protocol/manifest';
import { cases } from './fullSize/cases';
import { finish, formatReport, mergeRun, type FullSizeReport, type RunReport } from './fullSize/report';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a.startsWith('--')) args.set(a.slice(2), process.argv[i + 1]?.startsWith('--') ? '' : (process.argv[++i] ?? ''));
}
const dir = resolve(args.get('dir') || process.env.SAM3_FULL_DIR || join(homedir(), '.cache', 'sam3-web', 'full'));
const variants = (args.get('variants') || 'fp32-fused,fp16,q8f16,q4f16,q4').split(',');
const runtimes = (args.get('runtimes') || 'node,wasm').split(',') as ('node' | 'wasm')[];
const threads = Number(args.get('threads') || 2);
const videoFrames = args.get('video-frames') || '5';
const scenarios = args.get('scenarios') || 'first,keystroke,exemplar,click,accuracy,video';
const wasmScenarios = args.get('wasm-scenarios') || 'first,keystroke,exemplar,click';
const outDir = resolve(args.get('out') || 'bench/results');
const torchDir = join(dir, 'torch');

if (!existsSync(join(dir, 'pack', 'manifest.json'))) {
  console.error(`No full-size pack in ${dir}: run \`npm run export:full\` first (or give --dir / SAM3_FULL_DIR).`);
  process.exit(2);
}

function dirBytes(d: string): number {
  return readdirSync(d).reduce((n, f) => n + statSync(join(d, f)).size, 0);
}

function runTorch(): void {
  const py = spawnSync('bash', ['scripts/python-env.sh'], { encoding: 'utf8' }).stdout.trim();
  const a = [
    'tools/export/torch_bench.py',
    '--random-full',
    join(dir, 'pack'),
    '--tokenizer',
    join(dir, 'pack', 'tokenizer.json'),
    '--out',
    torchDir,
    '--device',
    'cpu',
    '--dtypes',
    'fp32',
    '--repeats',
    '1',
    '--warmup',
    '0',
    '--video-frames',
    videoFrames,
    '--object-counts',
    String(cases.video.savedObjectCount),
  ];
  console.log(`# PyTorch fp32 on the CPU (${threads} threads): ${py} ${a.join(' ')}`);
  const t0 = performance.now();
  const r = spawnSync(py, a, {
    stdio: 'inherit',
    env: { ...process.env, OMP_NUM_THREADS: String(threads), PYTHONUNBUFFERED: '1' },
  });
  if (r.status !== 0) throw new Error(`torch_bench.py failed (exit ${r.status})`);
  console.log(`# PyTorch done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

async function runPack(pack: string, runtime: 'node' | 'wasm', scen: string): Promise<RunReport> {
  const out = join(outDir, `.run-${runtime}-${pack.split('/').pop()}.json`);
  if ((args.has('reuse') || args.has('reuse-only')) && existsSync(out)) {
    console.log(`# ${runtime} ${pack}: reusing ${out}`);
    return JSON.parse(readFileSync(out, 'utf8')) as RunReport;
  }
  if (args.has('update') && existsSync(out)) {
    const kept = JSON.parse(readFileSync(out, 'utf8')) as RunReport;
    const fresh = await runPackTo(pack, runtime, scen, `${out}.update`);
    unlinkSync(`${out}.update`);
    const merged = mergeRun(kept, fresh, scen.split(','));
    writeFileSync(out, JSON.stringify(merged, null, 1));
    console.log(`# ${runtime} ${pack}: ${scen} merged into ${out}`);
    return merged;
  }
  return runPackTo(pack, runtime, scen, out);
}

function runPackTo(pack: string, runtime: 'node' | 'wasm', scen: string, out: string): Promise<RunReport> {
  const a = [
    '--expose-gc',
    '--max-old-space-size=8192',
    '--import',
    'tsx',
    'bench/fullSize/runPack.ts',
    '--pack',
    pack,
    '--runtime',
    runtime,
    '--threads',
    String(threads),
    '--scenarios',
    scen,
    '--video-frames',
    videoFrames,
    '--out',
    out,
    ...(existsSync(join(torchDir, 'goldens', 'index.json')) ? ['--torch', torchDir] : []),
  ];
  console.log(`# ${runtime} ${pack}: ${scen}`);
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, a, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', (code) =>
      // A run stopped by SIGTERM writes what it measured (its errors name the stop): kept as a partial run.
      (code === 0 || code === 143) && existsSync(out)
        ? res(JSON.parse(readFileSync(out, 'utf8')) as RunReport)
        : rej(new Error(`${runtime} ${pack}: exit ${code}`)),
    );
  });
}

mkdirSync(outDir, { recursive: true });
if (!args.has('no-torch') && (args.has('torch-rerun') || !existsSync(join(torchDir, 'torch_bench.json')))) runTorch();

const exportLog = existsSync(join(dir, 'export-log.json'))
  ? JSON.parse(readFileSync(join(dir, 'export-log.json'), 'utf8'))
  : null;
const torch = existsSync(join(torchDir, 'torch_bench.json'))
  ? JSON.parse(readFileSync(join(torchDir, 'torch_bench.json'), 'utf8'))
  : null;
const report: FullSizeReport = {
  date: new Date().toISOString(),
  machine: { cpus: (await import('node:os')).cpus().length, threads },
  dir,
  export: exportLog
    ? { seconds: exportLog.seconds, peakRssBytes: exportLog.peakRssBytes, stages: exportLog.stages }
    : null,
  pytorch: torch
    ? {
        firstRequestMs: torch.runs.fp32?.timingsMs?.firstRequest?.total ?? null,
        visionMs: torch.runs.fp32?.timingsMs?.firstRequest?.vision ?? null,
        textMs: torch.runs.fp32?.timingsMs?.firstRequest?.text ?? null,
        detectorMs: torch.runs.fp32?.timingsMs?.firstRequest?.detector ?? null,
        keystrokeMs: torch.runs.fp32?.timingsMs?.keystroke?.total ?? null,
        exemplarChangeMs: torch.runs.fp32?.timingsMs?.exemplarChange?.detector ?? null,
        clickMs: torch.runs.fp32?.timingsMs?.click?.decoder ?? null,
        videoFrame5Ms: torch.runs.fp32?.timingsMs?.videoFrame?.[String(cases.video.savedObjectCount)] ?? null,
        env: torch.env,
      }
    : null,
  variants: {},
  browser: existsSync(join(outDir, 'full-size-browser.json'))
    ? JSON.parse(readFileSync(join(outDir, 'full-size-browser.json'), 'utf8'))
    : null,
};
const gpuNone = { available: false, shaderF16: false, maxBufferSize: 0, maxStorageBufferBindingSize: 0 };
for (const v of variants) {
  const pack = join(dir, 'variants', v);
  if (!existsSync(join(pack, 'manifest.json'))) {
    console.error(`# ${v}: no ${pack} (npm run export:full -- --variants ${v})`);
    continue;
  }
  const manifest = JSON.parse(readFileSync(join(pack, 'manifest.json'), 'utf8')) as PackManifest;
  const entry: FullSizeReport['variants'][string] = { bytes: dirBytes(pack), runs: {} };
  report.variants[v] = entry;
  for (const rt of runtimes) {
    if (rt === 'wasm') {
      const fit = packFit(manifest, gpuNone, 'wasm');
      if (fit.runs === 'no') {
        entry.wasmRefused = fit.message;
        console.log(`# wasm ${v}: refused as the app refuses it — ${fit.message}`);
        continue;
      }
    }
    if (args.has('reuse-only') && !existsSync(join(outDir, `.run-${rt}-${v}.json`))) {
      console.log(`# ${rt} ${v}: no run to reuse (--reuse-only)`);
      continue;
    }
    try {
      entry.runs[rt] = await runPack(pack, rt, rt === 'wasm' ? wasmScenarios : scenarios);
    } catch (err) {
      entry.runs[rt] = { error: String(err) } as unknown as RunReport;
    }
    writeFileSync(join(outDir, 'full-size-cpu.json'), JSON.stringify(finish(report), null, 1) + '\n');
  }
}
writeFileSync(join(outDir, 'full-size-cpu.json'), JSON.stringify(finish(report), null, 1) + '\n');
const md = formatReport(report);
writeFileSync(join(outDir, 'full-size-cpu.md'), md);
console.log(`\n${md}`);
