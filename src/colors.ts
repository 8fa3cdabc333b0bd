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

// ---- Colours that contrast with the pixels under each mask --------------------------------------------------

/** CIE L*a*b* (D65) of an sRGB colour. */
export function rgbToLab([r, g, b]: Rgb): [number, number, number] {
  const lin = (c: number) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const [R, G, B] = [lin(r), lin(g), lin(b)];
  const x = (0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047;
  const y = 0.2126 * R + 0.7152 * G + 0.0722 * B;
  const z = (0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 / 116) * t + 16 / 116);
  const [fx, fy, fz] = [f(x), f(y), f(z)];
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

type Lab = [number, number, number];

function labDistance(a: Lab, b: Lab): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** Perceptual difference (CIE76 ΔE): about 2.3 is just noticeable, 20+ is plainly different. */
export function deltaE(a: Rgb, b: Rgb): number {
  return labDistance(rgbToLab(a), rgbToLab(b));
}

/** `over` drawn with `alpha` (0..1) on `under`: what the eye sees inside a mask. */
export function blendRgb(under: Rgb, over: Rgb, alpha: number): Rgb {
  return [0, 1, 2].map((i) => Math.round(under[i] * (1 - alpha) + over[i] * alpha)) as Rgb;
}

/** WCAG relative luminance, 0 (black) … 1 (white). */
export function relativeLuminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** Candidate mask colours: twelve hues 30° apart, each at two lightnesses, all strongly saturated. */
export const CONTRAST_PALETTE: readonly Rgb[] = [50, 68].flatMap((l) =>
  Array.from({ length: 12 }, (_, i) => hslToRgb(i * 30 + (l === 68 ? 15 : 0), 90, l)),
);

/** A separation between two instances' blended colours counts this much more than visibility (ΔE units). */
const SEPARATION_WEIGHT = 1.2;
/**
 * How much a colourful blend is preferred: a complementary fill makes the biggest ΔE but blends to grey or brown,
 * which reads as a recoloured object rather than a coloured mask.
 */
const CHROMA_WEIGHT = 0.5;
/** A mask whose blend differs from the object by less than this (ΔE) is taken only when nothing else is left. */
const MIN_VISIBILITY = 40;
/** Each reuse of a palette colour costs this much (ΔE), so colours spread before they repeat. */
const REUSE_PENALTY = 6;

/**
 * One colour per instance, chosen against the pixels under it: each instance (in the given order) takes the
 * palette colour whose blend over its mean pixel colour is most visible (ΔE from that pixel colour) while staying
 * apart from the blends already chosen for the others. So a green object never gets a green mask, and a red and a
 * blue object do not both come out purple. The outline is dark over light pixels and light over dark ones, opaque,
 * so it shows on any background. `under` null (pixels unknown) counts as mid grey. Pure and deterministic.
 */
export function contrastColors(under: readonly (Rgb | null)[], fillAlpha: number): InstanceColor[] {
  const paletteUse = new Array<number>(CONTRAST_PALETTE.length).fill(0);
  const chosenBlends: Lab[] = [];
  const out: InstanceColor[] = [];
  for (const u of under) {
    const base: Rgb = u ?? [128, 128, 128];
    const baseLab = rgbToLab(base);
    let best = 0;
    let bestScore = -Infinity;
    CONTRAST_PALETTE.forEach((c, k) => {
      const blend = rgbToLab(blendRgb(base, c, fillAlpha));
      const visibility = labDistance(blend, baseLab);
      let separation = Infinity;
      for (const other of chosenBlends) separation = Math.min(separation, labDistance(blend, other));
      const chroma = Math.hypot(blend[1], blend[2]);
      const score =
        Math.min(visibility, SEPARATION_WEIGHT * separation) +
        CHROMA_WEIGHT * chroma -
        REUSE_PENALTY * paletteUse[k] -
        (visibility < MIN_VISIBILITY ? 100 : 0);
      if (score > bestScore) {
        bestScore = score;
        best = k;
      }
    });
    paletteUse[best]++;
    const fill = CONTRAST_PALETTE[best];
    chosenBlends.push(rgbToLab(blendRgb(base, fill, fillAlpha)));
    const hue = rgbHue(fill);
    const outline = relativeLuminance(base) > 0.35 ? hslToRgb(hue, 85, 18) : hslToRgb(hue, 100, 88);
    out.push({ hue, fill, outline, css: rgbCss(fill) });
  }
  return out;
}
