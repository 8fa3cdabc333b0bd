/**
 * Resumable, verified download of one pack file into a ByteStore, streamed: the file is never whole in memory.
 *
 * - A complete entry is returned from the store ('cached') as a Blob handle; its size is always checked, its SHA-256
 *   only when `verifyCachedHash` is set (it was verified before the entry was marked complete).
 * - Otherwise the body is streamed, hashed as it arrives and appended to the store every `partBytes`, so an
 *   interruption loses at most one part and memory holds at most one part; the next call re-hashes the stored
 *   parts one by one and asks for the rest with `Range: bytes=N-` ('resumed'). A server that answers 200 to a
 *   Range request gets the old parts discarded and the file fetched from the start.
 * - At the end the size must equal `ref.size` and the hash `ref.sha256` (when given); on a mismatch the entry is
 *   deleted and PackError('integrity') thrown. `ref.size === 0` means "unknown" (catalogue only): the server's
 *   Content-Length / Content-Range total is checked instead when it sends one.
 */
import type { CancelMode } from '../protocol/cancel';
import type { PackFileRef } from '../protocol/manifest';
import type { ProgressEvent } from '../protocol/progress';
import type { ByteStore } from './byteStore';
import { baseName, formatByteCount } from './bytes';
import { Sha256Stream, sha256OfBlob } from './sha256Stream';
import { httpFailure, parseContentRange, stoppedAt } from './downloadMessages';
import { PackError, isAbortError } from './packError';
import { TransferMeter } from './transferMeter';

export const DEFAULT_PART_BYTES = 8 * 1024 * 1024;

export interface FetchPackFileOptions {
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
  /** Bytes buffered before a part is written to the store (default 8 MiB). */
  partBytes?: number;
  /** Name used in progress events and messages (default: the last segment of `ref.path`). */
  label?: string;
  /** Hash a cached copy again before returning it (default false). */
  verifyCachedHash?: boolean;
  /** Minimum time between 'progress' events (default 250 ms). */
  progressIntervalMs?: number;
}

interface Transfer {
  url: string;
  ref: PackFileRef;
  store: ByteStore;
  file: string;
  emit: (event: ProgressEvent) => void;
  opts: FetchPackFileOptions;
}

export async function fetchPackFile(
  url: string,
  ref: PackFileRef,
  store: ByteStore,
  opts: FetchPackFileOptions = {},
): Promise<Blob> {
  const t: Transfer = {
    url,
    ref,
    store,
    file: opts.label ?? baseName(ref.path),
    emit: opts.onProgress ?? (() => {}),
    opts,
  };
  const cached = await readCached(t);
  if (cached) return cached;
  await download(t);
  const blob = await store.blob(url);
  if (!blob) throw new PackError('download-failed', `${t.file}: the browser dropped the file from its cache.`);
  return blob;
}

async function readCached(t: Transfer): Promise<Blob | null> {
  if (!(await t.store.isComplete(t.url))) return null;
  const blob = await t.store.blob(t.url);
  const recorded = await t.store.completeSize(t.url);
  const sizeOk = blob !== null && blob.size === (t.ref.size > 0 ? t.ref.size : recorded);
  const hashOk = !sizeOk || !t.opts.verifyCachedHash || !t.ref.sha256 || (await sha256OfBlob(blob)) === t.ref.sha256;
  if (blob && sizeOk && hashOk) {
    t.emit({ status: 'cached', file: t.file, total: blob.size });
    return blob;
  }
  // A stale copy (the manifest now names another size or hash) or a damaged one: fetch it again.
  await t.store.delete(t.url);
  return null;
}

/** What has been received so far: the byte count, its running hash, and the bytes not yet stored. */
class Received {
  length = 0;
  pending: Uint8Array[] = [];
  pendingBytes = 0;
  private constructor(public hash: Sha256Stream) {}

  static async start(): Promise<Received> {
    return new Received(await Sha256Stream.create());
  }

  async reset(): Promise<void> {
    this.length = 0;
    this.pending = [];
    this.pendingBytes = 0;
    this.hash = await Sha256Stream.create();
  }

  /** Bytes already in the store (resuming). */
  stored(bytes: Uint8Array): void {
    this.hash.update(bytes);
    this.length += bytes.byteLength;
  }

  push(bytes: Uint8Array): void {
    this.hash.update(bytes);
    this.length += bytes.byteLength;
    this.pending.push(bytes);
    this.pendingBytes += bytes.byteLength;
  }

  /** The pending bytes as one part, emptied. */
  take(): Uint8Array {
    const part = new Uint8Array(this.pendingBytes);
    let offset = 0;
    for (const p of this.pending) {
      part.set(p, offset);
      offset += p.byteLength;
    }
    this.pending = [];
    this.pendingBytes = 0;
    return part;
  }
}

/** Re-hashes the intact prefix of stored parts, one part in memory at a time. */
async function resumeFromStore(t: Transfer, received: Received, expected: number | null): Promise<void> {
  const sizes = await t.store.partSizes(t.url);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (expected !== null && total > expected) {
    await t.store.delete(t.url);
    return;
  }
  for (let n = 0; n < sizes.length; n++) {
    const part = await t.store.readPart(t.url, n);
    if (!part) {
      // A part was evicted or damaged: start the file again.
      await t.store.delete(t.url);
      await received.reset();
      return;
    }
    received.stored(part);
  }
}

async function download(t: Transfer): Promise<void> {
  const expected = t.ref.size > 0 ? t.ref.size : null;
  const received = await Received.start();
  await resumeFromStore(t, received, expected);
  let serverTotal: number | null = null;

  if (expected === null || received.length < expected) {
    for (let attempt = 0; ; attempt++) {
      const outcome = await transfer(t, received, expected);
      if (outcome === 'restart' && attempt === 0) {
        await t.store.delete(t.url);
        await received.reset();
        continue;
      }
      if (outcome === 'restart')
        throw new PackError('download-failed', `${t.file}: the server rejected every byte range.`);
      serverTotal = outcome.serverTotal;
      break;
    }
  } else {
    t.emit({ status: 'resumed', file: t.file, from: received.length, total: received.length });
  }
  await finish(t, received, expected ?? serverTotal);
}

type TransferOutcome = 'restart' | { serverTotal: number | null };

/** One HTTP request: from `received.length` to the end of the body. */
async function transfer(t: Transfer, received: Received, expected: number | null): Promise<TransferOutcome> {
  const offset = received.length;
  const fetchImpl = t.opts.fetchImpl ?? fetch;
  const headers: Record<string, string> = offset > 0 ? { Range: `bytes=${offset}-` } : {};
  let response: Response;
  try {
    response = await fetchImpl(t.url, { headers, signal: t.opts.signal, cache: 'no-store' });
  } catch (error) {
    throw interrupted(t, error, offset, expected);
  }
  if (response.status === 416) return 'restart';
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw httpFailure(t.file, t.url, response.status);
  }

  let serverTotal: number | null;
  if (response.status === 206) {
    const range = parseContentRange(response.headers.get('content-range'));
    if (!range || range.start !== offset) {
      await response.body?.cancel().catch(() => {});
      return 'restart';
    }
    serverTotal = range.total;
  } else {
    if (offset > 0) {
      // The server ignored the Range header: the body is the whole file again.
      await t.store.delete(t.url);
      await received.reset();
    }
    serverTotal = contentLength(response);
  }
  const total = expected ?? serverTotal ?? 0;
  t.emit({ status: 'initiate', file: t.file, total });
  if (received.length > 0) t.emit({ status: 'resumed', file: t.file, from: received.length, total });
  await stream(t, response, received, expected, total);
  return { serverTotal };
}

function contentLength(response: Response): number | null {
  if (response.headers.get('content-encoding')) return null; // the length would be of the compressed body
  const value = Number(response.headers.get('content-length') ?? NaN);
  return Number.isSafeInteger(value) && value >= 0 ? value : null;
}

async function stream(
  t: Transfer,
  response: Response,
  received: Received,
  expected: number | null,
  total: number,
): Promise<void> {
  if (!response.body) throw new PackError('network', `${t.file}: the server sent an empty response.`);
  const reader = response.body.getReader();
  const partBytes = Math.max(1, t.opts.partBytes ?? DEFAULT_PART_BYTES);
  const meter = new TransferMeter(5000, t.opts.progressIntervalMs ?? 250);
  const flush = async (): Promise<void> => {
    if (received.pendingBytes > 0) await t.store.appendPart(t.url, received.take());
  };
  meter.record(received.length, total);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (expected !== null && received.length + value.byteLength > expected) {
        await reader.cancel().catch(() => {});
        await t.store.delete(t.url);
        throw new PackError(
          'integrity',
          `${t.file}: expected ${formatByteCount(expected)}, but the server sent more — it is a different file; the bad copy was discarded.`,
          t.url,
        );
      }
      received.push(value);
      if (received.pendingBytes >= partBytes) await flush();
      const snap = meter.record(received.length, total);
      if (snap) t.emit({ status: 'progress', file: t.file, loaded: received.length, total, ...snap });
    }
  } catch (error) {
    if (error instanceof PackError) throw error;
    await flush().catch(() => {});
    throw interrupted(t, error, received.length, expected ?? (total > 0 ? total : null));
  }
  await flush();
  const snap = meter.record(received.length, total, true);
  if (snap) t.emit({ status: 'progress', file: t.file, loaded: received.length, total, ...snap });
}

function interrupted(t: Transfer, error: unknown, loaded: number, total: number | null): PackError {
  if (isAbortError(error) || t.opts.signal?.aborted) {
    const paused = t.opts.signal?.reason === PAUSE;
    return new PackError(
      paused ? 'paused' : 'cancelled',
      paused
        ? `${t.file}: download paused ${stoppedAt(loaded, total)}; resume to continue from there.`
        : `${t.file}: download cancelled ${stoppedAt(loaded, total)}.`,
      t.url,
    );
  }
  return new PackError(
    'network',
    `${t.file}: the download stopped ${stoppedAt(loaded, total)} (network error); it will resume from there.`,
    `${t.url}: ${String(error)}` +
      (loaded === 0 ? ' (if this repeats at 0 MB, the server may not allow downloads from this site: CORS)' : ''),
  );
}

/** The abort reason that pauses a download (its parts stay stored) rather than cancelling it (`cancel(id, 'pause')`). */
export const PAUSE: CancelMode = 'pause';

async function finish(t: Transfer, received: Received, mustBe: number | null): Promise<void> {
  const size = received.length;
  if (mustBe !== null && size !== mustBe) {
    await t.store.delete(t.url);
    const how = size < mustBe ? 'the download was truncated' : 'it is a different file';
    throw new PackError(
      'integrity',
      `${t.file}: expected ${formatByteCount(mustBe)}, got ${size.toLocaleString('en-US')} — ${how}; the bad copy was discarded.`,
      t.url,
    );
  }
  t.emit({ status: 'verifying', file: t.file });
  if (t.ref.sha256) {
    const actual = received.hash.hex();
    if (actual !== t.ref.sha256) {
      await t.store.delete(t.url);
      throw new PackError(
        'integrity',
        `${t.file}: the SHA-256 does not match (expected ${t.ref.sha256.slice(0, 12)}…, got ${actual.slice(0, 12)}…) — ` +
          'the file is damaged or a different version; the bad copy was discarded.',
        `${t.url}: expected ${t.ref.sha256}, got ${actual}`,
      );
    }
  }
  await t.store.markComplete(t.url, size);
  t.emit({ status: 'done', file: t.file });
}
