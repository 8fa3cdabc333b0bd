/** What a batch stores per image, shared by the app (IndexedDB) and the `npm run label` CLI (its output folder). */
import type { CocoRle } from '../core/rle';
import type { ExemplarBox } from '../protocol/prompts';
import type { RleMask } from '../protocol/results';

export type { CocoRle };

/** How an annotation came to be: the detector for a phrase, or a fix drawn in review (a click or a box). */
export type AnnotationSource = 'detector' | 'click' | 'box';

export interface BatchAnnotation {
  /** Unique within the image and stable across edits (never the engine's instance ID, which may be renumbered). */
  key: string;
  /** The phrase (category name) it belongs to. */
  category: string;
  score: number;
  /** [x, y, w, h] in original image pixels, as the single-image COCO export writes it. */
  bboxXywh: [number, number, number, number];
  /** Mask area in original pixels. */
  area: number;
  /** Full-resolution pycocotools RLE. */
  rle: CocoRle;
  /** Row-major mask at the display size, for drawing (the app only). */
  displayMask?: RleMask;
  /** Mean image colour under the mask (the engine's `InstanceResult.underRgb`): the review picks a contrasting colour. */
  underRgb?: [number, number, number];
  source: AnnotationSource;
  /** Rejected in review: kept for undo, never exported. */
  rejected?: boolean;
}

export type ImageStatus = 'pending' | 'done' | 'failed';

/** An exemplar box drawn on one image of the batch; it applies to that image only (see labelImage.ts). */
export interface ImageExemplar extends ExemplarBox {
  category: string;
}

export interface BatchImage {
  /** Stable key (the order index as a zero-padded string). */
  key: string;
  index: number;
  /** Relative path inside the folder or zip, or the file name. */
  name: string;
  bytes: number;
  status: ImageStatus;
  error?: string;
  /** Set once labelled. */
  width?: number;
  height?: number;
  displayWidth?: number;
  displayHeight?: number;
  annotations: BatchAnnotation[];
  exemplars: ImageExemplar[];
  /** Accepted in review: only accepted images are exported. */
  accepted: boolean;
  /** Milliseconds the engine spent on it. */
  ms?: number;
}

/** Annotations that count (not rejected). */
export function liveAnnotations(image: Pick<BatchImage, 'annotations'>): BatchAnnotation[] {
  return image.annotations.filter((a) => !a.rejected);
}
