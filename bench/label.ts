/**
 * npm run bench:label — the `npm run label` command's throughput on the demo pack (onnxruntime-node CPU EP) three
 * ways, in one run on one engine:
 *   before  images decoded on the engine's thread with the per-sample PNG conversion (the command before this work;
 *           tests/helpers/rgbaReference.ts),
 *   inline  decoded on the engine's thread (`--decode-ahead 0`) with toRgba8,
 *   ahead   decoded ahead on a worker thread in a bounded queue (the default: `--decode-ahead 2`).
 *
 * The folder: LABEL_BENCH_IMAGES (default 32) generated 640×480 photos-like scenes (shapes with per-pixel noise, so
 * they compress like camera images), half PNG and half JPEG, 3 phrases, no images in the zip (the time includes
 * writing it). The three take turns, in a rotating order, over LABEL_BENCH_ROUNDS rounds (default 5) so a change of
 * load on the machine falls on each; the median images/s of each and their ratios are printed, and the time one
 * image's decode takes alone before and now.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { demoEngine, DEMO_PACK_DIR } from '../tests/helpers/demoPackEngine';
import { randomScene, renderScene } from '../tools/scenes/scene';
import { encodePng } from '../tools/scenes/png';
import { listImages, parseLabelArgs, runLabel } from '../tools/label/label';
import { decodeAhead } from '../tools/label/decodeAhead';
import { toRgba8PerSample } from '../tests/helpers/rgbaReference';

const N = Number(process.env.LABEL_BENCH_IMAGES ?? 32);
const ROUNDS = Number(process.env.LABEL_BENCH_ROUNDS ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'sam3-bench-label-'));
  try {
    const images = join(dir, 'in');
    mkdirSync(images);
    for (let i = 0; i < N; i++) {
      const scene = renderScene(
        randomScene(500 + i, 640, 480, 2 + (i % 5), ['red', 'blue', 'green', 'yellow'], {
          minSize: 40,
          maxSize: 140,
          gap: 12,
          noise: 10,
        }),
      );
      const name = `img${String(i).padStart(3, '0')}`;
      if (i % 2) writeFileSync(join(images, `${name}.png`), encodePng(scene.width, scene.height, scene.data));
      else writeFileSync(join(images, `${name}.jpg`), jpeg.encode({ ...scene, data: scene.data }, 90).data);
    }
    const engine = await demoEngine();
    const names = listImages(images);
    // Decode alone (inline, one thread): what the read-ahead can hide.
    const inline = decodeAhead(images, names, { depth: 0, threads: 1 });
    for (const n of names) await inline.next(n);
    const decodeOnly = inline.decodeMs / names.length;

    const before = decodeAhead(images, names, { depth: 0, threads: 1, convert: toRgba8PerSample });
    for (const n of names) await before.next(n);
    const decodeBefore = before.decodeMs / names.length;

    const modes = ['before', 'inline', 'ahead'] as const;
    type Mode = (typeof modes)[number];
    const rates: Record<Mode, number[]> = { before: [], inline: [], ahead: [] };
    const run = async (mode: Mode, round: number) => {
      const args = parseLabelArgs([
        ...['--pack', DEMO_PACK_DIR, '--images', images, '--phrases', 'red, blue, yellow'],
        ...['--out', join(dir, `${mode}${round}.zip`), '--no-images'],
        ...['--decode-ahead', mode === 'ahead' ? '2' : '0', '--decode-threads', '1'],
      ])!;
      const t0 = performance.now();
      const summary = await runLabel(args, {
        engine,
        log: () => {},
        status: () => {},
        ...(mode === 'before' ? { convert: toRgba8PerSample } : {}),
      });
      if (summary.labelled !== N) throw new Error(`${mode}: ${summary.labelled} of ${N} labelled`);
      if (round >= 0) rates[mode].push(N / ((performance.now() - t0) / 1000));
    };
    await run('ahead', -1); // warm-up: V8 and onnxruntime's first runs
    for (let r = 0; r < ROUNDS; r++) {
      // Rotate the order so that a change of load on the machine falls on every mode.
      for (let k = 0; k < modes.length; k++) await run(modes[(k + r) % modes.length], r);
    }
    const m = Object.fromEntries(modes.map((k) => [k, median(rates[k])])) as Record<Mode, number>;
    const row = (k: Mode, label: string) =>
      console.log(`${label}: ${m[k].toFixed(2)} images/s  [${rates[k].map((x) => x.toFixed(2)).join(', ')}]`);
    console.log(`\n== npm run label throughput, demo pack, onnxruntime-node CPU EP (${N} images 640×480, PNG + JPEG)`);
    console.log(`decode alone: ${decodeBefore.toFixed(1)} ms per image before, ${decodeOnly.toFixed(1)} ms now`);
    row('before', 'before (decoded inline, per-sample PNG conversion)');
    row('inline', 'decoded inline (--decode-ahead 0)                 ');
    row('ahead', 'decoded ahead on a worker (--decode-ahead 2)      ');
    console.log(
      `ratios (median of ${ROUNDS} rotating rounds): ahead / before ×${(m.ahead / m.before).toFixed(2)}, ` +
        `ahead / inline ×${(m.ahead / m.inline).toFixed(2)}, inline / before ×${(m.inline / m.before).toFixed(2)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
