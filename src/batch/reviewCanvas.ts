/** Pure drawing of the review overlay: each mask tinted by its phrase, the selected one stronger. */
import type { BatchAnnotation } from '../../workers/batch/types';
import { categoryHue } from './format';

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [Math.round(255 * f(0)), Math.round(255 * f(8)), Math.round(255 * f(4))];
}

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
  const draw = (a: BatchAnnotation, rgb: [number, number, number], alpha: number) => {
    const m = a.displayMask;
    if (!m || m.width !== width || m.height !== height) return;
    let p = 0;
    for (let k = 0; k < m.counts.length; k++) {
      const end = p + m.counts[k];
      if (k % 2 === 1) {
        for (let i = p; i < end; i++) {
          out[i * 4] = rgb[0];
          out[i * 4 + 1] = rgb[1];
          out[i * 4 + 2] = rgb[2];
          out[i * 4 + 3] = alpha;
        }
      }
      p = end;
    }
  };
  for (const a of annotations) {
    if (a.rejected || a.key === selected) continue;
    const idx = Math.max(0, categories.indexOf(a.category));
    draw(a, hslToRgb(categoryHue(idx), 0.75, 0.5), 110);
  }
  const sel = annotations.find((a) => a.key === selected && !a.rejected);
  if (sel) draw(sel, hslToRgb(categoryHue(Math.max(0, categories.indexOf(sel.category))), 0.9, 0.45), 190);
  if (preview) draw(preview, [255, 255, 255], 170);
  return out;
}

/** The topmost live annotation under a display pixel. */
export function annotationAt(annotations: BatchAnnotation[], x: number, y: number): BatchAnnotation | null {
  for (let k = annotations.length - 1; k >= 0; k--) {
    const a = annotations[k];
    const m = a.displayMask;
    if (a.rejected || !m || x < 0 || y < 0 || x >= m.width || y >= m.height) continue;
    const target = Math.floor(y) * m.width + Math.floor(x);
    let p = 0;
    for (let i = 0; i < m.counts.length; i++) {
      const end = p + m.counts[i];
      if (target < end) {
        if (i % 2 === 1) return a;
        break;
      }
      p = end;
    }
  }
  return null;
}
