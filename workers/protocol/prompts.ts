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

export interface SegmentRequest {
  imageId: string;
  concepts: ConceptPrompt[];
  /** Keep instances with score > threshold (strict, SAM 3 default 0.5). */
  scoreThreshold: number;
}
