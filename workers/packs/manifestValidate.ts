/**
 * Validation of a pack manifest (workers/protocol/manifest.ts). Nothing is defaulted: every field the engine relies on
 * is checked, and the first problem is reported with its JSON path. Unknown extra fields are ignored and not copied.
 */
import type {
  DetectorContract,
  TrackerDecoderContract,
  TrackerVisionContract,
  DetectorGraphEntry,
  ExecutionProviderChoice,
  ExternalDataRef,
  GraphEntryBase,
  PackFileRef,
  PackManifest,
  PackPrecision,
  PackVariant,
  TextContract,
  TextGraphEntry,
  TokenizerEntry,
  VisionContract,
  TrackerTopLevel,
  VisionGraphEntry,
} from '../protocol/manifest';
import { GRAPH_ROLES } from '../protocol/manifest';
import {
  arrayAt,
  booleanAt,
  finiteNumberAt,
  integerAt,
  invalid,
  join,
  objectAt,
  oneOfAt,
  optionalBooleanAt,
  optionalOneOfAt,
  optionalStringAt,
  stringAt,
  type JsonObject,
} from './manifestFields';

/** `size: 0` in a file reference means "size not published". Only accepted with `allowUnknownSizes`. */
export const UNKNOWN_SIZE = 0;

export const VISION_CONTRACTS: readonly VisionContract[] = ['usls-v2-vision', 'dual-encoder'];
export const TEXT_CONTRACTS: readonly TextContract[] = ['usls-v2-text', 'danilobukvic-text'];
export const DETECTOR_CONTRACTS: readonly DetectorContract[] = ['usls-v2-decoder'];
export const TRACKER_DECODER_CONTRACTS: readonly TrackerDecoderContract[] = ['sam3-tracker-decoder'];
export const TRACKER_VISION_CONTRACTS: readonly TrackerVisionContract[] = ['sam3-tracker-vision'];
const EXECUTION_PROVIDERS: readonly ExecutionProviderChoice[] = ['auto', 'webgpu', 'wasm'];
const IO_DTYPES = ['float32', 'float16'] as const;
const SHA256 = /^[0-9a-f]{64}$/;
const PACK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface ValidateOptions {
  /**
   * Accept `size: 0` as "unknown" (the download then checks the server's Content-Length instead). Only for the
   * built-in catalogue, whose public files have no published byte sizes yet.
   */
  allowUnknownSizes?: boolean;
}

export function validateManifest(json: unknown, options: ValidateOptions = {}): PackManifest {
  const root = objectAt(json, '');
  if (root.format !== 'sam3-web-pack')
    invalid('format', "must be 'sam3-web-pack' (this is not a sam3-web pack manifest)", root.format);
  if (root.version !== 1) invalid('version', 'must be 1 (this app reads version 1 manifests)', root.version);
  const id = stringAt(root, 'id', '');
  if (!PACK_ID.test(id))
    invalid('id', 'must be letters, digits, ".", "_" or "-" (at most 128), starting with a letter or digit', id);

  const manifest: PackManifest = {
    format: 'sam3-web-pack',
    version: 1,
    id,
    name: stringAt(root, 'name', ''),
    inputSize: integerAt(root, 'inputSize', '', 14, 'must be a positive multiple of 14 (1008 for SAM 3)'),
    image: readImage(objectAt(root.image, 'image')),
    tokenizer: readTokenizer(objectAt(root.tokenizer, 'tokenizer'), options),
    graphs: readGraphs(objectAt(root.graphs, 'graphs'), options),
  };
  if (manifest.inputSize % 14 !== 0)
    invalid('inputSize', 'must be a positive multiple of 14 (1008 for SAM 3)', manifest.inputSize);
  if (root.memoryConstants !== undefined)
    manifest.memoryConstants = readFileRef(root.memoryConstants, 'memoryConstants', options);
  const description = optionalStringAt(root, 'description', '');
  if (description !== undefined) manifest.description = description;
  const demo = optionalBooleanAt(root, 'demo', '');
  if (demo !== undefined) manifest.demo = demo;
  const license = optionalStringAt(root, 'license', '');
  if (license !== undefined) manifest.license = license;
  const homepage = optionalStringAt(root, 'homepage', '');
  if (homepage !== undefined) manifest.homepage = homepage;
  if (root.variant !== undefined) manifest.variant = readVariant(objectAt(root.variant, 'variant'));
  return manifest;
}

const PRECISIONS: readonly PackPrecision[] = ['fp32', 'fp16', 'q8f16', 'q4f16', 'q4'];

function readVariant(obj: JsonObject): PackVariant {
  const requires = objectAt(obj.requires, 'variant.requires');
  const bytes = (key: string) =>
    integerAt(requires, key, 'variant.requires', 0, 'must be a non-negative integer (bytes)');
  const variant: PackVariant = {
    precision: oneOfAt(obj, 'precision', 'variant', PRECISIONS),
    transforms: arrayAt(obj, 'transforms', 'variant', 0).map((t, i) =>
      typeof t === 'string' && t.length > 0 ? t : invalid(`variant.transforms[${i}]`, 'must be a non-empty string', t),
    ),
    requires: {
      shaderF16: booleanAt(requires, 'shaderF16', 'variant.requires'),
      maxBufferSize: bytes('maxBufferSize'),
      maxStorageBufferBindingSize: bytes('maxStorageBufferBindingSize'),
    },
  };
  const baseId = optionalStringAt(obj, 'baseId', 'variant');
  if (baseId !== undefined) variant.baseId = baseId;
  return variant;
}

function readTriple(obj: JsonObject, key: string, path: string, positive: boolean): [number, number, number] {
  const at = join(path, key);
  const arr = obj[key];
  if (!Array.isArray(arr) || arr.length !== 3) invalid(at, 'must be an array of 3 numbers (R, G, B)', arr);
  const triple: [number, number, number] = [
    finiteNumberAt(arr, 0, at),
    finiteNumberAt(arr, 1, at),
    finiteNumberAt(arr, 2, at),
  ];
  if (positive) triple.forEach((v, i) => v > 0 || invalid(join(at, i), 'must be greater than 0', v));
  return triple;
}

function readImage(image: JsonObject): PackManifest['image'] {
  return {
    mean: readTriple(image, 'mean', 'image', false),
    std: readTriple(image, 'std', 'image', true),
    resize: oneOfAt(image, 'resize', 'image', ['stretch'] as const),
  };
}

function readTokenizer(tok: JsonObject, options: ValidateOptions): TokenizerEntry {
  return {
    file: readFileRef(tok.file, 'tokenizer.file', options),
    contextLength: integerAt(tok, 'contextLength', 'tokenizer', 2, 'must be an integer of at least 2 (32 for SAM 3)'),
    padding: oneOfAt(tok, 'padding', 'tokenizer', ['eot', 'zero'] as const),
    sotId: integerAt(tok, 'sotId', 'tokenizer', 0, 'must be a non-negative integer token id'),
    eotId: integerAt(tok, 'eotId', 'tokenizer', 0, 'must be a non-negative integer token id'),
  };
}

export function readFileRef(value: unknown, path: string, options: ValidateOptions): PackFileRef {
  const obj = objectAt(value, path);
  const filePath = stringAt(obj, 'path', path);
  const minSize = options.allowUnknownSizes ? 0 : 1;
  const size = integerAt(
    obj,
    'size',
    path,
    minSize,
    options.allowUnknownSizes
      ? 'must be a non-negative integer (bytes; 0 = unknown)'
      : 'must be a positive integer: the exact size in bytes',
  );
  const ref: PackFileRef = { path: filePath, size };
  if (obj.sha256 !== undefined) {
    if (typeof obj.sha256 !== 'string' || !SHA256.test(obj.sha256)) {
      invalid(join(path, 'sha256'), 'must be 64 lower-case hexadecimal characters', obj.sha256);
    }
    ref.sha256 = obj.sha256;
  }
  return ref;
}

function readExternalData(value: unknown, path: string, options: ValidateOptions): ExternalDataRef[] {
  if (!Array.isArray(value)) invalid(path, 'must be an array', value);
  const seen = new Set<string>();
  return value.map((item, i) => {
    const at = join(path, i);
    const obj = objectAt(item, at);
    const location = stringAt(obj, 'location', at);
    if (seen.has(location)) invalid(join(at, 'location'), 'must be unique within the graph', location);
    seen.add(location);
    const chunks = arrayAt(obj, 'chunks', at, 1).map((c, j) => readFileRef(c, join(join(at, 'chunks'), j), options));
    return { location, chunks };
  });
}

function readGraphBase(obj: JsonObject, path: string, options: ValidateOptions): GraphEntryBase {
  const base: GraphEntryBase = { file: readFileRef(obj.file, join(path, 'file'), options) };
  if (obj.externalData !== undefined)
    base.externalData = readExternalData(obj.externalData, join(path, 'externalData'), options);
  const ep = optionalOneOfAt(obj, 'executionProvider', path, EXECUTION_PROVIDERS);
  if (ep !== undefined) base.executionProvider = ep;
  const ioDtype = optionalOneOfAt(obj, 'ioDtype', path, IO_DTYPES);
  if (ioDtype !== undefined) base.ioDtype = ioDtype;
  return base;
}

function readGraphs(graphs: JsonObject, options: ValidateOptions): PackManifest['graphs'] {
  const visionObj = objectAt(graphs.vision, 'graphs.vision');
  const vision: VisionGraphEntry = {
    contract: oneOfAt(visionObj, 'contract', 'graphs.vision', VISION_CONTRACTS),
    ...readGraphBase(visionObj, 'graphs.vision', options),
    ...readTrackerTopLevel(visionObj, 'graphs.vision'),
  };
  const textObj = objectAt(graphs.text, 'graphs.text');
  const text: TextGraphEntry = {
    contract: oneOfAt(textObj, 'contract', 'graphs.text', TEXT_CONTRACTS),
    ...readGraphBase(textObj, 'graphs.text', options),
  };
  const result: PackManifest['graphs'] = {
    vision,
    text,
    detector: readDetector(objectAt(graphs.detector, 'graphs.detector'), options),
  };
  if (graphs.tracker !== undefined) {
    const obj = objectAt(graphs.tracker, 'graphs.tracker');
    result.tracker = {
      contract: oneOfAt(obj, 'contract', 'graphs.tracker', TRACKER_DECODER_CONTRACTS),
      ...readGraphBase(obj, 'graphs.tracker', options),
      labelDtype: optionalOneOfAt(obj, 'labelDtype', 'graphs.tracker', ['int64', 'int32'] as const) ?? 'int64',
    };
  }
  for (const [role, contract] of [
    ['memoryDecoder', 'jax-sam3-mask-decoder'],
    ['memoryAttention', 'jax-sam3-memory-attention'],
    ['memoryEncoder', 'jax-sam3-memory-encoder'],
  ] as const) {
    if (graphs[role] === undefined) continue;
    const obj = objectAt(graphs[role], `graphs.${role}`);
    result[role] = {
      contract: oneOfAt(obj, 'contract', `graphs.${role}`, [contract] as const),
      ...readGraphBase(obj, `graphs.${role}`, options),
    };
  }
  if (graphs.trackerVision !== undefined) {
    const obj = objectAt(graphs.trackerVision, 'graphs.trackerVision');
    result.trackerVision = {
      contract: oneOfAt(obj, 'contract', 'graphs.trackerVision', TRACKER_VISION_CONTRACTS),
      ...readGraphBase(obj, 'graphs.trackerVision', options),
      ...readTrackerTopLevel(obj, 'graphs.trackerVision'),
    };
  }
  return result;
}

function readTrackerTopLevel(obj: JsonObject, path: string): { trackerTopLevel?: TrackerTopLevel } {
  const level = optionalOneOfAt(obj, 'trackerTopLevel', path, ['raw', 'plus-no-memory'] as const);
  return level === undefined ? {} : { trackerTopLevel: level };
}

function readDetector(obj: JsonObject, options: ValidateOptions): DetectorGraphEntry {
  const p = 'graphs.detector';
  return {
    contract: oneOfAt(obj, 'contract', p, DETECTOR_CONTRACTS),
    ...readGraphBase(obj, p, options),
    queries: integerAt(obj, 'queries', p, 1, 'must be a positive integer'),
    boxInput: oneOfAt(obj, 'boxInput', p, ['cxcywh-norm'] as const),
    boxPadLabel: integerAt(obj, 'boxPadLabel', p, Number.MIN_SAFE_INTEGER, 'must be an integer (−10 for usls v2)'),
    boxOutput: oneOfAt(obj, 'boxOutput', p, ['xyxy-norm', 'cxcywh-norm'] as const),
    maskOutput: oneOfAt(obj, 'maskOutput', p, ['logits', 'probabilities'] as const),
    presence: booleanAt(obj, 'presence', p),
    textMaskPolarity: oneOfAt(obj, 'textMaskPolarity', p, ['true-is-valid', 'true-is-padding'] as const),
  };
}

/** Every file of a manifest with the role it plays, in download order (used by loaders and cache tools). */
export function manifestFiles(manifest: PackManifest): { role: string; ref: PackFileRef }[] {
  const files: { role: string; ref: PackFileRef }[] = [{ role: 'tokenizer', ref: manifest.tokenizer.file }];
  if (manifest.memoryConstants) files.push({ role: 'memory constants', ref: manifest.memoryConstants });
  for (const role of GRAPH_ROLES) {
    const graph = manifest.graphs[role];
    if (!graph) continue;
    files.push({ role: `${role} graph`, ref: graph.file });
    for (const ext of graph.externalData ?? []) {
      ext.chunks.forEach((ref, i) => files.push({ role: `${role} external data ${ext.location} #${i + 1}`, ref }));
    }
  }
  return files;
}
