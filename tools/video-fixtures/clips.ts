/**
 * Deterministic clips for video-mode tests, as scene specs per frame (tools/scenes/scene.ts draws them).
 *
 * - `LIVE_CLIP` (the fake camera): two red squares on two rows oscillating towards each other until their paths
 *   cross (same x, different rows, so the colour detector always sees two objects); a third red square appears
 *   half-way through every loop. Positions at the loop seam match, so tracks of the first two survive the loop;
 *   the third one leaves at the seam and returns later (a new ID, never a reused one). A still blue square
 *   (`LIVE_BLUE`) sits in the top-right corner, away from every red path: with the phrase "red" it is not
 *   tracked until someone clicks it (a new object, a new ID). Motion is slow (≤ 16 px/s)
 *   because live mode processes only ~1–2 frames per second on WASM in CI, and the fallback tracker follows an
 *   object only while consecutive processed masks overlap well.
 * - `FILE_CLIP` (file mode): two red squares moving right on two rows; a third appears at `lateFrame`.
 */
import { squareShape, type SceneSpec, type ShapeSpec } from '../scenes/scene.ts';

export interface ClipSpec {
  name: string;
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  /** First frame (within a loop) on which the late square is visible. */
  lateFrame: number;
  frame(i: number): SceneSpec;
}

const BACKGROUND: [number, number, number] = [236, 236, 236];

function square(x: number, y: number, size: number): ShapeSpec {
  return squareShape(Math.round(x), Math.round(y), size, 'red');
}

/** The still blue square of LIVE_CLIP (pixel edges, x1/y1 exclusive). */
export const LIVE_BLUE = { x0: 256, y0: 24, x1: 300, y1: 68 } as const;

export const LIVE_CLIP: ClipSpec = {
  name: 'fake-camera',
  width: 320,
  height: 240,
  fps: 15,
  frameCount: 300,
  lateFrame: 150,
  frame(i) {
    const k = ((i % this.frameCount) + this.frameCount) % this.frameCount;
    const phase = (1 - Math.cos((2 * Math.PI * k) / this.frameCount)) / 2; // 0 → 1 → 0 over the 20 s loop
    const size = 48;
    const shapes: ShapeSpec[] = [square(24 + 100 * phase, 24, size), square(224 - 100 * phase, 168, size)];
    if (k >= this.lateFrame) shapes.push(square(136, 96, 44));
    shapes.push({ kind: 'rect', colour: 'blue', ...LIVE_BLUE });
    return { width: this.width, height: this.height, background: BACKGROUND, shapes };
  },
};

export const FILE_CLIP: ClipSpec = {
  name: 'two-then-three',
  width: 320,
  height: 240,
  fps: 10,
  frameCount: 40,
  lateFrame: 20,
  frame(i) {
    const size = 44;
    const shapes: ShapeSpec[] = [square(16 + 3 * i, 20, size), square(140 + 3 * i, 170, size)];
    if (i >= this.lateFrame) shapes.push(square(40, 100, 40));
    return { width: this.width, height: this.height, background: BACKGROUND, shapes };
  },
};

/** Expected number of visible red squares on frame i of a clip (ground truth for tests). */
export function visibleSquares(clip: ClipSpec, i: number): number {
  return clip.frame(i).shapes.filter((s) => s.colour === 'red').length;
}

/**
 * `BLINK_CLIP`: a big red square all along, and a second red square born on frame 3 that shrinks on frame 5 below
 * what the detector reports while the tracker still follows it: the hotstart rule removes that young track as
 * unconfirmed a few frames later (the output-delay and provisional-track tests).
 */
export const BLINK_CLIP: ClipSpec = {
  name: 'blink',
  width: 320,
  height: 240,
  fps: 10,
  frameCount: 20,
  lateFrame: 3,
  frame(i) {
    const shapes: ShapeSpec[] = [square(200, 150, 44)];
    if (i >= this.lateFrame) shapes.push(square(40, 60, i < 5 ? 30 : 14));
    return { width: this.width, height: this.height, background: BACKGROUND, shapes };
  },
};

/** Variable frame rate timestamps (s) for `n` frames: gaps of 50, 100 and 150 ms in turn. */
export function vfrTimestamps(n: number): number[] {
  const out: number[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    out.push(Math.round(t * 1000) / 1000);
    t += [0.05, 0.1, 0.15][i % 3];
  }
  return out;
}
