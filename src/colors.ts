/**
 * Deterministic instance colours: each concept gets its own hue family, each instance of that concept its own
 * shade within the family. Pure; no DOM.
 */

export type Rgb = [number, number, number];

/** Hue (degrees) of the first concepts, spread so that neighbouring families are at least 40° apart. */
const BASE_HUES = [210, 30, 120, 300, 170, 350, 75, 255];
const GOLDEN_ANGLE = 137.508;

/** Shades within a family: small hue shifts and stepped lightness, so instances stay distinguishable. */
const SHADES: { dh: number; l: number }[] = [
  { dh: 0, l: 50 },
  { dh: -7, l: 38 },
  { dh: 7, l: 62 },
  { dh: -3, l: 44 },
  { dh: 3, l: 56 },
  { dh: -10, l: 32 },
  { dh: 10, l: 68 },
];
const SATURATION = 78;
/** Largest hue shift of a shade away from its family's base hue. */
export const MAX_SHADE_HUE_SHIFT = 10;

export function conceptHue(conceptIndex: number): number {
  if (conceptIndex < BASE_HUES.length) return BASE_HUES[conceptIndex];
  return (BASE_HUES[0] + conceptIndex * GOLDEN_ANGLE) % 360;
}

export interface InstanceColor {
  hue: number;
  fill: Rgb;
  outline: Rgb;
  css: string;
}

/** Colour of the `rank`-th instance (0-based, in result order) of the concept at `conceptIndex`. */
export function instanceColor(conceptIndex: number, rank: number): InstanceColor {
  const shade = SHADES[rank % SHADES.length];
  // Past the table, nudge lightness so that even large counts keep changing.
  const cycle = Math.floor(rank / SHADES.length);
  const l = clamp(shade.l + ((cycle * 5) % 15) - 5, 25, 75);
  const hue = (conceptHue(conceptIndex) + shade.dh + 360) % 360;
  const fill = hslToRgb(hue, SATURATION, l);
  const outline = hslToRgb(hue, SATURATION, l * 0.55);
  return { hue, fill, outline, css: rgbCss(fill) };
}

export function rgbCss([r, g, b]: Rgb, alpha = 1): string {
  return alpha === 1 ? `rgb(${r} ${g} ${b})` : `rgb(${r} ${g} ${b} / ${alpha})`;
}

/** h in degrees, s and l in percent. */
export function hslToRgb(h: number, s: number, l: number): Rgb {
  const sat = s / 100;
  const lig = l / 100;
  const k = (n: number) => (n + h / 30) % 12;
  const a = sat * Math.min(lig, 1 - lig);
  const f = (n: number) => lig - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [Math.round(f(0) * 255), Math.round(f(8) * 255), Math.round(f(4) * 255)];
}

/** Hue in degrees of an RGB colour (0 for greys). */
export function rgbHue([r, g, b]: Rgb): number {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  if (d === 0) return 0;
  let h: number;
  if (max === r) h = ((g - b) / d) % 6;
  else if (max === g) h = (b - r) / d + 2;
  else h = (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

export function hueDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}
