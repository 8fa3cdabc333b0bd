/** Prompts as the UI sends them. All coordinates are original-image pixels. */

export type Polarity = 'positive' | 'negative';

export interface ExemplarBox {
  id: string;
  /** [x1, y1, x2, y2] in original image pixels. */
  xyxyPx: [number, number, number, number];
  polarity: Polarity;
}

/** One concept: a noun phrase and/or exemplar boxes. Empty phrase + boxes = the text "visual". */
export interface ConceptPrompt {
  id: string;
  phrase: string;
  boxes: ExemplarBox[];
}

/** A click on the image: positive adds the region under it, negative cuts it out. */
export interface ClickPoint {
  id: string;
  /** [x, y] in original image pixels. */
  xyPx: [number, number];
  polarity: Polarity;
}

/**
 * One object fixed with clicks (and optionally a box) through the tracker's prompt decoder (PVS).
 * It either refines a detector instance (which keeps its ID) or is a new object.
 */
export interface ObjectPrompt {
  id: string;
  points: ClickPoint[];
  /** [x1, y1, x2, y2] in original image pixels. */
  boxXyxyPx?: [number, number, number, number];
  /** Which of the decoder's candidate masks: 0 = best by predicted IoU, then the next ones. */
  candidate: number;
  /** The detector instance this object replaces: its concept and query (still images). */
  refines?: { conceptId: string; query: number };
  /** Video: the track (instance ID) this object re-conditions from the frame it is added on. */
  trackId?: number;
}

/**
 * An annotator's edit of one instance, keyed by its ID (an ID belongs to its object: the same across threshold
 * changes and re-detection, never reused within an image). Applied by the engine to what it shows and exports.
 */
export interface InstanceEdit {
  instanceId: number;
  /** Not drawn and not exported; still listed (to show it again). */
  hidden?: boolean;
  /** Gone from the list, the canvas and the export. */
  deleted?: boolean;
  /** Moved to this concept: its label, colour family and export category follow. */
  conceptId?: string;
}

export interface SegmentRequest {
  imageId: string;
  concepts: ConceptPrompt[];
  /** Objects fixed with clicks (empty or absent when none). */
  objects?: ObjectPrompt[];
  /** Edits of instances (hide, delete, move to another concept); absent when none. */
  edits?: InstanceEdit[];
  /** Keep instances with score > threshold (strict, SAM 3 default 0.5). */
  scoreThreshold: number;
}
