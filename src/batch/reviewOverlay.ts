/**
 * What the review canvas draws, as plain data: each live annotation's mask with its phrase's colour (the selected one
 * stronger, a fix being drawn white), in drawing order, and hit testing. Pure. The pixels are the worker painter's
 * bitmaps (draw/maskSources.ts), found by each mask's identity.
 */
import type { BatchAnnotation } from '../../workers/batch/types';
import type { RleMask } from '../../workers/protocol';
import { hslToRgb } from '../colors';
import { maskIdentity, rleContains, type MaskStyle } from '../draw/maskBitmap';
import { categoryHue } from './format';

export interface ReviewMask {
  maskId: string;
  mask: RleMask;
  style: MaskStyle;
}

const tinted = (rgb: MaskStyle['fill'], alpha: number): MaskStyle => ({
  fill: rgb,
  outline: rgb,
  fillAlpha: alpha,
  outlineAlpha: alpha,
  // The boundary in the same colour: the whole mask evenly tinted.
  outline1px: true,
});

/** The masks to draw over a `width × height` display image, bottom first. */
export function reviewMasks(
  annotations: readonly BatchAnnotation[],
  categories: readonly string[],
  width: number,
  height: number,
  selected: string | null,
  preview: BatchAnnotation | null,
): ReviewMask[] {
  const out: ReviewMask[] = [];
  const add = (a: BatchAnnotation, style: MaskStyle) => {
    const m = a.displayMask;
    if (!m || m.width !== width || m.height !== height) return;
    out.push({ maskId: maskIdentity(m, 'review'), mask: m, style });
  };
  const hue = (a: BatchAnnotation) => categoryHue(Math.max(0, categories.indexOf(a.category)));
  for (const a of annotations) {
    if (a.rejected || a.key === selected) continue;
    add(a, tinted(hslToRgb(hue(a), 75, 50), 110));
  }
  const sel = annotations.find((a) => a.key === selected && !a.rejected);
  if (sel) add(sel, tinted(hslToRgb(hue(sel), 90, 45), 190));
  if (preview) add(preview, tinted([255, 255, 255], 170));
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
