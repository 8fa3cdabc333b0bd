/**
 * Writes the demo pack to `<outDir>/packs/demo/` and the sample images to `<outDir>/samples/`.
 * Usage: npx tsx tools/demo-pack/make.ts [--variant dual|split|dual-no-memory|dual-plus-no-memory] [outDir]   (default: dual, public)
 * The committed pack is the `dual` variant; `split` (a usls-v2 vision graph plus a separate tracker encoder) and
 * `dual-no-memory` (no video memory graphs) are for tests and are written with
 * `writeDemoPack(dir, { variant })` or `--variant <variant> <outDir>`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodePng } from '../scenes/png.ts';
import { PALETTE_SAMPLE, renderScene, SHAPES_SAMPLE, type SceneSpec } from '../scenes/scene.ts';
import { buildPack, PACK_DIR, PACK_VARIANTS, type PackVariant } from './pack.ts';

export const SAMPLES: Record<string, SceneSpec> = { 'shapes.png': SHAPES_SAMPLE, 'palette.png': PALETTE_SAMPLE };

/** Writes the pack's files straight into `packDir`; returns their paths. */
export function writeDemoPack(packDir: string, opts: { variant?: PackVariant } = {}): string[] {
  mkdirSync(packDir, { recursive: true });
  return Object.entries(buildPack(opts.variant ?? 'dual')).map(([name, bytes]) => {
    writeFileSync(join(packDir, name), bytes);
    return join(packDir, name);
  });
}

export function makeAll(outDir: string, variant: PackVariant = 'dual'): string[] {
  const written = writeDemoPack(join(outDir, PACK_DIR), { variant });
  const sampleDir = join(outDir, 'samples');
  mkdirSync(sampleDir, { recursive: true });
  for (const [name, spec] of Object.entries(SAMPLES)) {
    const scene = renderScene(spec);
    writeFileSync(join(sampleDir, name), encodePng(scene.width, scene.height, scene.data));
    written.push(join(sampleDir, name));
  }
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--variant');
  const variant = (at >= 0 ? args.splice(at, 2)[1] : 'dual') as PackVariant;
  if (!PACK_VARIANTS.includes(variant)) throw new Error(`unknown variant ${variant}`);
  for (const f of makeAll(resolve(args[0] ?? 'public'), variant)) console.log(f);
}
