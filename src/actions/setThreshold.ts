/**
 * Change the score threshold. The engine re-post-processes without running a graph, so no debounce.
 * A slider drag (or a run of key presses) is one undo entry: the burst closes on release (`change`).
 */
import { appStore } from '../store/appStore';
import { setScoreThreshold } from '../store/promptDocument';
import { closeHistoryBurst, editDocument } from './editDocument';

export function setThreshold(value: number): void {
  editDocument((doc) => setScoreThreshold(doc, value), { capture: { burst: 'threshold' } });
}

/** The slider was released: the drag so far is one undo entry. */
export function commitThreshold(): void {
  if (appStore.getState().history.pending?.key === 'threshold') closeHistoryBurst();
}
