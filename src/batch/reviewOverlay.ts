/**
 * What the review canvas draws, as plain data: each live annotation's mask in a colour chosen against the pixels
 * under it, with an outline, as the still image draws its instances (the selected one stronger, a fix being drawn
 * white), in drawing order, and hit testing. Pure. The pixels are the worker painter's bitmaps
 * (draw/maskSources.ts), found by each mask's identity.
 */
import type { BatchAnnotation } from '../../workers/batch/types';
import type { RleMask } from '../../workers/protocol';
import { contrastColors, type InstanceColor } from '../colors';
import { DEFAULT_MASK_STYLE, maskIdentity, rleContains, type MaskStyle } from '../draw/maskBitmap';

export interface ReviewMask {
  maskId: string;
  mask: RleMask;
  style: MaskStyle;
}

/** The selected annotation's fill: stronger than the others'. */
const SELECTED_FILL_ALPHA = 190;

/**
 * One colour per annotation (by key), the still image's rule (`contrastColors`): chosen against the mean colour
 * under its mask and apart from its neighbours, the outline dark over light pixels and light over dark ones.
 * Rejected annotations take part too, so rejecting one never recolours the others. The list's swatches use the
 * same map.
 */
export function reviewColors(annotations: readonly BatchAnnotation[]): Map<string, InstanceColor> {
  const chosen = contrastColors(
    annotations.map((a) => a.underRgb ?? null),
    DEFAULT_MASK_STYLE.fillAlpha / 255,
  );
  return new Map(annotations.map((a, k) => [a.key, chosen[k]]));
}

const styleOf = (color: InstanceColor | undefined, fillAlpha: number): MaskStyle => ({
  ...DEFAULT_MASK_STYLE,
  fill: color?.fill ?? [128, 128, 128],
  outline: color?.outline ?? [255, 255, 255],
  fillAlpha,
});

/** The masks to draw over a `width × height` display image, bottom first, in the colours of `reviewColors`. */
export function reviewMasks(
  annotations: readonly BatchAnnotation[],
  colors: ReadonlyMap<string, InstanceColor>,
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
  for (const a of annotations) {
    if (a.rejected || a.key === selected) continue;
    add(a, styleOf(colors.get(a.key), DEFAULT_MASK_STYLE.fillAlpha));
  }
  const sel = annotations.find((a) => a.key === selected && !a.rejected);
  if (sel) add(sel, styleOf(colors.get(sel.key), SELECTED_FILL_ALPHA));
  if (preview)
    add(preview, { fill: [255, 255, 255], outline: [20, 20, 20], fillAlpha: 170, outlineAlpha: 235, outline1px: true });
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
