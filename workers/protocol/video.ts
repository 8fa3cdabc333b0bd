/**
 * Video and webcam concept tracking across the worker boundary. The UI owns the frame source (webcam or decoded
 * file) and sends frames one at a time; the worker owns the tracking state (IDs, memory banks) and returns, per
 * frame, instances whose `instanceId` is the track ID: stable while the object lives, never reused.
 */
import type { RgbaImage } from './api';
import type { ConceptPrompt, ObjectPrompt } from './prompts';
import type { InstanceResult, RleMask, StageTimings } from './results';

/** Every threshold of SAM 3's video algorithm (reference.md §9.1), as named settings. */
export interface TrackerSettings {
  /** Keep detections with score > this. */
  scoreThresholdDetection: number;
  /** Mask-IoU NMS on kept detections. */
  detNmsThreshold: number;
  /** det ↔ track matched when mask IoU ≥ this (a new detection must overlap no track this much). */
  assocIouThreshold: number;
  /** A track counts as unmatched when no detection reaches this IoU. */
  trackAssocIouThreshold: number;
  /** Only detections scoring ≥ this spawn a new ID. */
  newDetThreshold: number;
  /** Frames during which a young track can be removed. */
  hotstartDelay: number;
  /** Remove a young track unmatched on ≥ this many frames. */
  hotstartUnmatchThreshold: number;
  /** Remove the later-born of two tracks matched to one detection on ≥ this many frames. */
  hotstartDupThreshold: number;
  /** Re-condition tracks on confident detections every N frames (0 = never). */
  reconditionEveryNthFrame: number;
  /** High-confidence match for re-conditioning: detection score and IoU ≥ this. */
  reconditionMatchThreshold: number;
  /** … and the tracker's object-score logit > this. */
  reconditionObjectScoreLogit: number;
  /** Suppress the more recently occluded of two tracks whose masks overlap with IoU ≥ this. */
  overlapSuppressThreshold: number;
  /**
   * Each pixel belongs to one object, in the output and in memory (SAM 3's dense tracker, the default). Off: every
   * object keeps its own mask, overlaps included (SAM 2's video predictor and transformers' Sam3TrackerVideoModel).
   */
  nonOverlappingMasks: boolean;
  /** Drop a mask that keeps less than this fraction of its area under the non-overlap constraint (memory). */
  memoryShrinkThreshold: number;
  /** Cap on live tracks (a browser budget; the reference is unlimited). */
  maxObjects: number;
  /** Memory bank cap: recent (non-conditioning) frames per object (reference 6). */
  maxRecentFrames: number;
  /** Conditioning frames in attention (reference 4). */
  maxConditioningFrames: number;
  /** Object pointers in attention (reference 16). */
  maxObjectPointers: number;
}

export const DEFAULT_TRACKER_SETTINGS: TrackerSettings = {
  scoreThresholdDetection: 0.5,
  detNmsThreshold: 0.1,
  assocIouThreshold: 0.1,
  trackAssocIouThreshold: 0.5,
  newDetThreshold: 0.7,
  hotstartDelay: 15,
  hotstartUnmatchThreshold: 8,
  hotstartDupThreshold: 8,
  reconditionEveryNthFrame: 16,
  reconditionMatchThreshold: 0.8,
  reconditionObjectScoreLogit: 0.8,
  overlapSuppressThreshold: 0.7,
  nonOverlappingMasks: true,
  memoryShrinkThreshold: 0.3,
  maxObjects: 64,
  maxRecentFrames: 6,
  maxConditioningFrames: 4,
  maxObjectPointers: 16,
};

export interface VideoSessionOptions {
  /** `live`: webcam, newest frame wins; `file`: every frame in order. */
  mode: 'live' | 'file';
  /** Run the detector every N frames (1 = every frame); the tracker runs every frame. */
  detectEvery: number;
  settings?: Partial<TrackerSettings>;
  /** Also return pycocotools RLE strings per instance (file mode, for the masklet export). */
  withCocoRle?: boolean;
  /** Each instance's mask bitmaps with its frame (default true; browser only): the page paints no mask itself. */
  bitmaps?: boolean;
}

export interface VideoSessionInfo {
  sessionId: string;
  /** `memory`: the pack's memory graphs; `prompt-decoder`: each object re-prompted with its last box + a point. */
  propagation: 'memory' | 'prompt-decoder';
  propagationReason: string;
  settings: TrackerSettings;
}

export interface VideoFrameInput {
  sessionId: string;
  frameIndex: number;
  timestampMs: number;
  /** Browser: the frame as a bitmap (transferred). Node tests: raw RGBA. */
  bitmap?: ImageBitmap;
  rgba?: RgbaImage;
  /**
   * The frame's own size when `bitmap` is a copy already downscaled for the model (file mode decodes with
   * WebCodecs and resizes on the GPU): boxes, masks and prompts stay in these pixels. Absent: the bitmap is the frame.
   */
  sourceSize?: { width: number; height: number };
  /** The prompts in force from this frame on (phrases, exemplar boxes, clicked objects). */
  concepts: ConceptPrompt[];
  objects?: ObjectPrompt[];
  scoreThreshold: number;
}

/**
 * Why a track was removed: `unconfirmed` (hotstart: a young track unmatched by the detector on too many of its first
 * frames), `duplicate` (hotstart: a young track matched to the same detection as an older one), `negative-box`
 * (the user drew a negative exemplar box over it).
 */
export type TrackRemovalReason = 'unconfirmed' | 'duplicate' | 'negative-box';

export interface VideoInstance extends InstanceResult {
  cocoRle?: { size: [number, number]; counts: string };
  /**
   * Still within its hotstart window (reference.md §9.2): the track may yet be removed as unconfirmed or a
   * duplicate. The UI draws it as provisional, or holds the output back until it is confirmed (output delay).
   */
  provisional?: boolean;
}

export interface VideoFrameResult {
  sessionId: string;
  frameIndex: number;
  timestampMs: number;
  /** `instanceId` = track ID. Masks at the frame's display size. */
  instances: VideoInstance[];
  width: number;
  height: number;
  displayWidth: number;
  displayHeight: number;
  /** Whether the detector ran on this frame (see detectEvery). */
  detectorRan: boolean;
  /** IDs born and removed on this frame. */
  born: number[];
  removed: number[];
  /** Why each ID in `removed` went (the UI tells the person; a hotstart removal is hidden from earlier output). */
  removedReasons?: Record<number, TrackRemovalReason>;
  timingsMs: StageTimings;
  graphRuns: Record<string, number>;
}

/**
 * Which way an edit re-propagates from its frame (the reference's `propagation_direction`): toward the end, toward
 * the start, or both (forward first, then backward).
 */
export type PropagationDirection = 'forward' | 'backward' | 'both';

/** The frames an edit on `anchor` re-runs, in the order they must be sent: forward from it, then backward. */
export function editFrameOrder(anchor: number, frameCount: number, direction: PropagationDirection): number[] {
  const out: number[] = [];
  if (direction !== 'backward') for (let f = anchor + 1; f < frameCount; f++) out.push(f);
  if (direction !== 'forward') for (let f = anchor - 1; f >= 0; f--) out.push(f);
  return out;
}

/** One frame's pixels, as `VideoFrameInput` carries them. */
export interface VideoFramePixels {
  frameIndex: number;
  timestampMs: number;
  bitmap?: ImageBitmap;
  rgba?: RgbaImage;
  sourceSize?: { width: number; height: number };
}

/**
 * A prompt on a frame of a processed file (the session's frames 0…frameCount − 1 were all processed): each object
 * prompt becomes a conditioning frame of its track (`trackId`) or of a new track, and propagates forward and/or
 * backward from the frame over the whole clip, for those objects only (reference.md §10.5, §10.6).
 */
export interface VideoEditRequest extends VideoFramePixels {
  sessionId: string;
  frameCount: number;
  direction: PropagationDirection;
  objects: ObjectPrompt[];
  /** The session's concepts (labels of the instances returned). */
  concepts: ConceptPrompt[];
}

/** A frame of an edit's propagation, sent in the order `VideoEditInfo.frames` lists. */
export interface VideoEditFrameInput extends VideoFramePixels {
  editId: string;
  /**
   * What the results hold on this frame for the edit's objects (display-size masks; null = none): once every
   * re-run object that existed before the edit agrees with it again, the rest of that direction is left as it is.
   */
  stored?: Record<number, RleMask | null>;
}

/** An edit's result on one frame: new masks for the objects in `updated` (absent there = no mask on this frame). */
export interface VideoEditResult extends VideoFrameResult {
  editId: string;
  /** The objects re-run on this frame; every other object's stored mask stays as it is. */
  updated: number[];
  /** The next frame to send, or null when the edit is done. */
  next: number | null;
}

export interface VideoEditInfo {
  editId: string;
  /** The objects the edit re-propagates (track IDs). */
  objectIds: number[];
  /** IDs born by the edit (a prompt away from every track). */
  born: number[];
  /** The frames to send, in order (`editFrameOrder`). */
  frames: number[];
  /** The prompted frame's result. */
  anchor: VideoEditResult;
}
