/**
 * Memory of the compact result store (src/video/results/frameStore.ts): 10 minutes of 1080p at 30 fps with 10 moving
 * objects, measured as heap + array-buffer growth (run with --expose-gc), against the stated budget.
 */
import { FrameStore, STORE_BUDGET_BYTES } from '../src/video/results/frameStore';
import { ellipseCounts } from '../tests/helpers/syntheticMasks';

const gc = (globalThis as { gc?: () => void }).gc;
const used = () => {
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const frames = 10 * 60 * 30;
const w = 1920;
const h = 1080;
const before = used();
const store = new FrameStore(frames);
const t0 = performance.now();
for (let i = 0; i < frames; i++) {
  store.set({
    frameIndex: i,
    timestampMs: (i * 1000) / 30,
    width: w,
    height: h,
    displayWidth: w,
    displayHeight: h,
    detectorRan: true,
    objects: Array.from({ length: 10 }, (_, k) => ({
      id: k + 1,
      conceptId: 'c',
      conceptIndex: 0,
      score: 0.9,
      boxXyxyPx: [0, 0, 1, 1] as [number, number, number, number],
      areaPx: 1,
      mask: {
        width: w,
        height: h,
        counts: Uint32Array.from(ellipseCounts(w, h, 160 + ((k * 170 + i * 2) % 1600), 120 + (k % 4) * 250, 150, 90)),
      },
    })),
  });
}
const fillMs = performance.now() - t0;
const after = used();
const t1 = performance.now();
for (let i = 0; i < frames; i += 97) store.get(i);
const readMs = (performance.now() - t1) / Math.ceil(frames / 97);
console.log('\nResult store: 10 min of 1080p at 30 fps, 10 objects (18 000 frames, 180 000 masks)');
console.log(
  `  measured heap + buffers: ${((after - before) / 2 ** 20).toFixed(1)} MB (${gc ? 'after gc' : 'no --expose-gc'})`,
);
console.log(`  store's own estimate:    ${(store.bytes() / 2 ** 20).toFixed(1)} MB`);
console.log(`  budget:                  ${(STORE_BUDGET_BYTES / 2 ** 20).toFixed(0)} MB`);
console.log(`  one byte per pixel per object per frame would be ${((frames * 10 * w * h) / 2 ** 30).toFixed(0)} GB`);
console.log(`  fill ${(fillMs / 1000).toFixed(1)} s; reading one frame back (scrub) ${readMs.toFixed(2)} ms`);
