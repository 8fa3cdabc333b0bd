/**
 * Zip archives for `label merge`: shard zips read by random access (yauzl: the central directory, then one entry at
 * a time, so a shard of any size is never held in memory), and entries copied into a new fflate Zip as their
 * compressed bytes — no inflate, no deflate — with the CRC and sizes the source recorded.
 */
import { Readable } from 'node:stream';
import { openPromise, type Entry, type ZipFile } from 'yauzl';
import type { Zip, ZipInputFile } from 'fflate';

export interface ZipIndex {
  path: string;
  zip: ZipFile;
  entries: Map<string, Entry>;
}

/** Opens a zip and lists its entries (names → entries); close it with `zip.close()`. */
export async function openZipIndex(path: string): Promise<ZipIndex> {
  let zip: ZipFile;
  try {
    zip = await openPromise(path, { lazyEntries: true, autoClose: false });
  } catch (err) {
    throw new Error(`${path} is not a readable zip: ${(err as Error).message}`, { cause: err });
  }
  const entries = new Map<string, Entry>();
  for await (const entry of zip.eachEntry()) entries.set(entry.fileName, entry);
  return { path, zip, entries };
}

async function collect(stream: Readable): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(parts));
}

/** An entry's contents, inflated. */
export async function readEntry(index: ZipIndex, name: string): Promise<Uint8Array> {
  const entry = index.entries.get(name);
  if (!entry) throw new Error(`${index.path} has no ${name}`);
  return collect(await index.zip.openReadStreamPromise(entry));
}

/** Appends `entry` of `from` to `zip` under `name` as it is stored (compressed bytes, CRC and sizes unchanged). */
export async function copyEntryRaw(zip: Zip, from: ZipIndex, entry: Entry, name = entry.fileName): Promise<void> {
  const file: ZipInputFile = {
    filename: name,
    compression: entry.compressionMethod,
    crc: entry.crc32,
    size: entry.uncompressedSize,
  };
  zip.add(file);
  // Stored entries are read as they are anyway; yauzl accepts `decompress` only for deflated ones.
  const stream = await from.zip.openReadStreamPromise(
    entry,
    entry.compressionMethod === 0 ? {} : { decompress: false },
  );
  for await (const chunk of stream) file.ondata!(null, new Uint8Array(chunk as Buffer), false);
  file.ondata!(null, new Uint8Array(0), true);
}
