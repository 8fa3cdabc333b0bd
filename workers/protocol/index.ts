export type * from './api';
export type * from './manifest';
export type * from './progress';
export type * from './prompts';
export type * from './results';
export type * from './video';
export { DEFAULT_TRACKER_SETTINGS } from './video';
export type { EngineErrorCode, EngineErrorData } from './errors';
export { isEngineErrorData } from './errors';
export type { CallOptions, CancelMode, Cancellable } from './cancel';
export { CANCELLED, callWithSignal, cancelledError, isCancelled, newRequestId } from './cancel';
export { SCORE_FLOOR } from './results';
export { formatBytes } from './formatBytes';
export { estimateEta } from './eta';
export { PromiseQueue } from './promiseQueue';
export {
  downloadVerdict,
  packFit,
  packBytes,
  wasmHeapEstimate,
  webGpuGap,
  type AdapterFacts,
  type PackFit,
} from './variantFit';
