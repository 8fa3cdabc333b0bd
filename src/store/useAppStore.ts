import { useStore } from 'zustand';
import { appStore, type AppState } from './appStore';

/** React binding of the app store: components read through selectors only. */
export function useAppStore<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, selector);
}
