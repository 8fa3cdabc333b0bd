/**
 * Packs opened from local files (a file picker or a dropped folder): find the manifest among them and match every
 * file it references, by relative path first and by base name second.
 */
import type { PackFileRef } from '../protocol/manifest';
import { baseName, formatByteCount } from './bytes';
import { sha256OfBlob } from './sha256Stream';
import { PackError } from './packError';

export interface LocalFile {
  path: string;
  data: Blob | ArrayBuffer;
}

export interface LocalFileSet {
  files: { path: string; data: Blob | ArrayBuffer }[];
  /** Normalised path of the chosen manifest. */
  manifestPath: string;
  manifestJson: unknown;
}

/** `a\b/./c` → `a/b/c`; resolves `..`; no leading slash. */
export function normalisePath(path: string): string {
  const out: string[] = [];
  for (const seg of path.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

function dirName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function byteLength(data: Blob | ArrayBuffer): number {
  return data instanceof ArrayBuffer ? data.byteLength : data.size;
}

export async function readBytes(data: Blob | ArrayBuffer): Promise<Uint8Array> {
  return new Uint8Array(data instanceof ArrayBuffer ? data : await data.arrayBuffer());
}

async function parseJson(file: LocalFile): Promise<unknown> {
  const text = new TextDecoder().decode(await readBytes(file.data));
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new PackError(
      'pack-invalid',
      `${file.path} is not valid JSON, so it cannot be a pack manifest.`,
      String(error),
    );
  }
}

function isPackManifestLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { format?: unknown }).format === 'sam3-web-pack';
}

/**
 * Chooses the manifest: the one `manifest.json`, else the one JSON whose `format` is `sam3-web-pack`, else the one
 * JSON that is not a tokenizer file (so that its validation errors are shown).
 */
export async function findManifest(input: readonly LocalFile[]): Promise<LocalFileSet> {
  const files = input.map((f) => ({ path: normalisePath(f.path), data: f.data }));
  const count = `the ${files.length} file${files.length === 1 ? '' : 's'} you opened`;
  const named = files.filter((f) => baseName(f.path).toLowerCase() === 'manifest.json');
  if (named.length > 1) {
    throw new PackError(
      'pack-invalid',
      `Several manifest.json files were opened (${named.map((f) => f.path).join(', ')}); open one pack at a time.`,
    );
  }
  if (named.length === 1) return { files, manifestPath: named[0].path, manifestJson: await parseJson(named[0]) };

  // The tokenizer is JSON too; it is never taken for the manifest.
  const jsons = files.filter((f) => f.path.toLowerCase().endsWith('.json') && !/^tokenizer/i.test(baseName(f.path)));
  const candidates: { file: LocalFile; json: unknown }[] = [];
  for (const file of jsons) {
    let json: unknown;
    try {
      json = await parseJson(file);
    } catch {
      continue;
    }
    if (isPackManifestLike(json)) candidates.push({ file, json });
  }
  if (candidates.length === 1)
    return { files, manifestPath: candidates[0].file.path, manifestJson: candidates[0].json };
  if (candidates.length > 1) {
    const names = candidates.map((c) => c.file.path).join(', ');
    throw new PackError('pack-invalid', `Several pack manifests were opened (${names}); open one pack at a time.`);
  }
  if (jsons.length === 1) return { files, manifestPath: jsons[0].path, manifestJson: await parseJson(jsons[0]) };
  throw new PackError('pack-invalid', `No pack manifest (manifest.json) was among ${count}.`);
}

/** The opened file a manifest reference points to, or null. */
export function matchFile(set: LocalFileSet, ref: PackFileRef): LocalFile | null {
  const byPath = new Map(set.files.map((f) => [f.path, f]));
  const wanted = ref.path.includes('://') ? baseName(ref.path) : ref.path;
  const relative = normalisePath(`${dirName(set.manifestPath)}/${wanted}`);
  const exact = byPath.get(relative) ?? byPath.get(normalisePath(wanted));
  if (exact) return exact;
  const name = baseName(wanted);
  const sameName = set.files.filter((f) => baseName(f.path) === name);
  if (sameName.length === 0) return null;
  const dir = dirName(set.manifestPath);
  return sameName.find((f) => dir === '' || f.path.startsWith(`${dir}/`)) ?? sameName[0];
}

/** Fails with one message naming every referenced file that is missing. */
export function requireAll(set: LocalFileSet, refs: readonly PackFileRef[]): Map<PackFileRef, LocalFile> {
  const found = new Map<PackFileRef, LocalFile>();
  const missing: string[] = [];
  for (const ref of refs) {
    const file = matchFile(set, ref);
    if (file) found.set(ref, file);
    else if (!missing.includes(ref.path)) missing.push(ref.path);
  }
  if (missing.length > 0) {
    const n = set.files.length;
    const list =
      missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}`;
    throw new PackError(
      'pack-invalid',
      `The pack needs ${list}; ${missing.length === 1 ? 'it was' : 'they were'} not among the ${n} file${n === 1 ? '' : 's'} you opened.`,
      `manifest: ${set.manifestPath}`,
    );
  }
  return found;
}

/** A local file's bytes as a Blob (a picked File already is one: nothing is read). */
export function asBlob(data: Blob | ArrayBuffer): Blob {
  return data instanceof ArrayBuffer ? new Blob([data]) : data;
}

/**
 * Checks a matched local file's size (and SHA-256 when the manifest gives one, streamed for large files) and
 * returns it as a Blob: the bytes stay where they are until onnxruntime reads them.
 */
export async function readVerified(file: LocalFile, ref: PackFileRef): Promise<Blob> {
  const label = baseName(ref.path);
  const size = byteLength(file.data);
  if (ref.size > 0 && size !== ref.size) {
    const how = size < ref.size ? 'the file is truncated' : 'it is a different file';
    throw new PackError(
      'integrity',
      `${label}: expected ${formatByteCount(ref.size)}, got ${size.toLocaleString('en-US')} — ${how}.`,
      file.path,
    );
  }
  const blob = asBlob(file.data);
  if (ref.sha256) {
    const actual = await sha256OfBlob(blob);
    if (actual !== ref.sha256) {
      throw new PackError(
        'integrity',
        `${label}: the SHA-256 does not match the manifest — the file is damaged or a different version.`,
        `${file.path}: expected ${ref.sha256}, got ${actual}`,
      );
    }
  }
  return blob;
}
