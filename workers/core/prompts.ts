/** Click and box prompts for the tracker's prompt decoder (reference.md §8). Pure. */

export interface PromptPoint {
  /** [x, y] in original image pixels. */
  xyPx: [number, number];
  positive: boolean;
}

export interface ScaledPrompt {
  /** [P·2] x,y in the input-size frame. */
  points: Float32Array;
  /** [P] 1 positive, 0 negative. */
  labels: number[];
  /** [4] xyxy in the input-size frame, or null. */
  box: Float32Array | null;
}

/**
 * Original pixels → the square input frame the graphs take: x·S/W, y·S/H (the processor's scaling; the decoder adds
 * the half-pixel offset itself). Labels 1 / 0.
 */
export function scalePointsToInput(
  points: PromptPoint[],
  boxXyxyPx: [number, number, number, number] | undefined,
  width: number,
  height: number,
  inputSize: number,
): ScaledPrompt {
  const sx = inputSize / width;
  const sy = inputSize / height;
  const scaled = new Float32Array(points.length * 2);
  points.forEach((p, i) => {
    scaled[i * 2] = p.xyPx[0] * sx;
    scaled[i * 2 + 1] = p.xyPx[1] * sy;
  });
  const box = boxXyxyPx
    ? Float32Array.of(boxXyxyPx[0] * sx, boxXyxyPx[1] * sy, boxXyxyPx[2] * sx, boxXyxyPx[3] * sy)
    : null;
  return { points: scaled, labels: points.map((p) => (p.positive ? 1 : 0)), box };
}

/** Index of the candidate to show: `choice` counts from the best by predicted IoU, wrapping around. */
export function candidateAt(order: readonly number[], choice: number): number {
  const n = order.length;
  return order[((choice % n) + n) % n];
}
