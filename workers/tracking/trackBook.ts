/**
 * The track book of SAM 3's video loop (reference.md §9.2 step 3): ID birth (monotonic, never reused), hotstart
 * removal of young unmatched tracks and of later-born duplicates, the re-conditioning schedule and overlap
 * suppression. Pure state: the engine feeds it associations and masks, it answers with a plan.
 */
import type { TrackerSettings, TrackRemovalReason } from '../protocol/video';
import { maskIou } from '../core/masks';
import type { Association } from './association';

export interface TrackRecord {
  id: number;
  conceptIndex: number;
  firstFrame: number;
  /** Frames on which the track was unmatched (non-empty and no detection at IoU ≥ 0.5). */
  unmatchedFrames: number;
  /** Last frame the track was occluded (empty or suppressed); −1 = never. */
  lastOccluded: number;
  /** Frames on which this track and an earlier-born one matched the same detection, by that track's ID. */
  duplicateFrames: Map<number, number>;
  /** Started or re-conditioned by the user's clicks: exempt from hotstart removal (the user asked for it). */
  pinned: boolean;
}

export interface BirthCandidate {
  detection: number;
  score: number;
  conceptIndex: number;
}

export interface FramePlan {
  born: { id: number; detection: number }[];
  removed: number[];
  /** Why each removed ID went (hotstart: unconfirmed or duplicate). */
  reasons: Map<number, Extract<TrackRemovalReason, 'unconfirmed' | 'duplicate'>>;
  recondition: { id: number; detection: number }[];
}

export class TrackBook {
  private nextId = 1;
  readonly tracks = new Map<number, TrackRecord>();

  constructor(private readonly s: TrackerSettings) {}

  get size(): number {
    return this.tracks.size;
  }

  /**
   * One frame's bookkeeping. `births` are the association's new detections (with scores and concepts);
   * `objectScores` the tracker's object-score logits per track (for re-conditioning).
   */
  plan(
    frame: number,
    assoc: Association | null,
    births: BirthCandidate[],
    objectScores: Map<number, number>,
  ): FramePlan {
    const removed: number[] = [];
    const reasons: FramePlan['reasons'] = new Map();
    if (assoc) {
      for (const id of assoc.unmatched) {
        const t = this.tracks.get(id);
        if (!t) continue;
        t.unmatchedFrames++;
        if (!t.pinned && this.isYoung(t, frame) && t.unmatchedFrames >= this.s.hotstartUnmatchThreshold) {
          removed.push(id);
          reasons.set(id, 'unconfirmed');
        }
      }
      for (const ids of assoc.tracksOfDetection) {
        if (ids.length < 2) continue;
        const live = ids.map((id) => this.tracks.get(id)).filter((t): t is TrackRecord => Boolean(t));
        live.sort((a, b) => a.firstFrame - b.firstFrame || a.id - b.id);
        const [first, ...others] = live;
        for (const other of others) {
          const n = (other.duplicateFrames.get(first.id) ?? 0) + 1;
          other.duplicateFrames.set(first.id, n);
          if (
            n >= this.s.hotstartDupThreshold &&
            !other.pinned &&
            this.isYoung(other, frame) &&
            !removed.includes(other.id)
          ) {
            removed.push(other.id);
            reasons.set(other.id, 'duplicate');
          }
        }
      }
    }
    for (const id of removed) this.tracks.delete(id);

    const room = Math.max(0, this.s.maxObjects - this.tracks.size);
    const chosen = [...births].sort((a, b) => b.score - a.score || a.detection - b.detection).slice(0, room);
    chosen.sort((a, b) => a.detection - b.detection);
    const born = chosen.map((b) => ({ id: this.birth(frame, b.conceptIndex)!, detection: b.detection }));

    const recondition: FramePlan['recondition'] = [];
    if (assoc && this.isReconditionFrame(frame)) {
      for (const [id, detection] of assoc.highConfidence) {
        if (this.tracks.has(id) && (objectScores.get(id) ?? -Infinity) > this.s.reconditionObjectScoreLogit) {
          recondition.push({ id, detection });
        }
      }
    }
    return { born, removed, reasons, recondition };
  }

  /**
   * A track the hotstart rule may still remove (young, not the user's): shown as provisional, or held back by an
   * output delay. A removed or unknown ID is not provisional.
   */
  isProvisional(id: number, frame: number): boolean {
    const t = this.tracks.get(id);
    return t !== undefined && !t.pinned && this.isYoung(t, frame);
  }

  /** A new track (pinned when the user started it with clicks); null when the cap is reached. */
  birth(frame: number, conceptIndex: number, pinned = false): number | null {
    if (this.tracks.size >= this.s.maxObjects) return null;
    const id = this.nextId++;
    this.tracks.set(id, {
      id,
      conceptIndex,
      firstFrame: frame,
      unmatchedFrames: 0,
      lastOccluded: -1,
      duplicateFrames: new Map(),
      pinned,
    });
    return id;
  }

  /** Marks a track as the user's (a click re-conditioned it). */
  pin(id: number): void {
    const t = this.tracks.get(id);
    if (t) t.pinned = true;
  }

  isReconditionFrame(frame: number): boolean {
    const n = this.s.reconditionEveryNthFrame;
    return n > 0 && frame > 0 && frame % n === 0;
  }

  /** Within its hotstart window. */
  isYoung(t: TrackRecord, frame: number): boolean {
    return frame - t.firstFrame < this.s.hotstartDelay;
  }

  /**
   * Overlap suppression: for each pair of tracked masks with IoU ≥ threshold, the one occluded more recently is
   * suppressed; it fires only when both have a recorded occlusion. Records this frame's occlusions (empty or
   * suppressed). Returns the suppressed IDs.
   */
  suppressOverlaps(frame: number, masks: Map<number, Uint8Array>, empty: Set<number>): Set<number> {
    const suppressed = new Set<number>();
    const ids = [...masks.keys()].filter((id) => !empty.has(id));
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const a = this.tracks.get(ids[i]);
        const b = this.tracks.get(ids[j]);
        if (!a || !b || a.lastOccluded < 0 || b.lastOccluded < 0) continue;
        if (maskIou(masks.get(a.id)!, masks.get(b.id)!) < this.s.overlapSuppressThreshold) continue;
        suppressed.add(
          a.lastOccluded > b.lastOccluded || (a.lastOccluded === b.lastOccluded && a.id > b.id) ? a.id : b.id,
        );
      }
    }
    for (const id of [...empty, ...suppressed]) {
      const t = this.tracks.get(id);
      if (t) t.lastOccluded = frame;
    }
    return suppressed;
  }

  remove(id: number): void {
    this.tracks.delete(id);
  }
}

/**
 * A frame's masks as the output shows them: with `nonOverlappingMasks` (SAM 3's dense tracker) made
 * non-overlapping by `resolveOverlaps` (pixels to the higher tracker score), without it (SAM 2's and transformers'
 * Sam3TrackerVideoModel's semantics) as they are.
 */
export function outputMasks(
  masks: { id: number; score: number; mask: Uint8Array }[],
  settings: Pick<TrackerSettings, 'nonOverlappingMasks'>,
): Map<number, Uint8Array> {
  if (!settings.nonOverlappingMasks) return new Map(masks.map((m) => [m.id, m.mask]));
  return resolveOverlaps(masks);
}

/**
 * What memory encodes of each object on this frame (reference.md §9.2, `_tracker_update_memories`): with
 * `nonOverlappingMasks`, pixel-wise non-overlap by argmax over the objects' logits — the winner keeps its logit, the
 * others are clamped to ≤ −10 — and an object left with less than `memoryShrinkThreshold` of its set pixels is
 * cleared entirely; without it every object's logits as decoded. A suppressed object is cleared either way, before
 * the non-overlap, so it takes no pixel from another. One object alone is always encoded as decoded.
 */
export function memoryPlanes(
  objects: { id: number; logits: Float32Array }[],
  settings: Pick<TrackerSettings, 'nonOverlappingMasks' | 'memoryShrinkThreshold'>,
  suppressed: ReadonlySet<number> = new Set(),
): Map<number, Float32Array> {
  const cleared = (l: Float32Array) => l.map((v) => Math.min(v, -10));
  // A suppressed object is cleared before the non-overlap: it claims no pixel from the others.
  const planes = objects.map((o) => (suppressed.has(o.id) ? cleared(o.logits) : o.logits));
  const out = new Map<number, Float32Array>();
  if (!settings.nonOverlappingMasks || objects.length < 2) {
    objects.forEach((o, k) => out.set(o.id, planes[k]));
    return out;
  }
  const n = planes[0].length;
  const winner = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < planes.length; k++) if (planes[k][i] > planes[best][i]) best = k;
    winner[i] = best;
  }
  objects.forEach((o, k) => {
    let before = 0;
    let after = 0;
    const plane = planes[k].map((v, i) => {
      if (v > 0) before++;
      if (winner[i] === k) {
        if (v > 0) after++;
        return v;
      }
      return Math.min(v, -10);
    });
    const shrunk = before > 0 && after < settings.memoryShrinkThreshold * before;
    out.set(o.id, shrunk ? cleared(planes[k]) : plane);
  });
  return out;
}

/** Object-wise non-overlap on one grid (the output rule): each pixel claimed by several masks goes to the highest score. */
export function resolveOverlaps(masks: { id: number; score: number; mask: Uint8Array }[]): Map<number, Uint8Array> {
  const order = [...masks].sort((a, b) => b.score - a.score || a.id - b.id);
  const n = masks[0]?.mask.length ?? 0;
  const owner = new Int32Array(n).fill(-1);
  order.forEach((m, k) => {
    for (let i = 0; i < n; i++) if (m.mask[i] && owner[i] < 0) owner[i] = k;
  });
  const out = new Map<number, Uint8Array>();
  order.forEach((m, k) =>
    out.set(
      m.id,
      Uint8Array.from(owner, (o) => (o === k ? 1 : 0)),
    ),
  );
  return out;
}
