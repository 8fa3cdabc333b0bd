/**
 * Pure drawing of the review overlay: each mask tinted by its phrase, the selected one stronger. Masks are the
 * engine's cropped RLE (`RleMask.box`), decoded by the same functions as the single-image canvas.
 */
import type { BatchAnnotation } from '../../workers/batch/types';
import { hslToRgb, type Rgb } from '../colors';
import { decodeCrop, maskBox, rleContains } from '../draw/maskBitmap';
import { categoryHue } from './format';

/** RGBA overlay of `width × height` (the display size) for the annotations, drawn in order. */
export function overlayPixels(
  annotations: BatchAnnotation[],
  categories: string[],
  width: number,
  height: number,
  selected: string | null,
  preview: BatchAnnotation | null,
): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * height * 4);
  const draw = (a: BatchAnnotation, rgb: Rgb, alpha: number) => {
    const m = a.displayMask;
    if (!m || m.width !== width || m.height !== height) return;
    const [x0, y0, x1, y1] = maskBox(m);
    const crop = decodeCrop(m);
    const cw = x1 - x0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        if (!crop[(y - y0) * cw + (x - x0)]) continue;
        const i = (y * width + x) * 4;
        out[i] = rgb[0];
        out[i + 1] = rgb[1];
        out[i + 2] = rgb[2];
        out[i + 3] = alpha;
      }
    }
  };
  for (const a of annotations) {
    if (a.rejected || a.key === selected) continue;
    const idx = Math.max(0, categories.indexOf(a.category));
    draw(a, hslToRgb(categoryHue(idx), 75, 50), 110);
  }
  const sel = annotations.find((a) => a.key === selected && !a.rejected);
  if (sel) draw(sel, hslToRgb(categoryHue(Math.max(0, categories.indexOf(sel.category))), 90, 45), 190);
  if (preview) draw(preview, [255, 255, 255], 170);
  return out;
}

/** The topmost live annotation under a display pixel. */
export function annotationAt(annotations: BatchAnnotation[], x: number, y: number): BatchAnnotation | null {
  for (let k = annotations.length - 1; k >= 0; k--) {
    const a = annotations[k];
    const m = a.displayMask;
    if (!a.rejected && m && rleContains(m, x, y)) return a;
  }
  return null;
}
