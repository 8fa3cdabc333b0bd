/// <reference lib="webworker" />
/**
 * The engine worker: exposes the Engine over comlink and nothing else. onnxruntime-web, the pack cache and
 * image decoding all live here, off the page's thread.
 */
import * as Comlink from 'comlink';
import { createEngine } from './engine/engine';
import { createWebRuntime } from './ort/webRuntime';
import { CacheStorageByteStore } from './packs/cacheStorageByteStore';
import { decodeImageBlob, decodeVideoFrame } from './media/decodeImageBlob';
import { makeMaskBitmaps } from './media/maskBitmaps';
import type { EngineApi } from './protocol/api';

const engine = createEngine({
  createRuntime: (options) => createWebRuntime(options),
  store: new CacheStorageByteStore(),
  decodeBlob: decodeImageBlob,
  decodeFrame: decodeVideoFrame,
  makeMaskBitmaps,
  freeBytes: async () => {
    const estimate = await navigator.storage?.estimate?.();
    return estimate?.quota !== undefined && estimate.usage !== undefined ? estimate.quota - estimate.usage : null;
  },
});

// setImage transfers the display bitmap instead of copying it.
const api: EngineApi = {
  init: (o) => engine.init(o),
  catalogue: () => engine.catalogue(),
  openPack: (s, p) => engine.openPack(s, p),
  stopPackLoad: (mode) => engine.stopPackLoad(mode),
  cacheState: () => engine.cacheState(),
  clearCache: () => engine.clearCache(),
  setImage: async (s) => {
    const info = await engine.setImage(s);
    return info.display ? Comlink.transfer(info, [info.display]) : info;
  },
  // Mask bitmaps are transferred, not copied.
  segment: async (r) => {
    const result = await engine.segment(r);
    const bitmaps = result.instances.flatMap((i) => (i.bitmaps ? [i.bitmaps.fill, i.bitmaps.edge] : []));
    return bitmaps.length > 0 ? Comlink.transfer(result, bitmaps) : result;
  },
  exportCoco: (r) => engine.exportCoco(r),
  stats: () => engine.stats(),
  startVideo: (o) => engine.startVideo(o),
  processFrame: (f) => engine.processFrame(f),
  endVideo: (id) => engine.endVideo(id),
};

Comlink.expose(api);
