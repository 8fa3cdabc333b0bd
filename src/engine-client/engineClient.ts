/**
 * The only module that touches the engine worker. It wraps the worker with comlink, keeps the connection the
 * actions use, and schedules segmentation newest-wins: requests are debounced, and a newer request cancels the
 * older one through the engine's one cancel path (`cancel(requestId)`: its graph steps stop, its result is dropped).
 */
import * as Comlink from 'comlink';
import {
  callWithSignal,
  isCancelled,
  type EngineApi,
  type EngineErrorData,
  type GraphProgressEvent,
  type SegmentRequest,
} from '../../workers/protocol';
import { appStore, pushNotice } from '../store/appStore';
import { revertObjects, sameDocument } from '../store/promptDocument';
import { buildSegmentRequest, graphName, selectDocument } from '../store/selectors';
import { reportEngineError } from './engineErrors';
import { applyGraphProgress, startSegmentProgress } from './engineEvents';

/** A callback the worker calls back (progress). */
type Callback<E> = (event: E) => void;

export interface EngineConnection {
  api: EngineApi;
  /** Makes a callback callable from the other side (comlink.proxy for the worker, identity for fakes). */
  proxyCallback<E>(cb: Callback<E>): Callback<E>;
  dispose(): void;
}

/** Starts the engine worker and wraps it. */
export function connectWorkerEngine(): EngineConnection {
  const worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module' });
  const remote = Comlink.wrap<EngineApi>(worker) as unknown as EngineApi;
  return {
    api: rejectWhenDead(remote, worker),
    proxyCallback: (cb) => Comlink.proxy(cb),
    dispose: () => worker.terminate(),
  };
}

/**
 * If the worker itself dies (an uncaught error, a WebAssembly abort, out of memory), comlink's pending calls would
 * wait forever and the UI would stay "working". Every call is raced against the worker's death instead, so it
 * fails with a clear message; the page, the image and the prompts stay.
 */
export function rejectWhenDead(api: EngineApi, worker: Pick<Worker, 'addEventListener'>): EngineApi {
  let dead: EngineErrorData | null = null;
  const pending = new Set<(err: EngineErrorData) => void>();
  const die = (detail: string) => {
    if (dead) return;
    dead = {
      code: 'internal',
      message: 'The model engine stopped unexpectedly. Reload the page to restart it; nothing was sent anywhere.',
      detail,
    };
    for (const reject of pending) reject(dead);
    pending.clear();
    reportEngineError(dead, 'Engine');
  };
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    die(e.message || 'the worker crashed');
  });
  worker.addEventListener('messageerror', () => die('a message from the worker could not be read'));
  return new Proxy(api, {
    get(target, prop, receiver) {
      const member = Reflect.get(target, prop, receiver) as unknown;
      if (typeof member !== 'function') return member;
      return (...args: unknown[]) => {
        if (dead) return Promise.reject(dead);
        return new Promise((resolve, reject) => {
          pending.add(reject);
          (member as (...a: unknown[]) => Promise<unknown>)(...args)
            .then(resolve, reject)
            .finally(() => pending.delete(reject));
        });
      };
    },
  });
}

/** An in-process engine (tests). */
export function connectInProcessEngine(api: EngineApi): EngineConnection {
  return { api, proxyCallback: (cb) => cb, dispose: () => {} };
}

let connection: EngineConnection | null = null;

export function setEngineConnection(next: EngineConnection | null): void {
  connection?.dispose();
  connection = next;
  cancelScheduledSegment();
}

export function engine(): EngineApi {
  if (!connection) throw new Error('Engine not connected');
  return connection.api;
}

export function progressCallback<E>(cb: Callback<E>): Callback<E> {
  if (!connection) throw new Error('Engine not connected');
  return connection.proxyCallback(cb);
}

// ---- Segmentation, newest wins -------------------------------------------------------------------------------

/** Debounce for typing. Threshold changes pass 0: the engine only re-post-processes. */
export const TYPING_DEBOUNCE_MS = 150;

/** The newest scheduled segmentation: aborting it cancels its engine call. */
let latest: AbortController | null = null;

/** The abort reason of the person's Cancel (a newer request aborts the older one without a reason). */
const USER_CANCEL = 'user-cancel';
let timer: ReturnType<typeof setTimeout> | null = null;

/** Cancels the scheduled or running segmentation, if any. */
function supersede(): AbortController {
  latest?.abort();
  if (timer !== null) clearTimeout(timer);
  timer = null;
  latest = new AbortController();
  return latest;
}

/**
 * Asks for a segmentation of the store's current image, concepts and threshold after `debounceMs`.
 * Every call cancels the previous ones. Returns at once; the result lands in the store.
 */
export function scheduleSegment(debounceMs = TYPING_DEBOUNCE_MS): void {
  const request = supersede();
  // The older request's graphs are not this one's: its progress goes (a running graph it lets finish delays this one,
  // which then reads "Waiting for the model…").
  appStore.setState({ segmentPending: true, segmentProgress: null });
  if (debounceMs <= 0) void runSegment(request.signal);
  else timer = setTimeout(() => void runSegment(request.signal), debounceMs);
}

/** Cancels any scheduled or running segmentation. */
export function cancelScheduledSegment(): void {
  supersede();
  appStore.setState({ segmentPending: false, segmentProgress: null });
}

/**
 * The person's Cancel of a long segmentation, through the one cancel path: the graph running finishes, nothing after
 * it runs, the masks shown stay, and a notice says so once the engine has stopped. A segmentation still waiting for
 * its debounce simply does not start.
 */
export function cancelRunningSegment(): void {
  const running = latest;
  if (!running || running.signal.aborted) return;
  if (timer !== null) {
    clearTimeout(timer);
    timer = null;
    running.abort(USER_CANCEL);
    appStore.setState({ segmentPending: false, segmentProgress: null });
    return;
  }
  appStore.setState((s) => ({ segmentProgress: s.segmentProgress && { ...s.segmentProgress, cancelling: true } }));
  running.abort(USER_CANCEL);
}

/** After the engine stopped a cancelled segmentation: which graph it let finish, and that the old masks stay. */
function userCancelled(signal: AbortSignal): void {
  if (latest?.signal !== signal) return; // a newer request started meanwhile: its state is the one shown
  const progress = appStore.getState().segmentProgress;
  appStore.setState({ segmentPending: false, segmentProgress: null });
  const finished = progress?.running ?? progress?.lastDone ?? null;
  pushNotice(
    'ui',
    (finished
      ? `Segmentation cancelled: the ${graphName(finished.graph)} graph that was running finished, and nothing after it ran.`
      : 'Segmentation cancelled before any graph ran.') +
      ' The masks shown are the previous ones; change a prompt or the threshold to run it again.',
    'Segmenting',
    'info',
  );
}

async function runSegment(signal: AbortSignal): Promise<void> {
  timer = null;
  const state = appStore.getState();
  const request = buildSegmentRequest(state);
  if (!request) {
    // Nothing to run: no prompts clears the results; no image or pack waits for them.
    appStore.setState((s) => ({
      segmentPending: false,
      ...(s.concepts.length === 0 && s.objects.length === 0 && s.result !== null
        ? { result: null, resultRequest: null, resultVersion: s.resultVersion + 1, hoveredInstanceId: null }
        : {}),
    }));
    return;
  }
  appStore.setState({ segmentProgress: startSegmentProgress(performance.now()) });
  const onProgress = (ev: GraphProgressEvent) => {
    if (signal.aborted && signal.reason !== USER_CANCEL) return; // a newer request's progress is the one shown
    appStore.setState((s) => (s.segmentProgress ? { segmentProgress: applyGraphProgress(s.segmentProgress, ev) } : {}));
  };
  try {
    const api = engine();
    const result = await callWithSignal(
      api,
      signal,
      (call) => api.segment(request, call, progressCallback(onProgress)),
      'segment',
    );
    if (signal.reason === USER_CANCEL) return userCancelled(signal);
    if (signal.aborted) return; // a newer request exists: stale
    applyResult(request, result);
  } catch (err) {
    if (signal.reason === USER_CANCEL) return userCancelled(signal);
    if (signal.aborted || isCancelled(err)) return;
    appStore.setState({ segmentPending: false, segmentProgress: null });
    const e = reportEngineError(err, 'Segmenting');
    // The engine reopened its graphs on WASM after losing the GPU: run the same request again, once.
    if (e.code === 'gpu-lost' && !retriedAfterGpuLoss) {
      retriedAfterGpuLoss = true;
      scheduleSegment(0);
    }
  }
}

let retriedAfterGpuLoss = false;

function applyResult(request: SegmentRequest, result: Awaited<ReturnType<EngineApi['segment']>>): void {
  appStore.setState((s) => {
    const stillThere =
      s.hoveredInstanceId !== null && result.instances.some((i) => i.instanceId === s.hoveredInstanceId);
    return {
      segmentPending: false,
      segmentProgress: null,
      result,
      resultRequest: request,
      resultVersion: s.resultVersion + 1,
      hoveredInstanceId: stillThere ? s.hoveredInstanceId : null,
    };
  });
  if (result.emptyObjects?.length) revertEmptyClicks(result.emptyObjects);
}

/**
 * Clicks whose object came out empty found nothing: say so and take the click back (the object returns to how it
 * was before it, or goes if the click made it), so the previous masks stay. The taken-back click leaves no undo
 * entry behind.
 */
function revertEmptyClicks(objectIds: readonly string[]): void {
  const s = appStore.getState();
  const doc = selectDocument(s);
  const ids = objectIds.filter((id) => doc.objects.some((o) => o.id === id));
  if (ids.length === 0) return;
  const last = ids.map((id) => doc.objects.find((o) => o.id === id)!.points.at(-1)).find((p) => p !== undefined);
  const previous = s.history.undo.at(-1);
  const reverted = revertObjects(doc, previous, ids);
  const history =
    previous && s.history.pending === null && sameDocument(previous, reverted)
      ? { ...s.history, undo: s.history.undo.slice(0, -1) }
      : s.history;
  const selectedGone = s.selectedObjectId !== null && !reverted.objects.some((o) => o.id === s.selectedObjectId);
  appStore.setState({ objects: reverted.objects, history, ...(selectedGone ? { selectedObjectId: null } : {}) });
  const where = last ? ` at (${Math.round(last.xyPx[0])}, ${Math.round(last.xyPx[1])})` : '';
  pushNotice(
    'ui',
    `The ${last?.polarity === 'negative' ? 'negative ' : ''}click${where} found nothing, so it was taken back and ` +
      'the previous masks stay. Click inside an object, or remove a negative point that cuts it away.',
    'Click',
    'info',
  );
  scheduleSegment(0);
}
