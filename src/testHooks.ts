/**
 * The one seam between the app and its end-to-end test hooks: what the hooks expose (`window.__sam3`), and the view
 * the stage canvas publishes for them. The hooks themselves (e2e/page/hooks.ts) are in test builds only
 * (`vite build --mode e2e`, see src/main.tsx); in a production build `publishView` has no receiver and does nothing.
 */
import type { CocoExport, EngineStats } from '../workers/protocol';
import type { ViewTransform } from './draw/coords';
import type { AppStore } from './store/appStore';

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

let receiver: ((view: CanvasViewHook) => void) | null = null;

/** Test builds: where the stage's view goes. */
export function receiveViews(r: (view: CanvasViewHook) => void): void {
  receiver = r;
}

export function publishView(view: CanvasViewHook): void {
  receiver?.(view);
}
