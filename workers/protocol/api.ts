/**
 * The engine's one interface. The worker implements it (workers/engine/engine.ts) and the UI wraps it with
 * comlink (src/engine-client/engineClient.ts). The UI imports only these protocol types.
 */
import type { GraphProgressCallback, ProgressEvent } from './progress';
import type { SegmentRequest } from './prompts';
import type {
  CacheEntryInfo,
  CatalogueEntry,
  CocoExport,
  EngineStats,
  ImageInfo,
  MaskBitmaps,
  PackInfo,
  RleMask,
  RuntimeInfo,
  SegmentResult,
} from './results';
import type { PackManifest } from './manifest';
import type { CallOptions, Cancellable } from './cancel';
import type {
  VideoEditFrameInput,
  VideoEditInfo,
  VideoEditRequest,
  VideoEditResult,
  VideoFrameInput,
  VideoFrameResult,
  VideoSessionInfo,
  VideoSessionOptions,
} from './video';

export interface EngineOptions {
  /** Skip WebGPU even when available. */
  disableWebGpu?: boolean;
  /** Provider for every graph: 'auto' (default) follows the pack and the adapter; the others force one. */
  provider?: import('./manifest').ExecutionProviderChoice;
  /** WASM threads; default min(4, hardwareConcurrency). */
  numThreads?: number;
  /**
   * Where images are pre-processed: 'auto' (default) on the GPU when the vision graph runs on WebGPU, else in JS;
   * 'js' always in JS; 'check' as 'auto', and each GPU result is also compared with the JS one (EngineStats.preprocess).
   */
  preprocess?: PreprocessChoice;
  /**
   * Memory for open images' features (vision outputs, pre-processed pixels), least recently used evicted first
   * (recomputed if that image is segmented again); default 512 MiB.
   */
  imageMemoryBytes?: number;
}

export type PreprocessChoice = 'auto' | 'js' | 'check';

/** Raw RGBA pixels (Node tests, benchmarks). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

export type ImageSource = { kind: 'blob'; blob: Blob; name: string } | { kind: 'rgba'; image: RgbaImage; name: string };

/** A pack to open: a manifest URL, an inline manifest with a base URL, or local files. */
export type PackSource =
  | { kind: 'url'; manifestUrl: string }
  | { kind: 'manifest'; manifest: PackManifest; baseUrl: string }
  | { kind: 'files'; files: { path: string; data: Blob | ArrayBuffer }[] };

export interface ExportRequest {
  imageId: string;
  /** Same request as the segmentation shown (concepts and threshold). */
  request: SegmentRequest;
}

export type ProgressCallback = (event: ProgressEvent) => void;

/** How an image session is opened. */
export interface OpenImageOptions extends CallOptions {
  /** Send a display copy (≤ 2048 px, `ImageInfo.display`); default true. The folder run draws none. */
  display?: boolean;
  /** Also make a JPEG thumbnail whose longer side is this many pixels (`ImageInfo.thumbnail`), in the worker. */
  thumbnailSide?: number;
  /**
   * Whether clicks may refine objects on this image (default true). False: the session serves phrases and exemplar
   * boxes only, and a dual vision graph leaves out its tracker neck (the folder run never clicks while it runs).
   */
  clicks?: boolean;
}

/** What a segmentation sends back besides the instances. */
export interface SegmentOptions extends CallOptions {
  /** Mask bitmaps made in the worker for masks the page has not been sent yet (default true; browser only). */
  bitmaps?: boolean;
  /** Also the COCO export of the same request (full-resolution RLE), from the same graph outputs. */
  coco?: boolean;
}

/** A mask to paint in the worker (`maskBitmaps`): its pixels and the identity the page caches its bitmaps by. */
export interface MaskToPaint {
  maskId: string;
  mask: RleMask;
}

/**
 * The engine's one interface. Still images are sessions: `openImage` returns the image's handle (`imageId`),
 * `segment` and `exportCoco` name it in their request, `closeImage` frees it. Several can be open at once (the single
 * image, the folder run's current image, a reviewed image); their features share a memory budget, least recently
 * used first, so none locks or evicts another's session. Every long call takes a request id and stops with
 * `cancel(requestId)` (./cancel.ts).
 */
export interface EngineApi extends Cancellable {
  init(options?: EngineOptions): Promise<RuntimeInfo>;
  catalogue(): Promise<CatalogueEntry[]>;
  /**
   * Opens a pack. Downloads run outside the graph queue: the current pack keeps segmenting meanwhile. Space is
   * checked before the first byte is fetched. `cancel(requestId, 'pause')` keeps what was downloaded (openPack with
   * the same source resumes, also after a reload) and rejects with code 'paused'; `cancel(requestId)` also deletes it
   * and rejects with code 'cancelled'.
   */
  openPack(source: PackSource, onProgress?: ProgressCallback, call?: CallOptions): Promise<PackInfo>;
  /** Deletes what a paused or interrupted download left (incomplete cache entries). */
  dropPartialDownloads(): Promise<void>;
  cacheState(): Promise<CacheEntryInfo[]>;
  clearCache(): Promise<void>;
  /** Decodes (EXIF orientation honoured) and pre-processes an image; encodes nothing yet. Returns its handle. */
  openImage(source: ImageSource, options?: OpenImageOptions): Promise<ImageInfo>;
  /** Frees an image session (its pixels, features and cached outputs). Unknown handles are ignored. */
  closeImage(imageId: string): Promise<void>;
  /**
   * Runs what is missing for the request on its image (vision once per image, text once per phrase, detector per
   * concept and exemplar set) and post-processes. A threshold change alone runs no graph. `onProgress` hears each
   * graph start and finish (a minutes-long first request on WASM says where it is); a separate argument, like
   * openPack's, because comlink proxies only a top-level callback.
   */
  segment(
    request: SegmentRequest,
    options?: SegmentOptions,
    onProgress?: GraphProgressCallback,
  ): Promise<SegmentResult>;
  /** COCO JSON of the request at full image resolution. */
  exportCoco(request: ExportRequest, call?: CallOptions): Promise<CocoExport>;
  /** The one mask painter: each mask's alpha bitmaps (`MaskBitmaps`), made in the worker and transferred. */
  maskBitmaps(masks: MaskToPaint[], call?: CallOptions): Promise<MaskBitmaps[]>;
  stats(): Promise<EngineStats>;
  /** Starts a video/webcam tracking session (resets IDs and memory). */
  startVideo(options: VideoSessionOptions): Promise<VideoSessionInfo>;
  /** Tracks one frame: detector (every `detectEvery` frames), tracker propagation, association, ID birth. */
  processFrame(frame: VideoFrameInput, call?: CallOptions): Promise<VideoFrameResult>;
  /** Ends the session and frees its frames and memory banks. */
  endVideo(sessionId: string): Promise<void>;
  /**
   * A prompt on any frame of a processed file (the session stays open after its last frame): decodes it on that
   * frame and returns which frames to send next; a new edit ends the previous one.
   */
  startVideoEdit(request: VideoEditRequest, call?: CallOptions): Promise<VideoEditInfo>;
  /** The edit's next frame: only its objects are propagated (memory attention, decoder, encoder per object). */
  propagateVideoEdit(frame: VideoEditFrameInput, call?: CallOptions): Promise<VideoEditResult>;
  /** Ends the edit (its banks are freed; the conditioning frame it added stays with its objects). */
  endVideoEdit(editId: string): Promise<void>;
}
