/**
 * A ZIP archive written as a stream of chunks, keeping only its central directory (one encoded record per file) until
 * the end. Written here rather than with fflate's `Zip` because that keeps every file's stream object until the
 * archive ends (1–3 KB per file, measured: 8,000 files held 9–26 MB) and cannot write ZIP64, which an archive past
 * 4 GB or 65,535 files needs — a folder of photos reaches both. fflate still does the compression (`deflateSync`,
 * `Deflate`) and hash-wasm the CRC-32.
 *
 * Files whose bytes are known at once are written with their sizes and CRC in the local header; one file may be
 * streamed (`open`: coco.json, written over a second pass), with a data descriptor after its data. Offsets past
 * 4 GB and more than 65,535 files get the ZIP64 extra field and end records (APPNOTE 4.3.14–4.3.16, 4.5.3).
 */
import { Deflate, deflateSync } from 'fflate';
import { createCRC32, type IHasher } from 'hash-wasm';

const UTF8 = 1 << 11;
const DESCRIPTOR = 1 << 3;
const MAX32 = 0xffffffff;
const ZIP64_VERSION = 45;
const VERSION = 20;

/** DOS date and time of `d` (local time, 2-second steps, from 1980). */
function dosTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getFullYear());
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

interface Entry {
  name: Uint8Array;
  flags: number;
  method: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

/** Bytes appended to 64 KB pages: thousands of small records without an object each and without slack to grow. */
export class ByteLog {
  private static readonly PAGE = 64 * 1024;
  private readonly pages: Uint8Array[] = [];
  private used = ByteLog.PAGE;
  length = 0;

  append(bytes: Uint8Array): void {
    let from = 0;
    while (from < bytes.length) {
      if (this.used === ByteLog.PAGE) {
        this.pages.push(new Uint8Array(ByteLog.PAGE));
        this.used = 0;
      }
      const n = Math.min(ByteLog.PAGE - this.used, bytes.length - from);
      this.pages[this.pages.length - 1].set(bytes.subarray(from, from + n), this.used);
      this.used += n;
      from += n;
    }
    this.length += bytes.length;
  }

  /** The bytes, page by page (views: copy them to keep them past the next append). */
  *parts(): Generator<Uint8Array> {
    for (const [k, page] of this.pages.entries())
      yield k === this.pages.length - 1 ? page.subarray(0, this.used) : page;
  }
}

export class ZipStream {
  /** The central directory's records, encoded as each file is written. */
  private readonly directory = new ByteLog();
  private files = 0;
  private offset = 0;
  private out: Uint8Array[] = [];
  private readonly stamp: { time: number; date: number };
  private streaming = false;

  private constructor(
    private readonly crc: IHasher,
    now: Date,
  ) {
    this.stamp = dosTime(now);
  }

  static async create(now: Date): Promise<ZipStream> {
    return new ZipStream(await createCRC32(), now);
  }

  /** A file stored as it is (images and PNGs, already compressed). */
  store(name: string, data: Uint8Array): void {
    this.whole(name, data, data, 0);
  }

  /** A file compressed with deflate. */
  deflate(name: string, data: Uint8Array): void {
    this.whole(name, deflateSync(data, { level: 6 }), data, 8);
  }

  /**
   * A deflated file whose data arrives in parts (`push`; `end` finishes it), followed by a data descriptor. No other
   * file may be added until it ends.
   */
  open(name: string): { push(data: Uint8Array): void; end(): void } {
    this.checkFree();
    this.streaming = true;
    const entry = this.header(name, DESCRIPTOR, 8, 0, 0, 0);
    this.crc.init();
    let compressed = 0;
    let size = 0;
    // A 256 KB compressor state (fflate mem level 6): coco.json is repetitive JSON, which compresses well anyway.
    const deflate = new Deflate({ level: 6, mem: 6 }, (chunk) => {
      compressed += chunk.length;
      this.emit(chunk);
    });
    return {
      push: (data) => {
        size += data.length;
        this.crc.update(data);
        deflate.push(data);
      },
      end: () => {
        deflate.push(new Uint8Array(0), true);
        if (compressed > MAX32 || size > MAX32)
          throw new RangeError(`${name} is over 4 GB: too large for this archive`);
        const crc = this.crcValue();
        const descriptor = new Uint8Array(16);
        const v = new DataView(descriptor.buffer);
        v.setUint32(0, 0x08074b50, true);
        v.setUint32(4, crc, true);
        v.setUint32(8, compressed, true);
        v.setUint32(12, size, true);
        this.emit(descriptor);
        this.record({ ...entry, crc, compressed, size });
        this.streaming = false;
      },
    };
  }

  /** Ends the archive: the central directory and end records. */
  end(): void {
    this.checkFree();
    const start = this.offset;
    for (const part of this.directory.parts()) this.emit(part);
    const size = this.offset - start;
    const zip64 = this.files > 0xffff || start > MAX32 || size > MAX32;
    if (zip64) {
      const end64 = new Uint8Array(56 + 20);
      const v = new DataView(end64.buffer);
      v.setUint32(0, 0x06064b50, true);
      v.setBigUint64(4, 44n, true);
      v.setUint16(12, ZIP64_VERSION, true);
      v.setUint16(14, ZIP64_VERSION, true);
      v.setBigUint64(24, BigInt(this.files), true);
      v.setBigUint64(32, BigInt(this.files), true);
      v.setBigUint64(40, BigInt(size), true);
      v.setBigUint64(48, BigInt(start), true);
      // Locator: where the ZIP64 end record is.
      v.setUint32(56, 0x07064b50, true);
      v.setBigUint64(64, BigInt(this.offset), true);
      v.setUint32(72, 1, true);
      this.emit(end64);
    }
    const eocd = new Uint8Array(22);
    const v = new DataView(eocd.buffer);
    v.setUint32(0, 0x06054b50, true);
    v.setUint16(8, Math.min(this.files, 0xffff), true);
    v.setUint16(10, Math.min(this.files, 0xffff), true);
    v.setUint32(12, Math.min(size, MAX32), true);
    v.setUint32(16, Math.min(start, MAX32), true);
    this.emit(eocd);
  }

  /** The chunks made since the last call. */
  take(): Uint8Array[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  /** Bytes the central directory holds so far (what the archive keeps until it ends). */
  get directorySize(): number {
    return this.directory.length;
  }

  private whole(name: string, stored: Uint8Array, data: Uint8Array, method: number): void {
    this.checkFree();
    if (stored.length > MAX32 || data.length > MAX32)
      throw new RangeError(`${name} is over 4 GB: too large for this archive`);
    this.crc.init();
    this.crc.update(data);
    const crc = this.crcValue();
    const entry = this.header(name, 0, method, crc, stored.length, data.length);
    this.emit(stored);
    this.record(entry);
  }

  /** Writes a local file header; sizes and CRC are 0 for a streamed file (they follow in its data descriptor). */
  private header(name: string, flags: number, method: number, crc: number, compressed: number, size: number): Entry {
    const bytes = new TextEncoder().encode(name);
    const h = new Uint8Array(30 + bytes.length);
    const v = new DataView(h.buffer);
    v.setUint32(0, 0x04034b50, true);
    v.setUint16(4, VERSION, true);
    v.setUint16(6, flags | UTF8, true);
    v.setUint16(8, method, true);
    v.setUint16(10, this.stamp.time, true);
    v.setUint16(12, this.stamp.date, true);
    v.setUint32(14, crc, true);
    v.setUint32(18, compressed, true);
    v.setUint32(22, size, true);
    v.setUint16(26, bytes.length, true);
    h.set(bytes, 30);
    const entry = { name: bytes, flags: flags | UTF8, method, crc, compressed, size, offset: this.offset };
    this.emit(h);
    return entry;
  }

  /** The file's central directory record, encoded now (with a ZIP64 offset when it is past 4 GB). */
  private record(e: Entry): void {
    const far = e.offset >= MAX32;
    const r = new Uint8Array(46 + e.name.length + (far ? 12 : 0));
    const v = new DataView(r.buffer);
    v.setUint32(0, 0x02014b50, true);
    v.setUint16(4, far ? ZIP64_VERSION : VERSION, true);
    v.setUint16(6, far ? ZIP64_VERSION : VERSION, true);
    v.setUint16(8, e.flags, true);
    v.setUint16(10, e.method, true);
    v.setUint16(12, this.stamp.time, true);
    v.setUint16(14, this.stamp.date, true);
    v.setUint32(16, e.crc, true);
    v.setUint32(20, e.compressed, true);
    v.setUint32(24, e.size, true);
    v.setUint16(28, e.name.length, true);
    v.setUint16(30, far ? 12 : 0, true);
    v.setUint32(42, far ? MAX32 : e.offset, true);
    r.set(e.name, 46);
    if (far) {
      const x = 46 + e.name.length;
      v.setUint16(x, 0x0001, true);
      v.setUint16(x + 2, 8, true);
      v.setBigUint64(x + 4, BigInt(e.offset), true);
    }
    this.directory.append(r);
    this.files++;
  }

  /** The CRC of what was hashed since `init` (digest ends the hash: call once). */
  private crcValue(): number {
    return parseInt(this.crc.digest('hex'), 16) >>> 0;
  }

  private emit(chunk: Uint8Array): void {
    this.offset += chunk.length;
    this.out.push(chunk);
  }

  private checkFree(): void {
    if (this.streaming) throw new Error('A streamed file is still open in this archive.');
  }
}
