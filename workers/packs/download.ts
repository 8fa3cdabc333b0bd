/**
 * Resumable, verified download of one pack file into a ByteStore.
 *
 * - A complete entry is returned from the store ('cached'); its size is always checked, its SHA-256 only when
 *   `verifyCachedHash` is set (it was verified before the entry was marked complete, and hashing hundreds of MB on
 *   every start costs about a second).
 * - Otherwise the body is streamed and appended to the store every `partBytes`, so an interruption loses at most one
 *   part; the next call asks for the rest with `Range: bytes=N-` ('resumed'). A server that answers 200 to a Range
 *   request gets the old parts discarded and the file fetched from the start.
 * - At the end the size must equal `ref.size` and the hash `ref.sha256` (when given); on a mismatch the entry is
 *   deleted and PackError('integrity') thrown. `ref.size === 0` means "unknown" (catalogue only): the server's
 *   Content-Length / Content-Range total is checked instead when it sends one.
 */
import type { PackFileRef } from '../protocol/manifest';
import type { ProgressEvent } from '../protocol/progress';
import type { ByteStore } from './byteStore';
import { ByteCollector } from './byteCollector';
import { baseName, formatByteCount, sha256Hex, totalLength } from './bytes';
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
): Promise<Uint8Array> {
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
  return download(t);
}

async function readCached(t: Transfer): Promise<Uint8Array | null> {
  if (!(await t.store.isComplete(t.url))) return null;
  const bytes = await t.store.read(t.url);
  const recorded = await t.store.completeSize(t.url);
  const sizeOk = bytes !== null && bytes.byteLength === (t.ref.size > 0 ? t.ref.size : recorded);
  const hashOk = !sizeOk || !t.opts.verifyCachedHash || !t.ref.sha256 || (await sha256Hex(bytes)) === t.ref.sha256;
  if (bytes && sizeOk && hashOk) {
    t.emit({ status: 'cached', file: t.file, total: bytes.byteLength });
    return bytes;
  }
  // A stale copy (the manifest now names another size or hash) or a damaged one: fetch it again.
  await t.store.delete(t.url);
  return null;
}

async function download(t: Transfer): Promise<Uint8Array> {
  const expected = t.ref.size > 0 ? t.ref.size : null;
  let existing = await t.store.readParts(t.url);
  if (expected !== null && totalLength(existing) > expected) {
    await t.store.delete(t.url);
    existing = [];
  }
  const collector = new ByteCollector(expected);
  for (const part of existing) collector.push(part);
  let serverTotal: number | null = null;

  if (expected === null || collector.length < expected) {
    for (let attempt = 0; ; attempt++) {
      const outcome = await transfer(t, collector, expected);
      if (outcome === 'restart' && attempt === 0) {
        await t.store.delete(t.url);
        collector.reset();
        continue;
      }
      if (outcome === 'restart')
        throw new PackError('download-failed', `${t.file}: the server rejected every byte range.`);
      serverTotal = outcome.serverTotal;
      break;
    }
  } else {
    t.emit({ status: 'resumed', file: t.file, from: collector.length, total: collector.length });
  }
  return finish(t, collector, expected ?? serverTotal);
}

type TransferOutcome = 'restart' | { serverTotal: number | null };

/** One HTTP request: from `collector.length` to the end of the body. */
async function transfer(t: Transfer, collector: ByteCollector, expected: number | null): Promise<TransferOutcome> {
  const offset = collector.length;
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
      collector.reset();
    }
    serverTotal = contentLength(response);
  }
  const total = expected ?? serverTotal ?? 0;
  t.emit({ status: 'initiate', file: t.file, total });
  if (collector.length > 0) t.emit({ status: 'resumed', file: t.file, from: collector.length, total });
  await stream(t, response, collector, expected, total);
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
  collector: ByteCollector,
  expected: number | null,
  total: number,
): Promise<void> {
  if (!response.body) throw new PackError('network', `${t.file}: the server sent an empty response.`);
  const reader = response.body.getReader();
  const partBytes = Math.max(1, t.opts.partBytes ?? DEFAULT_PART_BYTES);
  const meter = new TransferMeter(5000, t.opts.progressIntervalMs ?? 250);
  let flushedTo = collector.length;
  const flush = async (): Promise<void> => {
    if (collector.length > flushedTo) {
      await t.store.appendPart(t.url, collector.view(flushedTo));
      flushedTo = collector.length;
    }
  };
  meter.record(collector.length, total);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (expected !== null && collector.length + value.byteLength > expected) {
        await reader.cancel().catch(() => {});
        await t.store.delete(t.url);
        throw new PackError(
          'integrity',
          `${t.file}: expected ${formatByteCount(expected)}, but the server sent more — it is a different file; the bad copy was discarded.`,
          t.url,
        );
      }
      collector.push(value);
      if (collector.length - flushedTo >= partBytes) await flush();
      const snap = meter.record(collector.length, total);
      if (snap) t.emit({ status: 'progress', file: t.file, loaded: collector.length, total, ...snap });
    }
  } catch (error) {
    if (error instanceof PackError) throw error;
    await flush().catch(() => {});
    throw interrupted(t, error, collector.length, expected ?? (total > 0 ? total : null));
  }
  await flush();
  const snap = meter.record(collector.length, total, true);
  if (snap) t.emit({ status: 'progress', file: t.file, loaded: collector.length, total, ...snap });
}

function interrupted(t: Transfer, error: unknown, loaded: number, total: number | null): PackError {
  if (isAbortError(error) || t.opts.signal?.aborted) {
    return new PackError('aborted', `${t.file}: download cancelled ${stoppedAt(loaded, total)}.`, t.url);
  }
  return new PackError(
    'network',
    `${t.file}: the download stopped ${stoppedAt(loaded, total)} (network error); it will resume from there.`,
    `${t.url}: ${String(error)}` +
      (loaded === 0 ? ' (if this repeats at 0 MB, the server may not allow downloads from this site: CORS)' : ''),
  );
}

async function finish(t: Transfer, collector: ByteCollector, mustBe: number | null): Promise<Uint8Array> {
  const bytes = collector.bytes();
  if (mustBe !== null && bytes.byteLength !== mustBe) {
    await t.store.delete(t.url);
    const how = bytes.byteLength < mustBe ? 'the download was truncated' : 'it is a different file';
    throw new PackError(
      'integrity',
      `${t.file}: expected ${formatByteCount(mustBe)}, got ${bytes.byteLength.toLocaleString('en-US')} — ${how}; the bad copy was discarded.`,
      t.url,
    );
  }
  t.emit({ status: 'verifying', file: t.file });
  if (t.ref.sha256) {
    const actual = await sha256Hex(bytes);
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
  await t.store.markComplete(t.url, bytes.byteLength);
  t.emit({ status: 'done', file: t.file });
  return bytes;
}
