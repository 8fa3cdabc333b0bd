/** bench:full's result file (bench/results/full-size-cpu.json) and its Markdown table. */
import { summarise, type AccuracySummary } from './compare';

/** What bench/fullSize/runPack.ts writes for one pack on one runtime. */
export interface RunReport {
  pack: string;
  runtime: 'node' | 'wasm';
  threads: number;
  providers: Record<string, string>;
  openMs: number;
  timingsMs: Record<string, number | null>;
  graphRuns: Record<string, Record<string, number>>;
  nonGraphShare: number | null;
  peakRssBytes: number;
  wasmHeapBytes: number | null;
  accuracy: AccuracySummary | null;
  errors: Record<string, string>;
  error?: string;
  /** When this run started (absent in runs made before it was recorded). */
  date?: string;
  /** CPU time per scenario (all threads) and the 1-minute load average at its start and end. */
  cpuMs?: Record<string, number>;
  loadAverage?: Record<string, [number, number]>;
  /** Scenarios re-run later and merged in (`bench:full --update`), each with its own start time. */
  updates?: { date: string; scenarios: string[] }[];
}

/** A run's report before anything is measured. */
export function emptyRunReport(pack: string, runtime: RunReport['runtime'], threads: number): RunReport {
  return {
    pack,
    runtime,
    threads,
    providers: {},
    openMs: 0,
    timingsMs: {},
    graphRuns: {},
    nonGraphShare: null,
    peakRssBytes: 0,
    wasmHeapBytes: null,
    accuracy: null,
    errors: {},
  };
}

/**
 * A kept run with some scenarios run again (`bench:full --update`, e.g. the video case after a fix): every figure
 * the fresh run measured replaces the kept one, the rest stays; accuracy is summarised again over the kept cases
 * with the fresh ones in their place; peaks are the larger of the two.
 */
export function mergeRun(kept: RunReport, fresh: RunReport, scenarios: string[]): RunReport {
  const cases = { ...(kept.accuracy?.cases ?? {}), ...(fresh.accuracy?.cases ?? {}) };
  const errors = Object.fromEntries(Object.entries(kept.errors).filter(([k]) => !scenarios.includes(k)));
  return {
    ...kept,
    timingsMs: { ...kept.timingsMs, ...fresh.timingsMs },
    graphRuns: { ...kept.graphRuns, ...fresh.graphRuns },
    nonGraphShare: fresh.nonGraphShare ?? kept.nonGraphShare,
    peakRssBytes: Math.max(kept.peakRssBytes, fresh.peakRssBytes),
    wasmHeapBytes:
      kept.wasmHeapBytes === null && fresh.wasmHeapBytes === null
        ? null
        : Math.max(kept.wasmHeapBytes ?? 0, fresh.wasmHeapBytes ?? 0),
    accuracy: Object.keys(cases).length ? summarise(cases) : null,
    errors: { ...errors, ...fresh.errors },
    cpuMs: { ...kept.cpuMs, ...fresh.cpuMs },
    loadAverage: { ...kept.loadAverage, ...fresh.loadAverage },
    updates: [...(kept.updates ?? []), { date: fresh.date ?? new Date().toISOString(), scenarios }],
  };
}

export interface EngineFigures {
  firstRequestMs: number | null;
  visionMs: number | null;
  textMs: number | null;
  detectorMs: number | null;
  keystrokeMs: number | null;
  exemplarChangeMs: number | null;
  clickMs: number | null;
  videoFrame5Ms: number | null;
  nonGraphShare: number | null;
  peakRssBytes: number | null;
  wasmHeapBytes?: number | null;
}

export interface VariantEntry {
  bytes: number;
  runs: Partial<Record<'node' | 'wasm', RunReport>>;
  /** onnxruntime-node's CPU EP. */
  engine?: EngineFigures;
  /** onnxruntime-web's WASM build in Node. */
  wasm?: EngineFigures;
  accuracy?: Pick<AccuracySummary, 'instanceF1' | 'maskIouMin' | 'maskIouMean' | 'maxAbsScore'> | null;
  /** Why the app would not open it on WASM (the same rule as the model panel's). */
  wasmRefused?: string;
}

export interface FullSizeReport {
  date: string;
  machine: { cpus: number; threads: number };
  dir: string;
  export: { seconds: number; peakRssBytes: number; stages: Record<string, unknown> } | null;
  /** PyTorch fp32's figures for the same scenarios (no non-graph share or memory: it has no engine around it). */
  pytorch:
    (Omit<EngineFigures, 'nonGraphShare' | 'peakRssBytes' | 'wasmHeapBytes'> & { env: Record<string, unknown> }) | null;
  variants: Record<string, VariantEntry>;
  browser: { variant: string; firstMasksMs: number; peakBytes: number; [k: string]: unknown } | null;
}

export function engineFigures(r: RunReport | undefined): EngineFigures | undefined {
  if (!r || r.error) return undefined;
  const t = r.timingsMs;
  return {
    firstRequestMs: t.firstRequest ?? null,
    visionMs: t['first.vision'] ?? null,
    textMs: t['first.text'] ?? null,
    detectorMs: t['first.detector'] ?? null,
    keystrokeMs: t.keystroke ?? null,
    exemplarChangeMs: t.exemplarChange ?? null,
    clickMs: t.click ?? null,
    videoFrame5Ms: t.videoFrame5 ?? null,
    nonGraphShare: r.nonGraphShare,
    peakRssBytes: r.peakRssBytes,
    ...(r.runtime === 'wasm' ? { wasmHeapBytes: r.wasmHeapBytes } : {}),
  };
}

/** Fills each variant's `engine`, `wasm` and `accuracy` (the schema) from its raw runs. */
export function finish(report: FullSizeReport): FullSizeReport {
  for (const v of Object.values(report.variants)) {
    v.engine = engineFigures(v.runs.node);
    v.wasm = engineFigures(v.runs.wasm);
    const acc = v.runs.node?.accuracy;
    v.accuracy = acc
      ? {
          instanceF1: acc.instanceF1,
          maskIouMin: acc.maskIouMin,
          maskIouMean: acc.maskIouMean,
          maxAbsScore: acc.maxAbsScore,
        }
      : null;
  }
  return report;
}

const s = (ms: number | null | undefined) => (typeof ms === 'number' ? `${(ms / 1000).toFixed(2)} s` : '—');
const gb = (b: number | null | undefined) => (typeof b === 'number' ? `${(b / 1e9).toFixed(2)} GB` : '—');
const n3 = (x: number | null | undefined) => (typeof x === 'number' ? x.toFixed(3) : '—');
const pct = (x: number | null | undefined) => (typeof x === 'number' ? `${(x * 100).toFixed(1)} %` : '—');
const load = (l: [number, number] | undefined) => (l ? `${l[0].toFixed(1)} → ${l[1].toFixed(1)}` : '—');
const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  typeof a === 'number' && typeof b === 'number' && b > 0 ? `${(a / b).toFixed(2)}×` : '—';

export function formatReport(raw: FullSizeReport): string {
  const r = finish(raw);
  const names = Object.keys(r.variants);
  const col = (f: (v: VariantEntry) => string) => names.map((n) => f(r.variants[n])).join(' | ');
  const pt = r.pytorch;
  const rows: [string, (v: VariantEntry) => string, string][] = [
    ['download size', (v) => gb(v.bytes), '—'],
    ['first request (vision + text + detector)', (v) => s(v.engine?.firstRequestMs), s(pt?.firstRequestMs)],
    ['  vision', (v) => s(v.engine?.visionMs), s(pt?.visionMs)],
    ['  text', (v) => s(v.engine?.textMs), s(pt?.textMs)],
    ['  detector', (v) => s(v.engine?.detectorMs), s(pt?.detectorMs)],
    ['keystroke (text + detector)', (v) => s(v.engine?.keystrokeMs), s(pt?.keystrokeMs)],
    ['exemplar change (detector)', (v) => s(v.engine?.exemplarChangeMs), s(pt?.exemplarChangeMs)],
    ['click (prompt decoder)', (v) => s(v.engine?.clickMs), s(pt?.clickMs)],
    ['video frame, 5 objects', (v) => s(v.engine?.videoFrame5Ms), s(pt?.videoFrame5Ms)],
    ['first request: CPU time, all threads', (v) => s(v.runs.node?.cpuMs?.first), '—'],
    ['first request: load average (start → end)', (v) => load(v.runs.node?.loadAverage?.first), '—'],
    ['run started (UTC)', (v) => v.runs.node?.date?.slice(0, 16).replace('T', ' ') ?? '—', '—'],
    [
      'scenarios re-run later (UTC)',
      (v) =>
        v.runs.node?.updates
          ?.map((u) => `${u.scenarios.join(', ')} ${u.date.slice(5, 16).replace('T', ' ')}`)
          .join('; ') || '—',
      '—',
    ],
    ['non-graph share of the first request', (v) => pct(v.engine?.nonGraphShare), '—'],
    ['peak resident memory', (v) => gb(v.engine?.peakRssBytes), '—'],
    ['first request vs PyTorch fp32', (v) => ratio(v.engine?.firstRequestMs, pt?.firstRequestMs), '1.00×'],
    ['WASM: first request', (v) => (v.wasmRefused ? 'refused' : s(v.wasm?.firstRequestMs)), '—'],
    ['WASM: vision', (v) => s(v.wasm?.visionMs), '—'],
    ['WASM: keystroke', (v) => s(v.wasm?.keystrokeMs), '—'],
    ['WASM: click', (v) => s(v.wasm?.clickMs), '—'],
    ['WASM: heap (peak)', (v) => gb(v.wasm?.wasmHeapBytes), '—'],
    ['WASM vs onnxruntime-node, first request', (v) => ratio(v.wasm?.firstRequestMs, v.engine?.firstRequestMs), '—'],
    ['accuracy: instance F1 (mask IoU ≥ 0.5)', (v) => n3(v.accuracy?.instanceF1), '1'],
    ['accuracy: mask IoU min / mean', (v) => `${n3(v.accuracy?.maskIouMin)} / ${n3(v.accuracy?.maskIouMean)}`, '1'],
    ['accuracy: max \\|Δscore\\|', (v) => n3(v.accuracy?.maxAbsScore), '0'],
  ];
  const lines = [
    `# Full-size SAM 3 on this machine's CPU (${r.machine.cpus} cores, ${r.machine.threads} threads), ${r.date.slice(0, 10)}`,
    '',
    'Written by `npm run bench:full` (bench/full.ts; runs assembled with --reuse carry their own start time and the',
    "machine's load: wall times on this shared machine depend on it, CPU times much less). Engine: onnxruntime-node CPU EP, and onnxruntime-web",
    "WASM in Node (the kernels a browser without WebGPU runs). PyTorch: transformers' SAM 3, fp32, eager, same weights",
    '(random, calibrated: tools/export/README.md), same inputs (tools/export/bench_cases.json). Accuracy: every detector',
    'case, the accuracy set (4 images × 3 phrases), the exemplar, the click and each tracked video frame, matched to',
    "PyTorch fp32's kept instances by mask IoU.",
    '',
    `| measure | ${names.join(' | ')} | PyTorch fp32 |`,
    `|---|${names.map(() => '---|').join('')}---|`,
    ...rows.map(([name, f, p]) => `| ${name} | ${col(f)} | ${p} |`),
    '',
  ];
  if (r.export) {
    lines.push(
      `Export (\`npm run export:full\`): ${r.export.seconds} s over its stages, peak resident ${gb(r.export.peakRssBytes)} (largest stage).`,
      '',
    );
  }
  if (r.browser) {
    lines.push(
      `Browser (\`npm run bench:browser:full\`, Chromium, WASM): ${r.browser.variant} — first masks after ${s(r.browser.firstMasksMs)}, renderer peak ${gb(r.browser.peakBytes)}.`,
      '',
    );
  }
  const refused = names.filter((n) => r.variants[n].wasmRefused);
  for (const n of refused) lines.push(`- ${n} on WASM: ${r.variants[n].wasmRefused}`);
  for (const n of names) {
    for (const [rt, run] of Object.entries(r.variants[n].runs)) {
      if (run?.error) lines.push(`- ${n} ${rt}: ${run.error}`);
      else if (run && Object.keys(run.errors).length) lines.push(`- ${n} ${rt}: ${JSON.stringify(run.errors)}`);
    }
  }
  return lines.join('\n') + '\n';
}
