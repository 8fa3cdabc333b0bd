/**
 * A small HTTP file server on 127.0.0.1 for the pack tests: serves byte arrays, honours `Range: bytes=N-`, and can
 * misbehave on demand (cut the connection, ignore Range, refuse). It records every request and closes itself after
 * `lifetimeMs` even if a test forgets to.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour =
  | { kind: 'normal' }
  | { kind: 'cut'; afterBytes: number; times: number }
  | { kind: 'ignore-range' }
  | { kind: 'status'; status: number }
  | { kind: 'no-length' }
  /** Sends `bytesPerTick` every `tickMs` (a slow network). */
  | { kind: 'slow'; bytesPerTick: number; tickMs: number };

export interface RecordedRequest {
  path: string;
  range: string | undefined;
}

export interface TestServer {
  baseUrl: string;
  files: Map<string, Uint8Array>;
  behaviour: Map<string, Behaviour>;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startTestServer(files: Record<string, Uint8Array>, lifetimeMs = 20_000): Promise<TestServer> {
  const state = {
    files: new Map(Object.entries(files)),
    behaviour: new Map<string, Behaviour>(),
    requests: [] as RecordedRequest[],
  };
  const server = createServer((req, res) => handle(state, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const timer = setTimeout(() => void close(), lifetimeMs);
  timer.unref();
  return { baseUrl: `http://127.0.0.1:${port}/`, ...state, close };
}

function handle(
  state: { files: Map<string, Uint8Array>; behaviour: Map<string, Behaviour>; requests: RecordedRequest[] },
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
  const range = req.headers.range;
  state.requests.push({ path, range });
  const body = state.files.get(path);
  const behaviour = state.behaviour.get(path) ?? { kind: 'normal' };
  if (!body) {
    res.writeHead(404).end('not found');
    return;
  }
  if (behaviour.kind === 'status') {
    res.writeHead(behaviour.status).end('refused');
    return;
  }
  let start = 0;
  const m = range && behaviour.kind !== 'ignore-range' ? /^bytes=(\d+)-$/.exec(range) : null;
  if (m) {
    start = Number(m[1]);
    if (start >= body.byteLength) {
      res.writeHead(416, { 'content-range': `bytes */${body.byteLength}` }).end();
      return;
    }
    res.writeHead(206, {
      'content-range': `bytes ${start}-${body.byteLength - 1}/${body.byteLength}`,
      'content-length': String(body.byteLength - start),
    });
  } else {
    res.writeHead(200, behaviour.kind === 'no-length' ? {} : { 'content-length': String(body.byteLength) });
  }
  let limit = body.byteLength;
  if (behaviour.kind === 'cut' && behaviour.times > 0) {
    behaviour.times--;
    limit = Math.min(limit, start + behaviour.afterBytes);
  }
  const pace = behaviour.kind === 'slow' ? behaviour : { bytesPerTick: 4096, tickMs: 0 };
  writeInChunks(res, body, start, limit, limit < body.byteLength, pace);
}

/** Writes [from, to) in pieces, pausing between them, then ends (or drops the socket when `cut`). */
function writeInChunks(
  res: ServerResponse,
  body: Uint8Array,
  from: number,
  to: number,
  cut: boolean,
  pace: { bytesPerTick: number; tickMs: number },
): void {
  let offset = from;
  const next = (): void => {
    if (res.destroyed) return;
    if (offset >= to) {
      if (cut) setTimeout(() => res.socket?.destroy(), 20);
      else res.end();
      return;
    }
    const end = Math.min(to, offset + pace.bytesPerTick);
    const chunk = body.subarray(offset, end);
    offset = end;
    res.write(chunk, () => (pace.tickMs > 0 ? setTimeout(next, pace.tickMs) : setImmediate(next)));
  };
  next();
}

export function randomBytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
