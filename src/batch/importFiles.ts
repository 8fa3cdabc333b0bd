/**
 * Turning what the user gives into a list of image files with relative paths: a directory picked with
 * `showDirectoryPicker` or dropped (walked through FileSystem entries), a multi-select of files (with
 * `webkitRelativePath` when an <input webkitdirectory> was used), or .zip archives (streamed entry by entry with
 * fflate, so a large archive is never inflated whole). Non-images are skipped and counted.
 */
import { Unzip, UnzipInflate } from 'fflate';

export interface IncomingImage {
  path: string;
  file: Blob;
}

const IMAGE_EXT = /\.(png|jpe?g|webp|bmp|gif)$/i;
const MIME: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  bmp: 'image/bmp',
  gif: 'image/gif',
};

export const isImagePath = (p: string) =>
  IMAGE_EXT.test(p) && !p.split('/').some((s) => s.startsWith('.') || s === '__MACOSX');
const isZip = (f: File) =>
  /\.zip$/i.test(f.name) || f.type === 'application/zip' || f.type === 'application/x-zip-compressed';

export interface Collected {
  images: IncomingImage[];
  skipped: number;
}

/** Files from an <input multiple> or a drop without directories; zips are opened. */
export async function collectFiles(files: readonly File[], onProgress?: (label: string) => void): Promise<Collected> {
  const out: Collected = { images: [], skipped: 0 };
  for (const f of files) {
    const rel = (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;
    if (isZip(f)) {
      onProgress?.(`Reading ${f.name}…`);
      const z = await unzipImages(f);
      out.images.push(...z.images);
      out.skipped += z.skipped;
    } else if (isImagePath(rel)) out.images.push({ path: rel, file: f });
    else out.skipped++;
  }
  return out;
}

/** Streams a zip and keeps its image entries as Blobs (one entry inflated at a time). */
export async function unzipImages(zip: Blob): Promise<Collected> {
  const out: Collected = { images: [], skipped: 0 };
  const pending: Promise<void>[] = [];
  const unzip = new Unzip((entry) => {
    if (entry.name.endsWith('/')) return;
    if (!isImagePath(entry.name)) {
      out.skipped++;
      return;
    }
    const parts: Uint8Array[] = [];
    pending.push(
      new Promise<void>((resolve, reject) => {
        entry.ondata = (err, data, final) => {
          if (err) return reject(err);
          parts.push(data);
          if (final) {
            const ext = entry.name.split('.').pop()!.toLowerCase();
            out.images.push({ path: entry.name, file: new Blob(parts as BlobPart[], { type: MIME[ext] }) });
            resolve();
          }
        };
        entry.start();
      }),
    );
  });
  unzip.register(UnzipInflate);
  const reader = zip.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      unzip.push(new Uint8Array(0), true);
      break;
    }
    unzip.push(value);
  }
  await Promise.all(pending);
  out.images.sort((a, b) => a.path.localeCompare(b.path));
  return out;
}

/** A directory handle from `showDirectoryPicker`, walked recursively. */
export async function collectDirectoryHandle(dir: FileSystemDirectoryHandle, prefix = ''): Promise<Collected> {
  const out: Collected = { images: [], skipped: 0 };
  const iterable = dir as unknown as AsyncIterable<[string, FileSystemHandle]>;
  const entries: [string, FileSystemHandle][] = [];
  for await (const e of (iterable as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries())
    entries.push(e);
  for (const [name, handle] of entries.sort(([a], [b]) => a.localeCompare(b))) {
    const path = prefix ? `${prefix}/${name}` : name;
    if (handle.kind === 'directory') {
      const sub = await collectDirectoryHandle(handle as FileSystemDirectoryHandle, path);
      out.images.push(...sub.images);
      out.skipped += sub.skipped;
    } else if (isImagePath(path)) out.images.push({ path, file: await (handle as FileSystemFileHandle).getFile() });
    else out.skipped++;
  }
  return out;
}

/** A drop: folders are walked through their FileSystemEntry tree; loose files and zips as with a multi-select. */
export async function collectDrop(dt: DataTransfer): Promise<Collected> {
  const entries = [...dt.items].map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => Boolean(e));
  if (!entries.some((e) => e.isDirectory)) return collectFiles([...dt.files]);
  const out: Collected = { images: [], skipped: 0 };
  const loose: File[] = [];
  const walk = async (entry: FileSystemEntry, path: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
      if (isZip(file)) loose.push(file);
      else if (isImagePath(path)) out.images.push({ path, file });
      else out.skipped++;
      return;
    }
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    const children: FileSystemEntry[] = [];
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
      if (batch.length === 0) break;
      children.push(...batch);
    }
    for (const c of children.sort((a, b) => a.name.localeCompare(b.name))) await walk(c, `${path}/${c.name}`);
  };
  for (const e of entries) await walk(e, e.name);
  const zips = await collectFiles(loose);
  out.images.push(...zips.images);
  out.skipped += zips.skipped;
  return out;
}
