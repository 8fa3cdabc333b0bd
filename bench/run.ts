/**
 * npm run bench — per-stage times of the image pipeline on the demo pack, the cost of a keystroke, an exemplar
 * change, a click and a threshold change after the first encode, and the graph runs each action causes. Runs the real engine in Node
 * on onnxruntime-web's WASM kernels (the browser's) and on onnxruntime-node; reports medians of repeated runs and
 * ratios measured within this one run (absolute numbers depend on the machine).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '../workers/engine/engine';
import { createNodeRuntime } from '../workers/ort/nodeRuntime';
import { createNodeWasmRuntime } from '../workers/ort/nodeWasmRuntime';
import { MemoryByteStore } from '../workers/packs/byteStore';
import { decodePng } from '../tools/scenes/png';
import { packFilesSource } from '../tests/helpers/demoPackEngine';
import { decodeRowMajorRle } from '../workers/core/rle';
import type { GraphRuntime } from '../workers/ort/graphRuntime';
import type { SegmentRequest } from '../workers/protocol/prompts';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 7);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function benchRuntime(label: string, createRuntime: () => Promise<GraphRuntime>) {
  const png = new Uint8Array(readFileSync(join(import.meta.dirname, '../public/samples/shapes.png')));
  const stages: Record<string, number[]> = {};
  const add = (k: string, v: number | undefined) => v !== undefined && (stages[k] ??= []).push(v);
  const keystroke: number[] = [];
  const exemplar: number[] = [];
  const click: number[] = [];
  const threshold: number[] = [];
  let runsExemplar: Record<string, number> = {},
    runsClick: Record<string, number> = {};
  const firstRequest: number[] = [];
  let runsFirst = {},
    runsKeystroke = {},
    runsThreshold = {};
  for (let i = 0; i < REPEATS; i++) {
    const engine = createEngine({ createRuntime, store: new MemoryByteStore() });
    await engine.init();
    await engine.openPack(packFilesSource());
    let t = performance.now();
    const decoded = decodePng(png);
    add('decode', performance.now() - t);
    const info = await engine.openImage({ kind: 'rgba', name: 'shapes.png', image: decoded });
    const req = (phrase: string, scoreThreshold = 0.5): SegmentRequest => ({
      imageId: info.imageId,
      concepts: [{ id: phrase, phrase, boxes: [] }],
      scoreThreshold,
    });
    t = performance.now();
    const first = await engine.segment(req('red'));
    firstRequest.push(performance.now() - t + (info.timingsMs.preprocess ?? 0));
    add('preprocess', info.timingsMs.preprocess);
    for (const s of ['vision', 'text', 'detector', 'postprocess']) add(s, first.timingsMs[s]);
    // "Render": decoding every drawn mask's crop to pixels, the work the page does once per new mask.
    t = performance.now();
    for (const inst of first.instances) {
      const [x0, y0, x1, y1] = inst.mask.box ?? [0, 0, inst.mask.width, inst.mask.height];
      decodeRowMajorRle(inst.mask.counts, x1 - x0, y1 - y0);
    }
    add('render (mask decode)', performance.now() - t);
    runsFirst = first.graphRuns;
    t = performance.now();
    const typed = await engine.segment(req('green'));
    keystroke.push(performance.now() - t);
    runsKeystroke = typed.graphRuns;
    t = performance.now();
    const boxed = await engine.segment({
      ...req('green'),
      concepts: [
        { id: 'green', phrase: 'green', boxes: [{ id: 'b', xyxyPx: [60, 60, 170, 170], polarity: 'negative' }] },
      ],
    });
    exemplar.push(performance.now() - t);
    runsExemplar = boxed.graphRuns;
    t = performance.now();
    const clicked = await engine.segment({
      ...req('green'),
      objects: [{ id: 'o', points: [{ id: 'p', xyPx: [115, 115], polarity: 'positive' }], candidate: 0 }],
    });
    click.push(performance.now() - t);
    runsClick = clicked.graphRuns;
    t = performance.now();
    const slid = await engine.segment(req('green', 0.3));
    threshold.push(performance.now() - t);
    runsThreshold = slid.graphRuns;
  }
  const m = Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, median(v)]));
  console.log(`\n## ${label} — demo pack, shapes.png 640×480, median of ${REPEATS}`);
  console.log('| stage | time |\n|---|---|');
  for (const [k, v] of Object.entries(m)) console.log(`| ${k} | ${fmt(v)} |`);
  const first = median(firstRequest),
    key = median(keystroke),
    thr = median(threshold),
    ex = median(exemplar),
    cl = median(click);
  console.log(`| first request (preprocess + vision + text + detector + postprocess) | ${fmt(first)} |`);
  // Issue 9's target: the JavaScript around the graphs as a share of the graphs' own time (first request).
  const around = (m.decode ?? 0) + (m.preprocess ?? 0) + (m.postprocess ?? 0);
  const graphs = (m.vision ?? 0) + (m.text ?? 0) + (m.detector ?? 0);
  console.log(
    `| decode + preprocess + postprocess as a share of graph time | ${((100 * around) / graphs).toFixed(0)} % |`,
  );
  console.log(
    `| keystroke after the first encode (new phrase) | ${fmt(key)} (${((100 * key) / first).toFixed(0)} % of the first) |`,
  );
  console.log(`| exemplar box change | ${fmt(ex)} (${((100 * ex) / first).toFixed(0)} % of the first) |`);
  console.log(`| click (first on the image) | ${fmt(cl)} (${((100 * cl) / first).toFixed(0)} % of the first) |`);
  console.log(`| threshold change | ${fmt(thr)} (${((100 * thr) / first).toFixed(1)} % of the first) |`);
  const runs = (r: Record<string, number>) =>
    Object.entries(r)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none';
  console.log(
    `graph runs per action — first request: ${runs(runsFirst)}; keystroke: ${runs(runsKeystroke)}; ` +
      `exemplar change: ${runs(runsExemplar)}; click: ${runs(runsClick)}; threshold: ${runs(runsThreshold)}`,
  );
}

await benchRuntime('onnxruntime-web WASM (1 thread) in Node', () => createNodeWasmRuntime(1));
await benchRuntime('onnxruntime-node CPU', () => createNodeRuntime());
