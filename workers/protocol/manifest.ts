/**
 * The pack manifest: a JSON file that describes one set of SAM 3 ONNX graphs.
 * Every size, name, dtype and convention the engine needs comes from here: nothing is assumed
 * (in particular never 1008/72/288: sizes derive from `inputSize` and from the graphs' own outputs).
 * Types only; validation lives in workers/packs/manifestValidate.ts.
 */

/** A file of the pack: a path relative to the manifest's URL (or an absolute URL). */
export interface PackFileRef {
  path: string;
  /** Exact size in bytes; a mismatch is reported and the cached copy discarded. */
  size: number;
  /** Lower-case hex sha256; verified when present. */
  sha256?: string;
}

/**
 * External data of a graph. `location` is the name stored inside the graph's initializers
 * (what onnxruntime-web matches `externalData[].path` against). The bytes may be split into chunks
 * that are concatenated in order.
 */
export interface ExternalDataRef {
  location: string;
  chunks: PackFileRef[];
}

export type ExecutionProviderChoice = 'auto' | 'webgpu' | 'wasm';

/** Vision contracts: what one image pass emits. */
export type VisionContract =
  /** usls v2 `vision-encoder`: `images` → `fpn_feat_0..2`, `fpn_pos_2` (detector neck only). */
  | 'usls-v2-vision'
  /** parodiniccolo dual encoder: `pixel_values` → `fpn_hidden_state_0..3`, `fpn_position_encoding_0..3`, `image_embeddings.0..2`. */
  | 'dual-encoder';

/** Text contracts. */
export type TextContract =
  /** usls v2 `text-encoder`: `input_ids`, `attention_mask` (int64) → `text_features` [B,32,256], `text_mask` bool (true = valid). */
  | 'usls-v2-text'
  /** danilobukvic (and the dual-encoder pack's) text encoder: `input_ids`, `attention_mask` → `text_features`. */
  | 'danilobukvic-text';

/** Detector contracts. */
export type DetectorContract =
  /** usls v2 `geo-encoder-mask-decoder`: 4 vision tensors + text + `input_boxes` (cxcywh norm) + `input_boxes_labels` (1/0/−10) → `pred_masks`, `pred_boxes` (xyxy norm), `pred_logits`, `presence_logits`. */
  'usls-v2-decoder';

/** Tracker (PVS) contracts. */
export type TrackerVisionContract =
  /** onnx-community sam3-tracker `vision_encoder`: `pixel_values` → `image_embeddings.0..2` (tracker neck only). */
  'sam3-tracker-vision';

export type TrackerDecoderContract =
  /**
   * onnx-community sam3-tracker `prompt_encoder_mask_decoder`: `input_points` f32 [B,N,P,2] and `input_boxes` f32 [B,N,4]
   * in the input-size pixel frame, `input_labels` int64 [B,N,P], `image_embeddings.0..2` → `iou_scores` [B,N,3],
   * `pred_masks` [B,N,3,M,M] logits, `object_score_logits` [B,N,1].
   */
  'sam3-tracker-decoder';

/** Video memory graphs (jax-image-tools/sam3-video-onnx contract, exports.md §9.3). */
export type MemoryGraphContract = 'jax-sam3-mask-decoder' | 'jax-sam3-memory-attention' | 'jax-sam3-memory-encoder';

export interface GraphEntryBase {
  file: PackFileRef;
  externalData?: ExternalDataRef[];
  /** Per-graph override; `auto` = WebGPU when usable, else WASM. */
  executionProvider?: ExecutionProviderChoice;
  /** dtype of the graph's float inputs/outputs. */
  ioDtype?: 'float32' | 'float16';
}

/** See `VisionGraphEntry.trackerTopLevel`. */
export type TrackerTopLevel = 'raw' | 'plus-no-memory';

export interface VisionGraphEntry extends GraphEntryBase {
  contract: VisionContract;
  /**
   * What the tracker neck's top level (`image_embeddings.2`) holds: `raw` features, or `plus-no-memory`, the raw
   * features + `no_memory_embedding` as transformers' `Sam3TrackerModel.get_image_embeddings` returns them (our
   * export, HF-based exports). The video memory path needs the raw level (memory encoder, memory attention) and adds
   * `no_memory_embedding` itself on conditioning frames, so it subtracts the constants' vector when this says
   * `plus-no-memory`. Default `raw`.
   */
  trackerTopLevel?: TrackerTopLevel;
}

export interface TextGraphEntry extends GraphEntryBase {
  contract: TextContract;
}

export interface TrackerVisionGraphEntry extends GraphEntryBase {
  contract: TrackerVisionContract;
  /** As `VisionGraphEntry.trackerTopLevel`. */
  trackerTopLevel?: TrackerTopLevel;
}

export interface TrackerDecoderGraphEntry extends GraphEntryBase {
  contract: TrackerDecoderContract;
  /** dtype of `input_labels` (int64 for onnx-community; int32 in other exports). */
  labelDtype: 'int64' | 'int32';
}

export interface MemoryGraphEntry extends GraphEntryBase {
  contract: MemoryGraphContract;
}

export interface DetectorGraphEntry extends GraphEntryBase {
  contract: DetectorContract;
  /** Number of object queries (200 for SAM 3). */
  queries: number;
  /** Layout of the exemplar boxes the graph takes. */
  boxInput: 'cxcywh-norm';
  /** Label that marks an empty (padding) box slot. */
  boxPadLabel: number;
  /** Layout of `pred_boxes`. */
  boxOutput: 'xyxy-norm' | 'cxcywh-norm';
  /** `logits`: threshold at 0; `probabilities`: threshold at 0.5. */
  maskOutput: 'logits' | 'probabilities';
  /** Whether `presence_logits` is an output (score = σ(logit)·σ(presence)). */
  presence: boolean;
  /** Polarity of the bool text mask the graph takes: true = valid token (usls/HF) or true = padding (Meta). */
  textMaskPolarity: 'true-is-valid' | 'true-is-padding';
}

export interface TokenizerEntry {
  file: PackFileRef;
  /** 32 for SAM 3. */
  contextLength: number;
  /** `eot`: pad with the end token (HF style, 49407); `zero`: pad with 0 (Meta style). */
  padding: 'eot' | 'zero';
  /** Start / end token ids (49406 / 49407 for CLIP). */
  sotId: number;
  eotId: number;
}

/**
 * Numeric precision of a pack's weights and compute: `q4` has 4-bit MatMul weights with float32 activations (no
 * shader-f16 needed; on WASM it skips float16's slow non-MatMul kernels), `q4f16` / `q8f16` compute in float16.
 */
export type PackPrecision = 'fp32' | 'fp16' | 'q8f16' | 'q4f16' | 'q4';

/**
 * How a browser-deployable variant was built from an exported pack (tools/export/build_variants.py), and what a
 * GPU must offer to run it on WebGPU. The app checks `requires` against the adapter before any download.
 */
export interface PackVariant {
  precision: PackPrecision;
  /** Build steps applied, in order, e.g. ["fold-shapes", "fused-attention", "fp16", "chunked-external-data"]. */
  transforms: string[];
  requires: {
    /** Every graph that computes in float16 needs the adapter's shader-f16 feature. */
    shaderF16: boolean;
    /** Bytes of the largest single tensor (weight or activation): the adapter's maxBufferSize must reach it. */
    maxBufferSize: number;
    /** Bytes of the largest tensor bound to one shader: maxStorageBufferBindingSize must reach it. */
    maxStorageBufferBindingSize: number;
  };
  /** id of the pack it was built from. */
  baseId?: string;
}

export interface PackManifest {
  format: 'sam3-web-pack';
  version: 1;
  id: string;
  name: string;
  description?: string;
  /** True for the built-in demo pack, which knows colours, not the world. */
  demo?: boolean;
  license?: string;
  homepage?: string;
  /**
   * Present on packs made by the variant build step, and on catalogue packs whose precision is on record (there a
   * buffer need of 0 means "not on record").
   */
  variant?: PackVariant;
  /** Square side the vision graph takes (1008 for SAM 3). */
  inputSize: number;
  image: {
    mean: [number, number, number];
    std: [number, number, number];
    resize: 'stretch';
  };
  tokenizer: TokenizerEntry;
  /**
   * Host-side constants of the memory graphs (JSON): `memory_temporal_positional_encoding` [7][64],
   * `no_memory_embedding` [256], optional `object_pointer_tpos_proj` {weight [64][256], bias [64]}.
   */
  memoryConstants?: PackFileRef;
  graphs: {
    vision: VisionGraphEntry;
    text: TextGraphEntry;
    detector: DetectorGraphEntry;
    /** Click refinement (PVS). Its embeddings come from a dual-encoder vision graph or from `trackerVision`. */
    tracker?: TrackerDecoderGraphEntry;
    /** A separate tracker encoder, for packs whose vision graph has only the detector neck. */
    trackerVision?: TrackerVisionGraphEntry;
    /** Video memory: with all three (and memoryConstants) objects are tracked with the reference's memory bank. */
    memoryDecoder?: MemoryGraphEntry;
    memoryAttention?: MemoryGraphEntry;
    memoryEncoder?: MemoryGraphEntry;
  };
}

/** Every graph role a pack may have, in load order; the first three are required. */
export const GRAPH_ROLES = [
  'vision',
  'text',
  'detector',
  'tracker',
  'trackerVision',
  'memoryDecoder',
  'memoryAttention',
  'memoryEncoder',
] as const;

export type GraphRole = (typeof GRAPH_ROLES)[number];
