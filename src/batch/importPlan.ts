/**
 * What an import will add, decided before a byte is inflated or stored: loose files and every archive's directory
 * become a list of images in the one path order (importLimits.ts `comparePaths`), each with its size, and a list of
 * skipped files each with its reason (not an image, too large, compressed like a zip bomb, encrypted, …). Then
 * the storage check against the browser's quota, and the batches the images are read and written in. Pure.
 */
import {
  checkEntrySizes,
  checkImageSize,
  classifyPath,
  comparePaths,
  entryLabel,
  formatBytes,
  normaliseEntryPath,
  type Skipped,
} from '../../workers/batch/importLimits';
import { isEncrypted, overlappingEntries, type ZipDirectory } from './zipDirectory';

/** A file picked, dropped or found in a folder (not an archive): its relative path and size. */
export interface LooseFile {
  path: string;
  size: number;
}

/** An archive and its directory, or why the directory could not be read. */
export interface ArchiveListing {
  name: string;
  directory: ZipDirectory | null;
  error?: string;
}

export type PlanSource = { kind: 'file'; index: number } | { kind: 'zip'; archive: number; entry: number };

export interface PlanItem {
  /** The image's relative path: its name in the workspace and in the dataset. */
  path: string;
  /** Its size (declared, for an archive entry). */
  bytes: number;
  source: PlanSource;
}

export interface ImportPlan {
  items: PlanItem[];
  skipped: Skipped[];
}

const METHODS: Record<number, string> = {
  9: 'Deflate64',
  12: 'bzip2',
  14: 'LZMA',
  93: 'Zstandard',
  95: 'XZ',
  98: 'PPMd',
};

export function planImport(loose: readonly LooseFile[], archives: readonly ArchiveListing[]): ImportPlan {
  const items: PlanItem[] = [];
  const skipped: Skipped[] = [];
  const taken = new Set<string>();
  const add = (item: PlanItem, label: string) => {
    if (taken.has(item.path)) skipped.push({ path: label, kind: 'duplicate' });
    else {
      taken.add(item.path);
      items.push(item);
    }
  };
  for (const [index, f] of loose.entries()) {
    const kind = classifyPath(f.path);
    if (kind !== 'image') {
      skipped.push({ path: f.path, kind: kind === 'hidden' ? 'hidden' : 'not-image' });
      continue;
    }
    const tooLarge = checkImageSize(f.path, f.size);
    if (tooLarge) skipped.push(tooLarge);
    else add({ path: f.path, bytes: f.size, source: { kind: 'file', index } }, f.path);
  }
  for (const [archive, listing] of archives.entries()) {
    if (!listing.directory) {
      skipped.push({ path: listing.name, kind: 'archive', detail: listing.error });
      continue;
    }
    const overlapping = overlappingEntries(listing.directory);
    for (const [entry, e] of listing.directory.entries.entries()) {
      if (e.isDirectory) continue;
      const path = normaliseEntryPath(e.name);
      const label = entryLabel(listing.name, path ?? e.name);
      const skip = (s: Omit<Skipped, 'path'>) => skipped.push({ path: label, ...s });
      if (path === null) {
        skip({ kind: 'unsafe-path' });
        continue;
      }
      const kind = classifyPath(path);
      if (kind !== 'image') {
        skip({ kind: kind === 'archive' ? 'nested-archive' : kind });
        continue;
      }
      const sizes = checkEntrySizes(label, e.size, e.compressedSize);
      if (e.isSymlink) skip({ kind: 'link' });
      else if (isEncrypted(e) || e.method === 99) skip({ kind: 'encrypted' });
      else if (e.method !== 0 && e.method !== 8)
        skip({ kind: 'method', detail: METHODS[e.method] ?? `method ${e.method}` });
      else if (sizes) skipped.push(sizes);
      else if (overlapping.has(e)) skip({ kind: 'damaged', detail: 'overlaps another entry' });
      else add({ path, bytes: e.size, source: { kind: 'zip', archive, entry } }, label);
    }
  }
  items.sort((a, b) => comparePaths(a.path, b.path));
  return { items, skipped };
}

/** Room kept per image beyond its file: its record, thumbnail and labels. */
export const PER_IMAGE_ALLOWANCE = 32 * 1024;

/**
 * Whether `count` images of `bytes` in all fit the browser's storage for this site (`navigator.storage.estimate()`):
 * null when they do (or the browser does not say), else the message that refuses the import before a byte is
 * written.
 */
export function storageShortfall(
  count: number,
  bytes: number,
  estimate: { quota?: number; usage?: number } | null,
): string | null {
  if (!estimate?.quota) return null;
  const used = estimate.usage ?? 0;
  const free = Math.max(0, estimate.quota - used);
  const need = bytes + count * PER_IMAGE_ALLOWANCE;
  if (need <= free) return null;
  const n = count.toLocaleString('en-US');
  return (
    `The ${n} new ${count === 1 ? 'image needs' : 'images need'} ${formatBytes(need)} of the browser's storage, but only ` +
    `${formatBytes(free)} is left for this site (${formatBytes(used)} of ${formatBytes(estimate.quota)} used). ` +
    'Nothing was added: free some space, or add fewer images at a time.'
  );
}

/**
 * The images split into the batches they are read and stored in: at most `maxItems` images or `maxBytes` (one
 * larger image makes a batch alone), so memory holds one batch, and progress and cancel come between batches.
 */
export function importBatches<T extends { bytes: number }>(
  items: readonly T[],
  maxItems = 200,
  maxBytes = 32 * 2 ** 20,
): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length && (current.length >= maxItems || bytes + item.bytes > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.bytes;
  }
  if (current.length) batches.push(current);
  return batches;
}
