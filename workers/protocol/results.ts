/** What crosses back from the worker: compact masks and metadata, never logits or embeddings. */

/**
 * A binary mask as row-major run lengths: counts alternate 0-runs and 1-runs, starting with a
 * 0-run (possibly of length 0), over `width × height` pixels in row-major order.
 * (COCO's column-major RLE strings are produced only for export.)
 */
export interface RleMask {
  width: number;
  height: number;
  counts: Uint32Array;
}

export interface InstanceResult {
  /** 1-based, unique within one result. */
  instanceId: number;
  conceptId: string;
  /** Index of the concept in the request (drives the hue family). */
  conceptIndex: number;
  /** Index of the detector query that produced it. */
  query: number;
  /** σ(logit)·σ(presence). */
  score: number;
  /** σ(presence) of its concept. */
  presence: number;
  /** [x1, y1, x2, y2] in original image pixels, clipped to the image. */
  boxXyxyPx: [number, number, number, number];
  /** Mask area in original image pixels. */
  areaPx: number;
  /** Mask at the display resolution of the image (ImageInfo.displayWidth × displayHeight). */
  mask: RleMask;
  /** `concept`: found by the detector; `object`: made or refined with clicks (then `objectId` is set). */
  source: 'concept' | 'object';
  objectId?: string;
  /** For objects: the decoder's candidates' predicted IoUs, best first, and which one is shown. */
  candidates?: { iou: number[]; selected: number };
  /** Hidden by an edit: listed, not drawn, not exported. */
  hidden?: boolean;
}

export interface ConceptSummary {
  conceptId: string;
  phrase: string;
  /** σ(presence) for the concept (1 when the pack has no presence output). */
  presence: number;
  /** Instances kept for this concept. */
  count: number;
}

export interface StageTimings {
  [stage: string]: number;
}

export interface SegmentResult {
  imageId: string;
  /** Sequence number of the request; a newer request supersedes an older one. */
  seq: number;
  superseded: boolean;
  scoreThreshold: number;
  instances: InstanceResult[];
  concepts: ConceptSummary[];
  timingsMs: StageTimings;
  /** Graph runs this request caused, by role. */
  graphRuns: Record<string, number>;
}

export interface ImageInfo {
  imageId: string;
  name: string;
  width: number;
  height: number;
  /** Size of `display` and of every mask (≤ the original, max side bounded). */
  displayWidth: number;
  displayHeight: number;
  /** Downscaled copy for drawing (absent in Node). Transferred. */
  display?: ImageBitmap;
  /** True when the image was scaled down before pre-processing because it was huge. */
  downscaledForModel: boolean;
  timingsMs: StageTimings;
}

export interface GraphInfo {
  role: string;
  contract: string;
  /** What actually runs the graph. */
  executionProvider: 'webgpu' | 'wasm' | 'cpu';
  /** Why that provider (e.g. "WebGPU unavailable: no adapter", "manifest override"). */
  reason: string;
  bytes: number;
  inputNames: string[];
  outputNames: string[];
}

export interface PackInfo {
  id: string;
  name: string;
  description: string;
  demo: boolean;
  inputSize: number;
  source: string;
  graphs: GraphInfo[];
}

export interface RuntimeInfo {
  webgpu: {
    available: boolean;
    reason: string;
    adapter?: { vendor: string; architecture: string; isFallbackAdapter: boolean };
    shaderF16: boolean;
    maxBufferSize?: number;
    maxStorageBufferBindingSize?: number;
  };
  wasm: { threads: number; crossOriginIsolated: boolean };
}

export interface CacheEntryInfo {
  url: string;
  bytes: number;
  complete: boolean;
}

/** One category per phrase; masks as pycocotools-compatible compressed RLE strings. */
export interface CocoExport {
  info: { description: string; date_created: string; pack: string };
  images: { id: number; file_name: string; width: number; height: number }[];
  categories: { id: number; name: string }[];
  annotations: {
    id: number;
    image_id: number;
    category_id: number;
    bbox: [number, number, number, number];
    area: number;
    score: number;
    iscrowd: 0;
    segmentation: { size: [number, number]; counts: string };
  }[];
}

export interface EngineStats {
  graphRuns: Record<string, number>;
  cache: { images: number; texts: number; detections: number; objects: number };
}

export interface CatalogueEntry {
  id: string;
  name: string;
  description: string;
  manifestUrl?: string;
  /** Inline manifest for packs assembled from public exports. */
  manifest?: import('./manifest').PackManifest;
  approxBytes: number;
  capabilities: string[];
}
