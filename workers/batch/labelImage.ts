/**
 * Labels one image through the engine's public API only, as an image session of its own: `openImage` (decode +
 * pre-process, no display copy; a thumbnail when asked), `segment` with the COCO export of the same outputs (vision
 * once, text once per phrase, detector per phrase; full-resolution masks; no mask bitmaps), `closeImage`. Nothing
 * else of the engine is touched, so the single image and a video keep their sessions, and no lock is needed.
 * A cancelled signal stops the image with the coded 'cancelled' error; its session is closed either way.
 *
 * Exemplar boxes: SAM 3 pools an exemplar box from the features of the image it is drawn on (ROI-Align on that
 * image's detector neck, then cross-attention to that image; reference.md §2.7), so a box is meaningful only on
 * its own image. A box drawn on image A is therefore sent with its concept on image A only; every other image runs
 * the concept's phrase alone.
 */
import type { EngineApi, ImageSource } from '../protocol/api';
import { callWithSignal } from '../protocol/cancel';
import type { ConceptPrompt, ObjectPrompt, SegmentRequest } from '../protocol/prompts';
import type { CocoExport, ImageInfo, InstanceResult } from '../protocol/results';
import type { AnnotationSource, BatchAnnotation, ImageExemplar } from './types';

export interface LabelOptions {
  phrases: string[];
  scoreThreshold: number;
  /** Exemplar boxes drawn on this image (other images' boxes never apply here). */
  exemplars?: ImageExemplar[];
  /** Also keep display-size masks (the app draws them; the CLI does not need them). */
  displayMasks: boolean;
  /** A thumbnail made in the worker (`ImageInfo.thumbnail`), whose longer side is this many pixels. */
  thumbnailSide?: number;
  signal?: AbortSignal;
}

export interface LabelledImage {
  info: ImageInfo;
  annotations: BatchAnnotation[];
  graphRuns: Record<string, number>;
}

export function conceptsFor(phrases: string[], exemplars: ImageExemplar[] = []): ConceptPrompt[] {
  return phrases.map((phrase, i) => ({
    id: `c${i}`,
    phrase,
    boxes: exemplars.filter((e) => e.category === phrase).map(({ id, xyxyPx, polarity }) => ({ id, xyxyPx, polarity })),
  }));
}

export async function labelImage(
  engine: EngineApi,
  source: ImageSource,
  options: LabelOptions,
): Promise<LabelledImage> {
  const info = await callWithSignal(engine, options.signal, (call) =>
    engine.openImage(source, { ...call, display: false, clicks: false, thumbnailSide: options.thumbnailSide }),
  );
  try {
    const request: SegmentRequest = {
      imageId: info.imageId,
      concepts: conceptsFor(options.phrases, options.exemplars),
      scoreThreshold: options.scoreThreshold,
    };
    const annotations = await annotate(engine, request, options, (inst) =>
      inst.conceptIndex >= 0 ? options.phrases[inst.conceptIndex] : null,
    );
    annotations.list.forEach((a, k) => (a.key = `d${k + 1}`));
    return { info, annotations: annotations.list, graphRuns: annotations.graphRuns };
  } finally {
    void engine.closeImage(info.imageId);
  }
}

/**
 * One object fixed in review with clicks or a box (the tracker's prompt decoder), on an image session the review
 * holds open: its full-resolution and display masks.
 */
export async function decodeFixObject(
  engine: EngineApi,
  imageId: string,
  object: ObjectPrompt,
  category: string,
  options: Pick<LabelOptions, 'displayMasks' | 'signal'>,
): Promise<BatchAnnotation | null> {
  const request: SegmentRequest = { imageId, concepts: [], objects: [object], scoreThreshold: 0 };
  const source: AnnotationSource = object.points.length ? 'click' : 'box';
  const { list } = await annotate(engine, request, options, () => category, source);
  return list[0] ?? null;
}

/** One `segment` call: the instances (display masks) and the COCO export of the same outputs. */
async function annotate(
  engine: EngineApi,
  request: SegmentRequest,
  options: Pick<LabelOptions, 'displayMasks' | 'signal'>,
  categoryOf: (inst: Pick<InstanceResult, 'conceptIndex'>) => string | null,
  source: AnnotationSource = 'detector',
): Promise<{ list: BatchAnnotation[]; graphRuns: Record<string, number> }> {
  const seg = await callWithSignal(engine, options.signal, (call) =>
    engine.segment(request, { ...call, coco: true, bitmaps: false }),
  );
  const coco: CocoExport = seg.coco!;
  const shown = seg.instances;
  const list: BatchAnnotation[] = [];
  for (const ann of coco.annotations) {
    // The export's annotation ids are the shown instances' IDs (same request, same order).
    const inst = shown.find((i) => i.instanceId === ann.id);
    if (!inst) throw new Error(`Export and result disagree: no instance ${ann.id}.`);
    const conceptIndex = request.concepts.length ? ann.category_id - 1 : -1;
    const category = categoryOf({ conceptIndex: conceptIndex < request.concepts.length ? conceptIndex : -1 });
    if (category === null) continue;
    list.push({
      key: '',
      category,
      score: ann.score,
      bboxXywh: ann.bbox,
      area: ann.area,
      rle: ann.segmentation,
      ...(options.displayMasks ? { displayMask: inst.mask } : {}),
      ...(options.displayMasks && inst.underRgb ? { underRgb: inst.underRgb } : {}),
      source,
    });
  }
  return { list, graphRuns: seg.graphRuns };
}
