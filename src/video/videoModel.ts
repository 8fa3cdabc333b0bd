/**
 * Pure video-mode rules: compact per-frame results, the track list (first/last frame per ID), colours that follow
 * track IDs, and the live/file statistics (rates, ETA). No DOM, no store: Node tests import this directly.
 */
import type { RleMask, TrackRemovalReason, VideoFrameResult } from '../../workers/protocol';
import { maskIdentity, rleContains } from '../draw/maskBitmap';
import { instanceColor, type InstanceColor } from '../colors';

/** Instances made with clicks have no concept; they share their own hue family (as in image mode). */
export const OBJECT_HUE_FAMILY = 6;

export interface CocoRle {
  size: [number, number];
  counts: string;
}

/** One tracked object on one frame: only what drawing and export need (no timings, no candidates). */
export interface CompactObject {
  id: number;
  conceptId: string;
  conceptIndex: number;
  score: number;
  /** [x1, y1, x2, y2] in original frame pixels. */
  boxXyxyPx: [number, number, number, number];
  areaPx: number;
  /** Row-major RLE at the frame's display size. */
  mask: RleMask;
  cocoRle?: CocoRle;
  /** Young track the hotstart rule may still remove (drawn as provisional). */
  provisional?: boolean;
}

export interface CompactFrame {
  frameIndex: number;
  timestampMs: number;
  width: number;
  height: number;
  displayWidth: number;
  displayHeight: number;
  detectorRan: boolean;
  objects: CompactObject[];
}

export function compactFrame(result: VideoFrameResult): CompactFrame {
  return {
    frameIndex: result.frameIndex,
    timestampMs: result.timestampMs,
    width: result.width,
    height: result.height,
    displayWidth: result.displayWidth,
    displayHeight: result.displayHeight,
    detectorRan: result.detectorRan,
    objects: result.instances.map((inst) => ({
      id: inst.instanceId,
      conceptId: inst.conceptId,
      conceptIndex: inst.source === 'object' || inst.conceptIndex < 0 ? OBJECT_HUE_FAMILY : inst.conceptIndex,
      score: inst.score,
      boxXyxyPx: [...inst.boxXyxyPx],
      areaPx: inst.areaPx,
      mask: inst.mask,
      ...(inst.cocoRle ? { cocoRle: inst.cocoRle } : {}),
      ...(inst.provisional ? { provisional: true } : {}),
    })),
  };
}

const maskIds = new WeakMap<RleMask, string>();

/**
 * The identity of an object's mask for the painter's bitmaps (draw/maskSources.ts): by content, so a frame read back
 * from the store finds the bitmaps that came with its result.
 */
export function objectMaskId(o: Pick<CompactObject, 'mask'>): string {
  let id = maskIds.get(o.mask);
  if (!id) maskIds.set(o.mask, (id = maskIdentity(o.mask, 'v')));
  return id;
}

/** The tracked object (track ID) whose mask covers frame pixel (x, y), or null (background). */
export function objectAt(frame: CompactFrame | null, x: number, y: number): number | null {
  if (!frame || frame.width <= 0 || frame.height <= 0) return null;
  const mx = (x * frame.displayWidth) / frame.width;
  const my = (y * frame.displayHeight) / frame.height;
  return frame.objects.find((o) => rleContains(o.mask, mx, my))?.id ?? null;
}

// ---- Tracks ------------------------------------------------------------------------------------------------

export interface TrackInfo {
  id: number;
  conceptId: string;
  /** Hue family at birth: the colour never changes afterwards, even if concepts are reordered. */
  conceptIndex: number;
  firstFrame: number;
  lastFrame: number;
  /** Frames the object was seen on. */
  frameCount: number;
  /** Where the ID is present: inclusive frame ranges, in order (the track panel's timeline strip). */
  spans: [number, number][];
  /** Set when the tracker removed the track (why, and on which frame). */
  removed?: { reason: TrackRemovalReason; frameIndex: number };
}

export type TrackTable = Readonly<Record<number, TrackInfo>>;

/** What the track table reads of a frame: its index and its objects' IDs and concepts. */
export interface TrackFrame {
  frameIndex: number;
  objects: readonly Pick<CompactObject, 'id' | 'conceptId' | 'conceptIndex'>[];
}

/** The track table after one frame. Returns the same object when nothing changed (cheap React re-renders). */
export function updateTracks(tracks: TrackTable, frame: TrackFrame): TrackTable {
  if (frame.objects.length === 0) return tracks;
  const next: Record<number, TrackInfo> = { ...tracks };
  for (const o of frame.objects) {
    const t = next[o.id];
    if (!t) {
      next[o.id] = {
        id: o.id,
        conceptId: o.conceptId,
        conceptIndex: o.conceptIndex,
        firstFrame: frame.frameIndex,
        lastFrame: frame.frameIndex,
        frameCount: 1,
        spans: [[frame.frameIndex, frame.frameIndex]],
      };
    } else {
      next[o.id] = {
        ...t,
        firstFrame: Math.min(t.firstFrame, frame.frameIndex),
        lastFrame: Math.max(t.lastFrame, frame.frameIndex),
        frameCount: t.frameCount + 1,
        spans: addToSpans(t.spans, frame.frameIndex),
      };
    }
  }
  return next;
}

/** Spans with one more frame: extends the last span when the frame follows it, else starts a new one. */
export function addToSpans(spans: readonly [number, number][], frameIndex: number): [number, number][] {
  const last = spans[spans.length - 1];
  if (last && frameIndex >= last[0] && frameIndex <= last[1]) return spans as [number, number][];
  if (last && frameIndex === last[1] + 1) return [...spans.slice(0, -1), [last[0], frameIndex]];
  if (!last || frameIndex > last[1]) return [...spans, [frameIndex, frameIndex]];
  // Out of order (rare: a re-run): rebuild.
  const frames = new Set<number>([frameIndex]);
  for (const [a, b] of spans) for (let f = a; f <= b; f++) frames.add(f);
  return spansOf([...frames]);
}

/** Inclusive ranges covering a set of frame indices. */
export function spansOf(frames: readonly number[]): [number, number][] {
  const sorted = [...new Set(frames)].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const f of sorted) {
    const last = out[out.length - 1];
    if (last && f === last[1] + 1) last[1] = f;
    else out.push([f, f]);
  }
  return out;
}

/** The track table rebuilt from stored frames (after a track is deleted from a frame on, or a re-run). */
export function tracksFromFrames(frames: Iterable<TrackFrame>): TrackTable {
  let tracks: TrackTable = {};
  for (const f of frames) tracks = updateTracks(tracks, f);
  return tracks;
}

/** Marks tracks removed on a frame (the reason shows in the track list). */
export function markRemoved(
  tracks: TrackTable,
  frameIndex: number,
  reasons: Readonly<Record<number, TrackRemovalReason>>,
): TrackTable {
  const ids = Object.keys(reasons)
    .map(Number)
    .filter((id) => tracks[id] && !tracks[id].removed);
  if (ids.length === 0) return tracks;
  const next: Record<number, TrackInfo> = { ...tracks };
  for (const id of ids) next[id] = { ...tracks[id], removed: { reason: reasons[id], frameIndex } };
  return next;
}

/** What the person is told when a track they saw goes away. */
export function removalNotice(
  id: number,
  reason: TrackRemovalReason,
  s: { hotstartDelay: number; hotstartUnmatchThreshold: number },
): string {
  switch (reason) {
    case 'unconfirmed':
      return `#${id} removed: not confirmed — the detector missed it on ${s.hotstartUnmatchThreshold} of its first ${s.hotstartDelay} frames.`;
    case 'duplicate':
      return `#${id} removed: a duplicate of an older track on the same object.`;
    case 'negative-box':
      return `#${id} removed by your negative box.`;
  }
}

export function sortedTracks(tracks: TrackTable): TrackInfo[] {
  return Object.values(tracks).sort((a, b) => a.id - b.id);
}

/**
 * Colour of a track: hue family from its concept (at birth), shade from its ID. Depends on nothing else, so an
 * object keeps its colour for its whole life whatever else appears or disappears.
 */
export function trackColor(conceptIndex: number, trackId: number): InstanceColor {
  return instanceColor(conceptIndex, Math.max(0, trackId - 1));
}

/** The colour to draw an object with: its track's birth family when known. */
export function objectColor(tracks: TrackTable, o: CompactObject): InstanceColor {
  return trackColor(tracks[o.id]?.conceptIndex ?? o.conceptIndex, o.id);
}

// ---- Rates, latency, ETA -----------------------------------------------------------------------------------

/** Events per second over a sliding window of timestamps (ms). */
export class RateMeter {
  private readonly times: number[] = [];
  constructor(private readonly windowMs = 2000) {}

  push(nowMs: number): void {
    this.times.push(nowMs);
    this.trim(nowMs);
  }

  rate(nowMs: number): number {
    this.trim(nowMs);
    const n = this.times.length;
    if (n < 2) return 0;
    const span = Math.max(nowMs, this.times[n - 1]) - this.times[0];
    return span > 0 ? ((n - 1) * 1000) / span : 0;
  }

  private trim(nowMs: number): void {
    while (this.times.length > 0 && nowMs - this.times[0] > this.windowMs) this.times.shift();
  }
}

export function formatEta(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 1) return '<1 s';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** Median of a list (0 when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const v = [...values].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/**
 * Frame rate from the media times of consecutive presented frames (seconds). Within 3 % of a whole number it is
 * rounded (10, 25, 30); without usable deltas it falls back to `fallback`.
 */
export function estimateFps(mediaTimes: readonly number[], fallback = 30): number {
  const deltas: number[] = [];
  for (let i = 1; i < mediaTimes.length; i++) {
    const d = mediaTimes[i] - mediaTimes[i - 1];
    if (d > 1e-4) deltas.push(d);
  }
  if (deltas.length === 0) return fallback;
  const fps = 1 / median(deltas);
  if (!Number.isFinite(fps) || fps <= 0 || fps > 240) return fallback;
  const whole = Math.round(fps);
  return Math.abs(fps - whole) / whole < 0.03 ? whole : Math.round(fps * 100) / 100;
}

/** Frame shown at a media time (frame i covers [i/fps, (i+1)/fps)). */
export function frameAtTime(timeS: number, fps: number, frameCount: number): number {
  if (frameCount <= 0) return 0;
  return Math.min(frameCount - 1, Math.max(0, Math.floor(timeS * fps + 1e-6)));
}

/** Where to seek to show frame i: its middle, away from both edges. */
export function timeOfFrame(frameIndex: number, fps: number): number {
  return (frameIndex + 0.5) / fps;
}
