export type * from './api';
export type * from './manifest';
export type * from './progress';
export type * from './prompts';
export type * from './results';
export type * from './video';
export { DEFAULT_TRACKER_SETTINGS } from './video';
export type { EngineErrorCode, EngineErrorData } from './errors';
export { isEngineErrorData } from './errors';
