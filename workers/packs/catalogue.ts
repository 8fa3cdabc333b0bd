/**
 * Built-in catalogue: public SAM 3 exports assembled into packs that a user with internet can open in one click.
 * Sources and contracts: /work/shared/sam3/exports.md §16.2 (Pack A) and §16.5 (usls v2 default). Only packs whose
 * every graph has a contract the manifest type supports are listed; §16.4's packs B and C need detector contracts
 * (danilobukvic decoder, wW-Ww detector) that the engine does not implement yet.
 *
 * Sizes: no exact byte size or SHA-256 of these files is on record, so every file ref uses size 0 (= unknown,
 * UNKNOWN_SIZE). The validator accepts that only for manifests identical to an entry here; the download then checks
 * the server's Content-Length when it sends one, and no hash is verified. `approxBytes` is an estimate for the UI,
 * which says "size unknown — unverified" for these entries.
 *
 * Revisions (exports.md; Hugging Face model repositories cannot be looked up from here, so only what it records):
 * - danilobukvic/sam3-text-onnx: commit `fe8f8e1`, the short id the dual encoder's card pins for its pairing
 *   (exports.md §8.4); the full 40-character id is not on record.
 * - parodiniccolo/sam3-dual-webgpu: no commit is on record: UNPINNED, follows `main`.
 * - jamjamjon/assets: the GitHub release tag `sam3` (exports.md §3): UNPINNED, a tag's assets can be replaced.
 * The UI reads these from the URLs and marks the unpinned ones (src/store/packFacts.ts).
 */
import type { PackFileRef, PackManifest, PackVariant } from '../protocol/manifest';
import type { CatalogueEntry } from '../protocol/results';
import { UNKNOWN_SIZE } from './manifestValidate';

/** danilobukvic/sam3-text-onnx at the revision the dual-encoder card pins for its pairing (exports.md §8.4). */
const DANILOBUKVIC = 'https://huggingface.co/danilobukvic/sam3-text-onnx/resolve/fe8f8e1';
/** UNPINNED: no commit of the dual encoder is on record in exports.md, so this follows the `main` branch. */
const PARODINICCOLO = 'https://huggingface.co/parodiniccolo/sam3-dual-webgpu/resolve/main';
/** usls assets: GitHub release `jamjamjon/assets`, tag `sam3` (exports.md §3). UNPINNED: a release tag, not a commit. */
const USLS = 'https://github.com/jamjamjon/assets/releases/download/sam3';

const file = (url: string): PackFileRef => ({ path: url, size: UNKNOWN_SIZE });

const SAM3_COMMON = {
  format: 'sam3-web-pack',
  version: 1,
  license: 'SAM License (Meta); see the source repositories',
  inputSize: 1008,
  image: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], resize: 'stretch' },
  tokenizer: {
    // The CLIP BPE tokenizer shipped with danilobukvic/sam3-text-onnx (facebook/sam3's copy is gated).
    file: file(`${DANILOBUKVIC}/tokenizer.json`),
    contextLength: 32,
    padding: 'eot',
    sotId: 49406,
    eotId: 49407,
  },
} as const satisfies Partial<PackManifest>;

const USLS_V2_DETECTOR_FIELDS = {
  contract: 'usls-v2-decoder',
  queries: 200,
  boxInput: 'cxcywh-norm',
  boxPadLabel: -10,
  boxOutput: 'xyxy-norm',
  maskOutput: 'logits',
  presence: true,
  textMaskPolarity: 'true-is-valid',
} as const;

/**
 * What is on record of the q4f16 exports' needs: 4-bit weights with float16 activations, so WebGPU needs the adapter's
 * shader-f16 (exports.md §8.4, §3). Their largest tensors are not on record: 0 = no buffer need is claimed, and the
 * panel says so.
 */
const THIRD_PARTY_Q4F16: PackVariant = {
  precision: 'q4f16',
  transforms: [],
  requires: { shaderF16: true, maxBufferSize: 0, maxStorageBufferBindingSize: 0 },
};

const UNVERIFIED =
  'Sizes and checksums of these files are not on record: the download is checked only against the length the ' +
  'server reports (when it reports one), and no SHA-256 is verified.';

const PACK_A: PackManifest = {
  ...SAM3_COMMON,
  id: 'sam3-dual-q4f16-usls-v2',
  name: 'SAM 3 — dual encoder q4f16 + int4 text + usls v2 decoder',
  description:
    'Text prompts with positive/negative exemplar boxes and a presence score (exports.md §16.2 "Pack A"). ' +
    'Vision: parodiniccolo/sam3-dual-webgpu (q4f16, ~1.7 s per image on an M3 Max with WebGPU per its card). ' +
    'Text: danilobukvic/sam3-text-onnx int4. Detector: usls v2 geo-encoder-mask-decoder (fp32) from the ' +
    'jamjamjon/assets GitHub release "sam3". Unverified: the dual encoder feeding the usls decoder (assumption A1), ' +
    'the dual encoder external-data file name (".onnx.data" inferred), the release file name, and whether the GitHub ' +
    'release allows browser (cross-origin) downloads. ' +
    UNVERIFIED,
  homepage: 'https://huggingface.co/parodiniccolo/sam3-dual-webgpu',
  variant: THIRD_PARTY_Q4F16,
  graphs: {
    vision: {
      contract: 'dual-encoder',
      file: file(`${PARODINICCOLO}/sam3_vision_dual_q4f16.onnx`),
      externalData: [
        {
          location: 'sam3_vision_dual_q4f16.onnx.data',
          chunks: [file(`${PARODINICCOLO}/sam3_vision_dual_q4f16.onnx.data`)],
        },
      ],
      ioDtype: 'float32',
    },
    text: {
      contract: 'danilobukvic-text',
      file: file(`${DANILOBUKVIC}/text_encoder_int4.onnx`),
      externalData: [
        { location: 'text_encoder_int4.onnx.data', chunks: [file(`${DANILOBUKVIC}/text_encoder_int4.onnx.data`)] },
      ],
      ioDtype: 'float32',
    },
    detector: {
      ...USLS_V2_DETECTOR_FIELDS,
      file: file(`${USLS}/geo-encoder-mask-decoder.onnx`),
      ioDtype: 'float32',
    },
  },
};

const USLS_V2_Q4F16: PackManifest = {
  ...SAM3_COMMON,
  id: 'sam3-usls-v2-q4f16',
  name: 'SAM 3 — usls v2 (q4f16)',
  description:
    'The usls v2 three-graph export (vision-encoder, text-encoder, geo-encoder-mask-decoder) in q4f16, the ' +
    'variant its examples run (exports.md §3, §16.5): text prompts, positive/negative exemplar boxes, presence. ' +
    'No browser run of these files is on record; q4f16 graphs may take and return float16 tensors (read from the ' +
    'graphs at load time), and the decoder contains RoIAlign, which runs on the CPU. Unverified: the exact release ' +
    'file names and whether the GitHub release allows browser (cross-origin) downloads. ' +
    UNVERIFIED,
  homepage: 'https://github.com/jamjamjon/usls',
  variant: THIRD_PARTY_Q4F16,
  graphs: {
    vision: { contract: 'usls-v2-vision', file: file(`${USLS}/vision-encoder-q4f16.onnx`) },
    text: { contract: 'usls-v2-text', file: file(`${USLS}/text-encoder-q4f16.onnx`) },
    detector: { ...USLS_V2_DETECTOR_FIELDS, file: file(`${USLS}/geo-encoder-mask-decoder-q4f16.onnx`) },
  },
};

export const CATALOGUE: CatalogueEntry[] = [
  {
    id: PACK_A.id,
    name: PACK_A.name,
    description: PACK_A.description ?? '',
    manifest: PACK_A,
    // 311 MB encoder (card) + 2.7 + 347 MiB text (3P) + ~100 MB fp32 decoder (estimate) + ~4 MB tokenizer.
    approxBytes: 785_000_000,
    capabilities: ['text', 'exemplar-boxes', 'presence'],
  },
  {
    id: USLS_V2_Q4F16.id,
    name: USLS_V2_Q4F16.name,
    description: USLS_V2_Q4F16.description ?? '',
    manifest: USLS_V2_Q4F16,
    // Estimate: ~310 MB vision + ~300 MB text + ~20 MB decoder + tokenizer; no sizes are published.
    approxBytes: 650_000_000,
    capabilities: ['text', 'exemplar-boxes', 'presence'],
  },
];

/** True when `manifest` is (a structured clone of) a catalogue entry's manifest. */
export function isCatalogueManifest(manifest: unknown): boolean {
  const id = (manifest as { id?: unknown } | null)?.id;
  const entry = CATALOGUE.find((e) => e.id === id && e.manifest);
  return entry !== undefined && deepEqual(entry.manifest, manifest);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
