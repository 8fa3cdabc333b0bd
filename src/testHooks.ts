/**
 * `window.__sam3`: hooks for end-to-end tests (the store, the canvas mapping, the last COCO export, the engine's
 * stats).
 */
import type { CocoExport, EngineStats } from '../workers/protocol';
import type { ViewTransform } from './draw/coords';
import { appStore, type AppStore } from './store/appStore';

export interface CanvasViewHook extends ViewTransform {
  /** devicePixelRatio in force: backing pixels = CSS pixels × dpr. `scale`/`offset*` are in CSS pixels. */
  dpr: number;
  cssWidth: number;
  cssHeight: number;
  /** The labels drawn on the canvas, in drawing order ("#3 red 0.92"). */
  labels: string[];
}

export interface Sam3TestHooks {
  store: AppStore;
  view: CanvasViewHook | null;
  readonly lastExport: CocoExport | null;
  /** The engine's counters (graph runs, caches, where images were pre-processed). */
  engineStats(): Promise<EngineStats>;
}

declare global {
  interface Window {
    __sam3?: Sam3TestHooks;
  }
}

export function installTestHooks(engineStats: () => Promise<EngineStats>): void {
  const hooks = { store: appStore, view: null, engineStats } as Omit<Sam3TestHooks, 'lastExport'>;
  Object.defineProperty(hooks, 'lastExport', { get: () => appStore.getState().lastExport, enumerable: true });
  window.__sam3 = hooks as Sam3TestHooks;
}

export function publishView(view: CanvasViewHook): void {
  if (window.__sam3) window.__sam3.view = view;
}
