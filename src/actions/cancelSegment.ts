import { cancelRunningSegment } from '../engine-client/engineClient';

/**
 * Cancels the segmentation in flight (the status line's Cancel on a long request) through the engine's one cancel
 * path: the graph running finishes, nothing after it runs, the masks shown stay, and a notice says so.
 */
export function cancelSegment(): void {
  cancelRunningSegment();
}
