/**
 * Draws a frame's results onto a picture for export (annotated video, PNG of the current frame): each mask tinted
 * with its track colour and outlined, and a label with the track ID and its concept. The masks' pixels are the
 * worker's painter's bitmaps (draw/maskSources.ts, as on the stage): the caller has them painted first
 * (`frameMasks` → actions/maskPixels `ensureMaskBitmaps`), so this draws only.
 */
import { rgbCss, type InstanceColor } from '../../colors';
import { DEFAULT_MASK_STYLE, maskBox } from '../../draw/maskBitmap';
import { maskSource } from '../../draw/maskSources';
import { objectMaskId, type CompactFrame, type CompactObject } from '../videoModel';

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
    const color = colorOf(o);
    const source = maskSource(
      { maskId: objectMaskId(o), mask: o.mask },
      { ...DEFAULT_MASK_STYLE, fill: color.fill, outline: color.outline },
    );
    if (!source) continue;
    const [x0, y0, x1, y1] = maskBox(o.mask);
    const sx = width / o.mask.width;
    const sy = height / o.mask.height;
    ctx.save();
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(source, x0 * sx, y0 * sy, (x1 - x0) * sx, (y1 - y0) * sy);
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
