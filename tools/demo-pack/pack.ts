/**
 * Assembles the demo pack in memory: the graphs, tokenizer.json and manifest.json (with sizes and sha256 of every
 * file, paths relative to the manifest). Variants: `dual` (committed: one dual-encoder vision graph feeds the
 * detector, the tracker decoder and the video memory graphs), `split` (tests only: a usls-v2 vision graph plus a
 * separate tracker encoder, no memory graphs) and `dual-no-memory` (tests only: `dual` without the memory graphs and
 * constants.json, for the engine's prompt-decoder propagation fallback).
 */
import { createHash } from 'node:crypto';
import type { PackFileRef, PackManifest } from '../../workers/protocol/manifest.ts';
import { buildDetectorGraph, QUERIES } from './detectorGraph.ts';
import {
  buildMemoryAttentionGraph,
  buildMemoryConstants,
  buildMemoryDecoderGraph,
  buildMemoryEncoderGraph,
} from './memoryGraphs.ts';
import { buildTextGraph, CONTEXT_LENGTH } from './textGraph.ts';
import { buildTokenizerJson, EOT_ID, SOT_ID } from './tokenizer.ts';
import { buildTrackerGraph } from './trackerGraph.ts';
import { buildVisionGraph, INPUT_SIZE } from './visionGraph.ts';

export const PACK_DIR = 'packs/demo';
export type PackVariant = 'dual' | 'split' | 'dual-no-memory' | 'dual-plus-no-memory';
export const PACK_VARIANTS: readonly PackVariant[] = ['dual', 'split', 'dual-no-memory', 'dual-plus-no-memory'];
/**
 * The `dual-plus-no-memory` variant (tests only) emits `image_embeddings.2` + this vector, as HF-based exports do,
 * and puts it in constants.json: its video memory must equal the committed pack's, whose top level is raw. Large
 * enough that a memory encoder fed the top level unchanged would see no dominant colour.
 */
export const TEST_NO_MEMORY_EMBEDDING = Float32Array.from({ length: 256 }, (_, c) => 1 + (c % 3) * 0.5);
/** The video memory graphs and their constants (the `dual` variant only). */
export const MEMORY_FILES = [
  'memory-decoder.onnx',
  'memory-attention.onnx',
  'memory-encoder.onnx',
  'constants.json',
] as const;
/** Files of the committed (`dual`) pack. */
export const PACK_FILES = [
  'vision.onnx',
  'text.onnx',
  'detector.onnx',
  'tracker.onnx',
  ...MEMORY_FILES,
  'tokenizer.json',
  'manifest.json',
] as const;
/** Extra files of the split variant. */
export const SPLIT_EXTRA_FILES = ['tracker-vision.onnx'] as const;

const withMemory = (variant: PackVariant) => variant === 'dual' || variant === 'dual-plus-no-memory';
const plusNoMemory = (variant: PackVariant) => variant === 'dual-plus-no-memory';

export function fileRef(path: string, bytes: Uint8Array): PackFileRef {
  return { path, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

export function buildManifest(files: Record<string, Uint8Array>, variant: PackVariant = 'dual'): PackManifest {
  const ref = (p: string) => fileRef(p, files[p]);
  return {
    format: 'sam3-web-pack',
    version: 1,
    id: 'demo-colours',
    name: 'Demo pack — knows colours, not the world',
    description:
      'A tiny built-in stand-in with the real SAM 3 (usls v2) graph contract. It only segments colour words ' +
      '(red, green, blue, yellow, orange, purple, pink, cyan, white, black, gray/grey, brown) and the colour ' +
      'under a positive exemplar box; any other word finds nothing. Clicks and boxes refine one object through a ' +
      'tracker prompt decoder (the same-colour region under a click). ' +
      (withMemory(variant)
        ? 'In video, memory graphs follow each object as the remembered colour region nearest to its last position. '
        : '') +
      'For real concepts, load one of the SAM 3 packs in the model panel.',
    demo: true,
    inputSize: INPUT_SIZE,
    image: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], resize: 'stretch' },
    tokenizer: {
      file: ref('tokenizer.json'),
      contextLength: CONTEXT_LENGTH,
      padding: 'eot',
      sotId: SOT_ID,
      eotId: EOT_ID,
    },
    ...(withMemory(variant) ? { memoryConstants: ref('constants.json') } : {}),
    graphs: {
      vision: {
        file: ref('vision.onnx'),
        contract: variant === 'split' ? 'usls-v2-vision' : 'dual-encoder',
        ioDtype: 'float32',
        ...(plusNoMemory(variant) ? { trackerTopLevel: 'plus-no-memory' as const } : {}),
      },
      text: { file: ref('text.onnx'), contract: 'usls-v2-text', ioDtype: 'float32' },
      detector: {
        file: ref('detector.onnx'),
        contract: 'usls-v2-decoder',
        ioDtype: 'float32',
        queries: QUERIES,
        boxInput: 'cxcywh-norm',
        boxPadLabel: -10,
        boxOutput: 'xyxy-norm',
        maskOutput: 'logits',
        presence: true,
        textMaskPolarity: 'true-is-valid',
      },
      tracker: {
        file: ref('tracker.onnx'),
        contract: 'sam3-tracker-decoder',
        labelDtype: 'int64',
        ioDtype: 'float32',
      },
      ...(variant === 'split'
        ? {
            trackerVision: {
              file: ref('tracker-vision.onnx'),
              contract: 'sam3-tracker-vision' as const,
              ioDtype: 'float32' as const,
            },
          }
        : {}),
      ...(withMemory(variant)
        ? {
            memoryDecoder: {
              file: ref('memory-decoder.onnx'),
              contract: 'jax-sam3-mask-decoder' as const,
              ioDtype: 'float32' as const,
            },
            memoryAttention: {
              file: ref('memory-attention.onnx'),
              contract: 'jax-sam3-memory-attention' as const,
              ioDtype: 'float32' as const,
            },
            memoryEncoder: {
              file: ref('memory-encoder.onnx'),
              contract: 'jax-sam3-memory-encoder' as const,
              ioDtype: 'float32' as const,
            },
          }
        : {}),
    },
  };
}

/** Every file of the pack, keyed by its path relative to the pack folder. */
export function buildPack(variant: PackVariant = 'dual'): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {
    'vision.onnx': buildVisionGraph(
      variant === 'split' ? 'usls-v2-vision' : 'dual-encoder',
      plusNoMemory(variant) ? TEST_NO_MEMORY_EMBEDDING : undefined,
    ),
    'text.onnx': buildTextGraph(),
    'detector.onnx': buildDetectorGraph(),
    'tracker.onnx': buildTrackerGraph(),
    ...(variant === 'split' ? { 'tracker-vision.onnx': buildVisionGraph('sam3-tracker-vision') } : {}),
    ...(withMemory(variant)
      ? {
          'memory-decoder.onnx': buildMemoryDecoderGraph(),
          'memory-attention.onnx': buildMemoryAttentionGraph(),
          'memory-encoder.onnx': buildMemoryEncoderGraph(),
          'constants.json': new TextEncoder().encode(
            JSON.stringify(buildMemoryConstants(plusNoMemory(variant) ? [...TEST_NO_MEMORY_EMBEDDING] : undefined)) +
              '\n',
          ),
        }
      : {}),
    'tokenizer.json': new TextEncoder().encode(JSON.stringify(buildTokenizerJson()) + '\n'),
  };
  files['manifest.json'] = new TextEncoder().encode(JSON.stringify(buildManifest(files, variant), null, 2) + '\n');
  return files;
}
