/**
 * Evaluation of predictions against a COCO ground truth: SAM 3's metrics (./cgf1.ts) and COCO mask AP
 * (./cocoEval.ts), with per-phrase and per-image breakdowns and precision–recall curves. Shared by
 * `npm run eval` (tools/label/eval.ts) and the app's evaluation panel.
 *
 * Predictions come in either of two forms:
 *  - a COCO results list `[{image_id, category_id, segmentation, score}]` in the ground truth's ids (what
 *    pycocotools' `loadRes` reads); every ground-truth category is evaluated;
 *  - a COCO dataset `{images, categories, annotations}` such as sam3-web's export: images are matched by file name
 *    and categories to ground-truth categories by name (case and surrounding spaces ignored); only categories
 *    present on both sides are evaluated, and the others are listed.
 */
import {
  cocoEvaluateSteps,
  IOU_THRESHOLDS,
  RECALL_THRESHOLDS,
  runSteps,
  type CocoEvalResult,
  type CocoSummary,
  type EvalDt,
  type EvalGt,
} from './cocoEval';
import {
  evaluatePair,
  f1,
  summarizePairs,
  type Cgf1Summary,
  type IlMccUndefined,
  type PairInput,
  type PairResult,
} from './cgf1';
import { runsArea, segmentationToRuns, type CocoSegmentation, type Runs } from './rle';

export interface CocoGroundTruth {
  images: { id: number; file_name?: string; width: number; height: number }[];
  categories: { id: number; name: string }[];
  annotations: {
    id: number;
    image_id: number;
    category_id: number;
    segmentation?: CocoSegmentation;
    area?: number;
    iscrowd?: number | boolean;
  }[];
}

export interface CocoResult {
  image_id: number;
  category_id: number;
  segmentation: CocoSegmentation;
  score?: number;
}

export interface CocoPredictionSet {
  images: { id: number; file_name: string; width?: number; height?: number }[];
  categories: { id: number; name: string }[];
  annotations: (CocoResult & { id?: number })[];
}

export type Predictions = CocoResult[] | CocoPredictionSet;

export interface PhraseBreakdown {
  categoryId: number;
  name: string;
  gtInstances: number;
  /** Predictions with score ≥ 0.5. */
  predictions: number;
  metrics: Cgf1Summary;
  /** COCO mask AP (IoU .50:.95) of this category; -1 without ground truth. */
  ap: number;
}

export interface ImageBreakdown {
  imageId: number;
  fileName: string;
  /** Mean over τ of the F1 of this image's pairs pooled (1 when it has neither ground truth nor predictions). */
  f1: number;
  f1At50: number;
  tpAt50: number;
  fpAt50: number;
  fnAt50: number;
  /** Phrases present in the ground truth but not predicted, and predicted but absent. */
  missedPhrases: string[];
  falsePhrases: string[];
}

export interface PrCurve {
  name: string;
  /** Precision at each recall threshold (RECALL_THRESHOLDS), IoU 0.5; -1 where undefined. */
  at50: number[];
  /** Mean over the IoU thresholds. */
  atMean: number[];
}

export interface EvalReport {
  /** SAM 3 metrics (reference.md §11), cgF1 in percent. */
  cgF1: number;
  'cgF1@0.5': number;
  'cgF1@0.75': number;
  pmF1: number;
  IL_MCC: number;
  /** Why IL_MCC (so cgF1) is 0 by definition over all phrases, or null (`ilMccExplanation` says it in words). */
  ilMccUndefined: IlMccUndefined | null;
  positiveMacroF1: number | null;
  imageLevel: { precision: number; recall: number; F1: number; FPR: number };
  coco: CocoSummary;
  counts: Cgf1Summary['counts'] & { images: number; gtInstances: number; predictions: number };
  /** Which ground-truth images were scored (see `ImageScope`): how many, of how many, by which rule. */
  imageSet: { scored: number; groundTruth: number; rule: ImageScope };
  evaluatedCategories: string[];
  /** Ground-truth categories no prediction names, and predicted categories absent from the ground truth. */
  unmatched: { groundTruth: string[]; predictions: string[]; predictionImages: string[] };
  perPhrase: PhraseBreakdown[];
  /** Worst first. */
  perImage: ImageBreakdown[];
  pr: { recall: number[]; byPhrase: PrCurve[]; all: PrCurve };
  iouThresholds: number[];
}

export class EvalInputError extends Error {}

const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * Which ground-truth images are scored. `predicted` (the default): those the predictions list — a COCO dataset's
 * images, such as a partly labelled folder's export — so an image nobody labelled is not counted as all misses;
 * `all`: every ground-truth image. A results list names no images of its own: every ground-truth image is scored.
 * The app and `npm run eval` apply the same rule, and the report says which images it scored.
 */
export type ImageScope = 'predicted' | 'all';

export interface EvaluateOptions {
  images?: ImageScope;
}

export function evaluatePredictions(gt: CocoGroundTruth, pred: Predictions, options: EvaluateOptions = {}): EvalReport {
  return runSteps(evaluationSteps(gt, pred, options));
}

/**
 * The evaluation as steps (COCOeval's evaluate per category, accumulate, summarise; then SAM 3's metrics): a caller
 * that must stay responsive (the app's dataset worker) can stop between them; `evaluatePredictions` runs them all.
 */
export function* evaluationSteps(
  groundTruth: CocoGroundTruth,
  pred: Predictions,
  options: EvaluateOptions = {},
): Generator<string, EvalReport> {
  checkGroundTruth(groundTruth);
  const aligned = alignPredictions(groundTruth, pred);
  const { gt, imageSet } = scoredImages(groundTruth, aligned.predictedImages, options.images ?? 'predicted');
  const { gts, dts } = evalAnnotations(gt, aligned.results, aligned.catIds);
  yield 'prepare';
  const imageIds = gt.images.map((im) => im.id);
  const coco = yield* cocoEvaluateSteps(gts, dts, imageIds, aligned.catIds);
  // SAM 3 pairs: every scored image × every evaluated category.
  const pairResults = samPairs(imageIds, aligned.catIds, gts, dts).map((p) => evaluatePair(p));
  yield 'cgF1';
  return buildReport(gt, aligned, coco, pairResults, gts, imageSet);
}

/** The ground truth restricted to the scored images (see `ImageScope`). */
function scoredImages(
  gt: CocoGroundTruth,
  predicted: Set<number> | null,
  scope: ImageScope,
): { gt: CocoGroundTruth; imageSet: EvalReport['imageSet'] } {
  if (scope === 'all' || predicted === null) {
    return { gt, imageSet: { scored: gt.images.length, groundTruth: gt.images.length, rule: 'all' } };
  }
  const images = gt.images.filter((im) => predicted.has(im.id));
  if (images.length === 0) {
    throw new EvalInputError(
      'None of the ground truth’s images (by file name) is among the predictions’ images: nothing to score.',
    );
  }
  return {
    gt: { ...gt, images, annotations: gt.annotations.filter((a) => predicted.has(a.image_id)) },
    imageSet: { scored: images.length, groundTruth: gt.images.length, rule: 'predicted' },
  };
}

/** Ground truth and predictions of the evaluated categories as runs, checked against their image's size. */
function evalAnnotations(
  gt: CocoGroundTruth,
  results: CocoResult[],
  catIds: number[],
): { gts: EvalGt[]; dts: EvalDt[] } {
  const images = new Map(gt.images.map((im) => [im.id, im]));
  const toRuns = (seg: CocoSegmentation | undefined, imageId: number, what: string): Runs => {
    const im = images.get(imageId)!;
    if (!seg) throw new EvalInputError(`${what} has no segmentation`);
    let runs: Runs;
    try {
      runs = segmentationToRuns(seg, im.height, im.width);
    } catch (err) {
      throw new EvalInputError(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (runs.h !== im.height || runs.w !== im.width) {
      throw new EvalInputError(
        `${what} is ${runs.w}×${runs.h} but image ${im.file_name ?? im.id} is ${im.width}×${im.height}` +
          ' (a rotated or resized copy of the image?)',
      );
    }
    return runs;
  };
  const catSet = new Set(catIds);
  const gts: EvalGt[] = gt.annotations
    .filter((a) => catSet.has(a.category_id))
    .map((a) => {
      const runs = toRuns(a.segmentation, a.image_id, `ground-truth annotation ${a.id}`);
      return {
        id: a.id,
        imageId: a.image_id,
        categoryId: a.category_id,
        runs,
        area: a.area ?? runsArea(runs),
        iscrowd: Boolean(a.iscrowd),
      };
    });
  const dts: EvalDt[] = results
    .filter((r) => catSet.has(r.category_id) && images.has(r.image_id))
    .map((r, i) => ({
      id: i + 1,
      imageId: r.image_id,
      categoryId: r.category_id,
      runs: toRuns(r.segmentation, r.image_id, `prediction ${i + 1}`),
      score: r.score ?? 1,
    }));
  return { gts, dts };
}

/** SAM 3's (image, phrase) pairs with their ground truth and predictions. */
function samPairs(imageIds: number[], catIds: number[], gts: EvalGt[], dts: EvalDt[]): PairInput[] {
  const pairKey = (i: number, c: number) => `${i}|${c}`;
  const pairs = new Map<string, PairInput>();
  for (const i of imageIds)
    for (const c of catIds) pairs.set(pairKey(i, c), { imageId: i, categoryId: c, gts: [], dts: [] });
  for (const g of gts) pairs.get(pairKey(g.imageId, g.categoryId))!.gts.push({ runs: g.runs, iscrowd: g.iscrowd });
  for (const d of dts) pairs.get(pairKey(d.imageId, d.categoryId))!.dts.push({ runs: d.runs, score: d.score });
  return [...pairs.values()];
}

function buildReport(
  gt: CocoGroundTruth,
  aligned: Aligned,
  coco: CocoEvalResult,
  pairResults: PairResult[],
  gts: EvalGt[],
  imageSet: EvalReport['imageSet'],
): EvalReport {
  const { catIds, unmatched } = aligned;
  const images = new Map(gt.images.map((im) => [im.id, im]));
  const gtCats = new Map(gt.categories.map((c) => [c.id, c]));
  const imageIds = gt.images.map((im) => im.id);
  const overall = summarizePairs(pairResults);
  const perPhrase: PhraseBreakdown[] = catIds.map((c) => {
    const mine = pairResults.filter((r) => r.categoryId === c);
    return {
      categoryId: c,
      name: gtCats.get(c)!.name,
      gtInstances: mine.reduce((s, r) => s + r.numGt, 0),
      predictions: mine.reduce((s, r) => s + r.numDt, 0),
      metrics: summarizePairs(mine),
      ap: coco.perCategoryAp.get(c) ?? -1,
    };
  });
  const perImage = imageIds.map((i) => imageBreakdown(i, images.get(i)!.file_name ?? String(i), pairResults, gtCats));
  perImage.sort((a, b) => a.f1 - b.f1 || a.imageId - b.imageId);
  return {
    cgF1: overall.cgF1,
    'cgF1@0.5': overall.cgF1At50,
    'cgF1@0.75': overall.cgF1At75,
    pmF1: overall.pmF1,
    IL_MCC: overall.ilMcc,
    ilMccUndefined: overall.ilMccUndefined,
    positiveMacroF1: overall.positiveMacroF1,
    imageLevel: { precision: overall.ilPrecision, recall: overall.ilRecall, F1: overall.ilF1, FPR: overall.ilFpr },
    coco: coco.summary,
    counts: {
      ...overall.counts,
      images: imageIds.length,
      gtInstances: gts.filter((g) => !g.iscrowd).length,
      predictions: pairResults.reduce((s, r) => s + r.numDt, 0),
    },
    imageSet,
    evaluatedCategories: catIds.map((c) => gtCats.get(c)!.name),
    unmatched,
    perPhrase,
    perImage,
    pr: {
      recall: RECALL_THRESHOLDS,
      byPhrase: coco.categoryIds.map((c, k) => prCurve(coco, gtCats.get(c)!.name, k)),
      all: prCurve(coco, 'all phrases', null),
    },
    iouThresholds: IOU_THRESHOLDS,
  };
}

/** Precision at each recall threshold for one category (or all, averaged), at IoU 0.5 and averaged over IoUs. */
function prCurve(coco: CocoEvalResult, name: string, k: number | null): PrCurve {
  const meanOf = (vals: number[]) => (vals.length ? vals.reduce((s, v) => s + v, 0) / vals.length : -1);
  const at = (t: number) =>
    RECALL_THRESHOLDS.map((_, r) => {
      const row = coco.precisionAll[t][r];
      return meanOf((k === null ? row : [row[k]]).filter((v) => v > -1));
    });
  const byT = IOU_THRESHOLDS.map((_, t) => at(t));
  const atMean = RECALL_THRESHOLDS.map((_, r) => meanOf(byT.map((c) => c[r]).filter((v) => v > -1)));
  return { name, at50: byT[IOU_THRESHOLDS.indexOf(0.5)], atMean };
}

function imageBreakdown(
  imageId: number,
  fileName: string,
  results: PairResult[],
  cats: Map<number, { name: string }>,
): ImageBreakdown {
  const mine = results.filter((r) => r.imageId === imageId);
  const T = IOU_THRESHOLDS.length;
  const sum = (f: (r: PairResult) => number[] | undefined, t: number) => mine.reduce((s, r) => s + (f(r)?.[t] ?? 0), 0);
  const scored = mine.some((r) => r.tp);
  const f1s = Array.from({ length: T }, (_, t) =>
    scored
      ? f1(
          sum((r) => r.tp, t),
          sum((r) => r.fp, t),
          sum((r) => r.fn, t),
        )
      : 1,
  );
  const t50 = IOU_THRESHOLDS.indexOf(0.5);
  return {
    imageId,
    fileName,
    f1: f1s.reduce((s, x) => s + x, 0) / T,
    f1At50: f1s[t50],
    tpAt50: sum((r) => r.tp, t50),
    fpAt50: sum((r) => r.fp, t50),
    fnAt50: sum((r) => r.fn, t50),
    missedPhrases: mine.filter((r) => r.il === 'FN').map((r) => cats.get(r.categoryId)!.name),
    falsePhrases: mine.filter((r) => r.il === 'FP').map((r) => cats.get(r.categoryId)!.name),
  };
}

function checkGroundTruth(gt: CocoGroundTruth): void {
  if (!gt || !Array.isArray(gt.images) || !Array.isArray(gt.annotations) || !Array.isArray(gt.categories)) {
    throw new EvalInputError(
      'The ground truth is not a COCO dataset: it needs "images", "annotations" and "categories".',
    );
  }
  const ids = new Set(gt.images.map((i) => i.id));
  for (const a of gt.annotations) {
    if (!ids.has(a.image_id))
      throw new EvalInputError(`Ground-truth annotation ${a.id} refers to unknown image ${a.image_id}.`);
  }
}

interface Aligned {
  results: CocoResult[];
  catIds: number[];
  unmatched: EvalReport['unmatched'];
  /** Ground-truth images the predictions list (a dataset's images); null for a results list. */
  predictedImages: Set<number> | null;
}

/** Predictions as a results list in the ground truth's ids, and the categories to evaluate. */
function alignPredictions(gt: CocoGroundTruth, pred: Predictions): Aligned {
  const gtImageIds = new Set(gt.images.map((i) => i.id));
  if (Array.isArray(pred)) {
    const stray = pred.filter((r) => !gtImageIds.has(r.image_id));
    if (stray.length) {
      throw new EvalInputError(
        `${stray.length} predictions refer to images that are not in the ground truth (first: image_id ${stray[0].image_id}).`,
      );
    }
    const gtCatIds = new Set(gt.categories.map((c) => c.id));
    const strayCats = [...new Set(pred.filter((r) => !gtCatIds.has(r.category_id)).map((r) => String(r.category_id)))];
    return {
      results: pred,
      catIds: gt.categories.map((c) => c.id),
      unmatched: { groundTruth: [], predictions: strayCats, predictionImages: [] },
      predictedImages: null,
    };
  }
  if (!pred || !Array.isArray(pred.annotations) || !Array.isArray(pred.images) || !Array.isArray(pred.categories)) {
    throw new EvalInputError(
      'The predictions are neither a COCO results list nor a COCO dataset with images and categories.',
    );
  }
  const byName = new Map<string, number>();
  for (const c of gt.categories) if (!byName.has(norm(c.name))) byName.set(norm(c.name), c.id);
  const catMap = new Map<number, number>();
  const predictionsUnmatched: string[] = [];
  for (const c of pred.categories) {
    const id = byName.get(norm(c.name));
    if (id === undefined) predictionsUnmatched.push(c.name);
    else catMap.set(c.id, id);
  }
  const evaluated = new Set(catMap.values());
  const gtUnmatched = gt.categories.filter((c) => !evaluated.has(c.id)).map((c) => c.name);
  // Images by file name; a prediction folder's relative path may differ only in its directories.
  const exact = new Map<string, number>();
  const base = new Map<string, number[]>();
  for (const im of gt.images) {
    if (!im.file_name) continue;
    exact.set(im.file_name, im.id);
    const b = basename(im.file_name);
    base.set(b, [...(base.get(b) ?? []), im.id]);
  }
  const imageMap = new Map<number, number>();
  const imagesUnmatched: string[] = [];
  for (const im of pred.images) {
    const id =
      exact.get(im.file_name) ??
      (base.get(basename(im.file_name))?.length === 1 ? base.get(basename(im.file_name))![0] : undefined);
    if (id === undefined) imagesUnmatched.push(im.file_name);
    else imageMap.set(im.id, id);
  }
  const results: CocoResult[] = [];
  for (const a of pred.annotations) {
    const imageId = imageMap.get(a.image_id);
    const categoryId = catMap.get(a.category_id);
    if (imageId === undefined || categoryId === undefined) continue;
    results.push({ image_id: imageId, category_id: categoryId, segmentation: a.segmentation, score: a.score });
  }
  const catIds = gt.categories.map((c) => c.id).filter((id) => evaluated.has(id));
  if (catIds.length === 0) {
    throw new EvalInputError(
      `No predicted category matches a ground-truth category by name (ground truth: ${gt.categories
        .map((c) => c.name)
        .join(', ')}; predictions: ${pred.categories.map((c) => c.name).join(', ')}).`,
    );
  }
  return {
    results,
    catIds,
    unmatched: { groundTruth: gtUnmatched, predictions: predictionsUnmatched, predictionImages: imagesUnmatched },
    predictedImages: new Set(imageMap.values()),
  };
}

function basename(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}
