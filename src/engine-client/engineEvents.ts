/** Engine progress events → store. The one place that listens to the engine's events. */
import type { ProgressEvent } from '../../workers/protocol';
import { appStore, type PackLoadState } from '../store/appStore';

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
