/**
 * The engine: EngineApi over three parts with one job each — the pack host (runtime, graphs, downloads), the image
 * sessions (still images by handle) and the video host (tracking) — sharing one feature cache, so a keystroke re-runs
 * only text + detector, an exemplar change only the detector, a threshold change no graph at all.
 *
 * Graph work is serialised in one run queue (onnxruntime rejects overlapping runs on a session). What runs no graph
 * stays outside it: decoding and pre-processing an image as it opens, painting mask bitmaps, and downloading a pack —
 * the current pack keeps segmenting while a new one downloads. Every long call runs in the cancel scope under its
 * request id, so `cancel(id)` stops it between graph steps with the one coded error.
 */
import type {
  EngineApi,
  EngineOptions,
  ExportRequest,
  ImageSource,
  MaskToPaint,
  OpenImageOptions,
  PackSource,
  ProgressCallback,
  SegmentOptions,
} from '../protocol/api';
import { CancelScope, type CallOptions, type CancelMode } from '../protocol/cancel';
import type { GraphProgressCallback } from '../protocol/progress';
import type { SegmentRequest } from '../protocol/prompts';
import type { CocoExport, ImageInfo, MaskBitmaps, RleMask, SegmentResult } from '../protocol/results';
import type {
  VideoEditFrameInput,
  VideoEditInfo,
  VideoEditRequest,
  VideoEditResult,
  VideoFrameInput,
  VideoFrameResult,
  VideoSessionInfo,
  VideoSessionOptions,
} from '../protocol/video';
import type { GraphRuntime } from '../ort/graphRuntime';
import type { ByteStore } from '../packs/byteStore';
import { CATALOGUE } from '../packs/catalogue';
import type { DecodedImage, ImageDecoder } from './decodedImage';
import { EngineError, toEngineErrorData } from './engineError';
import { DEFAULT_IMAGE_MEMORY_BYTES, FeatureCache } from './featureCache';
import { ImageSessions } from './imageSession';
import { PackHost } from './packHost';
import { PromiseQueue } from '../protocol/promiseQueue';
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
  /** The mask painter (browser): a mask's alpha bitmaps, sent with the first result that shows the mask. */
  makeMaskBitmaps?: (mask: RleMask) => Promise<MaskBitmaps>;
  /** A JPEG thumbnail of a decoded image (browser). */
  makeThumbnail?: (decoded: DecodedImage, side: number) => Promise<Blob | undefined>;
  /** Free bytes the site may still store (browser: navigator.storage.estimate()); null when unknown. */
  freeBytes?: () => Promise<number | null>;
  /** Memory for images' features; default 512 MiB (EngineOptions.imageMemoryBytes overrides it at init). */
  imageMemoryBytes?: number;
}

export class Engine implements EngineApi {
  /** The run queue: graph work, one task at a time. */
  private readonly queue = new PromiseQueue();
  private readonly cancels = new CancelScope();
  private readonly host: PackHost;
  private readonly features: FeatureCache;
  private readonly images: ImageSessions;
  private readonly video: VideoHost;
  private readonly now: () => number;

  constructor(private readonly deps: EngineDeps) {
    this.now = deps.now ?? (() => performance.now());
    this.host = new PackHost(deps.createRuntime, () => {
      this.features.clear();
      this.images.packReplaced();
    });
    this.features = new FeatureCache(this.host, this.now, deps.imageMemoryBytes ?? DEFAULT_IMAGE_MEMORY_BYTES);
    this.images = new ImageSessions(this.host, this.features, {
      decodeBlob: deps.decodeBlob,
      makeMaskBitmaps: deps.makeMaskBitmaps,
      makeThumbnail: deps.makeThumbnail,
      now: this.now,
    });
    this.video = new VideoHost(this.host, this.features, {
      decodeFrame: deps.decodeFrame,
      makeMaskBitmaps: deps.makeMaskBitmaps,
      now: this.now,
    });
  }

  async init(options: EngineOptions = {}) {
    return this.guard(async () => {
      if (options.imageMemoryBytes !== undefined && options.imageMemoryBytes !== this.features.budgetBytes) {
        this.features.setBudget(options.imageMemoryBytes);
      }
      return this.host.init(options);
    });
  }

  async catalogue() {
    return CATALOGUE;
  }

  async cancel(requestId: string, mode: CancelMode = 'cancel') {
    this.cancels.cancel(requestId, mode);
  }

  async openPack(source: PackSource, onProgress?: ProgressCallback, call?: CallOptions) {
    return this.guard(() =>
      this.cancels.run(call, async (signal) => {
        const loaded = await this.host.download(source, this.deps.store, signal, {
          onProgress: (e) => void onProgress?.(e),
          fetchImpl: this.deps.fetchImpl,
          freeBytes: this.deps.freeBytes,
        });
        const info = await this.queue.run(() =>
          this.host.open(loaded, (role) => onProgress?.({ status: 'compiling', graph: role })),
        );
        onProgress?.({ status: 'ready', packId: info.id });
        return info;
      }),
    );
  }

  async dropPartialDownloads() {
    return this.guard(async () => {
      for (const entry of await this.deps.store.list()) if (!entry.complete) await this.deps.store.delete(entry.url);
    });
  }

  async cacheState() {
    return this.guard(() => this.deps.store.list());
  }

  async clearCache() {
    return this.guard(() => this.deps.store.clear());
  }

  async openImage(source: ImageSource, options: OpenImageOptions = {}): Promise<ImageInfo> {
    return this.guard(() =>
      this.cancels.run(options, async (signal) => {
        const t0 = this.now();
        const decoded = await this.images.decode(source); // no graph: outside the queue
        if (signal.aborted) {
          decoded.display?.close();
          throw new EngineError('cancelled', `Opening ${source.name} was cancelled.`);
        }
        return this.images.adopt(decoded, source.name, this.now() - t0, options);
      }),
    );
  }

  async closeImage(imageId: string): Promise<void> {
    this.images.close(imageId);
  }

  async segment(
    request: SegmentRequest,
    options: SegmentOptions = {},
    onProgress?: GraphProgressCallback,
  ): Promise<SegmentResult> {
    return this.guard(() =>
      this.cancels.run(options, (signal) =>
        this.queue.run(() => this.images.segment(request, options, signal, onProgress)),
      ),
    );
  }

  async exportCoco({ request }: ExportRequest, call?: CallOptions): Promise<CocoExport> {
    return this.guard(() =>
      this.cancels.run(call, (signal) => this.queue.run(() => this.images.exportCoco(request, signal))),
    );
  }

  async maskBitmaps(masks: MaskToPaint[], call?: CallOptions): Promise<MaskBitmaps[]> {
    return this.guard(() =>
      this.cancels.run(call, async (signal) => {
        const make = this.deps.makeMaskBitmaps;
        if (!make) throw new EngineError('runtime', 'This build cannot paint masks (no ImageBitmap).');
        const out: MaskBitmaps[] = [];
        for (const { mask } of masks) {
          if (signal.aborted) {
            out.forEach((b) => (b.fill.close(), b.edge.close()));
            throw new EngineError('cancelled', 'Painting the masks was cancelled.');
          }
          out.push(await make(mask));
        }
        return out;
      }),
    );
  }

  async startVideo(options: VideoSessionOptions): Promise<VideoSessionInfo> {
    return this.guard(() => this.queue.run(async () => this.video.start(options)));
  }

  async processFrame(frame: VideoFrameInput, call?: CallOptions): Promise<VideoFrameResult> {
    return this.guard(() =>
      this.cancels.run(call, (signal) => this.queue.run(() => this.video.processFrame(frame, signal))),
    );
  }

  async startVideoEdit(request: VideoEditRequest, call?: CallOptions): Promise<VideoEditInfo> {
    return this.guard(() =>
      this.cancels.run(call, (signal) => this.queue.run(() => this.video.startEdit(request, signal))),
    );
  }

  async propagateVideoEdit(frame: VideoEditFrameInput, call?: CallOptions): Promise<VideoEditResult> {
    return this.guard(() =>
      this.cancels.run(call, (signal) => this.queue.run(() => this.video.stepEdit(frame, signal))),
    );
  }

  async endVideoEdit(editId: string): Promise<void> {
    return this.guard(() =>
      this.queue.run(async () => {
        this.video.endEdit(editId);
      }),
    );
  }

  async endVideo(sessionId: string): Promise<void> {
    return this.guard(() =>
      this.queue.run(async () => {
        this.video.end(sessionId);
      }),
    );
  }

  async stats() {
    return {
      graphRuns: this.host.runs.snapshot(),
      cache: this.features.sizes,
      preprocess: this.features.preprocess,
      sessions: {
        open: this.images.size,
        featureBytes: this.features.featureBytes,
        budgetBytes: this.features.budgetBytes,
      },
    };
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

export function createEngine(deps: EngineDeps): Engine {
  return new Engine(deps);
}
