/**
 * The one way to stop a long call, on both workers (the engine and the folder's dataset worker): the call carries a
 * request id (`CallOptions.requestId`), and `cancel(requestId)` on the worker's interface stops it. The caller holds
 * an `AbortSignal`; `callWithSignal` bridges it across comlink (an abort sends `cancel(id)`). The worker runs the call
 * inside a `CancelScope`, checks the signal between steps (a running graph is not interrupted, but its result is not
 * returned and nothing after it runs) and rejects with one coded error, `{ code: 'cancelled' }`, leaving nothing
 * half-written. Only a pack download also has `'pause'`: it stops the same way but keeps what arrived.
 */
import type { EngineErrorData } from './errors';

export interface CallOptions {
  /** Identifies the call for `cancel(requestId)`; calls without one cannot be cancelled. */
  requestId?: string;
}

/** `pause` stops a pack download and keeps its bytes to resume from; every other call treats it as `cancel`. */
export type CancelMode = 'cancel' | 'pause';

/** A worker interface that can cancel its calls. */
export interface Cancellable {
  cancel(requestId: string, mode?: CancelMode): Promise<void>;
}

export const CANCELLED = 'cancelled' as const;

/** The error a cancelled call rejects with (plain data: it crosses the worker boundary as it is). */
export function cancelledError(what = 'The request'): EngineErrorData {
  return { code: CANCELLED, message: `${what} was cancelled.` };
}

export function isCancelled(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === CANCELLED;
}

/** Throws the coded error when `signal` was aborted (by `cancel` or a newer request). */
export function throwIfCancelled(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw Object.assign(new Error(cancelledError(what).message), { code: CANCELLED });
}

let issued = 0;
const session = Math.random().toString(36).slice(2, 8);

/** A request id unique within this page (or process). */
export function newRequestId(prefix = 'r'): string {
  return `${prefix}-${session}-${++issued}`;
}

/**
 * Calls `run` with a fresh request id and cancels it on the worker when `signal` aborts. A signal aborted before the
 * call rejects at once with the coded error (the worker is not asked). The call's own rejection is what the caller
 * sees once the worker has stopped, so nothing is left running behind a rejected promise.
 */
export async function callWithSignal<T>(
  target: Cancellable,
  signal: AbortSignal | undefined,
  run: (call: Required<CallOptions>) => Promise<T>,
  prefix?: string,
): Promise<T> {
  if (signal?.aborted) throw cancelledError();
  const requestId = newRequestId(prefix);
  const onAbort = () => void target.cancel(requestId, signal?.reason === 'pause' ? 'pause' : 'cancel');
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await run({ requestId });
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** How many ids cancelled before their call arrived are remembered (a cancel can overtake nothing on one port). */
const EARLY_CANCELS = 64;

/**
 * The worker's side: live calls by request id. `run` opens a call's signal for the duration of `fn`; `cancel` aborts
 * it with the mode as the reason.
 */
export class CancelScope {
  private readonly live = new Map<string, AbortController>();
  private readonly early = new Map<string, CancelMode>();

  async run<T>(call: CallOptions | undefined, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const id = call?.requestId;
    const controller = new AbortController();
    if (id !== undefined) {
      const mode = this.early.get(id);
      this.early.delete(id);
      if (mode) controller.abort(mode);
      this.live.set(id, controller);
    }
    try {
      return await fn(controller.signal);
    } finally {
      if (id !== undefined && this.live.get(id) === controller) this.live.delete(id);
    }
  }

  cancel(requestId: string, mode: CancelMode = 'cancel'): void {
    const controller = this.live.get(requestId);
    if (controller) {
      if (!controller.signal.aborted) controller.abort(mode);
      return;
    }
    this.early.set(requestId, mode);
    while (this.early.size > EARLY_CANCELS) this.early.delete(this.early.keys().next().value as string);
  }

  /** Calls in progress (tests). */
  get size(): number {
    return this.live.size;
  }
}
