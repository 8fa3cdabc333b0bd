/**
 * Deterministic synthetic scenes: axis-aligned rectangles and circles of palette colours on a background,
 * rendered with hard edges, with per-shape ground truth (colour, pixel box, visible mask).
 */
import { PALETTE, paletteIndex, type Rgb } from './palette.ts';

export type ShapeSpec =
  | { kind: 'rect'; colour: string; x0: number; y0: number; x1: number; y1: number }
  | { kind: 'circle'; colour: string; cx: number; cy: number; r: number };

/** A `size` × `size` square of `colour` with its top-left corner at (x0, y0) (x1/y1 exclusive). */
export function squareShape(x0: number, y0: number, size: number, colour: string): ShapeSpec {
  return { kind: 'rect', colour, x0, y0, x1: x0 + size, y1: y0 + size };
}

export interface SceneSpec {
  width: number;
  height: number;
  /** A palette colour name or an RGB triple. */
  background: string | Rgb;
  shapes: ShapeSpec[];
  /** Uniform per-channel noise amplitude (0 = none), e.g. 12 to mimic JPEG noise. */
  noise?: number;
  seed?: number;
}

export interface SceneShape {
  kind: ShapeSpec['kind'];
  colour: string;
  /** Pixel-edge box [x0, y0, x1, y1] of the visible mask (x1/y1 exclusive). */
  box: [number, number, number, number];
  /** 1 where the shape is visible (later shapes paint over earlier ones). */
  mask: Uint8Array;
  area: number;
}

export interface Scene {
  width: number;
  height: number;
  /** RGBA, row-major. */
  data: Uint8Array;
  shapes: SceneShape[];
}

/** mulberry32: a small deterministic PRNG returning [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function rgbOf(c: string | Rgb): Rgb {
  return typeof c === 'string' ? PALETTE[paletteIndex(c)].rgb : c;
}

function inside(s: ShapeSpec, x: number, y: number): boolean {
  const px = x + 0.5;
  const py = y + 0.5;
  if (s.kind === 'rect') return px >= s.x0 && px < s.x1 && py >= s.y0 && py < s.y1;
  return (px - s.cx) ** 2 + (py - s.cy) ** 2 <= s.r * s.r;
}

export function renderScene(spec: SceneSpec): Scene {
  const { width, height } = spec;
  const owner = new Int16Array(width * height).fill(-1);
  spec.shapes.forEach((s, k) => {
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (inside(s, x, y)) owner[y * width + x] = k;
  });
  const rand = prng(spec.seed ?? 1);
  const noise = spec.noise ?? 0;
  const bg = rgbOf(spec.background);
  const colours = spec.shapes.map((s) => rgbOf(s.colour));
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const rgb = owner[i] < 0 ? bg : colours[owner[i]];
    for (let c = 0; c < 3; c++) {
      const n = noise ? Math.round((rand() * 2 - 1) * noise) : 0;
      data[i * 4 + c] = Math.max(0, Math.min(255, rgb[c] + n));
    }
    data[i * 4 + 3] = 255;
  }
  const shapes = spec.shapes.map((s, k): SceneShape => {
    const mask = new Uint8Array(width * height);
    let [x0, y0, x1, y1] = [width, height, 0, 0];
    let area = 0;
    for (let i = 0; i < mask.length; i++) {
      if (owner[i] !== k) continue;
      mask[i] = 1;
      area++;
      const x = i % width;
      const y = (i - x) / width;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x + 1);
      y1 = Math.max(y1, y + 1);
    }
    return { kind: s.kind, colour: s.colour, box: [x0, y0, x1, y1], mask, area };
  });
  return { width, height, data, shapes };
}

/**
 * A random scene of `count` non-overlapping shapes (min side `minSize` px, with a gap of at least `gap` px
 * between shapes and from the border), deterministic in `seed`.
 */
export function randomScene(
  seed: number,
  width: number,
  height: number,
  count: number,
  colours: string[],
  options: { minSize?: number; maxSize?: number; gap?: number; background?: string | Rgb; noise?: number } = {},
): SceneSpec {
  const { minSize = 40, maxSize = 120, gap = 16, background = 'white', noise = 0 } = options;
  const rand = prng(seed);
  const placed: [number, number, number, number][] = [];
  const shapes: ShapeSpec[] = [];
  for (let tries = 0; shapes.length < count && tries < 2000; tries++) {
    const w = Math.round(minSize + rand() * (maxSize - minSize));
    const circle = rand() < 0.4;
    const h = circle ? w : Math.round(minSize + rand() * (maxSize - minSize));
    const x0 = Math.round(gap + rand() * (width - w - 2 * gap));
    const y0 = Math.round(gap + rand() * (height - h - 2 * gap));
    const b: [number, number, number, number] = [x0, y0, x0 + w, y0 + h];
    if (placed.some((p) => b[0] < p[2] + gap && p[0] < b[2] + gap && b[1] < p[3] + gap && p[1] < b[3] + gap)) continue;
    placed.push(b);
    const colour = colours[shapes.length % colours.length];
    shapes.push(
      circle
        ? { kind: 'circle', colour, cx: x0 + w / 2, cy: y0 + w / 2, r: w / 2 }
        : { kind: 'rect', colour, x0, y0, x1: x0 + w, y1: y0 + h },
    );
  }
  return { width, height, background, shapes, noise, seed };
}

/** The committed sample public/samples/shapes.png (640×480). */
export const SHAPES_SAMPLE: SceneSpec = {
  width: 640,
  height: 480,
  background: [236, 236, 236],
  shapes: [
    { kind: 'rect', colour: 'red', x0: 60, y0: 60, x1: 170, y1: 170 },
    { kind: 'rect', colour: 'red', x0: 440, y0: 300, x1: 560, y1: 420 },
    { kind: 'circle', colour: 'green', cx: 330, cy: 130, r: 70 },
    { kind: 'rect', colour: 'blue', x0: 80, y0: 280, x1: 330, y1: 400 },
    { kind: 'circle', colour: 'yellow', cx: 530, cy: 120, r: 55 },
  ],
};

/** A second sample: a busier scene with every palette colour but the background's. */
export const PALETTE_SAMPLE: SceneSpec = randomScene(
  7,
  800,
  600,
  11,
  PALETTE.map((c) => c.name).filter((n) => n !== 'white'),
  { minSize: 50, maxSize: 130, gap: 20, background: 'white' },
);
