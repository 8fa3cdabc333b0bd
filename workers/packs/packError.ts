import type { EngineErrorCode, EngineErrorData } from '../protocol/errors';

/**
 * The one error the pack layer throws. The engine turns it into EngineErrorData (plain data) before it crosses the
 * worker boundary, so `message` must read well on its own in the UI.
 */
export class PackError extends Error {
  readonly code: EngineErrorCode;
  readonly detail?: string;

  constructor(code: EngineErrorCode, message: string, detail?: string) {
    super(message);
    this.name = 'PackError';
    this.code = code;
    if (detail !== undefined) this.detail = detail;
  }

  toData(): EngineErrorData {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }
}

export function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}
