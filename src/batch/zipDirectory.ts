/**
 * A zip archive's central directory, read by random access from a Blob: every entry's name, declared sizes,
 * compression method, flags and where its data lies — before a byte of any entry is inflated, so the import can
 * check each entry against the limits (importLimits.ts) and the storage quota first, and then read only the
 * entries it keeps, one at a time (zipEntryReader.ts).
 *
 * Why not a library: fflate's streaming `Unzip` sees only local headers, which carry no sizes when an entry has a
 * data descriptor (streamed zips, fflate's own `Zip`), and it recurses once per entry in a chunk, so an archive of
 * a few thousand small files overflows the call stack (issue 17). fflate's `unzip` with `filter` reads the central
 * directory but needs the whole archive in memory. @zip.js/zip.js reads it from a Blob, but took 1 ms per entry to
 * read small entries here (5,000 entries: 5 s against 0.3 s for this reader with fflate's inflate). The format is
 * small and fixed (APPNOTE 6.3.10 §4.3): end-of-central-directory record, its ZIP64 counterpart, 46-byte entries.
 */
import { MAX_ARCHIVE_ENTRIES } from '../../workers/batch/importLimits';

export interface ZipEntry {
  /** The name as stored (UTF-8, or Latin-1 for old archives without the UTF-8 flag). */
  name: string;
  /** 0 stored, 8 deflate; anything else is reported, not read. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  /** Declared uncompressed size. */
  size: number;
  /** Where the entry's local header starts in the file (bytes prepended to the archive accounted for). */
  headerOffset: number;
  /** The least the entry occupies from its header on: a 30-byte header, its name and its data. */
  minLength: number;
  isDirectory: boolean;
  isSymlink: boolean;
}

export const isEncrypted = (e: ZipEntry) => (e.flags & 1) !== 0;

/** The archive is not a zip, or its directory cannot be read; the message completes "“x.zip” …". */
export class ZipFormatError extends Error {}

/** Random access to the archive's bytes. */
export interface ByteSource {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export const blobSource = (blob: Blob): ByteSource => ({
  size: blob.size,
  read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
});

const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
/** A directory larger than this is not read (200,000 entries with long names fit in far less). */
const MAX_DIRECTORY_BYTES = 256 * 2 ** 20;

const u64 = (v: DataView, at: number) => v.getUint32(at, true) + v.getUint32(at + 4, true) * 2 ** 32;

export interface EndOfDirectory {
  entries: number;
  directorySize: number;
  directoryOffset: number;
  /** Where the end record (or the ZIP64 one) starts: the directory ends there. */
  endOffset: number;
}

/**
 * Finds the end-of-central-directory record in the file's tail (it ends the file, after a comment of at most 64
 * KiB) and follows its ZIP64 locator when the archive has one.
 */
export async function readEndOfDirectory(src: ByteSource): Promise<EndOfDirectory> {
  const tailStart = Math.max(0, src.size - EOCD_SIZE - MAX_COMMENT);
  const tail = await src.read(tailStart, src.size - tailStart);
  const v = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let at = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    // The record's comment must reach exactly to the end of the file: a stray signature inside data does not.
    if (v.getUint32(i, true) === SIG_EOCD && i + EOCD_SIZE + v.getUint16(i + 20, true) === tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) {
    throw new ZipFormatError(
      src.size === 0
        ? 'is empty (0 bytes)'
        : 'is not a zip archive, or it is truncated: it has no end-of-archive record',
    );
  }
  const disk = v.getUint16(at + 4, true);
  const directoryDisk = v.getUint16(at + 6, true);
  let end: EndOfDirectory = {
    entries: v.getUint16(at + 10, true),
    directorySize: v.getUint32(at + 12, true),
    directoryOffset: v.getUint32(at + 16, true),
    endOffset: tailStart + at,
  };
  const locatorAt = at - 20;
  if (locatorAt >= 0 && v.getUint32(locatorAt, true) === SIG_ZIP64_LOCATOR) {
    // The locator gives the ZIP64 record's offset; with bytes prepended it is off, and the record (56 bytes without
    // extensible data) sits right before the locator.
    let recordOffset = u64(v, locatorAt + 8);
    let record = await src.read(recordOffset, 56);
    const isRecord = (b: Uint8Array) =>
      b.length === 56 && new DataView(b.buffer, b.byteOffset).getUint32(0, true) === SIG_ZIP64_EOCD;
    if (!isRecord(record) && tailStart + locatorAt - 56 >= 0) {
      recordOffset = tailStart + locatorAt - 56;
      record = await src.read(recordOffset, 56);
    }
    if (!isRecord(record)) throw new ZipFormatError('is damaged: its ZIP64 end-of-archive record is missing');
    const r = new DataView(record.buffer, record.byteOffset, record.byteLength);
    end = { entries: u64(r, 32), directorySize: u64(r, 40), directoryOffset: u64(r, 48), endOffset: recordOffset };
  } else if (disk !== 0 || directoryDisk !== 0) {
    throw new ZipFormatError('is one part of a split (multi-volume) archive: join the parts into one zip first');
  }
  return end;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** A name: UTF-8 when flagged (bit 11) or valid as UTF-8, else Latin-1 (old DOS archives). */
function decodeName(bytes: Uint8Array, flags: number): string {
  if (flags & 0x800) return new TextDecoder().decode(bytes);
  try {
    return utf8.decode(bytes);
  } catch {
    return latin1.decode(bytes);
  }
}

/**
 * The entries of a central directory (`bytes`, `count` of them). `shift` is added to every local header offset: a
 * zip with bytes prepended (a self-extracting stub) has its directory where the end record says plus that much.
 */
export function parseCentralDirectory(bytes: Uint8Array, count: number, shift = 0): ZipEntry[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > bytes.length || v.getUint32(p, true) !== SIG_CENTRAL) {
      throw new ZipFormatError(`is damaged: its directory breaks off at entry ${k + 1} of ${count}`);
    }
    const madeBy = v.getUint16(p + 4, true) >> 8;
    const flags = v.getUint16(p + 8, true);
    const method = v.getUint16(p + 10, true);
    const crc32 = v.getUint32(p + 16, true);
    let compressedSize = v.getUint32(p + 20, true);
    let size = v.getUint32(p + 24, true);
    const nameLength = v.getUint16(p + 28, true);
    const extraLength = v.getUint16(p + 30, true);
    const commentLength = v.getUint16(p + 32, true);
    const external = v.getUint32(p + 38, true);
    let headerOffset = v.getUint32(p + 42, true);
    const nameAt = p + 46;
    const extraAt = nameAt + nameLength;
    const next = extraAt + extraLength + commentLength;
    if (next > bytes.length) {
      throw new ZipFormatError(`is damaged: its directory breaks off at entry ${k + 1} of ${count}`);
    }
    // ZIP64 extended information (header 0x0001): the 64-bit values of the fields saturated at 0xFFFFFFFF, in order.
    for (let x = extraAt; x + 4 <= extraAt + extraLength;) {
      const id = v.getUint16(x, true);
      const len = v.getUint16(x + 2, true);
      if (id === 0x0001) {
        let f = x + 4;
        const take = () => {
          if (f + 8 > x + 4 + len) throw new ZipFormatError(`is damaged: entry ${k + 1} has a short ZIP64 field`);
          const value = u64(v, f);
          f += 8;
          return value;
        };
        if (size === 0xffffffff) size = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (headerOffset === 0xffffffff) headerOffset = take();
        break;
      }
      x += 4 + len;
    }
    const name = decodeName(bytes.subarray(nameAt, nameAt + nameLength), flags);
    entries.push({
      name,
      method,
      flags,
      crc32,
      compressedSize,
      size,
      headerOffset: headerOffset + shift,
      minLength: 30 + nameLength + compressedSize,
      isDirectory: name.endsWith('/') || name.endsWith('\\'),
      // Unix hosts (3) keep the file mode in the high half of the external attributes: S_IFLNK is 0o120000.
      isSymlink: madeBy === 3 && ((external >>> 16) & 0o170000) === 0o120000,
    });
    p = next;
  }
  return entries;
}

export interface ZipDirectory {
  entries: ZipEntry[];
  /** Where the central directory starts: every entry's data lies before it. */
  directoryStart: number;
}

/** Every entry of the archive, from its central directory (two or three reads, whatever the archive's size). */
export async function readZipDirectory(src: ByteSource): Promise<ZipDirectory> {
  const end = await readEndOfDirectory(src);
  if (end.entries > MAX_ARCHIVE_ENTRIES) {
    throw new ZipFormatError(
      `lists ${end.entries.toLocaleString('en-US')} entries; at most ${MAX_ARCHIVE_ENTRIES.toLocaleString('en-US')} are read from one archive`,
    );
  }
  if (end.directorySize > MAX_DIRECTORY_BYTES) {
    throw new ZipFormatError('is damaged: its directory claims to be larger than 256 MiB');
  }
  // The directory ends where the end record starts; when the record's offset disagrees, bytes were prepended.
  const actualOffset = end.endOffset - end.directorySize;
  if (actualOffset < 0) throw new ZipFormatError('is truncated or damaged: its directory starts before the file');
  const shift = actualOffset - end.directoryOffset;
  const bytes = await src.read(actualOffset, end.directorySize);
  return { entries: parseCentralDirectory(bytes, end.entries, shift), directoryStart: actualOffset };
}

/**
 * Entries whose bytes run into the next entry's header or into the directory: a damaged archive, or the overlapping
 * entries a "better zip bomb" uses to inflate one compressed kernel many times (none of them is read).
 */
export function overlappingEntries(dir: ZipDirectory): Set<ZipEntry> {
  const files = dir.entries.filter((e) => !e.isDirectory).sort((a, b) => a.headerOffset - b.headerOffset);
  const bad = new Set<ZipEntry>();
  for (const [k, e] of files.entries()) {
    const next = files[k + 1];
    if (e.headerOffset + e.minLength > (next ? next.headerOffset : dir.directoryStart)) {
      bad.add(e);
      if (next) bad.add(next);
    }
  }
  return bad;
}
