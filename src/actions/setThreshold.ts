/** Change the score threshold. The engine re-post-processes without running a graph, so no debounce. */
import { scheduleSegment } from '../engine-client/engineClient';
import { appStore } from '../store/appStore';

export function setThreshold(value: number): void {
  const v = Math.min(1, Math.max(0, Math.round(value * 100) / 100));
  if (!Number.isFinite(v) || v === appStore.getState().scoreThreshold) return;
  appStore.setState({ scoreThreshold: v });
  scheduleSegment(0);
}
