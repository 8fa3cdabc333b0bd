/**
 * The pack host: the runtime (onnxruntime, its WebGPU probe), the open pack's graphs and their generation, downloads
 * of the next pack, and what happens when the GPU goes away. One job: the graphs that can run right now, on which
 * provider, and why.
 *
 * Downloads run outside the run queue (the current pack keeps segmenting), one at a time; a cancelled one leaves no
 * partial file behind, a paused one keeps its parts to resume from (also after a reload).
 *
 * It keeps the opened pack's file handles (Blobs: Cache Storage entries or picked files, never the bytes), so that
 * after a lost GPU device every graph can be opened again on the CPU side without downloading anything.
 */
import type { EngineOptions, PreprocessChoice } from '../protocol/api';
import type { ExecutionProviderChoice, PackManifest } from '../protocol/manifest';
import { downloadVerdict } from '../protocol/variantFit';
import type { PackInfo, RuntimeInfo } from '../protocol/results';
import { DeviceLostError, type GraphRuntime, type WebGpuProbe } from '../ort/graphRuntime';
import type { ByteStore } from '../packs/byteStore';
import { PAUSE } from '../packs/download';
import { loadPack, type LoadedPack, type LoadPackOptions } from '../packs/loadPack';
import type { PackSource } from '../protocol/api';
import { openPackGraphs, releaseGraphs, type OpenPack, type Role } from '../graphs/openPackGraphs';
import { EngineError } from './engineError';
import { GraphRuns } from './graphRuns';

export class PackHost {
  private runtime: GraphRuntime | null = null;
  private probe: WebGpuProbe = { available: false, reason: 'not initialised', shaderF16: false };
  private providerChoice: ExecutionProviderChoice = 'auto';
  /** Where images are pre-processed (EngineOptions.preprocess). */
  preprocessChoice: PreprocessChoice = 'auto';
  private pack: OpenPack | null = null;
  private files: LoadedPack | null = null;
  /** Bumped whenever the graphs change: caches key on it. */
  generation = 0;
  readonly runs = new GraphRuns();
  private downloading = false;

  constructor(
    private readonly createRuntime: (options: EngineOptions) => Promise<GraphRuntime>,
    /** Called when the graphs are replaced (caches drop what the old graphs made). */
    private readonly onReplaced: () => void,
  ) {}

  async init(options: EngineOptions = {}): Promise<RuntimeInfo> {
    if (!this.runtime) {
      this.runtime = await this.createRuntime(options);
      this.probe = await this.runtime.probeWebGpu();
    }
    this.providerChoice = options.provider ?? 'auto';
    this.preprocessChoice = options.preprocess ?? 'auto';
    return this.runtimeInfo();
  }

  async requireRuntime(): Promise<GraphRuntime> {
    if (!this.runtime) await this.init();
    return this.runtime!;
  }

  /** The runtime, once initialised (graph steps run only after a pack was opened). */
  get graphRuntime(): GraphRuntime {
    if (!this.runtime) throw new EngineError('no-pack', 'No model pack is open yet.');
    return this.runtime;
  }

  /**
   * Fetches (or reads from the cache) a pack's files, outside the run queue. `signal` aborted with reason 'pause'
   * keeps what arrived and rejects with code 'paused'; any other abort deletes the partial files and rejects with
   * code 'cancelled'.
   */
  async download(
    source: PackSource,
    store: ByteStore,
    signal: AbortSignal,
    options: Pick<LoadPackOptions, 'onProgress' | 'fetchImpl' | 'freeBytes'>,
  ): Promise<LoadedPack> {
    if (this.downloading) throw new EngineError('busy', 'Another pack is loading; pause or cancel it first.');
    this.downloading = true;
    const keys = new Set<string>();
    try {
      await this.requireRuntime();
      if (signal.aborted) throw new EngineError('cancelled', 'Opening the pack was cancelled.');
      return await loadPack(source, store, {
        ...options,
        signal,
        onFetch: (key) => keys.add(key),
        beforeDownload: (manifest) => this.checkFit(manifest),
      });
    } catch (err) {
      if (!signal.aborted) throw err;
      if (signal.reason === PAUSE) throw pausedError(err);
      // A cancelled download leaves nothing behind.
      for (const key of keys) if ((await store.completeSize(key)) === null) await store.delete(key);
      throw (err as { code?: unknown })?.code === 'cancelled'
        ? err
        : new EngineError('cancelled', 'Opening the pack was cancelled.');
    } finally {
      this.downloading = false;
    }
  }

  /** Opens a loaded pack's graphs and makes them current (call inside the run queue). */
  async open(loaded: LoadedPack, onCompile: (role: Role) => void): Promise<PackInfo> {
    const runtime = await this.requireRuntime();
    const pack = await openPackGraphs(loaded, runtime, this.probe, this.providerChoice, onCompile);
    await this.replace(pack, loaded);
    return pack.info;
  }

  require(): OpenPack {
    if (!this.pack) throw new EngineError('no-pack', 'No model pack is open yet.');
    return this.pack;
  }

  get current(): OpenPack | null {
    return this.pack;
  }

  /**
   * Runs one graph step. A lost GPU device must not take the page down: the graphs are recreated on the CPU side
   * (reasons updated in the pack info), and the step's caller is told to retry.
   */
  async withRecovery<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (err) {
      if (!(err instanceof DeviceLostError) || !this.pack || !this.files) throw err;
      this.probe = { ...this.probe, available: false, reason: `the GPU device was lost (${err.message})` };
      this.providerChoice = 'wasm';
      const pack = await openPackGraphs(this.files, this.runtime!, this.probe, 'wasm', () => {});
      pack.info.graphs.forEach((g) => (g.reason = 'the GPU device was lost; running on WASM'));
      await this.replace(pack, this.files);
      throw new EngineError('gpu-lost', 'The GPU device was lost. The model now runs on WASM; please retry.');
    }
  }

  /**
   * Refuses, before any download, a pack this device cannot run: one that fits neither WebGPU here nor WASM's
   * memory, or a variant whose WebGPU needs the adapter does not meet while the provider is left on auto (running
   * it on WASM instead must be chosen).
   */
  checkFit(manifest: PackManifest): void {
    const verdict = downloadVerdict(manifest, this.probe, this.providerChoice);
    if (!verdict.allowed) throw new EngineError('gpu-unfit', verdict.message);
  }

  runtimeInfo(): RuntimeInfo {
    return {
      webgpu: { ...this.probe },
      wasm: {
        threads: this.runtime?.wasmThreads ?? 0,
        crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
      },
    };
  }

  private async replace(pack: OpenPack, files: LoadedPack): Promise<void> {
    const old = this.pack;
    this.pack = pack;
    this.files = files;
    this.generation++;
    this.onReplaced();
    if (old) await releaseGraphs(old.graphs);
  }
}

/**
 * A pause always ends the load as 'paused' (resumable), wherever it struck: while a file streamed (that error names
 * the file and how much arrived), or earlier — the manifest still arriving, the runtime still starting.
 */
function pausedError(err: unknown): unknown {
  if ((err as { code?: unknown } | null)?.code === 'paused') return err;
  return new EngineError('paused', 'The download was paused before its files arrived; resume to start it.');
}
