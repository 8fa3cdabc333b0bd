/** React binding of the batch store. */
import { useStore } from 'zustand';
import { batchStore, type BatchState } from './batchStore';

export function useBatchStore<T>(selector: (s: BatchState) => T): T {
  return useStore(batchStore, selector);
}
