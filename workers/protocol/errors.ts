/** Errors cross the worker boundary as plain data, never as class instances. */
export type EngineErrorCode =
  | 'decode-failed'
  | 'image-too-large'
  | 'no-image'
  | 'no-pack'
  | 'pack-invalid'
  | 'pack-contract'
  | 'download-failed'
  | 'integrity'
  | 'network'
  | 'storage-full'
  | 'gpu-unfit'
  | 'gpu-lost'
  | 'runtime'
  | 'aborted'
  /** A download the user paused: what arrived is kept and it resumes from there. */
  | 'paused'
  | 'internal';

export interface EngineErrorData {
  code: EngineErrorCode;
  message: string;
  detail?: string;
}

export function isEngineErrorData(value: unknown): value is EngineErrorData {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as EngineErrorData).code === 'string' &&
    typeof (value as EngineErrorData).message === 'string'
  );
}
