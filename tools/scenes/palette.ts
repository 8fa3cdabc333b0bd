/**
 * The demo pack's palette: the colours it knows, their RGB prototypes and the words that name them (the generated
 * scenes paint with them, the demo pack's graphs recognise them).
 * Every pixel is classified to the nearest prototype (squared RGB distance).
 */

export type Rgb = readonly [number, number, number];

export interface PaletteColour {
  name: string;
  rgb: Rgb;
  /** Words (single tokens of the demo tokenizer) that name this colour. */
  words: readonly string[];
}

export const PALETTE: readonly PaletteColour[] = [
  { name: 'red', rgb: [220, 30, 30], words: ['red'] },
  { name: 'green', rgb: [30, 170, 50], words: ['green'] },
  { name: 'blue', rgb: [30, 60, 220], words: ['blue'] },
  { name: 'yellow', rgb: [240, 220, 30], words: ['yellow'] },
  { name: 'orange', rgb: [245, 140, 20], words: ['orange'] },
  { name: 'purple', rgb: [140, 40, 180], words: ['purple'] },
  { name: 'pink', rgb: [240, 120, 190], words: ['pink'] },
  { name: 'cyan', rgb: [40, 200, 220], words: ['cyan'] },
  { name: 'white', rgb: [245, 245, 245], words: ['white'] },
  { name: 'black', rgb: [15, 15, 15], words: ['black'] },
  { name: 'gray', rgb: [128, 128, 128], words: ['gray', 'grey'] },
  { name: 'brown', rgb: [120, 70, 30], words: ['brown'] },
];

/** Number of palette classes (P). */
export const NUM_CLASSES = PALETTE.length;

export type ColourName = (typeof PALETTE)[number]['name'];

/** Every colour word with its palette class index. */
export const COLOUR_WORDS: readonly { word: string; classIndex: number }[] = PALETTE.flatMap((c, classIndex) =>
  c.words.map((word) => ({ word, classIndex })),
);

/** Other words the demo tokenizer keeps as one token (they carry no concept). */
export const EXTRA_WORDS: readonly string[] = [
  'the',
  'a',
  'an',
  'of',
  'and',
  'car',
  'cars',
  'bus',
  'dog',
  'cat',
  'person',
  'school',
  'visual',
  'object',
  'shape',
  'square',
  'circle',
  'colour',
  'color',
];

export function paletteIndex(name: string): number {
  const i = PALETTE.findIndex((c) => c.name === name);
  if (i < 0) throw new RangeError(`unknown palette colour ${name}`);
  return i;
}

/** Index of the palette colour nearest to (r, g, b). Ties go to the lower index. */
export function nearestColour(r: number, g: number, b: number): number {
  let best = 0;
  let bestD = Infinity;
  PALETTE.forEach((c, i) => {
    const d = (r - c.rgb[0]) ** 2 + (g - c.rgb[1]) ** 2 + (b - c.rgb[2]) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}
