/**
 * Writes the demo pack to `<outDir>/packs/demo/` and the sample images to `<outDir>/samples/`.
 * Usage: npx tsx tools/demo-pack/make.ts [outDir]   (default: public)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodePng } from '../scenes/png.ts';
import { PALETTE_SAMPLE, renderScene, SHAPES_SAMPLE, type SceneSpec } from '../scenes/scene.ts';
import { buildPack, PACK_DIR } from './pack.ts';

export const SAMPLES: Record<string, SceneSpec> = { 'shapes.png': SHAPES_SAMPLE, 'palette.png': PALETTE_SAMPLE };

export function makeAll(outDir: string): string[] {
  const written: string[] = [];
  const packDir = join(outDir, PACK_DIR);
  mkdirSync(packDir, { recursive: true });
  for (const [name, bytes] of Object.entries(buildPack())) {
    writeFileSync(join(packDir, name), bytes);
    written.push(join(packDir, name));
  }
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
  const outDir = resolve(process.argv[2] ?? 'public');
  for (const f of makeAll(outDir)) console.log(f);
}
