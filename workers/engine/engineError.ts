/** Converts anything thrown inside the engine into plain EngineErrorData (what crosses the worker boundary). */
import type { EngineErrorCode, EngineErrorData } from '../protocol/errors';
import { isEngineErrorData } from '../protocol/errors';

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

const KNOWN_CODES = new Set<EngineErrorCode>([
  'decode-failed',
  'image-too-large',
  'no-image',
  'no-pack',
  'pack-invalid',
  'pack-contract',
  'download-failed',
  'integrity',
  'network',
  'storage-full',
  'gpu-unfit',
  'gpu-lost',
  'runtime',
  'cancelled',
  'busy',
  'paused',
  'internal',
]);

export function toEngineErrorData(err: unknown, fallback: EngineErrorCode = 'internal'): EngineErrorData {
  if (isEngineErrorData(err) && !(err instanceof Error)) return err;
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const detail = (err as { detail?: unknown }).detail;
    return {
      code: typeof code === 'string' && KNOWN_CODES.has(code as EngineErrorCode) ? (code as EngineErrorCode) : fallback,
      message: err.message,
      ...(typeof detail === 'string' ? { detail } : {}),
    };
  }
  return { code: fallback, message: String(err) };
}
