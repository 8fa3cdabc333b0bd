/**
 * One pack on one runtime, in its own process (so its peak memory is its own): the engine's timings per stage for
 * the benchmark's scenarios, and its outputs on the accuracy cases compared with PyTorch fp32's.
 *
 *   node --import tsx bench/fullSize/runPack.ts --pack DIR --runtime node|wasm [--threads 2]
 *        [--scenarios first,keystroke,exemplar,click,video,accuracy] [--video-frames 5] [--torch DIR] --out FILE.json
 *
 * Scenarios (cases: tools/export/bench_cases.json, the ones torch_bench.py runs):
 *   first      a first image request: decode-free RGBA → pre-processing, vision, text, detector, post-processing
 *   keystroke  each keystroke phrase on the cached image features (text + detector)
 *   exemplar   the exemplar boxes on the cached features (detector only)
 *   click      the click case (tracker prompt decoder on the cached embeddings)
 *   video      5 objects seeded with grid boxes on frame 0, then every frame tracked (vision + memory graphs per
 *              object); the median over frames 2…, as torch_bench.py times them. Against Sam3TrackerVideoModel, so
 *              with its semantics: non-overlapping masks and overlap suppression off
 *   accuracy   every case above and every accuracy image × phrase, compared with PyTorch's goldens (--torch)
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { createEngine, type Engine } from '../../workers/engine/engine';
import { createNodeRuntime } from '../../workers/ort/nodeRuntime';
import { createNodeWasmRuntime } from '../../workers/ort/nodeWasmRuntime';
import { MemoryByteStore } from '../../workers/packs/byteStore';
import { nodePackDirectory } from '../../workers/packs/nodePackDirectory';
import { decodeMaskToFrame } from '../../workers/core/rle';
import type { SegmentResult } from '../../workers/protocol/results';
import type { VideoFrameResult } from '../../workers/protocol/video';
import { Goldens } from '../../tests/parity/fixtures';
import { caseImage, cases, clickObject, concept, exemplarConcept, gridObjects, videoFrame } from './cases';
import { matchDetections, matchMasks, summarise, type CaseAccuracy, type TorchDetection } from './compare';
import { peakRssBytes, watchWasmHeap } from './memory';
import { emptyRunReport, type RunReport } from './report';
import { GRAPH_ROLES } from '../../workers/protocol/manifest';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a.startsWith('--')) args.set(a.slice(2), process.argv[i + 1]?.startsWith('--') ? '' : (process.argv[++i] ?? ''));
}
const packDir = args.get('pack')!;
const runtimeKind = (args.get('runtime') || 'node') as 'node' | 'wasm';
const threads = Number(args.get('threads') || 2);
const scenarios = new Set((args.get('scenarios') || 'first,keystroke,exemplar,click,video,accuracy').split(','));
const videoFrames = Number(args.get('video-frames') || 5);
const torchDir = args.get('torch') || '';
const outFile = args.get('out')!;
const heap = runtimeKind === 'wasm' ? watchWasmHeap() : null;

/** Time in graphs: the timings named by graph role (the engine times each graph under its role). */
const graphMs = (t: Record<string, number>) => GRAPH_ROLES.reduce((n, role) => n + (t[role] ?? 0), 0);
const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : null);
const log = (m: string) => console.error(`[${runtimeKind} ${packDir.split('/').pop()}] ${m}`);

/** A run's report, with the fields bench:full's older runs may lack always written. */
type Report = RunReport & Required<Pick<RunReport, 'date' | 'cpuMs' | 'loadAverage'>>;

const report: Report = {
  ...emptyRunReport(packDir, runtimeKind, threads),
  date: new Date().toISOString(),
  cpuMs: {},
  loadAverage: {},
};
const accuracyCases: Record<string, CaseAccuracy> = {};
const goldens = torchDir && existsSync(join(torchDir, 'goldens', 'index.json')) ? new Goldens(torchDir) : null;

function torchDetection(name: string): TorchDetection | null {
  const p = `fp32/detector/${name}`;
  if (!goldens?.has(`${p}/scores`)) return null;
  const kept = Array.from(goldens.get(`${p}/kept_indices`).data as BigInt64Array, Number);
  const idx = Array.from(goldens.get(`${p}/mask_indices`).data as BigInt64Array, Number);
  const m = goldens.get(`${p}/masks`);
  const plane = m.dims.length === 3 ? m.dims[1] * m.dims[2] : 0;
  const masks = new Map<number, Uint8Array>();
  idx.forEach((q, k) => masks.set(q, (m.data as Uint8Array).subarray(k * plane, (k + 1) * plane)));
  return { scores: goldens.get(`${p}/scores`).data as Float32Array, kept, masks };
}

function compareDetection(name: string, r: SegmentResult): void {
  const t = torchDetection(name);
  if (t) accuracyCases[name] = matchDetections(r.instances, t);
}

async function step(name: string, fn: () => Promise<void>): Promise<void> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const load0 = loadavg()[0];
  try {
    await fn();
    // CPU time of the whole process (every onnxruntime and WASM thread): on a shared machine the wall time depends
    // on other jobs, the CPU time much less; the load average says how busy the machine was.
    const cpu = process.cpuUsage(cpu0);
    report.cpuMs[name] = (cpu.user + cpu.system) / 1000;
    report.loadAverage[name] = [load0, loadavg()[0]];
    log(
      `${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s (CPU ${(report.cpuMs[name] / 1000).toFixed(1)} s, ` +
        `load ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)})`,
    );
  } catch (err) {
    report.errors[name] = err instanceof Error ? err.message : JSON.stringify(err);
    log(`${name} FAILED: ${report.errors[name]}`);
  }
}

async function openEngine(): Promise<Engine> {
  const engine = createEngine({
    createRuntime: () => (runtimeKind === 'wasm' ? createNodeWasmRuntime(threads) : createNodeRuntime({ threads })),
    store: new MemoryByteStore(),
  });
  await engine.init({ provider: runtimeKind === 'wasm' ? 'wasm' : 'auto' });
  const t0 = performance.now();
  const info = await engine.openPack(await nodePackDirectory(packDir));
  report.openMs = performance.now() - t0;
  for (const g of info.graphs) report.providers[g.role] = `${g.executionProvider} (${g.reason})`;
  return engine;
}

const engine = await openEngine();

function writeReport(): void {
  if (goldens && Object.keys(accuracyCases).length) report.accuracy = summarise(accuracyCases);
  report.peakRssBytes = peakRssBytes();
  report.wasmHeapBytes = heap ? heap() : null;
  writeFileSync(outFile, JSON.stringify(report, null, 1));
}
// Stopped (a sweep out of time): what was measured so far is written, the scenario in progress named as stopped.
process.on('SIGTERM', () => {
  report.errors.stopped = 'SIGTERM: the scenarios after the last finished one did not run';
  writeReport();
  process.exit(143);
});
const segment = (imageId: string, req: Partial<Parameters<Engine['segment']>[0]>) =>
  engine.segment({ imageId, concepts: [], scoreThreshold: 0.5, ...req });

let cachedImage: { id: string; imageId: string } | null = null;
async function imageFor(id: string): Promise<string> {
  if (cachedImage?.id !== id) {
    const info = await engine.openImage({ kind: 'rgba', name: `${id}.png`, image: caseImage(id) });
    cachedImage = { id, imageId: info.imageId };
  }
  return cachedImage.imageId;
}

if (scenarios.has('first')) {
  await step('first', async () => {
    const t0 = performance.now();
    const img = await engine.openImage({ kind: 'rgba', name: 'first.png', image: caseImage(cases.firstRequest.image) });
    const r = await segment(img.imageId, { concepts: [concept(cases.firstRequest.phrase)] });
    const wall = performance.now() - t0;
    cachedImage = { id: cases.firstRequest.image, imageId: img.imageId };
    const t = { ...img.timingsMs, ...r.timingsMs };
    for (const [k, v] of Object.entries(t)) report.timingsMs[`first.${k}`] = v;
    report.timingsMs.firstRequest = wall;
    report.graphRuns.first = r.graphRuns;
    report.nonGraphShare = (wall - graphMs(t)) / wall;
    compareDetection('first', r);
  });
}

if (scenarios.has('keystroke')) {
  await step('keystroke', async () => {
    const imageId = await imageFor(cases.keystrokes.image);
    const xs: number[] = [];
    for (const [i, phrase] of cases.keystrokes.phrases.entries()) {
      const t = performance.now();
      const r = await segment(imageId, { concepts: [concept(phrase)] });
      xs.push(performance.now() - t);
      report.graphRuns[`keystroke${i}`] = r.graphRuns;
      compareDetection(`keystroke${i}`, r);
    }
    report.timingsMs.keystroke = median(xs);
  });
}

if (scenarios.has('exemplar')) {
  await step('exemplar', async () => {
    const imageId = await imageFor(cases.exemplar.image);
    await segment(imageId, { concepts: [concept(cases.exemplar.phrase)] }); // text cached, as after typing
    const t = performance.now();
    const r = await segment(imageId, { concepts: [exemplarConcept()] });
    report.timingsMs.exemplarChange = performance.now() - t;
    report.graphRuns.exemplar = r.graphRuns;
    compareDetection('exemplar', r);
  });
}

if (scenarios.has('click')) {
  await step('click', async () => {
    const imageId = await imageFor(cases.click.image);
    await segment(imageId, { objects: [clickObject(0.5)] }); // the first click may encode the tracker's embeddings
    const t = performance.now();
    const r = await segment(imageId, { objects: [clickObject()] });
    report.timingsMs.click = performance.now() - t;
    report.graphRuns.click = r.graphRuns;
    if (goldens?.has('fp32/click/masks')) {
      const m = goldens.get('fp32/click/masks');
      const ious = goldens.get('fp32/click/iou_scores').data as Float32Array;
      const best = ious.indexOf(Math.max(...ious));
      const plane = m.dims[1] * m.dims[2];
      const obj = r.instances.find((i) => i.objectId === 'o');
      accuracyCases.click = matchMasks(
        obj ? decodeMaskToFrame(obj.mask) : null,
        (m.data as Uint8Array).subarray(best * plane, (best + 1) * plane),
      );
    }
  });
}

if (scenarios.has('accuracy') && goldens) {
  await step('accuracy', async () => {
    const acc = cases.accuracy;
    await segment(await imageFor(cases.secondImage.image), {}); // image switch outside the comparison
    compareDetection('second', await segment(cachedImage!.imageId, { concepts: [concept(cases.secondImage.phrase)] }));
    for (const id of acc.images) {
      const imageId = await imageFor(id);
      for (const [j, phrase] of acc.phrases.entries()) {
        compareDetection(`acc-${id}-${j}`, await segment(imageId, { concepts: [concept(phrase)] }));
      }
    }
  });
}

if (scenarios.has('video')) {
  await step('video', async () => {
    const n = cases.video.savedObjectCount;
    // PyTorch's reference here is transformers' Sam3TrackerVideoModel (SAM 2's semantics: each object keeps its own
    // mask, no suppression), so the engine's SAM 3 multi-object rules are off for this comparison.
    const session = await engine.startVideo({
      mode: 'file',
      detectEvery: 1_000_000,
      settings: { nonOverlappingMasks: false, overlapSuppressThreshold: 2 },
    });
    const objects = gridObjects(n);
    const xs: number[] = [];
    const frames: VideoFrameResult[] = [];
    for (let k = 0; k < videoFrames; k++) {
      const t = performance.now();
      const r = await engine.processFrame({
        sessionId: session.sessionId,
        frameIndex: k,
        timestampMs: k * 33,
        rgba: videoFrame(k),
        concepts: [],
        objects,
        scoreThreshold: 0.5,
      });
      if (k >= 2) xs.push(performance.now() - t);
      frames.push(r);
      if (k === videoFrames - 1) report.graphRuns[`videoFrame${n}`] = r.graphRuns;
    }
    await engine.endVideo(session.sessionId);
    report.timingsMs[`videoFrame${n}`] = median(xs);
    if (goldens) {
      for (const [k, r] of frames.entries()) {
        const name = `fp32/video/frame${k}/masks`;
        if (!goldens.has(name)) continue;
        const m = goldens.get(name);
        const plane = m.dims[1] * m.dims[2];
        const torchMasks = new Map<number, Uint8Array>();
        for (let o = 0; o < m.dims[0]; o++)
          torchMasks.set(o, (m.data as Uint8Array).subarray(o * plane, (o + 1) * plane));
        // Tracks by mask (the object ↔ track ID mapping is the engine's); a present torch object is a kept one.
        const present = [...torchMasks].filter(([, mk]) => mk.some((v) => v !== 0)).map(([o]) => o);
        accuracyCases[`video-frame${k}`] = matchDetections(r.instances, {
          scores: new Float32Array(m.dims[0]).fill(NaN),
          kept: present,
          masks: new Map(present.map((o) => [o, torchMasks.get(o)!])),
        });
        accuracyCases[`video-frame${k}`].scoreDiffs = [];
      }
    }
  });
}

writeReport();
log(
  `done: peak RSS ${(report.peakRssBytes / 2 ** 30).toFixed(2)} GiB` +
    (heap ? `, wasm heap ${(heap() / 2 ** 30).toFixed(2)} GiB` : ''),
);
process.exit(0);
