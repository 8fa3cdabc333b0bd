/**
 * COCO mask AP/AR with pycocotools' semantics (`COCOeval(iouType='segm')`): per (image, category) greedy matching
 * of score-sorted detections to ground truth at each IoU threshold, crowd regions matched many times and ignored,
 * area ranges on the ground truth's `area` field and the detection's mask area, at most 1/10/100 detections per
 * image, 101-point interpolated precision, and the 12 summary numbers. Checked against pycocotools on the committed
 * fixtures (tests/fixtures/eval/, made by tools/eval-fixtures/make_fixtures.py).
 */
import type { Runs } from './rle';
import { iouMatrix, runsArea } from './rle';

export interface EvalGt {
  id: number;
  imageId: number;
  categoryId: number;
  runs: Runs;
  /** The annotation's own `area` field (pycocotools uses it for the area ranges). */
  area: number;
  iscrowd: boolean;
}

export interface EvalDt {
  id: number;
  imageId: number;
  categoryId: number;
  runs: Runs;
  score: number;
}

/** numpy.linspace(start, stop, num) to the last bit (pycocotools compares thresholds with ==). */
export function linspace(start: number, stop: number, num: number): number[] {
  const step = (stop - start) / (num - 1);
  const out = Array.from({ length: num }, (_, i) => i * step + start);
  out[num - 1] = stop;
  return out;
}

export const IOU_THRESHOLDS = linspace(0.5, 0.95, Math.round((0.95 - 0.5) / 0.05) + 1);
export const RECALL_THRESHOLDS = linspace(0, 1, Math.round((1 - 0) / 0.01) + 1);
const MAX_DETS = [1, 10, 100];
const AREA_RANGES: [number, number][] = [
  [0, 1e5 ** 2],
  [0, 32 ** 2],
  [32 ** 2, 96 ** 2],
  [96 ** 2, 1e5 ** 2],
];
const AREA_LABELS = ['all', 'small', 'medium', 'large'] as const;

export interface CocoSummary {
  AP: number;
  AP50: number;
  AP75: number;
  APsmall: number;
  APmedium: number;
  APlarge: number;
  AR1: number;
  AR10: number;
  AR100: number;
  ARsmall: number;
  ARmedium: number;
  ARlarge: number;
}

export interface CocoEvalResult {
  summary: CocoSummary;
  /** AP (IoU .50:.95, all areas, 100 dets) per category id; -1 when the category has no ground truth. */
  perCategoryAp: Map<number, number>;
  /** precision[t][r][k] at area 'all', 100 dets (k in `categoryIds` order); -1 where undefined. */
  precisionAll: number[][][];
  categoryIds: number[];
}

export interface ImageEval {
  dtIds: number[];
  dtMatches: number[][];
  dtScores: number[];
  gtIgnore: boolean[];
  dtIgnore: boolean[][];
}

/** pycocotools' stable argsort of -score (numpy mergesort). */
function byScoreDesc<T extends { score: number }>(xs: T[]): T[] {
  return xs
    .map((d, i) => ({ d, i }))
    .sort((a, b) => b.d.score - a.d.score || a.i - b.i)
    .map((x) => x.d);
}

/** The data pycocotools' `evaluate` works on: ids sorted, annotations by (image, category), the IoU matrices. */
export interface CocoIndex {
  imgIds: number[];
  catIds: number[];
  gtBy: Map<string, EvalGt[]>;
  dtBy: Map<string, EvalDt[]>;
  ious: Map<string, number[][]>;
}

/** One evaluation per category, area range and image: `evalImgs[k][a][i]` (null where it had nothing). */
export type EvalImages = (ImageEval | null)[][][];

/** pycocotools' `accumulate` output: precision[t][r][k][a][m] and recall[t][k][a][m], -1 where undefined. */
export interface Accumulated {
  precision: number[][][][][];
  recall: number[][][][];
}

const pairKey = (i: number, c: number) => `${i}|${c}`;
const MAX_DET = MAX_DETS[MAX_DETS.length - 1];
const T = IOU_THRESHOLDS.length;

/** pycocotools' `_prepare` and `computeIoU`: annotations by (image, category) and each pair's IoU matrix. */
export function indexCoco(gts: EvalGt[], dts: EvalDt[], imageIds: number[], categoryIds: number[]): CocoIndex {
  const imgIds = [...new Set(imageIds)].sort((a, b) => a - b);
  const catIds = [...new Set(categoryIds)].sort((a, b) => a - b);
  const gtBy = new Map<string, EvalGt[]>();
  const dtBy = new Map<string, EvalDt[]>();
  const imgSet = new Set(imgIds);
  const catSet = new Set(catIds);
  for (const g of gts) {
    if (!imgSet.has(g.imageId) || !catSet.has(g.categoryId)) continue;
    const k = pairKey(g.imageId, g.categoryId);
    (gtBy.get(k) ?? gtBy.set(k, []).get(k)!).push(g);
  }
  for (const d of dts) {
    if (!imgSet.has(d.imageId) || !catSet.has(d.categoryId)) continue;
    const k = pairKey(d.imageId, d.categoryId);
    (dtBy.get(k) ?? dtBy.set(k, []).get(k)!).push(d);
  }
  const ious = new Map<string, number[][]>();
  for (const i of imgIds) {
    for (const c of catIds) {
      const g = gtBy.get(pairKey(i, c)) ?? [];
      const d = byScoreDesc(dtBy.get(pairKey(i, c)) ?? []).slice(0, MAX_DET);
      if (g.length === 0 || d.length === 0) continue;
      ious.set(
        pairKey(i, c),
        iouMatrix(
          d.map((x) => x.runs),
          g.map((x) => x.runs),
          g.map((x) => x.iscrowd),
        ),
      );
    }
  }
  return { imgIds, catIds, gtBy, dtBy, ious };
}

/** pycocotools' `evaluateImg`: greedy matching of one image's detections of one category, per IoU threshold. */
export function evaluateImage(
  index: CocoIndex,
  imgId: number,
  catId: number,
  aRng: [number, number],
  mDet: number,
): ImageEval | null {
  const g0 = index.gtBy.get(pairKey(imgId, catId)) ?? [];
  const d0 = index.dtBy.get(pairKey(imgId, catId)) ?? [];
  if (g0.length === 0 && d0.length === 0) return null;
  const ignore = g0.map((g) => g.iscrowd || g.area < aRng[0] || g.area > aRng[1]);
  // Non-ignored ground truth first (stable).
  const gOrder = g0.map((_, i) => i).sort((a, b) => Number(ignore[a]) - Number(ignore[b]) || a - b);
  const gt = gOrder.map((i) => g0[i]);
  const gtIg = gOrder.map((i) => ignore[i]);
  const dt = byScoreDesc(d0).slice(0, mDet);
  const full = index.ious.get(pairKey(imgId, catId));
  const gtm = Array.from({ length: T }, () => new Array<number>(gt.length).fill(0));
  const dtm = Array.from({ length: T }, () => new Array<number>(dt.length).fill(0));
  const dtIg = Array.from({ length: T }, () => new Array<boolean>(dt.length).fill(false));
  if (full && gt.length > 0) {
    for (let t = 0; t < T; t++) {
      for (let di = 0; di < dt.length; di++) {
        let iou = Math.min(IOU_THRESHOLDS[t], 1 - 1e-10);
        let m = -1;
        for (let gi = 0; gi < gt.length; gi++) {
          if (gtm[t][gi] > 0 && !gt[gi].iscrowd) continue;
          if (m > -1 && !gtIg[m] && gtIg[gi]) break;
          const v = full[di][gOrder[gi]];
          if (v < iou) continue;
          iou = v;
          m = gi;
        }
        if (m === -1) continue;
        dtIg[t][di] = gtIg[m];
        dtm[t][di] = gt[m].id;
        gtm[t][m] = dt[di].id;
      }
    }
  }
  for (let di = 0; di < dt.length; di++) {
    const a = runsArea(dt[di].runs);
    const outside = a < aRng[0] || a > aRng[1];
    for (let t = 0; t < T; t++) dtIg[t][di] = dtIg[t][di] || (dtm[t][di] === 0 && outside);
  }
  return {
    dtIds: dt.map((d) => d.id),
    dtMatches: dtm,
    dtScores: dt.map((d) => d.score),
    gtIgnore: gtIg,
    dtIgnore: dtIg,
  };
}

/** pycocotools' `evaluate` for one category: its images' evaluations per area range. */
export function evaluateCategory(index: CocoIndex, catId: number): (ImageEval | null)[][] {
  return AREA_RANGES.map((aRng) => index.imgIds.map((i) => evaluateImage(index, i, catId, aRng, MAX_DET)));
}

/** pycocotools' `accumulate`: precision at the recall thresholds and recall, per IoU, category, area and max dets. */
export function accumulate(evalImgs: EvalImages): Accumulated {
  const R = RECALL_THRESHOLDS.length;
  const K = evalImgs.length;
  const A = AREA_RANGES.length;
  const M = MAX_DETS.length;
  const precision = Array.from({ length: T }, () =>
    Array.from({ length: R }, () =>
      Array.from({ length: K }, () => Array.from({ length: A }, () => new Array<number>(M).fill(-1))),
    ),
  );
  const recall = Array.from({ length: T }, () =>
    Array.from({ length: K }, () => Array.from({ length: A }, () => new Array<number>(M).fill(-1))),
  );
  for (let k = 0; k < K; k++) {
    for (let a = 0; a < A; a++) {
      const evals = evalImgs[k][a].filter((e) => e !== null);
      if (evals.length === 0) continue;
      for (let m = 0; m < M; m++)
        accumulateOne(evals, MAX_DETS[m], (t, rc, pr) => {
          const nd = rc.length;
          recall[t][k][a][m] = nd ? rc[nd - 1] : 0;
          for (let r = 0; r < R; r++) {
            const pi = searchLeft(rc, RECALL_THRESHOLDS[r]);
            // pycocotools stops filling at the first threshold past the last recall (the rest stay 0).
            if (pi >= nd) {
              for (let rr = r; rr < R; rr++) precision[t][rr][k][a][m] = 0;
              break;
            }
            precision[t][r][k][a][m] = pr[pi];
          }
        });
    }
  }
  return { precision, recall };
}

/** The precision–recall curve of one (category, area, max dets) cell at each IoU threshold (precision made monotone). */
function accumulateOne(
  evals: ImageEval[],
  mDet: number,
  store: (t: number, recall: number[], precision: number[]) => void,
): void {
  const scores: number[] = [];
  const matched: number[][] = Array.from({ length: T }, () => []);
  const ignored: boolean[][] = Array.from({ length: T }, () => []);
  for (const e of evals) {
    const n = Math.min(mDet, e.dtScores.length);
    for (let di = 0; di < n; di++) scores.push(e.dtScores[di]);
    for (let t = 0; t < T; t++) {
      for (let di = 0; di < n; di++) {
        matched[t].push(e.dtMatches[t][di]);
        ignored[t].push(e.dtIgnore[t][di]);
      }
    }
  }
  const order = scores.map((_, i) => i).sort((x, y) => scores[y] - scores[x] || x - y);
  const npig = evals.reduce((s, e) => s + e.gtIgnore.filter((g) => !g).length, 0);
  if (npig === 0) return;
  for (let t = 0; t < T; t++) {
    let tp = 0;
    let fp = 0;
    const rc: number[] = [];
    const pr: number[] = [];
    for (const i of order) {
      if (ignored[t][i]) {
        // Neither a true nor a false positive, but the cumulative sums still get an entry.
      } else if (matched[t][i] !== 0) tp++;
      else fp++;
      rc.push(tp / npig);
      pr.push(tp / (fp + tp + Number.EPSILON));
    }
    for (let i = pr.length - 1; i > 0; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
    store(t, rc, pr);
  }
}

/** pycocotools' `summarize`: the 12 numbers, per-category AP and the precision curves the report plots. */
export function summarize({ precision, recall }: Accumulated, catIds: number[]): CocoEvalResult {
  const mean = (xs: number[]) => {
    const v = xs.filter((x) => x > -1);
    return v.length ? v.reduce((s, x) => s + x, 0) / v.length : -1;
  };
  const ap = (t: number | null, area: (typeof AREA_LABELS)[number], mDet: number) => {
    const a = AREA_LABELS.indexOf(area);
    const m = MAX_DETS.indexOf(mDet);
    const ts = t === null ? IOU_THRESHOLDS.map((_, i) => i) : IOU_THRESHOLDS.flatMap((v, i) => (v === t ? [i] : []));
    return mean(ts.flatMap((ti) => precision[ti].flatMap((row) => row.map((cat) => cat[a][m]))));
  };
  const ar = (area: (typeof AREA_LABELS)[number], mDet: number) => {
    const a = AREA_LABELS.indexOf(area);
    const m = MAX_DETS.indexOf(mDet);
    return mean(recall.flatMap((byCat) => byCat.map((cat) => cat[a][m])));
  };
  const summary: CocoSummary = {
    AP: ap(null, 'all', 100),
    AP50: ap(0.5, 'all', 100),
    AP75: ap(0.75, 'all', 100),
    APsmall: ap(null, 'small', 100),
    APmedium: ap(null, 'medium', 100),
    APlarge: ap(null, 'large', 100),
    AR1: ar('all', 1),
    AR10: ar('all', 10),
    AR100: ar('all', 100),
    ARsmall: ar('small', 100),
    ARmedium: ar('medium', 100),
    ARlarge: ar('large', 100),
  };
  const perCategoryAp = new Map<number, number>();
  catIds.forEach((c, k) =>
    perCategoryAp.set(c, mean(precision.flatMap((byR) => byR.map((byK) => byK[k][0][MAX_DETS.length - 1])))),
  );
  const precisionAll = precision.map((byR) => byR.map((byK) => byK.map((byA) => byA[0][MAX_DETS.length - 1])));
  return { summary, perCategoryAp, precisionAll, categoryIds: catIds };
}

/**
 * COCOeval(segm) as steps: index, evaluate one category per step, accumulate, summarise. A caller that must stay
 * responsive (the app's dataset worker) can stop between steps; `cocoEvaluate` runs them all.
 */
export function* cocoEvaluateSteps(
  gts: EvalGt[],
  dts: EvalDt[],
  imageIds: number[],
  categoryIds: number[],
): Generator<string, CocoEvalResult> {
  const index = indexCoco(gts, dts, imageIds, categoryIds);
  yield 'iou';
  const evalImgs: EvalImages = [];
  for (const c of index.catIds) {
    evalImgs.push(evaluateCategory(index, c));
    yield 'evaluate';
  }
  const accumulated = accumulate(evalImgs);
  yield 'accumulate';
  return summarize(accumulated, index.catIds);
}

/** Runs a generator of steps to its end (synchronous callers: the CLI, tests). */
export function runSteps<T>(steps: Generator<string, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

export function cocoEvaluate(gts: EvalGt[], dts: EvalDt[], imageIds: number[], categoryIds: number[]): CocoEvalResult {
  return runSteps(cocoEvaluateSteps(gts, dts, imageIds, categoryIds));
}

/** numpy.searchsorted(sorted, x, side='left'). */
function searchLeft(sorted: number[], x: number): number {
  let lo = 0,
    hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
