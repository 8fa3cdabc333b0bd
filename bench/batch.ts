/**
 * Batch benchmark on the demo pack (onnxruntime-node): labels BATCH_IMAGES generated images (default 500) one at a
 * time through the engine's public API as the app and `npm run label` do, then writes the dataset zip. Prints
 * images per second, the per-image median, heap + array buffers early in the run against the last 100 images
 * (memory must stay flat: the engine keeps one image), and the peak resident memory over the run.
 */
import { createEngine } from '../workers/engine/engine';
import { createNodeRuntime } from '../workers/ort/nodeRuntime';
import { MemoryByteStore } from '../workers/packs/byteStore';
import { packFilesSource } from '../tests/helpers/demoPackEngine';
import { randomScene, renderScene } from '../tools/scenes/scene';
import { labelImage } from '../workers/batch/labelImage';
import { BatchRunner } from '../workers/batch/runner';
import type { BatchAnnotation } from '../workers/batch/types';
import { DatasetZipWriter, DEFAULT_DATASET_OPTIONS } from '../workers/dataset/datasetZip';

const N = Number(process.env.BATCH_IMAGES ?? 500);
const SAMPLE_EVERY = 25;
const W = 320;
const H = 240;
const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function run() {
  const engine = createEngine({ createRuntime: () => createNodeRuntime(), store: new MemoryByteStore() });
  await engine.init();
  await engine.openPack(packFilesSource());
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
      const t = performance.now();
      const out = await labelImage(
        engine,
        { kind: 'rgba', name: `img_${i}.png`, image: { width: W, height: H, data: scene.data } },
        { phrases: ['red', 'blue', 'yellow'], scoreThreshold: 0.5, displayMasks: false },
      );
      perImage.push(performance.now() - t);
      instances += out.annotations.length;
      results.push({ name: `img_${i}.png`, annotations: out.annotations });
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      if ((i + 1) % SAMPLE_EVERY === 0 || i + 1 === N) sample(i + 1);
    },
  });
  const outcome = await runner.run();
  const seconds = (performance.now() - t0) / 1000;
  const tz = performance.now();
  let zipBytes = 0;
  const writer = new DatasetZipWriter(
    ['red', 'blue', 'yellow'],
    { ...DEFAULT_DATASET_OPTIONS, includeImages: false },
    (c) => (zipBytes += c.length),
    {
      pack: 'demo',
      now: new Date(0),
    },
  );
  for (const r of results) writer.addImage({ name: r.name, width: W, height: H, annotations: r.annotations });
  writer.finish();
  const zipSeconds = (performance.now() - tz) / 1000;
  const stats = await engine.stats();

  console.log(`\n== batch labelling, demo pack, onnxruntime-node (${N} images ${W}×${H}, 3 phrases)`);
  console.log(`outcome: ${outcome.state}, ${outcome.done} images, ${instances} instances`);
  console.log(
    `throughput: ${(N / seconds).toFixed(2)} images/s (${seconds.toFixed(1)} s); per image median ${median(perImage).toFixed(0)} ms`,
  );
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
    `dataset zip (COCO + YOLO + PNG masks, no images): ${(N / zipSeconds).toFixed(1)} images/s, ${mb(zipBytes)}`,
  );
}

void run();
