/** Adds video mode to the end-to-end hooks: `window.__sam3.video` (the store) and `lastMasklets`. */
import type { MaskletExport } from './masklets';
import { videoStore, type VideoStore } from './videoStore';

declare module '../testHooks' {
  interface Sam3TestHooks {
    video?: VideoStore;
    readonly lastMasklets?: MaskletExport | null;
    /** Clip encoding and export decoding for the end-to-end tests (a lazily loaded chunk). */
    videoTools?: () => Promise<typeof import('./testClipTools')>;
  }
}

export function installVideoTestHooks(): void {
  const hooks = window.__sam3;
  if (!hooks || hooks.video) return;
  hooks.video = videoStore;
  hooks.videoTools = () => import('./testClipTools');
  Object.defineProperty(hooks, 'lastMasklets', {
    get: () => videoStore.getState().lastMasklets,
    enumerable: true,
    configurable: true,
  });
}
