/** `window.__sam3batch`: the folder workspace's store for end-to-end tests. */
import { batchStore } from './batchStore';

declare global {
  interface Window {
    __sam3batch?: { store: typeof batchStore };
  }
}

export function installBatchTestHooks(): void {
  window.__sam3batch = { store: batchStore };
}
