/**
 * Accuracy of an engine run against PyTorch fp32's outputs on the same cases (tools/export/torch_bench.py's goldens):
 * the engine's kept instances are matched to PyTorch's kept queries by mask IoU (greedy, best pair first); a pair
 * with IoU ≥ 0.5 is a true positive. Instance F1 = 2·TP / (engine kept + PyTorch kept); mask IoU and |Δscore| are
 * taken over the matched pairs. Clicks compare the best candidate's mask, video frames each tracked object's mask.
 */
import { decodeMaskToFrame } from '../../workers/core/rle';
import type { InstanceResult } from '../../workers/protocol/results';

export const MATCH_IOU = 0.5;

export interface CaseAccuracy {
  engineKept: number;
  torchKept: number;
  truePositives: number;
  ious: number[];
  scoreDiffs: number[];
}

export interface AccuracySummary {
  instanceF1: number;
  maskIouMin: number | null;
  maskIouMean: number | null;
  maxAbsScore: number | null;
  engineKept: number;
  torchKept: number;
  truePositives: number;
  cases: Record<string, CaseAccuracy>;
}

/** IoU of two 0/1 masks of the same frame (1 when both are empty). */
export function iou(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`mask sizes differ: ${a.length} vs ${b.length}`);
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] !== 0;
    const y = b[i] !== 0;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return union === 0 ? 1 : inter / union;
}

export interface TorchDetection {
  /** σ(logit)·σ(presence) of every query. */
  scores: Float32Array;
  kept: number[];
  /** Masks (0/1, image size) of the kept queries that have one (the ≤ 32 best), by query. */
  masks: Map<number, Uint8Array>;
}

/** Greedy one-to-one matching by IoU (best pair first). */
export function matchDetections(engine: readonly InstanceResult[], torch: TorchDetection): CaseAccuracy {
  const engineMasks = engine.map((i) => decodeMaskToFrame(i.mask));
  const pairs: { e: number; q: number; iou: number }[] = [];
  for (let e = 0; e < engine.length; e++) {
    for (const [q, m] of torch.masks) pairs.push({ e, q, iou: iou(engineMasks[e], m) });
  }
  pairs.sort((a, b) => b.iou - a.iou);
  const usedE = new Set<number>();
  const usedQ = new Set<number>();
  const out: CaseAccuracy = {
    engineKept: engine.length,
    torchKept: torch.kept.length,
    truePositives: 0,
    ious: [],
    scoreDiffs: [],
  };
  for (const p of pairs) {
    if (p.iou < MATCH_IOU) break;
    if (usedE.has(p.e) || usedQ.has(p.q)) continue;
    usedE.add(p.e);
    usedQ.add(p.q);
    out.truePositives++;
    out.ious.push(p.iou);
    out.scoreDiffs.push(Math.abs(engine[p.e].score - torch.scores[p.q]));
  }
  return out;
}

/** One mask against one mask (a click's best candidate, a tracked object on a frame): a pair when both are there. */
export function matchMasks(engine: Uint8Array | null, torch: Uint8Array | null): CaseAccuracy {
  const has = (m: Uint8Array | null) => m !== null && m.some((v) => v !== 0);
  const e = has(engine);
  const t = has(torch);
  const out: CaseAccuracy = { engineKept: e ? 1 : 0, torchKept: t ? 1 : 0, truePositives: 0, ious: [], scoreDiffs: [] };
  if (e && t) {
    const v = iou(engine!, torch!);
    if (v >= MATCH_IOU) out.truePositives = 1;
    out.ious.push(v);
  }
  return out;
}

export function summarise(cases: Record<string, CaseAccuracy>): AccuracySummary {
  const all = Object.values(cases);
  const sum = (f: (c: CaseAccuracy) => number) => all.reduce((n, c) => n + f(c), 0);
  const engineKept = sum((c) => c.engineKept);
  const torchKept = sum((c) => c.torchKept);
  const tp = sum((c) => c.truePositives);
  const ious = all.flatMap((c) => c.ious);
  const diffs = all.flatMap((c) => c.scoreDiffs);
  return {
    instanceF1: engineKept + torchKept === 0 ? 1 : (2 * tp) / (engineKept + torchKept),
    maskIouMin: ious.length ? Math.min(...ious) : null,
    maskIouMean: ious.length ? ious.reduce((a, b) => a + b, 0) / ious.length : null,
    maxAbsScore: diffs.length ? Math.max(...diffs) : null,
    engineKept,
    torchKept,
    truePositives: tp,
    cases,
  };
}
