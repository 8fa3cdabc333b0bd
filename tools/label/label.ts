/**
 * npm run label -- --pack DIR --images DIR --phrases "a, b" --out dataset.zip
 *                  [--threshold 0.5] [--shard i/n] [--segmentation rle|polygon] [--no-images]
 *
 * The app's batch labelling without a browser: the same engine (onnxruntime-node, CPU execution provider) and the
 * same per-image steps (workers/batch/labelImage.ts) over every PNG/JPEG under --images (sorted by path), one image
 * decoded at a time, progress and ETA on the terminal. Resumable: finished images are appended to
 * `<out>.progress.jsonl`, and the same command skips them. `--shard 2/4` labels the second quarter of the folder
 * (every 4th image from the 2nd), so several machines can split one folder. The output is the same dataset
 * .zip as the app's export (all labelled images count as accepted).
 */
import { closeSync, openSync, readFileSync, readdirSync, statSync, writeSync } from 'node:fs';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../../workers/engine/engine';
import { createNodeRuntime } from '../../workers/ort/nodeRuntime';
import { MemoryByteStore } from '../../workers/packs/byteStore';
import type { EngineApi, PackSource } from '../../workers/protocol/api';
import { labelImage } from '../../workers/batch/labelImage';
import { BatchRunner, type RunnerProgress } from '../../workers/batch/runner';
import { writeDataset, type DatasetOptions } from '../../workers/dataset/datasetZip';
import { decodeImageFile, SUPPORTED_EXTENSIONS } from './decodeImageFile';
import { appendRecord, openState, progressPath, type ImageRecord, type RunSettings } from './labelState';

export interface LabelArgs {
  pack: string;
  images: string;
  phrases: string[];
  out: string;
  scoreThreshold: number;
  /** 1-based shard index and count. */
  shard: [number, number];
  dataset: DatasetOptions;
}

export interface LabelHooks {
  /** Stops after the current image (Ctrl+C does this). */
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Live progress line (rewritten in place on a terminal). */
  status?: (line: string) => void;
  onImage?: (name: string) => void;
  engine?: EngineApi;
}

export interface LabelSummary {
  state: 'done' | 'cancelled' | 'stopped';
  labelled: number;
  skipped: number;
  failed: number;
  total: number;
  zip: string | null;
}

export function parseLabelArgs(argv: string[]): LabelArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      pack: { type: 'string' },
      images: { type: 'string' },
      phrases: { type: 'string' },
      out: { type: 'string' },
      threshold: { type: 'string', default: '0.5' },
      shard: { type: 'string', default: '1/1' },
      segmentation: { type: 'string', default: 'rle' },
      'no-images': { type: 'boolean', default: false },
    },
  });
  const usage =
    'usage: npm run label -- --pack DIR --images DIR --phrases "a, b" --out dataset.zip [--threshold 0.5] [--shard i/n] [--segmentation rle|polygon] [--no-images]';
  if (!values.pack || !values.images || !values.phrases || !values.out) throw new Error(usage);
  const phrases = [
    ...new Set(
      values.phrases
        .split(',')
        .map((p) => p.trim().replace(/\s+/g, ' '))
        .filter(Boolean),
    ),
  ];
  if (phrases.length === 0) throw new Error('--phrases needs at least one phrase, e.g. --phrases "dog, cat"');
  const m = /^(\d+)\/(\d+)$/.exec(values.shard ?? '');
  const shard: [number, number] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  if (!m || shard[1] < 1 || shard[0] < 1 || shard[0] > shard[1]) {
    throw new Error(`--shard ${values.shard}: use i/n with 1 ≤ i ≤ n, e.g. --shard 2/4`);
  }
  const scoreThreshold = Number(values.threshold);
  if (!(scoreThreshold >= 0 && scoreThreshold < 1))
    throw new Error(`--threshold ${values.threshold}: use a number in [0, 1)`);
  if (values.segmentation !== 'rle' && values.segmentation !== 'polygon') {
    throw new Error(`--segmentation ${values.segmentation}: use rle or polygon`);
  }
  return {
    pack: resolve(values.pack),
    images: resolve(values.images),
    phrases,
    out: resolve(values.out),
    scoreThreshold,
    shard,
    dataset: { coco: values.segmentation, yolo: true, pngMasks: true, includeImages: !values['no-images'] },
  };
}

/** Every PNG/JPEG under `dir`, as sorted relative paths with forward slashes. */
export function listImages(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name.startsWith('.')) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (SUPPORTED_EXTENSIONS.includes(extname(name).toLowerCase()))
        out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

export function shardOf<T>(items: T[], [i, n]: [number, number]): T[] {
  return items.filter((_, k) => k % n === i - 1);
}

function packSource(dir: string): PackSource {
  const files: { path: string; data: ArrayBuffer }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const b = readFileSync(p);
        files.push({
          path: `${basename(dir)}/${relative(dir, p).split(sep).join('/')}`,
          data: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer,
        });
      }
    }
  };
  walk(dir);
  return { kind: 'files', files };
}

const fmtDuration = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
};

export function progressLine(p: RunnerProgress, skipped: number): string {
  const all = p.total + skipped;
  const pct = ((100 * (p.done + skipped)) / Math.max(1, all)).toFixed(1);
  const rate = p.imagesPerSecond ? `${p.imagesPerSecond.toFixed(2)} img/s` : '… img/s';
  const eta = p.etaMs !== null ? `ETA ${fmtDuration(p.etaMs)}` : 'ETA …';
  const failed = p.failed ? ` · ${p.failed} failed` : '';
  return `[${String(p.done + skipped).padStart(String(all).length)}/${all}] ${pct}% · ${rate} · ${eta}${failed}${p.current ? ` · ${p.current}` : ''}`;
}

export async function runLabel(args: LabelArgs, hooks: LabelHooks = {}): Promise<LabelSummary> {
  const log = hooks.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const names = shardOf(listImages(args.images), args.shard);
  if (names.length === 0)
    throw new Error(
      `No PNG or JPEG images under ${args.images}${args.shard[1] > 1 ? ` in shard ${args.shard.join('/')}` : ''}.`,
    );
  const settings: RunSettings = {
    pack: basename(args.pack),
    phrases: args.phrases,
    scoreThreshold: args.scoreThreshold,
    shard: args.shard,
  };
  const statePath = progressPath(args.out);
  const done = openState(statePath, settings);
  const todo = names.filter((n) => !done.has(n));
  if (done.size) log(`Resuming: ${done.size} of ${names.length} images already labelled in ${statePath}.`);

  let engine = hooks.engine;
  if (!engine && todo.length) {
    const e = createEngine({ createRuntime: () => createNodeRuntime(), store: new MemoryByteStore() });
    await e.init();
    const info = await e.openPack(packSource(args.pack));
    log(`Pack: ${info.name} (${info.graphs.map((g) => `${g.role} on ${g.executionProvider}`).join(', ')})`);
    engine = e;
  }

  const runner = new BatchRunner({
    items: todo,
    nameOf: (n) => n,
    process: async (name) => {
      const bytes = new Uint8Array(readFileSync(join(args.images, name)));
      const image = await decodeImageFile(bytes, name);
      const out = await labelImage(
        engine!,
        { kind: 'rgba', name, image },
        {
          phrases: args.phrases,
          scoreThreshold: args.scoreThreshold,
          displayMasks: false,
        },
      );
      const record: ImageRecord = {
        name,
        width: out.info.width,
        height: out.info.height,
        annotations: out.annotations,
      };
      appendRecord(statePath, record);
      done.set(name, record);
      hooks.onImage?.(name);
    },
    onItemError: (name, err) => {
      const message = (err as { message?: string })?.message ?? String(err);
      appendRecord(statePath, { name, annotations: [], error: message });
      log(`\n${name}: ${message}`);
    },
    isFatal: (err) => (err as { code?: string })?.code === 'internal',
    onProgress: (p) => hooks.status?.(progressLine(p, names.length - todo.length)),
  });
  const onAbort = () => runner.cancel();
  hooks.signal?.addEventListener('abort', onAbort);
  const outcome = await runner.run();
  hooks.signal?.removeEventListener('abort', onAbort);

  const summary: LabelSummary = {
    state: outcome.state,
    labelled: outcome.done - outcome.failed,
    skipped: names.length - todo.length,
    failed: outcome.failed,
    total: names.length,
    zip: null,
  };
  if (outcome.state !== 'done') {
    log(`\nStopped after ${outcome.done} images; run the same command to resume.`);
    return summary;
  }
  await writeZip(
    args,
    names.filter((n) => done.has(n)).map((n) => done.get(n)!),
    settings.pack,
  );
  summary.zip = args.out;
  log(
    `\nWrote ${args.out}: ${done.size} images${summary.failed ? `, ${summary.failed} failed (see ${statePath})` : ''}.`,
  );
  return summary;
}

async function writeZip(args: LabelArgs, records: ImageRecord[], pack: string): Promise<void> {
  const fd = openSync(args.out, 'w');
  try {
    const images = records.map((r) => ({
      name: r.name,
      width: r.width!,
      height: r.height!,
      annotations: r.annotations,
      imageBytes: async () => new Uint8Array(readFileSync(join(args.images, r.name))),
    }));
    await writeDataset(
      args.phrases,
      args.dataset,
      { count: images.length, images: () => images },
      (chunks) => chunks.forEach((c) => writeSync(fd, c)),
      { pack, now: new Date() },
    );
  } finally {
    closeSync(fd);
  }
}

async function main(): Promise<number> {
  let args: LabelArgs;
  try {
    args = parseLabelArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nStopping after the current image (Ctrl+C again to quit now)…\n');
    controller.abort();
  });
  const tty = process.stderr.isTTY;
  let last = 0;
  try {
    const summary = await runLabel(args, {
      signal: controller.signal,
      status: (line) => {
        if (tty)
          process.stderr.write(
            `\r${line.slice(0, (process.stderr.columns ?? 120) - 1).padEnd((process.stderr.columns ?? 120) - 1)}`,
          );
        else if (Date.now() - last > 5000) {
          last = Date.now();
          process.stderr.write(line + '\n');
        }
      },
    });
    process.stdout.write(JSON.stringify(summary) + '\n');
    return summary.state === 'done' ? 0 : 1;
  } catch (err) {
    process.stderr.write(`\n${(err as { message?: string })?.message ?? String(err)}\n`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) void main().then((code) => (process.exitCode = code));
