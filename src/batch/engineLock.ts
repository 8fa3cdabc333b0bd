/**
 * The engine holds one image at a time, so batch steps that set an image and then segment it must not interleave
 * (the run's next image and a review fix, say). Every batch use of the engine goes through this queue; it also
 * notes that the single-image view's image was replaced.
 */
import { engine } from '../engine-client/engineClient';
import type { EngineApi } from '../../workers/protocol';
import { batchStore } from './batchStore';

let tail: Promise<unknown> = Promise.resolve();

export function withEngine<T>(fn: (api: EngineApi) => Promise<T>): Promise<T> {
  const next = tail.then(() => {
    batchStore.setState({ engineImageTaken: true });
    return fn(engine());
  });
  tail = next.catch(() => undefined);
  return next;
}
