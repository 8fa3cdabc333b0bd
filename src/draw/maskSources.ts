/**
 * Drawable, tinted mask sources, cached by mask identity and colour — not per result — so a threshold step, a hover
 * or a redraw with the same masks does no pixel work on the main thread: the worker sends a mask's bitmaps once
 * (`InstanceResult.bitmaps`, alpha masks of its crop), they are tinted here with two GPU composites, and every later
 * result that shows the same `maskId` reuses the canvas. Without bitmaps (the fake engine, a cache miss) the crop
 * is painted from its runs instead.
 */
import type { InstanceResult, MaskBitmaps } from '../../workers/protocol';
import { maskBox, maskToRgba, type MaskStyle } from './maskBitmap';

type Source = HTMLCanvasElement | OffscreenCanvas;

const MAX_SOURCES = 384;
const MAX_BITMAPS = 512;

/** Tinted sources by `${maskId}|style`; insertion order = least recently used first. */
const sources = new Map<string, Source>();
/** The worker's bitmaps by maskId, kept so a colour change can tint them again. */
const bitmaps = new Map<string, MaskBitmaps>();
/** Masks without an id (video frames): one source per instance object, collected with it. */
const anonymous = new WeakMap<InstanceResult, Map<string, Source>>();

function styleKey(style: MaskStyle): string {
  return `${style.fill.join(',')}/${style.outline.join(',')}/${style.fillAlpha}/${style.outlineAlpha}`;
}

function touch<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) {
    map.delete(map.keys().next().value as K);
  }
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

function fromRuns(inst: InstanceResult, style: MaskStyle): Source {
  const px = maskToRgba(inst.mask, style);
  const c = canvas(Math.max(1, px.width), Math.max(1, px.height));
  if (px.width > 0 && px.height > 0)
    context(c).putImageData(new ImageData(px.data as Uint8ClampedArray<ArrayBuffer>, px.width, px.height), 0, 0);
  return c;
}

/** The instance's crop, tinted with `style`, ready for drawImage at its `mask.box`. */
export function maskSource(inst: InstanceResult, style: MaskStyle): Source {
  const key = styleKey(style);
  if (!inst.maskId) {
    let perInstance = anonymous.get(inst);
    if (!perInstance) anonymous.set(inst, (perInstance = new Map()));
    let hit = perInstance.get(key);
    if (!hit) perInstance.set(key, (hit = fromRuns(inst, style)));
    return hit;
  }
  const id = `${inst.maskId}|${key}`;
  // Bitmaps come once, with the first result that shows the mask; later results reuse them from here. (They are
  // not closed on eviction: an older result may still hold them; the collector frees them.)
  if (inst.bitmaps) touch(bitmaps, inst.maskId, inst.bitmaps, MAX_BITMAPS);
  let hit = sources.get(id);
  if (!hit) {
    const b = bitmaps.get(inst.maskId);
    const [x0, y0, x1, y1] = maskBox(inst.mask);
    hit = b && b.fill.width === x1 - x0 && b.fill.height === y1 - y0 ? fromBitmaps(b, style) : fromRuns(inst, style);
  }
  touch(sources, id, hit, MAX_SOURCES);
  return hit;
}
