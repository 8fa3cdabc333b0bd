/**
 * npm run label -- --pack DIR --images DIR --phrases "a, b" --out dataset.zip [options]   (LABEL_USAGE below)
 * npm run label -- merge OUT.zip [SHARD.zip…]                                             (merge.ts)
 *
 * The app's batch labelling without a browser: the same engine on onnxruntime-node (CPU, WebGPU or CUDA execution
 * provider: device.ts) and the same per-image steps (workers/batch/labelImage.ts) over every PNG/JPEG under
 * --images (sorted by path), images read and decoded ahead of the engine on worker threads (decodeAhead.ts),
 * progress, throughput and ETA on the terminal. Resumable: finished images are appended to
 * `<out>.progress.jsonl`, and the same command skips them. `--shard 2/4` (or `--shard auto` in a Slurm job array or
 * a Kubernetes Indexed Job) labels every 4th image from the 2nd into its own zip, and `merge` joins the shards'
 * zips into one dataset. The output is the same dataset .zip as the app's export (all labelled images count as
 * accepted); its exit status tells a scheduler what happened (EXIT).
 */
import { closeSync, openSync, readFileSync, readdirSync, statSync, writeSync } from 'node:fs';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { createEngine } from '../../workers/engine/engine';
import { MemoryByteStore } from '../../workers/packs/byteStore';
import { nodePackDirectory } from '../../workers/packs/nodePackDirectory';
import type { NodeDevice } from '../../workers/ort/nodeDevices';
import type { EngineApi } from '../../workers/protocol/api';
import { labelImage } from '../../workers/batch/labelImage';
import { BatchRunner, type RunnerProgress } from '../../workers/batch/runner';
import { writeDataset, type DatasetOptions } from '../../workers/dataset/datasetZip';
import { SUPPORTED_EXTENSIONS, type RgbaConverter } from './decodeImageFile';
import { decodeAhead } from './decodeAhead';
import { chooseDevice, deviceRuntime, DEVICE_CHOICES, type DeviceChoice } from './device';
import { appendRecord, openState, progressPath, type ImageRecord, type RunSettings } from './labelState';
import { mergeMain } from './merge';
import { parseShard, shardOf, shardOutPath, type Shard, type ShardEnv } from './shard';

export interface LabelArgs {
  pack: string;
  images: string;
  phrases: string[];
  /** The zip this process writes (with several shards, the shard's own: see shardOutPath). */
  out: string;
  scoreThreshold: number;
  /** 1-based shard index and count. */
  shard: Shard;
  dataset: DatasetOptions;
  device: DeviceChoice;
  /** Images decoded ahead of the engine (0: decode on the engine's thread). */
  decodeAhead: number;
  decodeThreads: number;
}

export interface LabelHooks {
  /** Stops after the current image (Ctrl+C and SIGTERM do this). */
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Live progress line (rewritten in place on a terminal). */
  status?: (line: string) => void;
  onImage?: (name: string) => void;
  engine?: EngineApi;
  /** The inline decoder's PNG sample conversion (bench:label times the one before toRgba8). */
  convert?: RgbaConverter;
}

export interface LabelSummary {
  state: 'done' | 'cancelled' | 'stopped';
  labelled: number;
  skipped: number;
  failed: number;
  total: number;
  zip: string | null;
  shard: Shard;
  /** The execution provider the graphs ran on (null when the engine was given or nothing was left to do). */
  device: NodeDevice | null;
  /** Images labelled per second of this run (decode, graphs and writing the progress file). */
  imagesPerSecond: number | null;
}

/** What the command's exit status tells a scheduler (Slurm, Kubernetes) or a script. */
export const EXIT = {
  /** Every image labelled, the zip written. */
  done: 0,
  /** Nothing written: bad input (no images, an unreadable pack, a progress file of other settings), or the engine failed. */
  error: 1,
  usage: 2,
  /** The zip was written, but some images could not be labelled (they are listed in the progress file). */
  imagesFailed: 3,
  /** Stopped by Ctrl+C (SIGINT) or the scheduler (SIGTERM) after the current image; the same command resumes. */
  interrupted: 130,
  terminated: 143,
} as const;

export const LABEL_USAGE = `usage: npm run label -- --pack DIR --images DIR --phrases "a, b" --out dataset.zip [options]
       npm run label -- merge OUT.zip [SHARD.zip…] [--partial]

Labels every PNG/JPEG under --images with the pack's engine and writes the app's dataset zip
(COCO, YOLO segmentation, PNG masks, the images). Finished images go to <out>.progress.jsonl;
the same command resumes after an interruption.

options:
  --threshold T          score threshold in [0, 1) (default 0.5)
  --segmentation F       COCO masks as rle or polygon (default rle)
  --no-images            leave the images out of the zip
  --shard i/n            label the i-th of n shards (every n-th image from the i-th); the zip is
                         named per shard: dataset.zip → dataset.shard-2-of-4.zip
  --shard auto[/n]       the shard from the scheduler: a Slurm job array (SLURM_ARRAY_TASK_*) or a
                         Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with n = the Job's completions)
  --device D             auto (default: cuda, else webgpu on a GPU, else cpu), cpu, webgpu or cuda
  --decode-threads N     decoding threads (default: the cores less one, 1 to 4)
  --decode-ahead N       images decoded ahead of the engine (default: threads + 1; 0 = inline)
  -h, --help             this text

merge: joins shard zips (by default the OUT.shard-i-of-n.zip beside OUT.zip) into one dataset
(images in path order, ids renumbered from 1, categories by name); refuses shards made with
different settings; --partial accepts missing shards.

exit status: 0 done · 1 error, nothing written · 2 usage · 3 written, but some images failed ·
130/143 stopped by SIGINT/SIGTERM (run the same command to resume)
`;

export class UsageError extends Error {}

const positiveInt = (flag: string, v: string | undefined, min: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} ${v}: use a whole number ≥ ${min}`);
  return n;
};

/** The label command's arguments; `null` for --help. Throws UsageError with what to write instead. */
export function parseLabelArgs(argv: string[], env: ShardEnv = process.env): LabelArgs | null {
  let values;
  try {
    ({ values } = parseArgs({
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
        device: { type: 'string', default: 'auto' },
        'decode-ahead': { type: 'string' },
        'decode-threads': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    // node:util's message ("Unknown option '--x'. To specify a positional argument …") without its advice.
    throw new UsageError((err as Error).message.replace(/\. To specify a positional.*$/s, '.'));
  }
  if (values.help) return null;
  const missing = (['pack', 'images', 'phrases', 'out'] as const).filter((k) => !values[k]);
  if (missing.length) throw new UsageError(`missing ${missing.map((k) => `--${k}`).join(', ')}`);
  const phrases = [
    ...new Set(
      values
        .phrases!.split(',')
        .map((p) => p.trim().replace(/\s+/g, ' '))
        .filter(Boolean),
    ),
  ];
  if (phrases.length === 0) throw new UsageError('--phrases needs at least one phrase, e.g. --phrases "dog, cat"');
  let shard: Shard;
  try {
    shard = parseShard(values.shard!, env);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const scoreThreshold = Number(values.threshold);
  if (!(scoreThreshold >= 0 && scoreThreshold < 1))
    throw new UsageError(`--threshold ${values.threshold}: use a number in [0, 1)`);
  if (values.segmentation !== 'rle' && values.segmentation !== 'polygon') {
    throw new UsageError(`--segmentation ${values.segmentation}: use rle or polygon`);
  }
  // Decoding threads: the cores the engine's thread leaves (onnxruntime's own pool shares them), at most 4; one
  // image more in the queue than threads, so one is always ready when the engine asks.
  const decodeThreads =
    values['decode-threads'] !== undefined
      ? positiveInt('--decode-threads', values['decode-threads'], 1)
      : Math.min(4, Math.max(1, availableParallelism() - 1));
  const decodeAhead =
    values['decode-ahead'] !== undefined ? positiveInt('--decode-ahead', values['decode-ahead'], 0) : decodeThreads + 1;
  if (!DEVICE_CHOICES.includes(values.device as DeviceChoice)) {
    throw new UsageError(`--device ${values.device}: use ${DEVICE_CHOICES.join(', ')}`);
  }
  return {
    pack: resolve(values.pack!),
    images: resolve(values.images!),
    phrases,
    out: shardOutPath(resolve(values.out!), shard),
    scoreThreshold,
    shard,
    dataset: { coco: values.segmentation, yolo: true, pngMasks: true, includeImages: !values['no-images'] },
    device: values.device as DeviceChoice,
    decodeAhead,
    decodeThreads,
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

export { shardOf };

const fmtDuration = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
};

/** The live line: the shard, images done of the shard's, this run's images/s and the shard's ETA. */
export function progressLine(p: RunnerProgress, skipped: number, shard: Shard = [1, 1]): string {
  const all = p.total + skipped;
  const pct = ((100 * (p.done + skipped)) / Math.max(1, all)).toFixed(1);
  const rate = p.imagesPerSecond ? `${p.imagesPerSecond.toFixed(2)} img/s` : '… img/s';
  const eta = p.etaMs !== null ? `ETA ${fmtDuration(p.etaMs)}` : 'ETA …';
  const failed = p.failed ? ` · ${p.failed} failed` : '';
  const where = shard[1] > 1 ? `shard ${shard[0]}/${shard[1]} ` : '';
  return `${where}[${String(p.done + skipped).padStart(String(all).length)}/${all}] ${pct}% · ${rate} · ${eta}${failed}${p.current ? ` · ${p.current}` : ''}`;
}

/** How the dataset was made, recorded in coco.json's info.run: `label merge` checks that shards agree on it. */
export function runRecord(args: LabelArgs, listed: number, failed: number): Record<string, unknown> {
  return {
    tool: 'npm run label',
    pack: basename(args.pack),
    phrases: args.phrases,
    score_threshold: args.scoreThreshold,
    segmentation: args.dataset.coco,
    images_included: args.dataset.includeImages,
    shard: args.shard,
    images_listed: listed,
    images_failed: failed,
  };
}

export async function runLabel(args: LabelArgs, hooks: LabelHooks = {}): Promise<LabelSummary> {
  const log = hooks.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const all = listImages(args.images);
  if (all.length === 0) throw new Error(`No PNG or JPEG images under ${args.images}.`);
  // A shard may be empty (more shards than images): it writes an empty dataset, so the merge finds every shard.
  const names = shardOf(all, args.shard);
  const settings: RunSettings = {
    pack: basename(args.pack),
    phrases: args.phrases,
    scoreThreshold: args.scoreThreshold,
    shard: args.shard,
  };
  const statePath = progressPath(args.out);
  const done = openState(statePath, settings);
  const todo = names.filter((n) => !done.has(n));
  if (args.shard[1] > 1) log(`Shard ${args.shard.join('/')}: ${names.length} images → ${args.out}`);
  if (done.size) log(`Resuming: ${done.size} of ${names.length} images already labelled in ${statePath}.`);

  let engine = hooks.engine;
  let device: NodeDevice | null = null;
  if (!engine && todo.length) {
    const chosen = await chooseDevice(args.device);
    for (const s of chosen.skipped) log(`Device ${s.device}: not used (${s.reason}).`);
    log(`Device: ${chosen.device} — ${chosen.reason}`);
    const e = createEngine({ createRuntime: deviceRuntime(chosen.device), store: new MemoryByteStore() });
    await e.init();
    const info = await e.openPack(await nodePackDirectory(args.pack));
    log(`Pack: ${info.name} (${info.graphs.map((g) => `${g.role} on ${g.executionProvider}`).join(', ')})`);
    engine = e;
    device = chosen.device;
  }

  const images = decodeAhead(args.images, todo, {
    depth: args.decodeAhead,
    threads: args.decodeThreads,
    convert: hooks.convert,
  });
  const runner = new BatchRunner({
    items: todo,
    nameOf: (n) => n,
    process: async (name) => {
      const image = await images.next(name);
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
    onProgress: (p) => hooks.status?.(progressLine(p, names.length - todo.length, args.shard)),
  });
  const onAbort = () => runner.cancel();
  hooks.signal?.addEventListener('abort', onAbort);
  let outcome;
  try {
    outcome = await runner.run();
  } finally {
    hooks.signal?.removeEventListener('abort', onAbort);
    await images.close();
  }
  const rate = runner.progress.imagesPerSecond;

  const summary: LabelSummary = {
    state: outcome.state,
    labelled: outcome.done - outcome.failed,
    skipped: names.length - todo.length,
    failed: outcome.failed,
    total: names.length,
    zip: null,
    shard: args.shard,
    device,
    imagesPerSecond: rate === null ? null : Math.round(rate * 100) / 100,
  };
  if (outcome.state !== 'done') {
    log(`\nStopped after ${outcome.done} images; run the same command to resume.`);
    return summary;
  }
  await writeZip(
    args,
    names.filter((n) => done.has(n)).map((n) => done.get(n)!),
    runRecord(args, names.length, names.length - done.size),
  );
  summary.zip = args.out;
  const missing = names.length - done.size;
  log(`\nWrote ${args.out}: ${done.size} images${missing ? `, ${missing} failed (see ${statePath})` : ''}.`);
  return summary;
}

async function writeZip(args: LabelArgs, records: ImageRecord[], run: Record<string, unknown>): Promise<void> {
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
      { count: images.length, names: images.map((i) => i.name), images: () => images },
      (chunks) => chunks.forEach((c) => writeSync(fd, c)),
      { pack: basename(args.pack), now: new Date(), run },
    );
  } finally {
    closeSync(fd);
  }
}

/** The exit status for a finished run (EXIT). */
export function exitCodeOf(summary: LabelSummary, signal: string | null): number {
  if (summary.state === 'cancelled') return signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
  if (summary.state === 'stopped') return EXIT.error;
  return summary.zip !== null && summary.labelled + summary.skipped < summary.total ? EXIT.imagesFailed : EXIT.done;
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'merge') return mergeMain(argv.slice(1));
  let args: LabelArgs | null;
  try {
    args = parseLabelArgs(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${LABEL_USAGE}`);
    return EXIT.usage;
  }
  if (!args) {
    process.stdout.write(LABEL_USAGE);
    return EXIT.done;
  }
  const controller = new AbortController();
  let signal: string | null = null;
  const stop = (name: 'SIGINT' | 'SIGTERM') => {
    if (controller.signal.aborted) process.exit(name === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted);
    signal = name;
    process.stderr.write(`\n${name}: stopping after the current image (again to quit now)…\n`);
    controller.abort();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
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
    return exitCodeOf(summary, signal);
  } catch (err) {
    process.stderr.write(`\n${(err as { message?: string })?.message ?? String(err)}\n`);
    return EXIT.error;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
