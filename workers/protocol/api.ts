/**
 * The engine's one interface. The worker implements it (workers/engine/engine.ts) and the UI wraps it with
 * comlink (src/engine-client/engineClient.ts). The UI imports only these protocol types.
 */
import type { ProgressEvent } from './progress';
import type { SegmentRequest } from './prompts';
import type {
  CacheEntryInfo,
  CatalogueEntry,
  CocoExport,
  EngineStats,
  ImageInfo,
  PackInfo,
  RuntimeInfo,
  SegmentResult,
} from './results';
import type { PackManifest } from './manifest';
import type { VideoFrameInput, VideoFrameResult, VideoSessionInfo, VideoSessionOptions } from './video';

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

export interface EngineApi {
  init(options?: EngineOptions): Promise<RuntimeInfo>;
  catalogue(): Promise<CatalogueEntry[]>;
  /**
   * Opens a pack. Downloads run outside the graph queue: the current pack keeps segmenting meanwhile. Space is
   * checked before the first byte is fetched.
   */
  openPack(source: PackSource, onProgress?: ProgressCallback): Promise<PackInfo>;
  /**
   * Stops the pack download in progress: `pause` keeps what was downloaded (openPack with the same source resumes,
   * also after a reload); `cancel` also deletes it — with no download in progress, `cancel` deletes whatever a paused
   * or interrupted download left (incomplete cache entries). The pending openPack rejects with code 'aborted'.
   */
  stopPackLoad(mode: 'pause' | 'cancel'): Promise<void>;
  cacheState(): Promise<CacheEntryInfo[]>;
  clearCache(): Promise<void>;
  /** Decodes (EXIF orientation honoured), pre-processes and encodes nothing yet. */
  setImage(source: ImageSource): Promise<ImageInfo>;
  /**
   * Runs what is missing for the request (vision once per image, text once per phrase, detector per
   * concept and exemplar set) and post-processes. A newer call supersedes an older queued one.
   * A threshold change alone runs no graph.
   */
  segment(request: SegmentRequest): Promise<SegmentResult>;
  /** COCO JSON of the request at full image resolution. */
  exportCoco(request: ExportRequest): Promise<CocoExport>;
  stats(): Promise<EngineStats>;
  /** Starts a video/webcam tracking session (resets IDs and memory). */
  startVideo(options: VideoSessionOptions): Promise<VideoSessionInfo>;
  /** Tracks one frame: detector (every `detectEvery` frames), tracker propagation, association, ID birth. */
  processFrame(frame: VideoFrameInput): Promise<VideoFrameResult>;
  /** Ends the session and frees its frames and memory banks. */
  endVideo(sessionId: string): Promise<void>;
}
