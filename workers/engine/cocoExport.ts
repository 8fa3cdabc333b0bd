/**
 * COCO-style export: one category per phrase (plus "object" for objects made by clicks), xywh boxes, scores and
 * pycocotools-compatible RLE masks at full resolution. Annotation ids equal the instance IDs the UI shows; bbox and
 * area are the ones the list shows.
 */
import type { CocoExport } from '../protocol/results';
import type { RenderedInstance } from './instances';
import { fullResolutionCocoRle, type MaskSizes } from './instanceMasks';
import { cocoRleArea } from '../core/rle';

export function buildCocoExport(
  instances: RenderedInstance[],
  phrases: string[],
  image: { name: string; width: number; height: number },
  sizes: MaskSizes,
  packName: string,
  now: Date,
): CocoExport {
  const categories = phrases.map((p, i) => ({ id: i + 1, name: p || 'visual' }));
  const objectCategory = categories.length + 1;
  const out: CocoExport = {
    info: { description: 'sam3-web concept segmentation', date_created: now.toISOString(), pack: packName },
    images: [{ id: 1, file_name: image.name, width: image.width, height: image.height }],
    categories: instances.some((i) => i.conceptIndex < 0)
      ? [...categories, { id: objectCategory, name: 'object' }]
      : categories,
    annotations: [],
  };
  for (const inst of instances) {
    // Same numbers as the list: the full-size mask's own box and pixel count (pycocotools toBbox / area).
    const rle = fullResolutionCocoRle(inst.plane!, sizes);
    const [x1, y1, x2, y2] = inst.rendered.fullBox!;
    out.annotations.push({
      id: inst.instanceId,
      image_id: 1,
      category_id: inst.conceptIndex >= 0 ? inst.conceptIndex + 1 : objectCategory,
      bbox: [x1, y1, x2 - x1, y2 - y1],
      area: cocoRleArea(rle),
      score: inst.score,
      iscrowd: 0,
      segmentation: rle,
    });
  }
  return out;
}
