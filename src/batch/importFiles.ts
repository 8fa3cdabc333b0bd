/**
 * Gathering what the user gives into files with relative paths, on the page (FileSystem entries and handles live
 * here): a directory picked with `showDirectoryPicker` or dropped (walked with an explicit stack: no recursion, any
 * depth, any number of files), or a multi-select of files (with `webkitRelativePath` when the folder input was
 * used). Zip archives are set apart to be opened by the import worker; everything else is planned there too
 * (importPlan.ts: which are images, which are skipped and why, and the one order they are added in).
 */

/** A file and its path relative to what was picked (`photos/2024/a.png`). */
export interface IncomingFile {
  path: string;
  file: Blob;
}

export interface Collected {
  /** Every file that is not an archive (images and anything else: the plan says what is skipped). */
  files: IncomingFile[];
  /** Zip archives, opened by the import worker. */
  archives: IncomingFile[];
}

export interface CollectOptions {
  /** Files found so far (for progress). */
  onFound?: (files: number) => void;
  signal?: AbortSignal;
}

const isZip = (path: string, f: Blob) =>
  /\.zip$/i.test(path) || f.type === 'application/zip' || f.type === 'application/x-zip-compressed';

function place(out: Collected, path: string, file: Blob): void {
  (isZip(path, file) ? out.archives : out.files).push({ path, file });
}

const aborted = () => new DOMException('The import was cancelled.', 'AbortError');

/** Files from an <input multiple> (or the folder input's fallback, with relative paths) or a drop of files. */
export function collectFiles(files: readonly File[]): Collected {
  const out: Collected = { files: [], archives: [] };
  for (const f of files) place(out, (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name, f);
  return out;
}

/**
 * A directory handle from `showDirectoryPicker`, walked; paths start with the folder's own name, as the folder
 * input and a dropped folder give them, so the same folder has the same paths whichever way it came in.
 */
export async function collectDirectoryHandle(
  dir: FileSystemDirectoryHandle,
  { onFound, signal }: CollectOptions = {},
): Promise<Collected> {
  const out: Collected = { files: [], archives: [] };
  const stack: { handle: FileSystemDirectoryHandle; path: string }[] = [{ handle: dir, path: dir.name }];
  let found = 0;
  while (stack.length) {
    const { handle, path } = stack.pop()!;
    const children = (handle as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries();
    for await (const [name, child] of children) {
      if (signal?.aborted) throw aborted();
      const childPath = `${path}/${name}`;
      if (child.kind === 'directory') stack.push({ handle: child as FileSystemDirectoryHandle, path: childPath });
      else {
        place(out, childPath, await (child as FileSystemFileHandle).getFile());
        onFound?.(++found);
      }
    }
  }
  return out;
}

/**
 * A drop: folders are walked through their FileSystemEntry tree, loose files are taken as they are. The entries are
 * taken from the DataTransfer at once (it empties after the drop event); the walk runs when the result is awaited.
 */
export function collectDrop(dt: DataTransfer): (options?: CollectOptions) => Promise<Collected> {
  const entries = [...dt.items].map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => Boolean(e));
  const files = [...dt.files];
  return async ({ onFound, signal } = {}) => {
    if (!entries.some((e) => e.isDirectory)) return collectFiles(files);
    const out: Collected = { files: [], archives: [] };
    const stack = entries.map((entry) => ({ entry, path: entry.name }));
    let found = 0;
    while (stack.length) {
      if (signal?.aborted) throw aborted();
      const { entry, path } = stack.pop()!;
      if (entry.isFile) {
        place(out, path, await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej)));
        onFound?.(++found);
        continue;
      }
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        // readEntries hands out a directory's children a hundred or so at a time, until an empty batch.
        const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
        if (batch.length === 0) break;
        for (const child of batch) stack.push({ entry: child, path: `${path}/${child.name}` });
      }
    }
    return out;
  };
}
