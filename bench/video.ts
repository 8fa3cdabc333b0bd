/**
 * Video benchmark on the demo pack (onnxruntime-node): per-stage time per frame, frames per second, tracker time
 * per object, the latency distribution of live mode (a simulated 30 fps camera where the newest frame wins and
 * others are dropped), and heap after N frames compared with after 100 (memory must stay flat).
 */
import { createEngine } from '../workers/engine/engine';
import { createNodeRuntime } from '../workers/ort/nodeRuntime';
import { MemoryByteStore } from '../workers/packs/byteStore';
import { packFilesSource } from '../tests/helpers/demoPackEngine';
import { renderScene, type ShapeSpec } from '../tools/scenes/scene';
import type { VideoFrameResult } from '../workers/protocol/video';

const FRAMES = Number(process.env.BENCH_VIDEO_FRAMES ?? 2000);
const W = 320;
const H = 240;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)] ?? 0;
const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;

/** Three red squares bouncing left and right, each in its own band: objects move every frame, none leaves. */
function frameAt(t: number): Uint8Array {
  const sq = (band: number, x0: number, speed: number): ShapeSpec => {
    const len = W - 40 - x0;
    const p = (speed * t + x0) % (2 * len);
    const x = p < len ? p : 2 * len - p;
    const y = band * 80 + 20 + 10 * Math.sin(t / 10 + band);
    return { kind: 'rect', colour: 'red', x0: x, y0: y, x1: x + 36, y1: y + 36 };
  };
  return renderScene({
    width: W,
    height: H,
    background: [236, 236, 236],
    shapes: [sq(0, 5, 3), sq(1, 120, 2), sq(2, 60, 4)],
  }).data;
}

async function run() {
  const engine = createEngine({ createRuntime: () => createNodeRuntime(), store: new MemoryByteStore() });
  await engine.init();
  await engine.openPack(packFilesSource());
  const session = await engine.startVideo({ mode: 'file', detectEvery: 1 });
  const stages: Record<string, number[]> = {};
  const perObject: number[] = [];
  const frameMs: number[] = [];
  const heap: Record<number, number> = {};
  let last: VideoFrameResult | null = null;
  const t0 = performance.now();
  for (let f = 0; f < FRAMES; f++) {
    const t = performance.now();
    last = await engine.processFrame({
      sessionId: session.sessionId,
      frameIndex: f,
      timestampMs: f * 33,
      rgba: { width: W, height: H, data: frameAt(f) },
      concepts: [{ id: 'red', phrase: 'red', boxes: [] }],
      scoreThreshold: 0.5,
    });
    frameMs.push(performance.now() - t);
    for (const [k, v] of Object.entries(last.timingsMs)) (stages[k] ??= []).push(v);
    if (last.instances.length > 0) perObject.push((last.timingsMs.tracker ?? 0) / last.instances.length);
    if (f + 1 === 100 || f + 1 === FRAMES || (f + 1) % 500 === 0) {
      globalThis.gc?.();
      const m = process.memoryUsage();
      heap[f + 1] = m.heapUsed + m.arrayBuffers;
    }
  }
  const total = performance.now() - t0;
  console.log(
    `\n## Video — demo pack (${session.propagation}), ${W}×${H}, 3 moving objects, ${FRAMES} frames, onnxruntime-node`,
  );
  console.log('| stage | median when it runs | frames it ran on |\n|---|---|---|');
  for (const [k, v] of Object.entries(stages)) console.log(`| ${k} | ${median(v).toFixed(2)} ms | ${v.length} |`);
  console.log(`| tracker per object | ${median(perObject).toFixed(2)} ms |`);
  console.log(`| whole frame | ${median(frameMs).toFixed(2)} ms (p95 ${pct(frameMs, 0.95).toFixed(2)} ms) |`);
  console.log(
    `frames per second: ${(FRAMES / (total / 1000)).toFixed(1)}; IDs on the last frame: ${last!.instances.map((i) => i.instanceId).join(',')}`,
  );
  const base = heap[100];
  console.log(
    `heap + array buffers: ${Object.entries(heap)
      .map(([f, b]) => `after ${f} frames ${mb(b)} (${(b / base).toFixed(2)}× of 100)`)
      .join('; ')}. GPU memory: not measured (CPU provider).`,
  );

  // Live mode: a 30 fps camera; a frame is processed only when the engine is idle, newer frames replace waiting ones.
  const live = await engine.startVideo({ mode: 'live', detectEvery: 1 });
  const camera = 1000 / 30;
  const captures = Math.min(FRAMES, 300);
  const latency: number[] = [];
  let clock = 0;
  let processed = 0;
  let nextCapture = 0;
  while (nextCapture < captures) {
    // The newest frame captured by now (frames captured while busy were dropped).
    const newest = Math.max(nextCapture, Math.floor(clock / camera));
    if (newest >= captures) break;
    const captureTime = newest * camera;
    clock = Math.max(clock, captureTime);
    const t = performance.now();
    await engine.processFrame({
      sessionId: live.sessionId,
      frameIndex: newest,
      timestampMs: captureTime,
      rgba: { width: W, height: H, data: frameAt(newest) },
      concepts: [{ id: 'red', phrase: 'red', boxes: [] }],
      scoreThreshold: 0.5,
    });
    clock += performance.now() - t;
    latency.push(clock - captureTime);
    processed++;
    nextCapture = newest + 1;
  }
  console.log(
    `live mode (simulated 30 fps camera, ${captures} frames): processed ${processed} (${((100 * processed) / captures).toFixed(0)} %), ` +
      `dropped ${captures - processed}; latency p50 ${pct(latency, 0.5).toFixed(1)} ms, p95 ${pct(latency, 0.95).toFixed(1)} ms, max ${Math.max(...latency).toFixed(1)} ms`,
  );
}

await run();
