/**
 * Reads the entries an import keeps out of a zip, lazily and bounded: only the entries asked for, a batch at a
 * time, in file order whatever order they are asked in (neighbouring small entries come in one read of at most
 * 8 MiB; a larger entry is streamed in chunks). A deflated entry is inflated with fflate in 16 KiB pieces and
 * stops the moment it produces more than it declared, so an entry that lies about its size costs at most one
 * piece's output; every entry's CRC-32 (hash-wasm) and length are checked. A stored entry is a slice of the archive
 * Blob itself: never copied into memory.
 */
import { Inflate } from 'fflate';
import { createCRC32, type IHasher } from 'hash-wasm';
import { blobSource, type ByteSource, type ZipEntry } from './zipDirectory';

/** An entry that cannot be read; `detail` completes "photos.zip › a.png: …". */
export class EntryError extends Error {
  constructor(readonly detail: string) {
    super(detail);
  }
}

const SIG_LOCAL = 0x04034b50;
/** Entries closer than this are read together. */
const RUN_GAP = 64 * 1024;
/** One read's largest size; an entry with more compressed bytes is streamed. */
const RUN_MAX = 8 * 2 ** 20;
/** Room left for a local header's extra field, which may differ from the directory's. */
const LOCAL_SLACK = 1024;
/** Compressed bytes inflated per step: at most ~16.5 MiB of output (deflate's 1032:1) before the size check. */
const PIECE = 16 * 1024;

const exact = (n: number) => `${n.toLocaleString('en-US')} bytes`;

/** Inflates (or passes through) one entry's data, checking its length against the declared size and its CRC. */
class EntrySink {
  readonly chunks: Uint8Array[] = [];
  private produced = 0;
  private readonly inflate: Inflate | null;

  constructor(
    private readonly entry: ZipEntry,
    private readonly crc: IHasher,
  ) {
    crc.init();
    this.inflate =
      entry.method === 8
        ? new Inflate((chunk) => {
            this.take(chunk);
          })
        : null;
  }

  private take(chunk: Uint8Array): void {
    this.produced += chunk.length;
    if (this.produced > this.entry.size) {
      throw new EntryError(`inflates to more than the ${exact(this.entry.size)} it declares`);
    }
    this.crc.update(chunk);
    if (this.inflate) this.chunks.push(chunk); // a stored entry's bytes stay in the archive Blob
  }

  push(data: Uint8Array, final: boolean): void {
    if (!this.inflate) {
      this.take(data);
      return;
    }
    try {
      if (data.length === 0) this.inflate.push(data, final);
      for (let at = 0; at < data.length; at += PIECE) {
        this.inflate.push(data.subarray(at, at + PIECE), final && at + PIECE >= data.length);
      }
    } catch (err) {
      if (err instanceof EntryError) throw err;
      throw new EntryError(`cannot be inflated: ${(err as Error).message || String(err)}`);
    }
  }

  /** Checks the whole entry once its data has all been pushed. */
  finish(): void {
    if (this.produced !== this.entry.size) {
      throw new EntryError(`holds ${exact(this.produced)}, not the ${exact(this.entry.size)} it declares`);
    }
    const crc = parseInt(this.crc.digest('hex'), 16);
    if (crc !== this.entry.crc32 >>> 0) throw new EntryError('fails its CRC-32 check: the data is corrupt');
  }
}

export class ZipEntryReader {
  private readonly src: ByteSource;
  private crc: Promise<IHasher> | null = null;

  constructor(
    private readonly file: Blob,
    /** Where the central directory starts: no entry's data may reach past it. */
    private readonly dataEnd = file.size,
  ) {
    this.src = blobSource(file);
  }

  /**
   * The entries' contents as Blobs of the given MIME types, in the order asked; an entry that cannot be read comes
   * back as its EntryError in its place, and the others still come.
   */
  async readMany(entries: readonly ZipEntry[], types: readonly string[]): Promise<(Blob | EntryError)[]> {
    const crc = await (this.crc ??= createCRC32());
    const out: (Blob | EntryError)[] = new Array(entries.length);
    const order = entries.map((_, k) => k).sort((a, b) => entries[a].headerOffset - entries[b].headerOffset);
    let k = 0;
    while (k < order.length) {
      const first = entries[order[k]];
      if (first.minLength > RUN_MAX) {
        out[order[k]] = await this.settle(() => this.readStreamed(first, types[order[k]], crc));
        k++;
        continue;
      }
      // A run of neighbouring entries read in one go.
      const start = first.headerOffset;
      let end = Math.min(this.dataEnd, start + first.minLength + LOCAL_SLACK);
      let last = k + 1;
      while (last < order.length) {
        const e = entries[order[last]];
        const eEnd = Math.min(this.dataEnd, e.headerOffset + e.minLength + LOCAL_SLACK);
        if (e.minLength > RUN_MAX || e.headerOffset - end > RUN_GAP || eEnd - start > RUN_MAX) break;
        end = Math.max(end, eEnd);
        last++;
      }
      const bytes = await this.src.read(start, Math.max(0, end - start));
      for (; k < last; k++) {
        const i = order[k];
        out[i] = await this.settle(() => this.readBuffered(entries[i], types[i], crc, bytes, start));
      }
    }
    return out;
  }

  private async settle(read: () => Promise<Blob>): Promise<Blob | EntryError> {
    try {
      return await read();
    } catch (err) {
      if (err instanceof EntryError) return err;
      return new EntryError(`could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Where the entry's data starts, from its local header (whose name and extra lengths are its own). */
  private dataStart(entry: ZipEntry, header: Uint8Array): number {
    const v = new DataView(header.buffer, header.byteOffset, header.byteLength);
    if (header.length < 30 || v.getUint32(0, true) !== SIG_LOCAL) {
      throw new EntryError('is damaged: its local header is missing where the directory points');
    }
    const start = entry.headerOffset + 30 + v.getUint16(26, true) + v.getUint16(28, true);
    if (start + entry.compressedSize > this.dataEnd) {
      throw new EntryError('is damaged: its data runs past the end of the archive');
    }
    return start;
  }

  private async readBuffered(
    entry: ZipEntry,
    type: string,
    crc: IHasher,
    bytes: Uint8Array,
    bytesAt: number,
  ): Promise<Blob> {
    const at = entry.headerOffset - bytesAt;
    const start = this.dataStart(entry, bytes.subarray(at, at + 30));
    const from = start - bytesAt;
    const data =
      from + entry.compressedSize <= bytes.length
        ? bytes.subarray(from, from + entry.compressedSize)
        : await this.src.read(start, entry.compressedSize); // a local extra field longer than the slack
    return this.decode(entry, type, crc, start, (sink) => sink.push(data, true));
  }

  private async readStreamed(entry: ZipEntry, type: string, crc: IHasher): Promise<Blob> {
    const start = this.dataStart(entry, await this.src.read(entry.headerOffset, 30));
    const reader = this.file
      .slice(start, start + entry.compressedSize)
      .stream()
      .getReader();
    try {
      return await this.decode(entry, type, crc, start, async (sink) => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          sink.push(value, false);
        }
        sink.push(new Uint8Array(0), true);
      });
    } finally {
      void reader.cancel().catch(() => {});
    }
  }

  private async decode(
    entry: ZipEntry,
    type: string,
    crc: IHasher,
    start: number,
    feed: (sink: EntrySink) => void | Promise<void>,
  ): Promise<Blob> {
    if (entry.method === 0 && entry.compressedSize !== entry.size) {
      throw new EntryError(`is damaged: stored, yet ${exact(entry.compressedSize)} hold ${exact(entry.size)}`);
    }
    if (entry.size === 0 && entry.compressedSize === 0 && entry.crc32 === 0) return new Blob([], { type });
    const sink = new EntrySink(entry, crc);
    await feed(sink);
    sink.finish();
    // A stored entry is the archive's own bytes: a slice of the Blob, not a copy.
    return entry.method === 0
      ? this.file.slice(start, start + entry.size, type)
      : new Blob(sink.chunks as BlobPart[], { type });
  }
}
