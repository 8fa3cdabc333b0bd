/// <reference lib="webworker" />
/**
 * The engine worker: exposes the Engine over comlink and nothing else. onnxruntime-web, the pack cache, image
 * decoding and the mask painter all live here, off the page's thread.
 */
import * as Comlink from 'comlink';
import { createEngine } from './engine/engine';
import { createWebRuntime } from './ort/webRuntime';
import { CacheStorageByteStore } from './packs/cacheStorageByteStore';
import { decodeImageBlob, decodeVideoFrame } from './media/decodeImageBlob';
import { makeThumbnail } from './media/thumbnail';
import { makeMaskBitmaps } from './media/maskBitmaps';
import type { EngineApi } from './protocol/api';
import type { InstanceResult, MaskBitmaps } from './protocol/results';

const engine = createEngine({
  createRuntime: async (options) => {
    const runtime = await createWebRuntime(options);
    // Test builds only (`vite build --mode e2e`): graph runs the end-to-end tests can slow down; a production build
    // leaves this branch, and the module, out.
    if (import.meta.env.MODE === 'e2e') return (await import('../e2e/worker/slowGraphs')).slowGraphs(runtime);
    return runtime;
  },
  store: new CacheStorageByteStore(),
  decodeBlob: decodeImageBlob,
  decodeFrame: decodeVideoFrame,
  makeMaskBitmaps,
  makeThumbnail,
  freeBytes: async () => {
    const estimate = await navigator.storage?.estimate?.();
    return estimate?.quota !== undefined && estimate.usage !== undefined ? estimate.quota - estimate.usage : null;
  },
});

const bitmapsOf = (b: MaskBitmaps[]) => b.flatMap((x) => [x.fill, x.edge]);
const instanceBitmaps = (instances: InstanceResult[]) => bitmapsOf(instances.flatMap((i) => i.bitmaps ?? []));
/** Bitmaps are transferred, not copied. */
const transfer = <T>(value: T, bitmaps: ImageBitmap[]) =>
  bitmaps.length > 0 ? Comlink.transfer(value, bitmaps) : value;

const api: EngineApi = {
  init: (o) => engine.init(o),
  catalogue: () => engine.catalogue(),
  cancel: (id, mode) => engine.cancel(id, mode),
  openPack: (s, p, c) => engine.openPack(s, p, c),
  dropPartialDownloads: () => engine.dropPartialDownloads(),
  cacheState: () => engine.cacheState(),
  clearCache: () => engine.clearCache(),
  openImage: async (s, o) => {
    const info = await engine.openImage(s, o);
    return transfer(info, info.display ? [info.display] : []);
  },
  closeImage: (id) => engine.closeImage(id),
  segment: async (r, o, p) => {
    const result = await engine.segment(r, o, p);
    return transfer(result, instanceBitmaps(result.instances));
  },
  exportCoco: (r, c) => engine.exportCoco(r, c),
  maskBitmaps: async (m, c) => {
    const out = await engine.maskBitmaps(m, c);
    return transfer(out, bitmapsOf(out));
  },
  stats: () => engine.stats(),
  startVideo: (o) => engine.startVideo(o),
  processFrame: async (f, c) => {
    const result = await engine.processFrame(f, c);
    return transfer(result, instanceBitmaps(result.instances));
  },
  endVideo: (id) => engine.endVideo(id),
  startVideoEdit: async (r, c) => {
    const info = await engine.startVideoEdit(r, c);
    return transfer(info, instanceBitmaps(info.anchor.instances));
  },
  propagateVideoEdit: async (f, c) => {
    const result = await engine.propagateVideoEdit(f, c);
    return transfer(result, instanceBitmaps(result.instances));
  },
  endVideoEdit: (id) => engine.endVideoEdit(id),
};

Comlink.expose(api);
