/** What crosses back from the worker: compact masks and metadata, never logits or embeddings. */

/**
 * Masks below this score are dropped right after the detector runs, so no threshold below it can show anything:
 * the threshold slider starts here.
 */
export const SCORE_FLOOR = 0.05;

/**
 * A binary mask of a `width × height` frame, cropped to `box` = `[x0, y0, x1, y1)` (every set pixel lies inside;
 * absent = the whole frame): `counts` alternate 0-runs and 1-runs over the crop's pixels in row-major order,
 * starting with a 0-run (possibly of length 0). (COCO's column-major RLE strings are produced only for export.)
 */
export interface RleMask {
  width: number;
  height: number;
  box?: [number, number, number, number];
  counts: Uint32Array;
}

/**
 * A mask as two alpha bitmaps of its crop, made in the worker (browser only) and transferred the first time a
 * mask is sent: `fill` = interior pixels, `edge` = set pixels on the mask's boundary (4-neighbourhood). The UI
 * tints them with an instance's colours and caches the result by `maskId`.
 */
export interface MaskBitmaps {
  fill: ImageBitmap;
  edge: ImageBitmap;
}

export interface InstanceResult {
  /**
   * The object's ID within its image, from 1: unchanged by threshold changes, kept when its concept is detected
   * again with other inputs and the masks match, never reused.
   */
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
  /**
   * The mask's own tight box `[x1, y1, x2, y2)` at the original image size (x2, y2 exclusive), as the COCO export
   * writes it (bbox = [x1, y1, x2 − x1, y2 − y1]).
   */
  boxXyxyPx: [number, number, number, number];
  /** Set pixels of the mask at the original image size (the COCO export's `area`). */
  areaPx: number;
  /** Mask at the display resolution of the image (ImageInfo.displayWidth × displayHeight), cropped. Never empty. */
  mask: RleMask;
  /** Identity of the mask's pixels: equal ids, equal masks (bitmap caches key on it); absent = not cacheable. */
  maskId?: string;
  /** The mask's bitmaps, the first time this mask is sent (browser only). */
  bitmaps?: MaskBitmaps;
  /**
   * Mean colour of the image under the mask (computed in the worker), so the page can pick a mask colour that
   * contrasts with what it covers without reading pixels; absent where the engine has no pixels to average.
   */
  underRgb?: [number, number, number];
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
  scoreThreshold: number;
  instances: InstanceResult[];
  concepts: ConceptSummary[];
  /** Clicked objects (ids) whose mask came out empty: the click found nothing, so they are not instances. */
  emptyObjects: string[];
  timingsMs: StageTimings;
  /** Graph runs this request caused, by role. */
  graphRuns: Record<string, number>;
  /** The COCO export of the same request, when asked for (`SegmentOptions.coco`). */
  coco?: CocoExport;
}

export interface ImageInfo {
  imageId: string;
  name: string;
  width: number;
  height: number;
  /** Size of `display` and of every mask (≤ the original, max side bounded). */
  displayWidth: number;
  displayHeight: number;
  /** Downscaled copy for drawing (absent in Node, or when not asked for). Transferred. */
  display?: ImageBitmap;
  /** A JPEG thumbnail made in the worker, when asked for (`OpenImageOptions.thumbnailSide`; browser only). */
  thumbnail?: Blob;
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
  /** Open image sessions, and the bytes their features hold against the budget (`EngineOptions.imageMemoryBytes`). */
  sessions: { open: number; featureBytes: number; budgetBytes: number };
  preprocess: PreprocessStats;
}

/** Where images were pre-processed, and how the GPU's result compared with the JS reference ('check' mode). */
export interface PreprocessStats {
  /** Images (and video frames) pre-processed on the GPU, and in JS. */
  gpu: number;
  js: number;
  /** Why the GPU path is off after it failed once (the JS path took over), if it did. */
  gpuFailure?: string;
  /** The last GPU result against `preprocessImage` on the same pixels (check mode only). */
  lastCheck?: {
    imageId: string;
    width: number;
    height: number;
    size: number;
    total: number;
    /** Values that differ at all; maxAbs and meanAbs are in normalised units (one level = 2/255 for SAM 3). */
    differing: number;
    maxAbs: number;
    meanAbs: number;
  };
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
