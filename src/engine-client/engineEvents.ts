/** Engine progress events → store. The one place that listens to the engine's events. */
import type { GraphProgressEvent, ProgressEvent } from '../../workers/protocol';
import { appStore, type PackLoadState, type SegmentProgress } from '../store/appStore';

/** A segmentation's progress as it starts: no graph has run yet. */
export function startSegmentProgress(startedAt: number): SegmentProgress {
  return { startedAt, running: null, lastDone: null, done: 0, total: 0, cancelling: false };
}

/** Pure: a segmentation's progress after one graph event. */
export function applyGraphProgress(p: SegmentProgress, ev: GraphProgressEvent): SegmentProgress {
  const step = { graph: ev.graph, ...(ev.phrase ? { phrase: ev.phrase } : {}) };
  return ev.status === 'graph-start'
    ? { ...p, running: { ...step, index: ev.index }, total: ev.total }
    : { ...p, running: null, lastDone: step, done: ev.index, total: ev.total };
}

/** Pure: the pack-load state after one progress event. */
export function applyProgressEvent(state: PackLoadState, ev: ProgressEvent): PackLoadState {
  switch (ev.status) {
    case 'initiate':
      return withFile(state, ev.file, { status: 'initiate', loaded: 0, total: ev.total });
    case 'progress':
      return withFile(state, ev.file, {
        status: 'progress',
        loaded: ev.loaded,
        total: ev.total,
        bytesPerSecond: ev.bytesPerSecond,
        etaSeconds: ev.etaSeconds,
      });
    case 'cached':
      return withFile(state, ev.file, { status: 'cached', loaded: ev.total, total: ev.total, etaSeconds: 0 });
    case 'resumed':
      return withFile(state, ev.file, { status: 'resumed', loaded: ev.from, total: ev.total });
    case 'verifying':
      return withFile(state, ev.file, { status: 'verifying' });
    case 'done': {
      const prev = state.files[ev.file];
      return withFile(state, ev.file, { status: 'done', loaded: prev?.total ?? 0, etaSeconds: 0 });
    }
    case 'compiling':
      return { ...state, compiling: ev.graph };
    case 'ready':
      return { ...state, compiling: null };
    default: {
      const never: never = ev;
      return never;
    }
  }
}

function withFile(state: PackLoadState, file: string, patch: Partial<PackLoadState['files'][string]>): PackLoadState {
  const prev = state.files[file] ?? {
    file,
    status: 'initiate' as const,
    loaded: 0,
    total: 0,
    bytesPerSecond: 0,
    etaSeconds: null,
  };
  return { ...state, files: { ...state.files, [file]: { ...prev, ...patch } } };
}

/** The progress callback given to engine.openPack for one load. */
export function packProgressHandler(): (ev: ProgressEvent) => void {
  return (ev) => {
    appStore.setState((s) => (s.packLoad ? { packLoad: applyProgressEvent(s.packLoad, ev) } : {}));
  };
}
