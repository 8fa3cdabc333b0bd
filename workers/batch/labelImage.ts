/**
 * Labels one image through the engine's public API only: decode + pre-process (`setImage`), then the phrases
 * (`segment`: vision once, text once per phrase, detector per phrase), then full-resolution masks (`exportCoco`,
 * which re-uses the cached detections and runs no graph). The engine keeps one image at a time, so the previous
 * image's pixels and features are released by the next `setImage`.
 *
 * Exemplar boxes: SAM 3 pools an exemplar box from the features of the image it is drawn on (ROI-Align on that
 * image's detector neck, then cross-attention to that image; reference.md §2.7), so a box is meaningful only on
 * its own image. A box drawn on image A is therefore sent with its concept on image A only; every other image runs
 * the concept's phrase alone.
 */
import type { EngineApi, ImageSource } from '../protocol/api';
import type { ConceptPrompt, ObjectPrompt, SegmentRequest } from '../protocol/prompts';
import type { CocoExport, ImageInfo, InstanceResult } from '../protocol/results';
import type { AnnotationSource, BatchAnnotation, ImageExemplar } from './types';

export interface LabelOptions {
  phrases: string[];
  scoreThreshold: number;
  /** Exemplar boxes drawn on this image (other images' boxes never apply here). */
  exemplars?: ImageExemplar[];
  /** Also fetch display-size masks (the app draws them; the CLI does not need them). */
  displayMasks: boolean;
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
  const info = await engine.setImage(source);
  const request: SegmentRequest = {
    imageId: info.imageId,
    concepts: conceptsFor(options.phrases, options.exemplars),
    scoreThreshold: options.scoreThreshold,
  };
  const annotations = await annotate(engine, request, options.displayMasks, (inst) =>
    inst.conceptIndex >= 0 ? options.phrases[inst.conceptIndex] : null,
  );
  annotations.list.forEach((a, k) => (a.key = `d${k + 1}`));
  return { info, annotations: annotations.list, graphRuns: annotations.graphRuns };
}

/**
 * One object fixed in review with clicks or a box (the tracker's prompt decoder), on the image already set in the
 * engine: its full-resolution and display masks.
 */
export async function decodeFixObject(
  engine: EngineApi,
  imageId: string,
  object: ObjectPrompt,
  category: string,
  displayMasks: boolean,
): Promise<BatchAnnotation | null> {
  const request: SegmentRequest = { imageId, concepts: [], objects: [object], scoreThreshold: 0 };
  const source: AnnotationSource = object.points.length ? 'click' : 'box';
  const { list } = await annotate(engine, request, displayMasks, () => category, source);
  return list[0] ?? null;
}

async function annotate(
  engine: EngineApi,
  request: SegmentRequest,
  displayMasks: boolean,
  categoryOf: (inst: Pick<InstanceResult, 'conceptIndex'>) => string | null,
  source: AnnotationSource = 'detector',
): Promise<{ list: BatchAnnotation[]; graphRuns: Record<string, number> }> {
  let shown: InstanceResult[] | null = null;
  let graphRuns: Record<string, number> = {};
  if (displayMasks) {
    const seg = await engine.segment(request);
    if (seg.superseded) throw new Error('The request was superseded by another one; run the image again.');
    shown = seg.instances;
    graphRuns = seg.graphRuns;
  }
  const coco: CocoExport = await engine.exportCoco({ imageId: request.imageId, request });
  const list: BatchAnnotation[] = [];
  for (const ann of coco.annotations) {
    // The export's annotation ids are the shown instances' IDs (same request, same order).
    const inst = shown?.find((i) => i.instanceId === ann.id);
    if (shown && !inst) throw new Error(`Export and result disagree: no instance ${ann.id}.`);
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
      displayMask: inst?.mask,
      source,
    });
  }
  return { list, graphRuns };
}
