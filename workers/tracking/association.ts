/**
 * Detection ↔ track association of SAM 3's video loop (reference.md §9.2 step 3, `_associate_det_trk`), pure.
 * Masks are binary on one common grid.
 */
import type { TrackerSettings } from '../protocol/video';
import { maskIou } from '../core/masks';

export interface DetectionIn {
  score: number;
  mask: Uint8Array;
}

export interface TrackIn {
  id: number;
  mask: Uint8Array;
}

export interface Association {
  /** iou[d][t] */
  iou: number[][];
  /** Tracks with a detection at IoU ≥ trackAssocIouThreshold. */
  matched: Set<number>;
  /** Non-empty tracks that are not matched. */
  unmatched: Set<number>;
  /** Tracks whose prediction is empty. */
  empty: Set<number>;
  /** Detections that may start a new track: score ≥ newDetThreshold and no track at IoU ≥ assocIouThreshold. */
  newDetections: number[];
  /** For each detection, the tracks it matches (IoU ≥ trackAssocIouThreshold). */
  tracksOfDetection: number[][];
  /** High-confidence match track → detection (score ≥ 0.8 and IoU ≥ 0.8), for re-conditioning. */
  highConfidence: Map<number, number>;
}

export function isEmptyMask(m: Uint8Array): boolean {
  for (let i = 0; i < m.length; i++) if (m[i]) return false;
  return true;
}

export function associate(
  detections: DetectionIn[],
  tracks: TrackIn[],
  s: Pick<
    TrackerSettings,
    'assocIouThreshold' | 'trackAssocIouThreshold' | 'newDetThreshold' | 'reconditionMatchThreshold'
  >,
): Association {
  const iou = detections.map((d) => tracks.map((t) => maskIou(d.mask, t.mask)));
  const matched = new Set<number>();
  const unmatched = new Set<number>();
  const empty = new Set<number>();
  const tracksOfDetection = detections.map(() => [] as number[]);
  tracks.forEach((t, ti) => {
    if (isEmptyMask(t.mask)) {
      empty.add(t.id);
      return;
    }
    let best = 0;
    detections.forEach((_, di) => {
      if (iou[di][ti] >= s.trackAssocIouThreshold) tracksOfDetection[di].push(t.id);
      best = Math.max(best, iou[di][ti]);
    });
    if (best >= s.trackAssocIouThreshold) matched.add(t.id);
    else unmatched.add(t.id);
  });
  const newDetections: number[] = [];
  const highConfidence = new Map<number, number>();
  detections.forEach((d, di) => {
    const row = iou[di];
    const maxIou = row.length ? Math.max(...row) : 0;
    const overlapsTrack = row.some((v) => v >= s.assocIouThreshold);
    if (d.score >= s.newDetThreshold && !overlapsTrack) newDetections.push(di);
    if (!overlapsTrack) return;
    if (d.score >= s.reconditionMatchThreshold && maxIou >= s.reconditionMatchThreshold) {
      const ti = row.indexOf(maxIou);
      highConfidence.set(tracks[ti].id, di);
    }
  });
  return { iou, matched, unmatched, empty, newDetections, tracksOfDetection, highConfidence };
}
