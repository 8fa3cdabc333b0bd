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
  /** The call was cancelled (`cancel(requestId)`, or a newer request took its place): the one code for it. */
  | 'cancelled'
  /** Something else holds what the call needs (another pack is downloading). */
  | 'busy'
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
