/**
 * Draws a frame's results onto a picture for export (annotated video, PNG of the current frame): each mask tinted
 * with its track colour and outlined, and a label with the track ID and its concept. Masks are rasterised inside
 * their bounding box only (cost = box area, not frame area), so long exports stay affordable.
 */
import type { RleMask } from '../../../workers/protocol';
import { rgbCss, type InstanceColor } from '../../colors';
import type { CompactFrame, CompactObject } from '../videoModel';
import { rowSegments } from '../results/rleCodec';

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
  const pw = maxX - minX + 1;
  const ph = maxY - minY + 1;
  const bits = new Uint8Array(pw * ph);
  for (let r = 0; r < runs.length; r += 3)
    bits.fill(1, (runs[r] - minY) * pw + runs[r + 1] - minX, (runs[r] - minY) * pw + runs[r + 2] - minX);
  const data = new Uint8ClampedArray(pw * ph * 4);
  for (let y = 0; y < ph; y++) {
    for (let x = 0; x < pw; x++) {
      const i = y * pw + x;
      if (!bits[i]) continue;
      const edge =
        x === 0 ||
        y === 0 ||
        x === pw - 1 ||
        y === ph - 1 ||
        !bits[i - 1] ||
        !bits[i + 1] ||
        !bits[i - pw] ||
        !bits[i + pw];
      const c = edge ? color.outline : color.fill;
      const o = i * 4;
      data[o] = c[0];
      data[o + 1] = c[1];
      data[o + 2] = c[2];
      data[o + 3] = edge ? alpha.outline : alpha.fill;
    }
  }
  return { x: minX, y: minY, width: pw, height: ph, data };
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
