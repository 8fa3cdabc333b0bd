/**
 * Graph-building steps shared by detector.onnx and tracker.onnx on the 64² grid: box coverage of grid cells,
 * 8-connected component labels by propagation, the background (border-dominant) class, nearest ×2 upsampling.
 * Each emits the same nodes in the same order as the code it replaced, so the generated pack is unchanged.
 */
import type { GraphBuilder } from './onnxBuilder.ts';
import { GRID1 } from './visionGraph.ts';

const G = GRID1;
const CELLS = G * G;

export function range(n: number, f: (i: number) => number): number[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

/** Fraction of each of `n` cells covered by [lo, hi) (cell units), for rows [M,1] → [M,n]. */
export function overlap(g: GraphBuilder, lo: string, hi: string, n: number): string {
  const cellLo = g.f32(
    range(n, (j) => j),
    [1, n],
  );
  const cellHi = g.f32(
    range(n, (j) => j + 1),
    [1, n],
  );
  return g.op('Relu', [g.sub(g.op('Min', [hi, cellHi]), g.op('Max', [lo, cellLo]))]);
}

/** Coverage of every cell of an n×n grid from per-row x and y overlaps [M,n] → [M,n·n]. */
export function gridCover(g: GraphBuilder, ovX: string, ovY: string, n: number): string {
  const cover = g.mul(g.op('Unsqueeze', [ovY, g.i64([2], [1])]), g.op('Unsqueeze', [ovX, g.i64([1], [1])]));
  return g.reshape(cover, [-1, n * n]);
}

/**
 * 8-connected components of `on` [1,C,64,64] by `steps` of 3×3 max-propagation: every cell takes the max of
 * `rev` (4096 − cell index, [1,1,64,64]) over its component.
 */
export function componentLabels(g: GraphBuilder, on: string, steps: number): { rev: string; label: string } {
  const rev = g.f32(
    range(CELLS, (i) => CELLS - i),
    [1, 1, G, G],
  );
  let label = g.mul(on, rev);
  for (let s = 0; s < steps; s++) label = g.mul(g.maxPool2d(label, 3, 1, 1), on);
  return { rev, label };
}

/**
 * The background class [1,P] (1 for the class dominant on the 64² border) from class fractions `fracT`
 * [4096,P], and the box-vote weight per class [1,P] with the background weighted `backgroundWeight`.
 */
export function backgroundClass(
  g: GraphBuilder,
  fracT: string,
  backgroundWeight: number,
): { isBg: string; classWeight: string } {
  const border = new Float32Array(CELLS);
  for (let i = 0; i < CELLS; i++) {
    const r = Math.floor(i / G);
    const c = i % G;
    border[i] = r === 0 || c === 0 || r === G - 1 || c === G - 1 ? 1 : 0;
  }
  const bg = g.op('MatMul', [g.f32(border, [1, CELLS]), fracT]); // [1,P]
  const isBg = g.toFloat(g.op('Equal', [bg, g.reduce('ReduceMax', bg, [1], 1)]));
  const classWeight = g.sub(g.scalar(1), g.mul(isBg, g.scalar(1 - backgroundWeight)));
  return { isBg, classWeight };
}

/** Nearest ×2 upsample of [A,B,64,64] → [A,B,128,128]. */
export function up2(g: GraphBuilder, x: string): string {
  return g.op('Resize', [x, '', g.f32([1, 1, 2, 2], [4])], {
    mode: 'nearest',
    coordinate_transformation_mode: 'asymmetric',
    nearest_mode: 'floor',
  });
}
