/**
 * Reader for the golden fixtures made by tools/export/make_goldens.py (tests/fixtures/sam3-tiny):
 * goldens/index.json maps a tensor name to { dtype, dims, file }; each file is raw little-endian data.
 * Throws (never returns empty) when the fixtures are missing, so tests built on it fail instead of skipping.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SAM3_TINY_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'sam3-tiny');
export const SAM3_TINY_PACK_DIR = join(SAM3_TINY_DIR, 'pack');

export type GoldenDtype = 'float32' | 'int64' | 'int32' | 'uint8' | 'bool';
export type GoldenData = Float32Array | BigInt64Array | Int32Array | Uint8Array;

export interface GoldenTensor {
  name: string;
  dtype: GoldenDtype;
  dims: number[];
  data: GoldenData;
}

interface IndexEntry {
  dtype: GoldenDtype;
  dims: number[];
  file: string;
}

export interface GoldenIndex {
  format: 'sam3-web-goldens';
  version: number;
  errors: Record<string, string>;
  maxAbsDiff: Record<string, Record<string, number>>;
  meta: {
    inputSize: number;
    threshold: number;
    seed: number;
    versions: Record<string, string>;
    visionOutputs: string[];
    noMemoryEmbeddingInImageEmbeddings2: boolean;
    cases: {
      images: Record<string, { height: number; width: number }>;
      tokens: Record<string, number[]>;
      detector: Record<string, { image: string; text: string; boxes_xyxy: number[][]; labels: number[] }>;
      tracker: Record<string, { image: string; points: number[][]; labels: number[]; box: number[] | null }>;
    };
    [key: string]: unknown;
  };
  tensors: Record<string, IndexEntry>;
}

export class Goldens {
  readonly index: GoldenIndex;
  private readonly root: string;

  constructor(dir: string = SAM3_TINY_DIR) {
    this.root = join(dir, 'goldens');
    const indexPath = join(this.root, 'index.json');
    if (!existsSync(indexPath)) {
      throw new Error(`golden fixtures missing: ${indexPath} (made by tools/export/make_goldens.py)`);
    }
    this.index = JSON.parse(readFileSync(indexPath, 'utf8')) as GoldenIndex;
  }

  has(name: string): boolean {
    return name in this.index.tensors;
  }

  names(prefix = ''): string[] {
    return Object.keys(this.index.tensors).filter((n) => n.startsWith(prefix));
  }

  get(name: string): GoldenTensor {
    const e = this.index.tensors[name];
    if (!e) throw new Error(`golden tensor not found: ${name}`);
    const buf = readFileSync(join(this.root, e.file));
    // Copy into a fresh, aligned ArrayBuffer (Buffer slices may be unaligned).
    const bytes = new Uint8Array(buf.byteLength);
    bytes.set(buf);
    const count = e.dims.reduce((a, b) => a * b, 1);
    let data: GoldenData;
    switch (e.dtype) {
      case 'float32':
        data = new Float32Array(bytes.buffer, 0, count);
        break;
      case 'int64':
        data = new BigInt64Array(bytes.buffer, 0, count);
        break;
      case 'int32':
        data = new Int32Array(bytes.buffer, 0, count);
        break;
      case 'uint8':
      case 'bool':
        data = bytes.subarray(0, count);
        break;
      default:
        throw new Error(`unsupported golden dtype ${String(e.dtype)} for ${name}`);
    }
    if (data.length !== count) throw new Error(`golden ${name}: ${data.length} values for dims ${e.dims}`);
    return { name, dtype: e.dtype, dims: e.dims, data };
  }
}

/** Largest |a − b| over two equally long numeric arrays (Infinity when the lengths differ). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = d; // NaN propagates as a failure
  }
  return m;
}

export const SAM3_TINY_VARIANTS_DIR = join(SAM3_TINY_DIR, 'variants');

/** The golden image `image/{name}/rgb` (uint8 [H,W,3]) as the RGBA image the engine takes. */
export function goldenRgba(
  goldens: Goldens,
  imageName: string,
): { width: number; height: number; data: Uint8ClampedArray } {
  const rgb = goldens.get(`image/${imageName}/rgb`);
  const [h, w] = rgb.dims;
  const data = new Uint8ClampedArray(w * h * 4);
  const src = rgb.data as Uint8Array;
  for (let i = 0; i < w * h; i++) {
    data.set(src.subarray(i * 3, i * 3 + 3), i * 4);
    data[i * 4 + 3] = 255;
  }
  return { width: w, height: h, data };
}

/** Every file of a pack directory, as the engine's `files` pack source takes them. */
export function packDirFiles(dir: string): { path: string; data: ArrayBuffer }[] {
  return readdirSync(dir).map((name) => {
    const b = readFileSync(join(dir, name));
    return { path: name, data: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
  });
}
