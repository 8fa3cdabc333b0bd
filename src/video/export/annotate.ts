/**
 * Draws a frame's results onto a picture for export (annotated video, PNG of the current frame): each mask tinted
 * with its track colour and outlined, and a label with the track ID and its concept. Masks are rasterised inside
 * their bounding box only (cost = box area, not frame area), so long exports stay affordable.
 */
import type { RleMask } from '../../../workers/protocol';
import { rgbCss, type InstanceColor } from '../../colors';
import type { CompactFrame, CompactObject } from '../videoModel';
import { segmentsToRgba } from '../../draw/maskBitmap';
import { rowSegments } from '../../draw/rowSegments';

export interface MaskPatch {
  /** Top-left corner and size in mask pixels. */
  x: number;
  y: number;
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** The mask's bounding box as RGBA (fill inside, outline on the boundary), or null for an empty mask. Pure. */
export function maskPatch(
  mask: RleMask,
  color: InstanceColor,
  alpha: { fill: number; outline: number } = { fill: 115, outline: 235 },
): MaskPatch | null {
  const { runs, minX, maxX, minY, maxY } = rowSegments(mask.counts, mask.width, mask.box);
  if (maxX < 0) return null;
  const style = { fill: color.fill, outline: color.outline, fillAlpha: alpha.fill, outlineAlpha: alpha.outline };
  const { width, height, data } = segmentsToRgba(runs, { ...style, outline1px: true }, [
    minX,
    minY,
    maxX + 1,
    maxY + 1,
  ]);
  return { x: minX, y: minY, width, height, data };
}

type Ctx2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/**
 * Draws masks, outlines and labels of `frame` over what `ctx` holds (a picture of `width × height` frame pixels).
 * `labelOf` gives the text after the ID (the track's concept or its new name).
 */
export function drawAnnotations(
  ctx: Ctx2D,
  frame: CompactFrame | null | undefined,
  width: number,
  height: number,
  colorOf: (o: CompactObject) => InstanceColor,
  labelOf: (o: CompactObject) => string,
): void {
  if (!frame) return;
  for (const o of frame.objects) {
    const patch = maskPatch(o.mask, colorOf(o));
    if (!patch) continue;
    const sx = width / o.mask.width;
    const sy = height / o.mask.height;
    const tile = new OffscreenCanvas(patch.width, patch.height);
    tile
      .getContext('2d')!
      .putImageData(new ImageData(patch.data as Uint8ClampedArray<ArrayBuffer>, patch.width, patch.height), 0, 0);
    ctx.save();
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(tile, patch.x * sx, patch.y * sy, patch.width * sx, patch.height * sy);
    ctx.restore();
  }
  const fontPx = Math.max(11, Math.round(Math.min(width, height) / 28));
  ctx.save();
  ctx.font = `600 ${fontPx}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  for (const o of frame.objects) {
    const color = colorOf(o);
    const text = `#${o.id} ${labelOf(o)}${o.provisional ? ' ?' : ''}`;
    const [x1, y1] = o.boxXyxyPx;
    const pad = Math.round(fontPx / 4);
    const w = ctx.measureText(text).width + 2 * pad;
    const h = fontPx + 2 * pad;
    const x = Math.min(Math.max(0, x1), Math.max(0, width - w));
    const y = y1 - h >= 0 ? y1 - h : Math.min(height - h, y1);
    ctx.fillStyle = rgbCss(color.outline, 0.85);
    ctx.fillRect(x, y, w, h);
    ctx.fillStyle = '#fff';
    ctx.fillText(text, x + pad, y + pad);
  }
  ctx.restore();
}
