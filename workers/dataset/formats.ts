/**
 * The dataset's files, one image at a time: the COCO annotation entries (same geometry conventions as the
 * single-image export: xywh box, mask area, one category per phrase with ids from 1, scores kept), YOLO
 * segmentation lines, and PNG masks (semantic: category id per pixel; instances: annotation number per pixel in
 * COCO order, higher scores drawn over lower).
 */
import { encode as encodePng } from 'fast-png';
import type { BatchAnnotation } from '../batch/types';
import type { CocoExport } from '../protocol/results';
import { decodeRleCrop, joinPolygons, maskPolygons } from './geometry';

export type CocoSegmentationFormat = 'rle' | 'polygon';

type CocoRleAnnotation = CocoExport['annotations'][number];

/** The single-image export's annotation; the dataset may also write polygons instead of RLE. */
export type CocoAnnotationOut = Omit<CocoRleAnnotation, 'segmentation'> & {
  segmentation: CocoRleAnnotation['segmentation'] | number[][];
};

export function cocoAnnotations(
  annotations: BatchAnnotation[],
  imageId: number,
  firstId: number,
  categoryIds: Map<string, number>,
  format: CocoSegmentationFormat,
): CocoAnnotationOut[] {
  return annotations.map((a, k) => ({
    id: firstId + k,
    image_id: imageId,
    category_id: categoryIds.get(a.category)!,
    bbox: a.bboxXywh,
    area: a.area,
    score: a.score,
    iscrowd: 0,
    segmentation:
      format === 'rle' ? a.rle : maskPolygons(decodeRleCrop(a.rle, a.bboxXywh)).filter((p) => p.length >= 6),
  }));
}

/** One line per instance: `class x1 y1 x2 y2 …`, coordinates normalised to [0, 1], class from 0. */
export function yoloLines(
  annotations: BatchAnnotation[],
  width: number,
  height: number,
  classOf: Map<string, number>,
): string {
  const lines: string[] = [];
  for (const a of annotations) {
    const ring = joinPolygons(maskPolygons(decodeRleCrop(a.rle, a.bboxXywh)));
    if (ring.length < 6) continue;
    const coords = ring.map((v, i) => (v / (i % 2 === 0 ? width : height)).toFixed(6));
    lines.push(`${classOf.get(a.category)} ${coords.join(' ')}`);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

export function yoloDataYaml(categories: string[]): string {
  const names = categories.map((c, i) => `  ${i}: ${JSON.stringify(c)}`).join('\n');
  return `# YOLO segmentation dataset written by sam3-web\npath: .\ntrain: images\nval: images\nnc: ${categories.length}\nnames:\n${names}\n`;
}

/** Semantic (category id per pixel, 8-bit; 16-bit past 255 categories) and instance (annotation number per pixel, 16-bit) PNGs. */
export function maskPngs(
  annotations: BatchAnnotation[],
  width: number,
  height: number,
  categoryIds: Map<string, number>,
): { semantic: Uint8Array; instances: Uint8Array } {
  const semantic = categoryIds.size > 255 ? new Uint16Array(width * height) : new Uint8Array(width * height);
  const instances = new Uint16Array(width * height);
  const order = annotations.map((a, k) => ({ a, k })).sort((p, q) => p.a.score - q.a.score || p.k - q.k);
  for (const { a, k } of order) {
    const crop = decodeRleCrop(a.rle, a.bboxXywh);
    const cat = categoryIds.get(a.category)!;
    for (let y = 0; y < crop.h; y++) {
      for (let x = 0; x < crop.w; x++) {
        if (!crop.mask[y * crop.w + x]) continue;
        const i = (crop.y + y) * width + crop.x + x;
        semantic[i] = cat;
        instances[i] = k + 1;
      }
    }
  }
  return {
    semantic: encodePng({
      width,
      height,
      data: semantic,
      depth: semantic instanceof Uint16Array ? 16 : 8,
      channels: 1,
    }),
    instances: encodePng({ width, height, data: instances, depth: 16, channels: 1 }),
  };
}
