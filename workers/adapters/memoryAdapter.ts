/**
 * The video memory graphs (jax-image-tools/sam3-video-onnx contract, exports.md §9.3) and their host constants.
 */
import { ContractError, requireNames } from './contractError';

export interface MemoryAdapter {
  decoder: {
    feats0: string;
    feats1: string;
    feats2: string;
    points: string;
    labels: string;
    out: { masks: string; iou: string; pointer: string; objectScore: string };
  };
  attention: {
    current: string;
    currentPos: string;
    spatial: string;
    spatialPos: string;
    pointers: string;
    pointersPos: string;
    out: string;
  };
  encoder: { features: string; masks: string; fromPoints: string; out: { tokens: string; pos: string } };
}

export const MEMORY_NAMES: MemoryAdapter = {
  decoder: {
    feats0: 'feats0',
    feats1: 'feats1',
    feats2: 'feats2',
    points: 'input_points',
    labels: 'input_labels',
    out: { masks: 'pred_masks', iou: 'iou_scores', pointer: 'object_pointer', objectScore: 'object_score_logits' },
  },
  attention: {
    current: 'current_vision_features',
    currentPos: 'current_vision_position_embeddings',
    spatial: 'spatial_memory',
    spatialPos: 'spatial_memory_position_embeddings',
    pointers: 'pointer_memory',
    pointersPos: 'pointer_memory_position_embeddings',
    out: 'conditioned_features',
  },
  encoder: {
    features: 'vision_features',
    masks: 'pred_masks_high_res',
    fromPoints: 'is_mask_from_pts',
    out: { tokens: 'memory_tokens', pos: 'memory_pos_enc' },
  },
};

type Names = { inputNames: readonly string[]; outputNames: readonly string[] };

export function memoryAdapter(decoder: Names, attention: Names, encoder: Names, files: string[]): MemoryAdapter {
  const m = MEMORY_NAMES;
  const d = m.decoder;
  requireNames(files[0], 'jax-sam3-mask-decoder', 'input', decoder.inputNames, [
    d.feats0,
    d.feats1,
    d.feats2,
    d.points,
    d.labels,
  ]);
  requireNames(files[0], 'jax-sam3-mask-decoder', 'output', decoder.outputNames, Object.values(d.out));
  const a = m.attention;
  requireNames(files[1], 'jax-sam3-memory-attention', 'input', attention.inputNames, [
    a.current,
    a.currentPos,
    a.spatial,
    a.spatialPos,
    a.pointers,
    a.pointersPos,
  ]);
  requireNames(files[1], 'jax-sam3-memory-attention', 'output', attention.outputNames, [a.out]);
  const e = m.encoder;
  requireNames(files[2], 'jax-sam3-memory-encoder', 'input', encoder.inputNames, [e.features, e.masks]);
  requireNames(files[2], 'jax-sam3-memory-encoder', 'output', encoder.outputNames, Object.values(e.out));
  return m;
}

/** constants.json of the memory graphs. Widths come from the file (SAM 3: hidden 256, memory 64). */
export interface MemoryConstants {
  /** [7][M]: row 6 for conditioning frames, row 6 − r for the frame r steps back. */
  temporalEncoding: Float32Array[];
  /** [C], added to the raw top-level features on conditioning frames. */
  noMemoryEmbedding: Float32Array;
  /** Linear C → M of the pointers' sine temporal encoding; absent → zero positions. */
  pointerTposProj?: { weight: Float32Array[]; bias: Float32Array };
  /** C: width of the top-level features and of object pointers. */
  hiddenDim: number;
  /** M: width of memory tokens; each pointer becomes C / M tokens. */
  memoryDim: number;
}

export function parseMemoryConstants(bytes: Uint8Array): MemoryConstants {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch (err) {
    throw new ContractError(`The memory constants file is not valid JSON (${String(err)}).`);
  }
  const rows = (v: unknown, name: string, cols: number): Float32Array[] => {
    if (!Array.isArray(v) || v.some((r) => !Array.isArray(r) || r.length !== cols)) {
      throw new ContractError(`memory constants: ${name} must be an array of rows of ${cols} numbers.`);
    }
    return v.map((r) => Float32Array.from(r as number[]));
  };
  const vec = (v: unknown, name: string, n: number): Float32Array => {
    if (!Array.isArray(v) || v.length !== n)
      throw new ContractError(`memory constants: ${name} must have ${n} numbers.`);
    return Float32Array.from(v as number[]);
  };
  const tpos = json.memory_temporal_positional_encoding;
  const memoryDim = Array.isArray(tpos) && Array.isArray(tpos[0]) ? (tpos[0] as unknown[]).length : 0;
  if (!memoryDim)
    throw new ContractError('memory constants: memory_temporal_positional_encoding must be rows of numbers.');
  const temporalEncoding = rows(tpos, 'memory_temporal_positional_encoding', memoryDim);
  const noMem = json.no_memory_embedding;
  const hiddenDim = Array.isArray(noMem) ? noMem.length : 256;
  if (hiddenDim % memoryDim !== 0) {
    throw new ContractError(
      `memory constants: hidden width ${hiddenDim} is not a multiple of memory width ${memoryDim}.`,
    );
  }
  const noMemoryEmbedding = noMem ? vec(noMem, 'no_memory_embedding', hiddenDim) : new Float32Array(hiddenDim);
  const proj = json.object_pointer_tpos_proj as { weight?: unknown; bias?: unknown } | undefined;
  return {
    temporalEncoding,
    noMemoryEmbedding,
    hiddenDim,
    memoryDim,
    ...(proj
      ? {
          pointerTposProj: {
            weight: rows(proj.weight, 'object_pointer_tpos_proj.weight', hiddenDim),
            bias: vec(proj.bias, 'object_pointer_tpos_proj.bias', memoryDim),
          },
        }
      : {}),
  };
}
