/**
 * One instance mask as every consumer needs it, rendered once per (mask, sizes) and cached: the display-size mask
 * cropped to its box (what the UI draws), and the full-resolution area and box (what the list shows and the COCO
 * export writes: pycocotools' conventions, bbox = the mask's own box). Both come from `rasterizeMask`, whose cost
 * follows the crop in source samples, so a 288² mask measured at 4032×3024 costs about what it costs at 288².
 */
import type { RleMask } from '../protocol/results';
import { rasterizeMask, segmentsToCropBits, segmentsToCropRle, type Box4i } from '../core/maskRaster';
import { encodeCocoRleFromCrop, type CocoRle } from '../core/rle';
import { Lru } from './lru';

export interface MaskPlane {
  /** Logits (or probabilities) of one mask, row-major `height × width`. */
  data: Float32Array;
  width: number;
  height: number;
}

/** A mask that always carries its crop. */
export type CroppedMask = RleMask & { box: Box4i };

export interface RenderedMask {
  /** Display-size mask cropped to its box; null when no pixel is set. */
  display: CroppedMask | null;
  /** Set pixels and tight box `[x0, y0, x1, y1)` at the original image size. */
  fullArea: number;
  fullBox: Box4i | null;
}

export interface MaskSizes {
  displayWidth: number;
  displayHeight: number;
  fullWidth: number;
  fullHeight: number;
  threshold: number;
}

export function renderInstanceMask(plane: MaskPlane, sizes: MaskSizes): RenderedMask {
  const { data, width, height } = plane;
  const d = rasterizeMask(data, 0, height, width, sizes.displayWidth, sizes.displayHeight, sizes.threshold);
  const same = sizes.fullWidth === sizes.displayWidth && sizes.fullHeight === sizes.displayHeight;
  const f = same ? d : rasterizeMask(data, 0, height, width, sizes.fullWidth, sizes.fullHeight, sizes.threshold);
  return {
    display: d.box ? { width: d.width, height: d.height, box: d.box, counts: segmentsToCropRle(d, d.box) } : null,
    fullArea: f.area,
    fullBox: f.box,
  };
}

/** pycocotools RLE of the mask at the original image size (export only). */
export function fullResolutionCocoRle(plane: MaskPlane, sizes: MaskSizes): CocoRle {
  const { data, width, height } = plane;
  const f = rasterizeMask(data, 0, height, width, sizes.fullWidth, sizes.fullHeight, sizes.threshold);
  const box: Box4i = f.box ?? [0, 0, 0, 0];
  return encodeCocoRleFromCrop(segmentsToCropBits(f, box), box, sizes.fullWidth, sizes.fullHeight);
}

/** Rendered masks by mask identity and sizes: a threshold change, hover or redraw renders nothing again. */
export class RenderedMaskCache {
  private readonly lru = new Lru<string, RenderedMask>(512);

  get(maskKey: string, plane: MaskPlane, sizes: MaskSizes): RenderedMask {
    const id = `${maskKey}@${sizes.displayWidth}x${sizes.displayHeight}/${sizes.fullWidth}x${sizes.fullHeight}`;
    let hit = this.lru.get(id);
    if (!hit) {
      hit = renderInstanceMask(plane, sizes);
      this.lru.set(id, hit);
    }
    return hit;
  }

  clear(): void {
    this.lru.clear();
  }
}
