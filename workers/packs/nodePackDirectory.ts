/**
 * Node only (tests, benchmarks, command-line tools): a pack folder on disk as a `files` PackSource whose files are
 * disk-backed Blobs marked with their paths, so a pack opens without reading its weights into JavaScript —
 * onnxruntime-node reads the graphs and their external data from disk itself.
 */
import { openAsBlob } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { PackSource } from '../protocol/api';

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await readdir(dir)) {
    const p = join(dir, name);
    if ((await stat(p)).isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

export async function nodePackDirectory(dir: string): Promise<PackSource> {
  const root = resolve(dir);
  const files = await Promise.all(
    (await walk(root)).map(async (path) => ({
      path: relative(root, path),
      data: Object.assign(await openAsBlob(path), { diskPath: path }) as Blob,
    })),
  );
  return { kind: 'files', files };
}
