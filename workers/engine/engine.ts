/**
 * The engine: EngineApi over three parts with one job each — the pack host (runtime and graphs), the image session
 * (the still image's instances) and the video host (tracking) — sharing one feature cache, so a keystroke re-runs
 * only text + detector, an exemplar change only the detector, a threshold change no graph at all.
 *
 * Graph work is serialised in one run queue (onnxruntime rejects overlapping runs on a session). What runs no
 * graph stays outside it: decoding a dropped image, and downloading a pack — the current pack keeps segmenting
 * while a new one downloads, and a download can be paused or cancelled. Making an image current, opening graphs and
 * every graph step are queued, so nothing frees features a running request still uses.
 */
import type { EngineApi, EngineOptions, ImageSource, PackSource, ProgressCallback } from '../protocol/api';
import type { SegmentRequest } from '../protocol/prompts';
import type { CocoExport, ImageInfo, MaskBitmaps, RleMask, SegmentResult } from '../protocol/results';
import type { VideoFrameInput, VideoFrameResult, VideoSessionInfo, VideoSessionOptions } from '../protocol/video';
import type { GraphRuntime } from '../ort/graphRuntime';
import type { ByteStore } from '../packs/byteStore';
import { PAUSE } from '../packs/download';
import { loadPack } from '../packs/loadPack';
import { CATALOGUE } from '../packs/catalogue';
import type { DecodedImage, ImageDecoder } from './decodedImage';
import { EngineError, toEngineErrorData } from './engineError';
import { FeatureCache } from './featureCache';
import { ImageSession } from './imageSession';
import { PackHost } from './packHost';
import { RunQueue } from './runQueue';
import { VideoHost } from './videoHost';

export { VISUAL_PROMPT } from './featureCache';

export interface EngineDeps {
  createRuntime(options: EngineOptions): Promise<GraphRuntime>;
  store: ByteStore;
  /** Decodes a Blob (browser: createImageBitmap; absent in Node, where only RGBA sources work). */
  decodeBlob?: ImageDecoder;
  /** Reads a video frame's pixels (browser; Node sends RGBA). */
  decodeFrame?: (bitmap: ImageBitmap, sourceSize?: { width: number; height: number }) => DecodedImage;
  fetchImpl?: typeof fetch;
  now?: () => number;
  /** Makes a mask's bitmaps (browser): sent with the first result that shows the mask. */
  makeMaskBitmaps?: (mask: RleMask) => Promise<MaskBitmaps>;
  /** Free bytes the site may still store (browser: navigator.storage.estimate()); null when unknown. */
  freeBytes?: () => Promise<number | null>;
}

/** The download in progress, so that it can be paused or cancelled. */
interface PackLoad {
  controller: AbortController;
  keys: Set<string>;
}

export class Engine implements EngineApi {
  private readonly queue = new RunQueue();
  private readonly host: PackHost;
  private readonly features: FeatureCache;
  private readonly image: ImageSession;
  private readonly video: VideoHost;
  private readonly now: () => number;
  private seq = 0;
  private load: PackLoad | null = null;

  constructor(private readonly deps: EngineDeps) {
    this.now = deps.now ?? (() => performance.now());
    this.host = new PackHost(deps.createRuntime, () => {
      this.features.clear();
      this.image.packReplaced();
    });
    this.features = new FeatureCache(this.host, this.now);
    this.image = new ImageSession(this.host, this.features, {
      decodeBlob: deps.decodeBlob,
      makeMaskBitmaps: deps.makeMaskBitmaps,
      now: this.now,
    });
    this.video = new VideoHost(this.host, this.features, { decodeFrame: deps.decodeFrame, now: this.now });
  }

  async init(options: EngineOptions = {}) {
    return this.guard(() => this.host.init(options));
  }

  async catalogue() {
    return CATALOGUE;
  }

  async openPack(source: PackSource, onProgress?: ProgressCallback) {
    return this.guard(async () => {
      if (this.load) throw new EngineError('aborted', 'Another pack is loading; pause or cancel it first.');
      // Registered before anything is awaited, so that a pause or cancel at any moment of the load is honoured.
      const load: PackLoad = { controller: new AbortController(), keys: new Set() };
      this.load = load;
      let loaded;
      try {
        await this.host.requireRuntime();
        // Outside the run queue: the current pack keeps working while this one downloads.
        loaded = await loadPack(source, this.deps.store, {
          onProgress: (e) => void onProgress?.(e),
          fetchImpl: this.deps.fetchImpl,
          signal: load.controller.signal,
          freeBytes: this.deps.freeBytes,
          onFetch: (key) => load.keys.add(key),
          beforeDownload: (manifest) => this.host.checkFit(manifest),
        });
      } catch (err) {
        const { reason } = load.controller.signal;
        if (reason === 'cancel') await this.dropPartial(load);
        if (reason === PAUSE) throw pausedError(err);
        throw err;
      } finally {
        this.load = null;
      }
      const info = await this.queue.run(() =>
        this.host.open(loaded, (role) => onProgress?.({ status: 'compiling', graph: role })),
      );
      onProgress?.({ status: 'ready', packId: info.id });
      return info;
    });
  }

  async stopPackLoad(mode: 'pause' | 'cancel') {
    return this.guard(async () => {
      if (this.load) {
        this.load.controller.abort(mode === 'pause' ? PAUSE : 'cancel');
      } else if (mode === 'cancel') {
        // Nothing downloading: drop what a paused or interrupted download left.
        for (const entry of await this.deps.store.list()) if (!entry.complete) await this.deps.store.delete(entry.url);
      }
    });
  }

  async cacheState() {
    return this.guard(() => this.deps.store.list());
  }

  async clearCache() {
    return this.guard(() => this.deps.store.clear());
  }

  async setImage(source: ImageSource): Promise<ImageInfo> {
    return this.guard(async () => {
      const t0 = this.now();
      const decoded = await this.image.decode(source); // no graph: outside the queue
      const decodeMs = this.now() - t0;
      return this.queue.run(async () => this.image.adopt(decoded, source.name, decodeMs));
    });
  }

  async segment(request: SegmentRequest): Promise<SegmentResult> {
    const seq = ++this.seq;
    return this.guard(() => this.queue.run(() => this.image.segment(request, seq, () => seq !== this.seq)));
  }

  async exportCoco({ request }: { imageId: string; request: SegmentRequest }): Promise<CocoExport> {
    return this.guard(() => this.queue.run(() => this.image.exportCoco(request)));
  }

  async startVideo(options: VideoSessionOptions): Promise<VideoSessionInfo> {
    return this.guard(() => this.queue.run(async () => this.video.start(options)));
  }

  async processFrame(frame: VideoFrameInput): Promise<VideoFrameResult> {
    return this.guard(() => this.queue.run(() => this.video.processFrame(frame)));
  }

  async endVideo(sessionId: string): Promise<void> {
    return this.guard(() =>
      this.queue.run(async () => {
        this.video.end(sessionId);
      }),
    );
  }

  async stats() {
    return { graphRuns: this.host.runs.snapshot(), cache: this.features.sizes, preprocess: this.features.preprocess };
  }

  /** A cancelled download leaves nothing behind (a paused one keeps its parts to resume from). */
  private async dropPartial(load: PackLoad): Promise<void> {
    for (const key of load.keys) {
      if ((await this.deps.store.completeSize(key)) === null) await this.deps.store.delete(key);
    }
  }

  /** Every public method: errors leave as plain EngineErrorData, never as class instances. */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toEngineErrorData(err, 'runtime');
    }
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

export function createEngine(deps: EngineDeps): Engine {
  return new Engine(deps);
}
