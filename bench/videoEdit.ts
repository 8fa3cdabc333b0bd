/**
 * Video edit benchmark (issue 20) on the demo pack with onnxruntime-web's WASM kernels in Node (what the browser
 * runs without WebGPU): a generated clip (FRAMES frames, default 300, 640×480) where a red square stays all along
 * and a blue square enters on a third of the way in, processed once in file mode with the phrase "red"; then ONE
 * click on the blue square on frame K (default FRAMES / 2), propagated both ways as the UI drives it. Prints the
 * time from the click to the first re-propagated frame, each direction's and the whole range's time, the
 * re-propagation's frames per second against file mode's from the same run, and the graph runs against
 * objects × frames re-run.
 */
import { createEngine } from '../workers/engine/engine';
import { createNodeWasmRuntime } from '../workers/ort/nodeWasmRuntime';
import { MemoryByteStore } from '../workers/packs/byteStore';
import { packFilesSource } from '../tests/helpers/demoPackEngine';
import { renderScene, squareShape } from '../tools/scenes/scene';
import type { RleMask } from '../workers/protocol/results';
import type { VideoEditResult } from '../workers/protocol/video';

const FRAMES = Number(process.env.FRAMES ?? 300);
const K = Number(process.env.EDIT_FRAME ?? Math.floor(FRAMES / 2));
const THREADS = Number(process.env.WASM_THREADS ?? 1);
const W = 640;
const H = 480;
const ENTER = Math.floor(FRAMES / 3);
const SIZE = 56;
/** The blue square slides in from the left edge and reaches x = 528 on the last frame, whatever FRAMES is. */
const blueX = (t: number) => Math.round(-SIZE + ((t - ENTER) * (W - 56)) / (FRAMES - ENTER));

/** Only the pixels are kept (300 frames × 1.2 MB); the scene's per-shape masks are dropped. */
const frames = Array.from(
  { length: FRAMES },
  (_, t) =>
    renderScene({
      width: W,
      height: H,
      background: [236, 236, 236],
      shapes: [squareShape(440, 60, 80, 'red'), ...(t >= ENTER ? [squareShape(blueX(t), 300, SIZE, 'blue')] : [])],
    }).data,
);

const engine = createEngine({ createRuntime: () => createNodeWasmRuntime(THREADS), store: new MemoryByteStore() });
await engine.init();
await engine.openPack(packFilesSource());
const concepts = [{ id: 'red', phrase: 'red', boxes: [] }];
const pixels = (f: number) => ({ frameIndex: f, timestampMs: f * 33, rgba: { width: W, height: H, data: frames[f] } });

// File mode, once over the clip; the results store keeps each frame's masks by track ID.
const session = await engine.startVideo({ mode: 'file', detectEvery: 1 });
const stored: Map<number, RleMask>[] = [];
const t0 = performance.now();
for (let f = 0; f < FRAMES; f++) {
  const r = await engine.processFrame({ sessionId: session.sessionId, ...pixels(f), concepts, scoreThreshold: 0.5 });
  stored.push(new Map(r.instances.map((i) => [i.instanceId, i.mask])));
}
const fileMs = performance.now() - t0;
const fileFps = FRAMES / (fileMs / 1000);

// One click on the blue square on frame K, both directions, frames sent in the order the engine asks.
const tClick = performance.now();
const info = await engine.startVideoEdit({
  sessionId: session.sessionId,
  ...pixels(K),
  frameCount: FRAMES,
  direction: 'both',
  objects: [
    {
      id: 'click',
      points: [{ id: 'click-p', xyPx: [blueX(K) + SIZE / 2, 300 + SIZE / 2], polarity: 'positive' }],
      candidate: 0,
    },
  ],
  concepts,
});
const anchorMs = performance.now() - tClick;
const reRun: { r: VideoEditResult; doneAt: number }[] = [];
for (let f = info.anchor.next; f !== null;) {
  const r = await engine.propagateVideoEdit({
    editId: info.editId,
    ...pixels(f),
    stored: Object.fromEntries(info.objectIds.map((id) => [id, stored[f!].get(id) ?? null])),
  });
  reRun.push({ r, doneAt: performance.now() - tClick });
  for (const id of r.updated) stored[r.frameIndex].delete(id);
  for (const inst of r.instances) stored[r.frameIndex].set(inst.instanceId, inst.mask);
  f = r.next;
}
await engine.endVideoEdit(info.editId);
const totalMs = performance.now() - tClick;

const fwd = reRun.filter((x) => x.r.frameIndex > K);
const back = reRun.filter((x) => x.r.frameIndex < K);
const fwdMs = fwd.length ? fwd[fwd.length - 1].doneAt - anchorMs : 0;
const backMs = back.length ? back[back.length - 1].doneAt - (fwd.length ? fwd[fwd.length - 1].doneAt : anchorMs) : 0;
const editFps = reRun.length / ((totalMs - anchorMs) / 1000);
const sum = (role: string) => reRun.reduce((n, x) => n + (x.r.graphRuns[role] ?? 0), 0);
const objectsTimesFrames = info.objectIds.length * reRun.length;
const withBlue = [...stored.entries()].filter(([, m]) => info.objectIds.some((id) => m.has(id))).map(([f]) => f);
const [load1] = (await import('node:os')).loadavg();

console.log(
  `\n## Video edit — demo pack (${session.propagation}), onnxruntime-web WASM (${THREADS} thread) in Node, ` +
    `${W}×${H}, ${FRAMES} frames, blue square enters on frame ${ENTER}, one click on frame ${K} (both directions); ` +
    `load ${load1.toFixed(1)} at the end`,
);
console.log('| measure | value |\n|---|---|');
console.log(`| file mode, ${FRAMES} frames | ${(fileMs / 1000).toFixed(1)} s, ${fileFps.toFixed(2)} frames/s |`);
console.log(`| click → prompted frame's result (anchor) | ${anchorMs.toFixed(0)} ms |`);
console.log(`| click → first re-propagated frame | ${(reRun[0]?.doneAt ?? NaN).toFixed(0)} ms |`);
const rate = (n: number, ms: number) => (n ? `${(n / (ms / 1000)).toFixed(2)} frames/s` : '–');
console.log(`| forward (${fwd.length} frames) | ${(fwdMs / 1000).toFixed(1)} s, ${rate(fwd.length, fwdMs)} |`);
console.log(`| backward (${back.length} frames) | ${(backMs / 1000).toFixed(1)} s, ${rate(back.length, backMs)} |`);
console.log(`| whole range (click → done, ${reRun.length + 1} frames) | ${(totalMs / 1000).toFixed(1)} s |`);
console.log(
  `| re-propagation frames/s / file mode frames/s | ${editFps.toFixed(2)} / ${fileFps.toFixed(2)} = ×${(editFps / fileFps).toFixed(2)} |`,
);
console.log(
  `| objects × frames re-run | ${info.objectIds.length} × ${reRun.length} = ${objectsTimesFrames} (IDs ${info.objectIds.join(',')}, born ${info.born.join(',') || 'none'}) |`,
);
for (const role of ['memoryAttention', 'memoryDecoder', 'memoryEncoder', 'tracker', 'vision', 'detector'])
  console.log(`| graph runs: ${role} | ${sum(role)} |`);
console.log(
  `| frames with the clicked object after the edit | ${withBlue.length ? `${withBlue[0]}–${withBlue[withBlue.length - 1]} (${withBlue.length})` : 'none'} |`,
);
