/**
 * npm run bench:label — the `npm run label` command's throughput on the demo pack (onnxruntime-node CPU EP), in one
 * run, the same folder five ways:
 *   before      images decoded on the engine's thread with the per-sample PNG conversion and onnxruntime's default
 *               spinning threads (the command before this work; tests/helpers/rgbaReference.ts),
 *   inline      decoded on the engine's thread with toRgba8 (`--decode-ahead 0`), spinning,
 *   inlineCalm  the same with onnxruntime's intra-op threads sleeping between parallel sections (what the command
 *               now sets: nodeRuntime `spinning: false`),
 *   ahead       decoded ahead on a worker thread in a bounded queue (`--decode-ahead 2`), spinning,
 *   now         decoded ahead, not spinning: the command as it is now.
 *
 * The folder: LABEL_BENCH_IMAGES (default 32) generated 640×480 photo-like scenes (shapes with per-pixel noise, so
 * they compress like camera images), half PNG and half JPEG, 3 phrases, no images in the zip (the time includes
 * writing it). The modes take turns, in a rotating order, over LABEL_BENCH_ROUNDS rounds (default 5) so a change of
 * load on the machine falls on each; the median and the best images/s of each and their ratios are printed (on a
 * machine shared with other jobs the best run is the nearest to an idle one), and the time one image's decode
 * takes alone before and now.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { DEMO_PACK_DIR, packFilesSource } from '../tests/helpers/demoPackEngine';
import { createEngine } from '../workers/engine/engine';
import { createNodeRuntime } from '../workers/ort/nodeRuntime';
import { MemoryByteStore } from '../workers/packs/byteStore';
import { randomScene, renderScene } from '../tools/scenes/scene';
import { encodePng } from '../tools/scenes/png';
import { listImages, parseLabelArgs, runLabel } from '../tools/label/label';
import { decodeAhead } from '../tools/label/decodeAhead';
import type { RgbaConverter } from '../tools/label/decodeImageFile';
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
    const names = listImages(images);
    // Decode alone (inline, one thread): what the read-ahead can hide.
    const decodeMs = async (convert?: RgbaConverter) => {
      const d = decodeAhead(images, names, { depth: 0, threads: 1, convert });
      for (const n of names) await d.next(n);
      return d.decodeMs / names.length;
    };
    const [decodeBefore, decodeNow] = [await decodeMs(toRgba8PerSample), await decodeMs()];

    // Two engines on the same pack: onnxruntime's defaults (intra-op threads spin between parallel sections), and
    // the command line's (they sleep, leaving the core to the decoding thread).
    const engineWith = async (spinning: boolean) => {
      const e = createEngine({ createRuntime: () => createNodeRuntime({ spinning }), store: new MemoryByteStore() });
      await e.init();
      await e.openPack(packFilesSource());
      return e;
    };
    const [spinning, calm] = [await engineWith(true), await engineWith(false)];
    const modes = {
      before: { label: 'before: inline, per-sample PNG conversion, spinning', engine: spinning, ahead: 0, old: true },
      inline: { label: 'inline (--decode-ahead 0), spinning               ', engine: spinning, ahead: 0, old: false },
      inlineCalm: { label: 'inline (--decode-ahead 0), not spinning           ', engine: calm, ahead: 0, old: false },
      ahead: { label: 'ahead on a worker (--decode-ahead 2), spinning    ', engine: spinning, ahead: 2, old: false },
      now: { label: 'ahead on a worker, not spinning (the command now) ', engine: calm, ahead: 2, old: false },
    };
    type Mode = keyof typeof modes;
    const order = Object.keys(modes) as Mode[];
    const rates = Object.fromEntries(order.map((k) => [k, [] as number[]])) as Record<Mode, number[]>;
    const run = async (mode: Mode, round: number) => {
      const { engine, ahead, old } = modes[mode];
      const args = parseLabelArgs([
        ...['--pack', DEMO_PACK_DIR, '--images', images, '--phrases', 'red, blue, yellow'],
        ...['--out', join(dir, `${mode}${round}.zip`), '--no-images'],
        ...['--decode-ahead', String(ahead), '--decode-threads', '1'],
      ])!;
      const t0 = performance.now();
      const summary = await runLabel(args, {
        engine,
        log: () => {},
        status: () => {},
        ...(old ? { convert: toRgba8PerSample } : {}),
      });
      if (summary.labelled !== N) throw new Error(`${mode}: ${summary.labelled} of ${N} labelled`);
      if (round >= 0) rates[mode].push(N / ((performance.now() - t0) / 1000));
    };
    await run('now', -1); // warm-up: V8 and onnxruntime's first runs
    await run('inline', -1);
    for (let r = 0; r < ROUNDS; r++) {
      // Rotate the order so that a change of load on the machine falls on every mode.
      for (let k = 0; k < order.length; k++) await run(order[(k + r) % order.length], r);
    }
    const m = Object.fromEntries(order.map((k) => [k, median(rates[k])])) as Record<Mode, number>;
    const best = Object.fromEntries(order.map((k) => [k, Math.max(...rates[k])])) as Record<Mode, number>;
    console.log(`\n== npm run label throughput, demo pack, onnxruntime-node CPU EP (${N} images 640×480, PNG + JPEG)`);
    console.log(`decode alone: ${decodeBefore.toFixed(1)} ms per image before, ${decodeNow.toFixed(1)} ms now`);
    for (const k of order) {
      const list = rates[k].map((x) => x.toFixed(2)).join(', ');
      console.log(`${modes[k].label}: median ${m[k].toFixed(2)}, best ${best[k].toFixed(2)} images/s  [${list}]`);
    }
    // On a machine shared with other jobs the medians move with their load; the best run of each is the nearest
    // to an idle machine, so both ratios are printed.
    for (const [what, v] of [
      ['medians', m],
      ['bests', best],
    ] as const) {
      const r = (a: Mode, b: Mode) => `${a} / ${b} ×${(v[a] / v[b]).toFixed(2)}`;
      console.log(
        `ratios of the ${what} (${ROUNDS} rounds): ${r('now', 'before')}, ${r('now', 'inlineCalm')}, ` +
          `${r('ahead', 'inline')}, ${r('inline', 'before')}, ${r('inlineCalm', 'inline')}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
