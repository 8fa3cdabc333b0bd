/**
 * The end-to-end tests' hooks into the page, bundled only into test builds (`vite build --mode e2e`; src/main.tsx
 * imports this module only then): `window.__sam3` (the app store, the canvas mapping, the last COCO export, the
 * engine's stats; video mode's store, the last masklets and clip tools; `slowGraphs`, which makes the worker's graph
 * runs slow) and `window.__sam3batch` (the folder store).
 */
import type { MaskletExport } from '../../src/video/masklets';
import { engine } from '../../src/engine-client/engineClient';
import { appStore } from '../../src/store/appStore';
import { receiveViews, type Sam3TestHooks } from '../../src/testHooks';
import { videoStore, type VideoStore } from '../../src/video/videoStore';
import { batchStore } from '../../src/batch/batchStore';
import { SLOW_GRAPHS_CHANNEL } from '../worker/slowGraphs';

declare module '../../src/testHooks' {
  interface Sam3TestHooks {
    video?: VideoStore;
    readonly lastMasklets?: MaskletExport | null;
    /** Clip encoding and export decoding for the end-to-end tests (a lazily loaded chunk). */
    videoTools?: () => Promise<typeof import('./clipTools')>;
    /** Every graph run in the worker waits this long first (0: none); resolves once the worker has it. */
    slowGraphs?: (delayMs: number) => Promise<void>;
  }
}

declare global {
  interface Window {
    __sam3batch?: { store: typeof batchStore };
  }
}

/** Tells the worker's graph runtime (e2e/worker/slowGraphs.ts) to delay each graph run, and waits for its answer. */
function slowGraphs(delayMs: number): Promise<void> {
  const channel = new BroadcastChannel(SLOW_GRAPHS_CHANNEL);
  return new Promise<void>((resolve) => {
    channel.onmessage = (e: MessageEvent<{ ack?: number }>) => {
      if (e.data?.ack !== delayMs) return;
      channel.close();
      resolve();
    };
    channel.postMessage({ delayMs });
  });
}

export function installE2eHooks(): void {
  const hooks = {
    store: appStore,
    view: null,
    engineStats: () => engine().stats(),
    video: videoStore,
    videoTools: () => import('./clipTools'),
    slowGraphs,
  } as Omit<Sam3TestHooks, 'lastExport' | 'lastMasklets'>;
  Object.defineProperty(hooks, 'lastExport', { get: () => appStore.getState().lastExport, enumerable: true });
  Object.defineProperty(hooks, 'lastMasklets', { get: () => videoStore.getState().lastMasklets, enumerable: true });
  window.__sam3 = hooks as Sam3TestHooks;
  receiveViews((view) => {
    if (window.__sam3) window.__sam3.view = view;
  });
  window.__sam3batch = { store: batchStore };
}
