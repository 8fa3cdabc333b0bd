/**
 * Drawable, tinted mask sources, cached by mask identity and colour, for every view that draws masks (the still
 * image, video frames, folder review, the video exports). The pixels come from the worker's one mask painter: alpha
 * bitmaps of a mask's crop (`MaskBitmaps`), sent with a result or asked for by mask id (actions/maskPixels.ts). Here
 * they are only tinted (two GPU composites) and cached, so a threshold step, a hover or a redraw does no pixel work
 * on the main thread. A mask whose bitmaps have not arrived is not drawn yet; `onMaskBitmaps` says when they do.
 */
import type { MaskBitmaps, RleMask } from '../../workers/protocol';
import { maskBox, type MaskStyle } from './maskBitmap';

type Source = HTMLCanvasElement | OffscreenCanvas;

/** Memory for the painter's bitmaps kept here (RGBA bytes, both planes), least recently used evicted first. */
const BITMAP_BYTES = 256 * 1024 * 1024;
const MAX_SOURCES = 384;

/** Tinted sources by `${maskId}|style`; insertion order = least recently used first. */
const sources = new Map<string, Source>();
/** The painter's bitmaps by maskId, kept so a colour change can tint them again. */
const bitmaps = new Map<string, MaskBitmaps>();
let bitmapBytes = 0;
const listeners = new Set<() => void>();

const bytesOf = (b: MaskBitmaps) => 8 * b.fill.width * b.fill.height;

function styleKey(style: MaskStyle): string {
  return `${style.fill.join(',')}/${style.outline.join(',')}/${style.fillAlpha}/${style.outlineAlpha}`;
}

function touch<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value as K);
}

/**
 * Keeps a mask's bitmaps (from a result, or from the painter when asked) and, unless `quiet` (the caller is drawing
 * them right now), tells the views that draw masks.
 */
export function putMaskBitmaps(maskId: string, b: MaskBitmaps, quiet = false): void {
  const old = bitmaps.get(maskId);
  if (old === b) return;
  if (old) bitmapBytes -= bytesOf(old);
  bitmaps.delete(maskId);
  bitmaps.set(maskId, b);
  bitmapBytes += bytesOf(b);
  // Evicted bitmaps are not closed: a result in the store may still carry them; the collector frees them.
  while (bitmapBytes > BITMAP_BYTES && bitmaps.size > 1) {
    const [id, oldest] = bitmaps.entries().next().value as [string, MaskBitmaps];
    bitmaps.delete(id);
    bitmapBytes -= bytesOf(oldest);
  }
  if (!quiet) notify();
}

let notifying = false;

/** Listeners hear once per task, after the bitmaps that arrived together are all in. */
function notify(): void {
  if (notifying) return;
  notifying = true;
  queueMicrotask(() => {
    notifying = false;
    for (const listener of listeners) listener();
  });
}

export function hasMaskBitmaps(maskId: string): boolean {
  return bitmaps.has(maskId);
}

/** Called whenever bitmaps arrive; returns the unsubscribe function. */
export function onMaskBitmaps(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function canvas(width: number, height: number): Source {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  return c;
}

function context(c: Source): CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D {
  return c.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
}

/** An alpha bitmap tinted with one colour (source-in: the colour where the bitmap is opaque). */
function tint(bitmap: ImageBitmap, rgb: readonly number[], alpha: number): Source {
  const c = canvas(bitmap.width, bitmap.height);
  const ctx = context(c);
  ctx.drawImage(bitmap, 0, 0);
  ctx.globalCompositeOperation = 'source-in';
  ctx.fillStyle = `rgba(${rgb[0]}, ${rgb[1]}, ${rgb[2]}, ${alpha / 255})`;
  ctx.fillRect(0, 0, c.width, c.height);
  return c;
}

function fromBitmaps(b: MaskBitmaps, style: MaskStyle): Source {
  const out = tint(b.fill, style.fill, style.fillAlpha);
  if (style.outline1px) {
    const ctx = context(out);
    ctx.globalCompositeOperation = 'source-over'; // tint() left it at source-in
    ctx.drawImage(tint(b.edge, style.outline, style.outlineAlpha), 0, 0);
  }
  return out;
}

/** A mask to draw: its identity, its crop, and its bitmaps when they came with it. */
export interface DrawableMask {
  maskId?: string;
  mask: RleMask;
  bitmaps?: MaskBitmaps;
}

/** The mask's crop tinted with `style`, ready for drawImage at its `mask.box`; null until its bitmaps are here. */
export function maskSource(m: DrawableMask, style: MaskStyle): Source | null {
  if (!m.maskId) return null;
  if (m.bitmaps && bitmaps.get(m.maskId) !== m.bitmaps) putMaskBitmaps(m.maskId, m.bitmaps, true);
  const id = `${m.maskId}|${styleKey(style)}`;
  let hit = sources.get(id);
  if (!hit) {
    const b = bitmaps.get(m.maskId);
    const [x0, y0, x1, y1] = maskBox(m.mask);
    if (!b || b.fill.width !== x1 - x0 || b.fill.height !== y1 - y0) return null;
    hit = fromBitmaps(b, style);
  } else {
    // Touch the bitmaps too, so masks in use stay.
    const b = bitmaps.get(m.maskId);
    if (b) touch(bitmaps, m.maskId, b, Infinity);
  }
  touch(sources, id, hit, MAX_SOURCES);
  return hit;
}
