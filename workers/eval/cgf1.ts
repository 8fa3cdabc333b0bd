/**
 * SAM 3's image metrics (shared/sam3/reference.md §11; the reference evaluator is sam3/eval/cgf1_eval.py).
 *
 * The unit is an (image, noun phrase) pair: positive when it has ≥ 1 ground-truth mask, negative otherwise.
 * Crowd ground truth is dropped (pycocotools' `ignore`), predictions with score ≥ 0.5 are kept, and each pair's
 * predictions are matched one-to-one to its ground truth by the optimal bipartite matching that maximises total
 * mask IoU (scipy's linear_sum_assignment, tie-breaking included: ./assignment.ts). For τ = 0.50, 0.55, …, 0.95:
 * TP_τ = matches with IoU ≥ τ, FP_τ = #pred − TP_τ, FN_τ = #GT − TP_τ. With the reference code's epsilons:
 *   pmF1_τ  = 2·P·R/(P+R+1e-4), P = ΣTP/(ΣTP+ΣFP_pos+1e-4), R = ΣTP/(ΣTP+ΣFN+1e-4) (FP of positive pairs only)
 *   IL_MCC  = (TP·TN − FP·FN)/(√((TP+FP)(TP+FN)(TN+FP)(TN+FN)) + 1e-6) over pairs (image-level presence)
 *   cgF1_τ  = pmF1_τ · IL_MCC;  cgF1 = 100 · mean_τ cgF1_τ;  cgF1@0.5 and @0.75 at those τ
 *   positive macro F1 = mean local F1 over pairs with both ground truth and predictions.
 */
import { linearSumAssignment } from './assignment';
import { IOU_THRESHOLDS } from './cocoEval';
import { iouMatrix, type Runs } from './rle';

export const CGF1_SCORE_THRESHOLD = 0.5;

export interface PairInput {
  imageId: number;
  categoryId: number;
  /** Ground truth in file order (crowd regions included; they are dropped here). */
  gts: { runs: Runs; iscrowd: boolean }[];
  /** Predictions in file order (all scores; those below 0.5 are dropped here). */
  dts: { runs: Runs; score: number }[];
}

export interface PairResult {
  imageId: number;
  categoryId: number;
  numGt: number;
  numDt: number;
  /** Matched IoUs of the optimal assignment. */
  matchIous: number[];
  /** Per τ; absent for a true negative (no ground truth, no prediction). */
  tp?: number[];
  fp?: number[];
  fn?: number[];
  /** Local F1 per τ (reference formula); absent for a true negative. */
  localF1?: number[];
  il: 'TP' | 'FP' | 'TN' | 'FN';
}

export interface Cgf1Summary {
  /** 100 × mean over τ of pmF1_τ × IL_MCC. */
  cgF1: number;
  cgF1At50: number;
  cgF1At75: number;
  /** Mean over τ of positive micro F1 (0–1). */
  pmF1: number;
  pmF1At50: number;
  pmF1At75: number;
  ilMcc: number;
  /**
   * Why IL_MCC (and so cgF1) is 0 by definition rather than by the model's fault, or null: MCC is undefined when a
   * row or column of the image-level confusion matrix is empty, and the reference's 1e-6 turns that into 0.
   */
  ilMccUndefined: IlMccUndefined | null;
  /** Mean over τ of the mean local F1 of pairs with ground truth and predictions; null when there are none. */
  positiveMacroF1: number | null;
  ilPrecision: number;
  ilRecall: number;
  ilF1: number;
  ilFpr: number;
  counts: { ilTp: number; ilFp: number; ilTn: number; ilFn: number; pairs: number; positivePairs: number };
  /** Per τ, for plots. */
  pmF1ByThreshold: number[];
}

/**
 * The empty side of the image-level confusion matrix that makes IL_MCC undefined (0 with the reference's epsilon):
 * `no-negatives` — every (image, phrase) pair has ground truth (a phrase present in every image: SAM 3's cgF1 needs
 * images without it); `no-positives` — no pair has ground truth; `no-predictions` — nothing scored ≥ 0.5 anywhere;
 * `predicted-everywhere` — every pair has a prediction, so no image was said to lack the phrase.
 */
export type IlMccUndefined = 'no-negatives' | 'no-positives' | 'no-predictions' | 'predicted-everywhere';

export function ilMccUndefined(il: { TP: number; FP: number; TN: number; FN: number }): IlMccUndefined | null {
  if (il.TP + il.FP + il.TN + il.FN === 0) return null;
  if (il.TN + il.FP === 0) return 'no-negatives';
  if (il.TP + il.FN === 0) return 'no-positives';
  if (il.TP + il.FP === 0) return 'no-predictions';
  if (il.TN + il.FN === 0) return 'predicted-everywhere';
  return null;
}

/**
 * Why cgF1 is 0, in words, for the panel and `npm run eval`: `phrase` for one phrase's numbers, `all` for the
 * numbers over every phrase (where the pairs are each image with each phrase).
 */
export function ilMccExplanation(reason: IlMccUndefined, scope: 'phrase' | 'all' = 'phrase'): string {
  const zero = 'IL_MCC is undefined, counted as 0, so cgF1 is 0 whatever the masks (pmF1 still scores them)';
  const it = scope === 'phrase' ? 'the phrase' : 'its phrase';
  switch (reason) {
    case 'no-negatives':
      return scope === 'phrase'
        ? `The phrase is in the ground truth of every scored image: SAM 3's cgF1 also measures saying “absent” on images without it, and there are none. ${zero}. Add images without the phrase to measure it.`
        : `Every phrase is in the ground truth of every scored image: SAM 3's cgF1 also measures saying “absent” on images without a phrase, and there are none. ${zero}. Add images without them to measure it.`;
    case 'no-positives':
      return `No scored image has ${it} in the ground truth: there is nothing to find. ${zero}.`;
    case 'no-predictions':
      return `Nothing was predicted with a score ≥ 0.5 on any scored image. ${zero}.`;
    case 'predicted-everywhere':
      return `Every scored image got a prediction of ${it}, so none was said to lack it. ${zero}.`;
  }
}

export function evaluatePair(pair: PairInput, scoreThreshold = CGF1_SCORE_THRESHOLD): PairResult {
  const gts = pair.gts.filter((g) => !g.iscrowd);
  const dts = pair.dts.filter((d) => d.score >= scoreThreshold);
  const base = { imageId: pair.imageId, categoryId: pair.categoryId, numGt: gts.length, numDt: dts.length };
  const T = IOU_THRESHOLDS.length;
  if (gts.length === 0 && dts.length === 0) return { ...base, matchIous: [], il: 'TN' };
  if (dts.length === 0) {
    return {
      ...base,
      matchIous: [],
      tp: new Array(T).fill(0),
      fp: new Array(T).fill(0),
      fn: new Array(T).fill(gts.length),
      localF1: new Array(T).fill(0),
      il: 'FN',
    };
  }
  const ious = iouMatrix(
    dts.map((d) => d.runs),
    gts.map((g) => g.runs),
    gts.map(() => false),
  );
  const { rows, cols } = gts.length ? linearSumAssignment(ious, true) : { rows: [], cols: [] };
  const matchIous = rows.map((r, k) => ious[r][cols[k]]);
  const tp = IOU_THRESHOLDS.map((t) => matchIous.filter((v) => v >= t).length);
  const fp = tp.map((x) => dts.length - x);
  const fn = tp.map((x) => gts.length - x);
  const localF1 = tp.map((x, i) => f1(x, fp[i], fn[i]));
  return { ...base, matchIous, tp, fp, fn, localF1, il: gts.length > 0 ? 'TP' : 'FP' };
}

/** The reference's F1 with its epsilons. */
export function f1(tp: number, fp: number, fn: number): number {
  const p = tp / (tp + fp + 1e-4);
  const r = tp / (tp + fn + 1e-4);
  return (2 * p * r) / (p + r + 1e-4);
}

export function mcc(tp: number, fp: number, tn: number, fn: number): number {
  return (tp * tn - fp * fn) / (Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)) + 1e-6);
}

export function summarizePairs(results: PairResult[]): Cgf1Summary {
  const T = IOU_THRESHOLDS.length;
  const tp = new Array(T).fill(0);
  const fn = new Array(T).fill(0);
  const fpPositive = new Array(T).fill(0);
  const macro = new Array(T).fill(0);
  let macroCount = 0;
  const il = { TP: 0, FP: 0, TN: 0, FN: 0 };
  for (const r of results) {
    il[r.il]++;
    if (!r.tp) continue;
    for (let t = 0; t < T; t++) {
      tp[t] += r.tp[t];
      fn[t] += r.fn![t];
    }
    if (r.numGt > 0) {
      for (let t = 0; t < T; t++) {
        fpPositive[t] += r.fp![t];
        macro[t] += r.localF1![t];
      }
      if (r.numDt > 0) macroCount++;
    }
  }
  const pm = tp.map((x, t) => {
    const p = x / (x + fpPositive[t] + 1e-4);
    const r = x / (x + fn[t] + 1e-4);
    return (2 * p * r) / (p + r + 1e-4);
  });
  const ilMcc = mcc(il.TP, il.FP, il.TN, il.FN);
  const ilRecall = il.TP / (il.TP + il.FN + 1e-6);
  const ilPrecision = il.TP / (il.TP + il.FP + 1e-6);
  const at = (v: number) => IOU_THRESHOLDS.indexOf(v);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const cg = pm.map((x) => x * ilMcc);
  return {
    cgF1: 100 * mean(cg),
    cgF1At50: 100 * cg[at(0.5)],
    cgF1At75: 100 * cg[at(0.75)],
    pmF1: mean(pm),
    pmF1At50: pm[at(0.5)],
    pmF1At75: pm[at(0.75)],
    ilMcc,
    ilMccUndefined: ilMccUndefined(il),
    positiveMacroF1: macroCount > 0 ? mean(macro.map((x) => x / macroCount)) : null,
    ilPrecision,
    ilRecall,
    ilF1: (2 * ilPrecision * ilRecall) / (ilPrecision + ilRecall + 1e-6),
    ilFpr: il.FP / (il.FP + il.TN + 1e-6),
    counts: {
      ilTp: il.TP,
      ilFp: il.FP,
      ilTn: il.TN,
      ilFn: il.FN,
      pairs: results.length,
      positivePairs: results.filter((r) => r.numGt > 0).length,
    },
    pmF1ByThreshold: pm,
  };
}
