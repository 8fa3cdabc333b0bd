/** COCO-style export: one category per phrase, xywh boxes, pycocotools-compatible RLE at full resolution. */
import type { CocoExport } from '../protocol/results';
import type { ConceptDetection, MaskGeometry } from './instances';
import { keptQueries, queryBoxXyxyPx } from '../core/postprocess';
import { upsampleMaskLogits } from '../core/masks';
import { encodeCocoRle, cocoRleArea } from '../core/rle';

export function buildCocoExport(
  detections: ConceptDetection[],
  threshold: number,
  image: { name: string; width: number; height: number },
  g: MaskGeometry,
  packName: string,
  now: Date,
): CocoExport {
  const out: CocoExport = {
    info: { description: 'sam3-web concept segmentation', date_created: now.toISOString(), pack: packName },
    images: [{ id: 1, file_name: image.name, width: image.width, height: image.height }],
    categories: detections.map((d, i) => ({ id: i + 1, name: d.concept.phrase || 'visual' })),
    annotations: [],
  };
  for (const [i, det] of detections.entries()) {
    const raw = det.raw;
    if (!raw) continue;
    for (const q of keptQueries(raw.scores, threshold)) {
      const logits = raw.masks.get(q);
      if (!logits) continue;
      const mask = upsampleMaskLogits(
        logits,
        0,
        raw.maskHeight,
        raw.maskWidth,
        image.width,
        image.height,
        g.maskThreshold,
      );
      const rle = encodeCocoRle(mask, image.width, image.height);
      const [x1, y1, x2, y2] = queryBoxXyxyPx(raw.boxes, q, g.boxOutput, image.width, image.height);
      out.annotations.push({
        id: out.annotations.length + 1,
        image_id: 1,
        category_id: i + 1,
        bbox: [x1, y1, x2 - x1, y2 - y1],
        area: cocoRleArea(rle),
        score: raw.scores[q],
        iscrowd: 0,
        segmentation: rle,
      });
    }
  }
  return out;
}
