/**
 * Asks the worker's one mask painter (`engine.maskBitmaps`) for the bitmaps of masks the page lacks: video frames
 * played back or scrubbed to, masks under folder review, frames being exported, and a still-image mask whose bitmaps
 * were evicted. Requests made in the same task go as one call; a mask already asked for is not asked again while
 * the answer is on its way. The bitmaps land in draw/maskSources.ts, which tells the views to redraw.
 */
import { callWithSignal, isCancelled, type MaskToPaint } from '../../workers/protocol';
import { engine } from '../engine-client/engineClient';
import { hasMaskBitmaps, putMaskBitmaps } from '../draw/maskSources';

const inFlight = new Set<string>();
let queued: MaskToPaint[] = [];

/** Asks for the masks whose bitmaps are missing; returns at once (they arrive as `onMaskBitmaps` says). */
export function requestMaskBitmaps(masks: readonly MaskToPaint[]): void {
  const missing = masks.filter((m) => !hasMaskBitmaps(m.maskId) && !inFlight.has(m.maskId));
  if (missing.length === 0) return;
  for (const m of missing) inFlight.add(m.maskId);
  const first = queued.length === 0;
  queued.push(...missing);
  if (first) queueMicrotask(() => void flush());
}

async function flush(): Promise<void> {
  const batch = queued;
  queued = [];
  try {
    await paint(batch);
  } catch {
    // The masks stay undrawn until they are asked for again (next redraw); the engine reported nothing new.
  } finally {
    for (const m of batch) inFlight.delete(m.maskId);
  }
}

async function paint(masks: readonly MaskToPaint[], signal?: AbortSignal): Promise<void> {
  const api = engine();
  const out = await callWithSignal(api, signal, (call) => api.maskBitmaps([...masks], call), 'paint');
  out.forEach((b, k) => putMaskBitmaps(masks[k].maskId, b));
}

/** The masks' bitmaps, awaited (an export draws each frame once it has them); `signal` cancels the painting. */
export async function ensureMaskBitmaps(masks: readonly MaskToPaint[], signal?: AbortSignal): Promise<void> {
  const missing = masks.filter((m) => !hasMaskBitmaps(m.maskId));
  if (missing.length === 0) return;
  try {
    await paint(missing, signal);
  } catch (err) {
    if (isCancelled(err)) throw err;
    throw new Error(`The masks could not be painted: ${(err as { message?: string })?.message ?? String(err)}`, {
      cause: err,
    });
  }
}
