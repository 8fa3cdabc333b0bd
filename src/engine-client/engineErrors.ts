/**
 * Turns whatever the engine threw into a banner message. Cancelled calls (the person's own doing, or a newer request)
 * and paused downloads (the model panel says so) are silent.
 */
import { isEngineErrorData, type EngineErrorData } from '../../workers/protocol';
import { pushError } from '../store/appStore';

export function toEngineError(err: unknown): EngineErrorData {
  if (isEngineErrorData(err)) return err;
  if (err instanceof Error) {
    // comlink re-creates thrown Errors; the engine may carry its code in the message as "code: message".
    const m = /^([a-z-]+): (.*)$/s.exec(err.message);
    if (m && isEngineErrorData({ code: m[1], message: m[2] }))
      return { code: m[1] as EngineErrorData['code'], message: m[2] };
    return { code: 'internal', message: err.message || String(err) };
  }
  return { code: 'internal', message: String(err) };
}

export function reportEngineError(err: unknown, context: string): EngineErrorData {
  const e = toEngineError(err);
  if (e.code !== 'cancelled' && e.code !== 'paused') pushError(e.code, e.message, context);
  return e;
}
