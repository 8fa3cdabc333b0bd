/**
 * Batch benchmark on the demo pack (onnxruntime-node): labels BATCH_IMAGES generated images (default 500) one at a
 * time through the engine's public API as the app and `npm run label` do (an image session each: open, segment with
 * its COCO export, close), then writes the dataset zip. Prints images per second, the per-image median, heap + array
 * buffers early in the run against the last 100 images (memory must stay flat: each session is closed), the peak
 * resident memory over the run, and the streaming export of EXPORT_IMAGES images (default 2000; the labelled results
 * cycled, each with its PNG file): its rate, and the most memory it held at once against one image's data plus the
 * zip's central directory and coco.json's image index (what it must keep to the end).
 *
 * `BATCH_BEFORE=<git ref>` (e.g. 19cc4fb, the commit before issue 16) also labels every image with that commit's
 * engine and labelImage, checked out into a temp folder and loaded in this process, alternating image by image, so
 * the two rates come from the same minutes of this machine's load; prints both and their ratio.
 */
import { createEngine } from '../workers/engine/engine';
import { createNodeRuntime } from '../workers/ort/nodeRuntime';
import { MemoryByteStore } from '../workers/packs/byteStore';
import { packFilesSource } from '../tests/helpers/demoPackEngine';
import { randomScene, renderScene } from '../tools/scenes/scene';
import { labelImage } from '../workers/batch/labelImage';
import { BatchRunner } from '../workers/batch/runner';
import type { EngineApi } from '../workers/protocol/api';
import { join } from 'node:path';
import { beforeTree } from './beforeTree';
import type { BatchAnnotation } from '../workers/batch/types';
import { writeDataset, DEFAULT_DATASET_OPTIONS, type DatasetEntry } from '../workers/dataset/datasetZip';
import { encodePng } from '../tools/scenes/png';

const N = Number(process.env.BATCH_IMAGES ?? 500);
const EXPORT_N = Number(process.env.EXPORT_IMAGES ?? 2000);
const SAMPLE_EVERY = 25;
const W = 320;
const H = 240;
const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

interface Side {
  label: string;
  engine: EngineApi;
  labelImage: typeof labelImage;
  ms: number;
}

/** This tree's engine, and the one at BATCH_BEFORE when set (see the header). */
async function sides(): Promise<Side[]> {
  const engine = createEngine({ createRuntime: () => createNodeRuntime(), store: new MemoryByteStore() });
  await engine.init();
  await engine.openPack(packFilesSource());
  const out: Side[] = [{ label: 'this tree', engine, labelImage, ms: 0 }];
  const ref = process.env.BATCH_BEFORE;
  if (ref) {
    const { dir, sha } = beforeTree(ref);
    const old = (path: string) => import(join(dir, path));
    const before = (await old('workers/engine/engine.ts')).createEngine({
      createRuntime: (await old('workers/ort/nodeRuntime.ts')).createNodeRuntime,
      store: new (await old('workers/packs/byteStore.ts')).MemoryByteStore(),
    });
    await before.init();
    await before.openPack((await old('tests/helpers/demoPackEngine.ts')).packFilesSource());
    out.push({
      label: `before (${sha})`,
      engine: before,
      labelImage: (await old('workers/batch/labelImage.ts')).labelImage,
      ms: 0,
    });
  }
  return out;
}

async function run() {
  const all = await sides();
  const engine = all[0].engine;
  // 25 distinct scenes, cycled: each image is still set, encoded and detected afresh.
  const pool = Array.from({ length: 25 }, (_, i) =>
    renderScene(
      randomScene(900 + i, W, H, i % 6, ['red', 'blue', 'green', 'yellow'], { minSize: 24, maxSize: 70, gap: 8 }),
    ),
  );
  const results: { name: string; annotations: BatchAnnotation[] }[] = [];
  const perImage: number[] = [];
  const heap: Record<number, number> = {};
  let peakRss = 0;
  let instances = 0;
  const sample = (k: number) => {
    globalThis.gc?.();
    const m = process.memoryUsage();
    heap[k] = m.heapUsed + m.arrayBuffers;
  };
  const items = Array.from({ length: N }, (_, i) => i);
  const t0 = performance.now();
  const runner = new BatchRunner({
    items,
    nameOf: (i) => `img_${i}.png`,
    process: async (i) => {
      const scene = pool[i % pool.length];
      const label = (side: Side) =>
        side.labelImage(
          side.engine,
          { kind: 'rgba', name: `img_${i}.png`, image: { width: W, height: H, data: scene.data } },
          { phrases: ['red', 'blue', 'yellow'], scoreThreshold: 0.5, displayMasks: false },
        );
      // With a "before" engine: both label the image, in alternating order; each side's time is its own.
      for (const side of i % 2 ? [...all].reverse() : all) {
        if (side === all[0]) continue;
        const t = performance.now();
        await label(side);
        side.ms += performance.now() - t;
      }
      const t = performance.now();
      const out = await label(all[0]);
      all[0].ms += performance.now() - t;
      perImage.push(performance.now() - t);
      instances += out.annotations.length;
      results.push({ name: `img_${i}.png`, annotations: out.annotations });
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      if ((i + 1) % SAMPLE_EVERY === 0 || i + 1 === N) sample(i + 1);
    },
  });
  const outcome = await runner.run();
  const seconds = (performance.now() - t0) / 1000;
  const zip = await exportBench(
    results,
    pool.map((p) => encodePng(W, H, p.data)),
  );
  const stats = await engine.stats();

  console.log(`\n== batch labelling, demo pack, onnxruntime-node (${N} images ${W}×${H}, 3 phrases)`);
  console.log(`outcome: ${outcome.state}, ${outcome.done} images, ${instances} instances`);
  if (all.length === 1) {
    console.log(
      `throughput: ${(N / seconds).toFixed(2)} images/s (${seconds.toFixed(1)} s); per image median ${median(perImage).toFixed(0)} ms`,
    );
  }
  if (all.length > 1) {
    const rate = (side: Side) => (1000 * N) / side.ms;
    console.log(
      `paired, image by image: ${all.map((s) => `${s.label} ${rate(s).toFixed(2)} images/s`).join(', ')} → ` +
        `×${(rate(all[0]) / rate(all[1])).toFixed(2)}`,
    );
  }
  console.log(
    `graph runs: vision ${stats.graphRuns.vision} (one per image), text ${stats.graphRuns.text}, detector ${stats.graphRuns.detector}`,
  );
  // A sample can land while one image's buffers (≈ 12 MB of pre-processed pixels) await collection, so compare
  // medians of windows: images 25–100 against the last 100.
  const window = (from: number, to: number) =>
    median(
      Object.entries(heap)
        .filter(([k]) => Number(k) >= from && Number(k) <= to)
        .map(([, v]) => v),
    );
  const early = window(25, 100);
  const late = window(N - 100, N);
  console.log(
    `heap + array buffers (after gc, every ${SAMPLE_EVERY} images): median over images 25–100 ${mb(early)}, over the last 100 ${mb(late)} → ×${(late / early).toFixed(2)}; max ${mb(Math.max(...Object.values(heap)))}`,
  );
  console.log(`peak resident memory over the run: ${mb(peakRss)}`);
  console.log(
    `dataset zip of ${EXPORT_N} images (COCO + YOLO + PNG masks + the PNG files), streamed: ${(EXPORT_N / zip.seconds).toFixed(1)} images/s, ${mb(zip.bytes)} written`,
  );
  console.log(
    `export memory: at most ${kb(zip.peakGrowth)} held at once (heap + array buffers over the start, after gc every ${EXPORT_SAMPLE} images) against ` +
      `one image's output ${kb(zip.largestImage)} + central directory ${kb(zip.centralDirectory)} + coco.json image list ${kb(zip.imageIndex)} = ${kb(zip.largestImage + zip.centralDirectory + zip.imageIndex)}; ` +
      `the rest is buffer growth room and the deflate stream's fixed state (independent of the image count); the archive itself is ${mb(zip.bytes)}`,
  );
}

const EXPORT_SAMPLE = 50;
const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`;

/** The dataset export of EXPORT_N images, cycling the labelled results, with the memory it holds while it runs. */
async function exportBench(results: { name: string; annotations: BatchAnnotation[] }[], files: Uint8Array[]) {
  const entry = (i: number): DatasetEntry => ({
    name: `folder/img_${String(i).padStart(5, '0')}.png`,
    width: W,
    height: H,
    annotations: results[i % results.length].annotations,
    imageBytes: async () => files[i % files.length].slice(),
  });
  const source = {
    count: EXPORT_N,
    names: Array.from({ length: EXPORT_N }, (_, i) => entry(i).name),
    *images() {
      for (let i = 0; i < EXPORT_N; i++) yield entry(i);
    },
  };
  // Twice: Node frees ArrayBuffer memory after the collection that found it dead.
  const heap = () => {
    globalThis.gc?.();
    globalThis.gc?.();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const start = heap();
  let peak = start;
  let bytes = 0;
  let largestImage = 0;
  let calls = 0;
  const t0 = performance.now();
  const written = await writeDataset(
    ['red', 'blue', 'yellow'],
    DEFAULT_DATASET_OPTIONS,
    source,
    (chunks) => {
      const n = chunks.reduce((a, c) => a + c.length, 0);
      bytes += n;
      // The first pass: one sink call per image, with that image's files.
      if (calls < EXPORT_N) largestImage = Math.max(largestImage, n);
      if (++calls % EXPORT_SAMPLE === 0) peak = Math.max(peak, heap());
    },
    { pack: 'demo', now: new Date(0) },
  );
  const seconds = (performance.now() - t0) / 1000;
  return {
    seconds,
    bytes,
    peakGrowth: peak - start,
    largestImage,
    centralDirectory: written.directoryBytes,
    imageIndex: written.indexBytes,
  };
}

void run();
