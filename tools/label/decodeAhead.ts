/**
 * Images read and decoded ahead of the engine for `npm run label`: worker threads (decodeWorker.ts) decode the next
 * `depth` images of the list while the engine's thread runs the current one's graphs and post-processing, so decode
 * and graphs overlap instead of taking turns (onnxruntime-node runs a graph on the calling thread, and PNG/JPEG
 * decoding in Node is JavaScript). The queue is bounded: at most `depth` decoded images wait beside the one in use.
 * Images come out in list order; a file that cannot be read or decoded comes out as its error.
 *
 * `depth` 0 decodes on the engine's thread, one image at a time (the command line before the read-ahead; the
 * benchmark's baseline).
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RgbaImage } from '../../workers/protocol/api';
import { decodeImageFile, ImageDecodeError, readImageFile, type RgbaConverter } from './decodeImageFile';
import type { DecodeReply, DecodeTask } from './decodeWorker';

export interface DecodeAheadOptions {
  /** Images decoded ahead of the one the engine works on (0: decode inline). */
  depth: number;
  /** Decoding threads (used when depth > 0). */
  threads: number;
  /** The inline decoder's PNG sample conversion (bench:label's "before" passes the old per-sample one). */
  convert?: RgbaConverter;
}

export interface DecodeAhead {
  /** The next image of the list (its name, for checking), decoded; rejects with the file's error. */
  next(name: string): Promise<RgbaImage>;
  /** Milliseconds spent decoding so far (on the workers or inline). */
  readonly decodeMs: number;
  /** Stops the workers; pending images are dropped. */
  close(): Promise<void>;
}

export function decodeAhead(dir: string, names: readonly string[], options: DecodeAheadOptions): DecodeAhead {
  return options.depth > 0 && names.length > 0
    ? new WorkerQueue(dir, names, options)
    : inlineDecoder(dir, names, options.convert);
}

function inlineDecoder(dir: string, names: readonly string[], convert?: RgbaConverter): DecodeAhead {
  let k = 0;
  let decodeMs = 0;
  return {
    async next(name) {
      expectName(names, k++, name);
      const t0 = performance.now();
      try {
        return await decodeImageFile(await readImageFile(join(dir, name), name), name, convert);
      } finally {
        decodeMs += performance.now() - t0;
      }
    },
    get decodeMs() {
      return decodeMs;
    },
    close: async () => {},
  };
}

function expectName(names: readonly string[], k: number, name: string): void {
  if (names[k] !== name) throw new Error(`decodeAhead: asked for ${name}, the list's next image is ${names[k]}`);
}

/** A worker thread running decodeWorker.ts (through tsx's loader when this file runs as TypeScript). */
function spawnDecodeWorker(): Worker {
  const ts = import.meta.url.endsWith('.ts');
  const url = new URL(`./decodeWorker.${ts ? 'ts' : 'mjs'}`, import.meta.url);
  if (!ts) return new Worker(url);
  // Node 20 does not pass `--import tsx` on to worker threads: register tsx's hooks in the worker, then load it.
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(
    `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(url.href)}); });`,
    { eval: true },
  );
}

interface Pending {
  resolve(image: RgbaImage): void;
  reject(err: Error): void;
}

class WorkerQueue implements DecodeAhead {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending & { worker: number }>();
  private readonly results = new Map<number, Promise<RgbaImage>>();
  private issued = 0;
  private taken = 0;
  private workerMs = 0;
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly names: readonly string[],
    private readonly options: DecodeAheadOptions,
  ) {
    for (let i = 0; i < Math.max(1, options.threads); i++) this.workers.push(this.start(i));
    this.fill();
  }

  get decodeMs(): number {
    return this.workerMs;
  }

  private start(index: number): Worker {
    const worker = spawnDecodeWorker();
    worker.on('message', (reply: DecodeReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if ('error' in reply) p.reject(new ImageDecodeError(reply.error));
      else {
        this.workerMs += reply.ms;
        p.resolve({ width: reply.width, height: reply.height, data: reply.data });
      }
    });
    const fail = (err: Error) => {
      if (this.workers[index] !== worker) return; // already replaced ('error' is followed by 'exit')
      // The thread died (out of memory on a huge image, say): its images fail with the reason, a new one takes over.
      for (const [id, p] of this.pending) {
        if (p.worker !== index) continue;
        this.pending.delete(id);
        p.reject(new Error(`The decoding thread stopped: ${err.message}`));
      }
      if (!this.closed) this.workers[index] = this.start(index);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => code !== 0 && !this.closed && fail(new Error(`exit code ${code}`)));
    return worker;
  }

  private fill(): void {
    while (!this.closed && this.issued < this.names.length && this.issued - this.taken < this.options.depth) {
      const id = this.issued++;
      const worker = id % this.workers.length;
      const task: DecodeTask = { id, path: join(this.dir, this.names[id]), name: this.names[id] };
      const result = new Promise<RgbaImage>((resolve, reject) => this.pending.set(id, { resolve, reject, worker }));
      result.catch(() => {}); // handled when taken; a dropped one (close) must not be an unhandled rejection
      this.results.set(id, result);
      this.workers[worker].postMessage(task);
    }
  }

  async next(name: string): Promise<RgbaImage> {
    expectName(this.names, this.taken, name);
    if (this.taken >= this.issued) this.fill();
    const id = this.taken++;
    const result = this.results.get(id)!;
    this.results.delete(id);
    this.fill();
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new Error('closed'));
    this.pending.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
