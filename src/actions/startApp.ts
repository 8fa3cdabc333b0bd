/**
 * First load: runtime info, catalogue, the built-in demo pack and sample image, and the phrase "red", so masks
 * appear within seconds, offline.
 */
import type { EngineOptions } from '../../workers/protocol';
import { engine } from '../engine-client/engineClient';
import { reportEngineError } from '../engine-client/engineErrors';
import { appStore } from '../store/appStore';
import { refreshCacheState } from './manageCache';
import { openImageUrl } from './openImage';
import { openPack, restorePendingPack } from './openPack';
import { setPhrases } from './setPhrases';

const base = import.meta.env?.BASE_URL ?? '/';
export const DEMO_PACK_URL = `${base}packs/demo/manifest.json`;
export const SAMPLE_IMAGE_URL = `${base}samples/shapes.png`;
export const SAMPLE_PHRASE = 'red';

/** `?ep=webgpu` or `?ep=wasm` forces an execution provider for every graph (default: auto). */
export function providerFromUrl(search: string): EngineOptions['provider'] {
  const ep = new URLSearchParams(search).get('ep');
  return ep === 'webgpu' || ep === 'wasm' ? ep : 'auto';
}

/**
 * `?preprocess=js` pre-processes images in JS even where the vision graph runs on WebGPU; `?preprocess=check` does
 * it on the GPU and compares each result with JS (the engine's stats); default: auto (on the GPU where it can).
 */
export function preprocessFromUrl(search: string): EngineOptions['preprocess'] {
  const where = new URLSearchParams(search).get('preprocess');
  return where === 'js' || where === 'check' ? where : 'auto';
}

export async function startApp(): Promise<void> {
  setPhrases([], SAMPLE_PHRASE);
  restorePendingPack();
  const runtime = engine()
    .init({ provider: providerFromUrl(location.search), preprocess: preprocessFromUrl(location.search) })
    .then((info) => appStore.setState({ runtime: info }))
    .catch((err) => reportEngineError(err, 'Starting the engine'));
  const catalogue = engine()
    .catalogue()
    .then((entries) => appStore.setState({ catalogue: entries }))
    .catch((err) => reportEngineError(err, 'Reading the pack catalogue'));
  // init first: the pack picks its execution providers from the runtime.
  await runtime;
  await Promise.all([
    openPack({ kind: 'url', manifestUrl: DEMO_PACK_URL }, 'demo pack'),
    openImageUrl(SAMPLE_IMAGE_URL, 'shapes.png'),
    catalogue,
  ]);
  await refreshCacheState();
}
