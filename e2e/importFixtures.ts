/**
 * Archives for the import's reliability tests, made in the test: a zip bomb (entries that declare 1.5 GiB each and
 * really inflate to it: 1.5 MiB of deflate per entry, built without deflating 1.5 GiB) and zips of thousands of
 * tiny distinct PNGs.
 */
import { zipSync } from 'fflate';
import { rawZip, zerosDeflated } from '../tools/scenes/rawZip';
import { encodePng } from '../tools/scenes/png';

/** `entries` entries of 1.5 GiB of zeros each, named a.png, b.png, … (about 1.5 MiB each on disk). */
export function zipBomb(entries = 4): Buffer {
  const zeros = zerosDeflated(1.5 * 2 ** 30);
  return Buffer.from(
    rawZip(
      Array.from({ length: entries }, (_, k) => ({
        name: `${String.fromCharCode(97 + k)}.png`,
        data: zeros.data,
        method: 8 as const,
        crc32: zeros.crc32,
        size: 1.5 * 2 ** 30,
      })),
    ),
  );
}

/** A 2×2 PNG whose pixels encode `seed` (each one distinct). */
export const tinyPng = (seed: number) =>
  encodePng(
    2,
    2,
    Uint8Array.from({ length: 16 }, (_, i) => (i % 4 === 3 ? 255 : (seed >> (8 * (i % 3))) & 255)),
  );

/** A zip of `images` tiny PNGs under `folder/` (in reverse order, as an archive need not be sorted) and `others`. */
export function manyEntryZip(folder: string, images: number, others: string[] = []): Buffer {
  const files: Record<string, Uint8Array> = {};
  for (let i = images - 1; i >= 0; i--) files[`${folder}/img_${i}.png`] = tinyPng(i);
  for (const o of others) files[o] = new TextEncoder().encode(`not an image: ${o}`);
  return Buffer.from(zipSync(files, { level: 1 }));
}
