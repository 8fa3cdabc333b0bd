/**
 * Zip archives written byte by byte for tests of the import: any declared size (a zip bomb's 1.5 GiB, a lie), ZIP64
 * records, bytes prepended, a data descriptor, Unix file modes — what fflate's writer cannot be told to produce.
 * Node only (zlib for deflate and CRC-32).
 */
import { crc32, deflateRawSync, constants } from 'node:zlib';

export interface RawEntry {
  name: string;
  /** The bytes stored in the archive (already compressed for method 8). */
  data: Uint8Array;
  method: 0 | 8;
  crc32: number;
  /** Declared uncompressed size. */
  size: number;
  /** Declared compressed size (default: data.length). */
  compressedSize?: number;
  flags?: number;
  /** Unix mode for the external attributes (made by Unix); e.g. 0o120777 for a symbolic link. */
  unixMode?: number;
  /** Write this entry's sizes and offset as ZIP64 extra fields. */
  zip64?: boolean;
}

/** An entry holding `content`, deflated (or stored), with true sizes and CRC. */
export function entryOf(name: string, content: Uint8Array, method: 0 | 8 = 8): RawEntry {
  const data = method === 8 ? new Uint8Array(deflateRawSync(content)) : content;
  return { name, data, method, crc32: crc32(content), size: content.length };
}

/**
 * `bytes` zero bytes as one deflate stream, made without deflating them all: a 64 MiB run of zeros deflated with a
 * sync flush ends on a byte boundary and refers to nothing before it, so copies of it can follow each other; an
 * empty final block ends the stream. 1.5 GiB → about 1.5 MiB, as zip bombs are built. CRC-32 computed alongside.
 */
export function zerosDeflated(bytes: number): { data: Uint8Array; crc32: number } {
  const CHUNK = 64 * 2 ** 20;
  if (bytes % CHUNK !== 0) throw new Error('zerosDeflated: a multiple of 64 MiB');
  const zeros = new Uint8Array(CHUNK);
  const piece = deflateRawSync(zeros, { finishFlush: constants.Z_SYNC_FLUSH, level: 9 });
  const copies = bytes / CHUNK;
  const data = new Uint8Array(piece.length * copies + 2);
  let crc = 0;
  for (let k = 0; k < copies; k++) {
    data.set(piece, k * piece.length);
    crc = crc32(zeros, crc);
  }
  data.set([0x03, 0x00], piece.length * copies); // a final fixed-Huffman block with no data
  return { data, crc32: crc };
}

export interface RawZipOptions {
  /** Bytes before the archive (a self-extractor's stub). */
  prefix?: Uint8Array;
  /** Write ZIP64 end records (as for more than 65,535 entries or 4 GiB). */
  zip64End?: boolean;
  comment?: string;
}

export function rawZip(entries: RawEntry[], options: RawZipOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const prefix = options.prefix?.length ?? 0;
  let offset = prefix;
  if (options.prefix) parts.push(options.prefix);
  const central: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const e of entries) {
    const name = enc.encode(e.name);
    const compressed = e.compressedSize ?? e.data.length;
    const z64 = e.zip64 ? zip64Extra(e.size, compressed, offset - prefix) : new Uint8Array(0);
    const local = new Uint8Array(30 + name.length + z64.length);
    const l = new DataView(local.buffer);
    l.setUint32(0, 0x04034b50, true);
    l.setUint16(4, e.zip64 ? 45 : 20, true);
    l.setUint16(6, (e.flags ?? 0) | 0x800, true);
    l.setUint16(8, e.method, true);
    l.setUint32(14, e.crc32 >>> 0, true);
    l.setUint32(18, e.zip64 ? 0xffffffff : compressed, true);
    l.setUint32(22, e.zip64 ? 0xffffffff : e.size, true);
    l.setUint16(26, name.length, true);
    l.setUint16(28, z64.length, true);
    local.set(name, 30);
    local.set(z64, 30 + name.length);
    parts.push(local, e.data);
    const c = new Uint8Array(46 + name.length + z64.length);
    const v = new DataView(c.buffer);
    v.setUint32(0, 0x02014b50, true);
    v.setUint16(4, ((e.unixMode !== undefined ? 3 : 0) << 8) | 45, true);
    v.setUint16(6, e.zip64 ? 45 : 20, true);
    v.setUint16(8, (e.flags ?? 0) | 0x800, true);
    v.setUint16(10, e.method, true);
    v.setUint32(16, e.crc32 >>> 0, true);
    v.setUint32(20, e.zip64 ? 0xffffffff : compressed, true);
    v.setUint32(24, e.zip64 ? 0xffffffff : e.size, true);
    v.setUint16(28, name.length, true);
    v.setUint16(30, z64.length, true);
    v.setUint32(38, e.unixMode !== undefined ? (e.unixMode << 16) >>> 0 : 0, true);
    v.setUint32(42, e.zip64 ? 0xffffffff : offset - prefix, true);
    c.set(name, 46);
    c.set(z64, 46 + name.length);
    central.push(c);
    offset += local.length + e.data.length;
  }
  const directoryOffset = offset;
  const directorySize = central.reduce((s, c) => s + c.length, 0);
  parts.push(...central);
  offset += directorySize;
  if (options.zip64End) {
    const rec = new Uint8Array(56 + 20);
    const r = new DataView(rec.buffer);
    r.setUint32(0, 0x06064b50, true);
    r.setBigUint64(4, 44n, true);
    r.setUint16(12, 45, true);
    r.setUint16(14, 45, true);
    r.setBigUint64(24, BigInt(entries.length), true);
    r.setBigUint64(32, BigInt(entries.length), true);
    r.setBigUint64(40, BigInt(directorySize), true);
    r.setBigUint64(48, BigInt(directoryOffset - prefix), true);
    r.setUint32(56, 0x07064b50, true);
    r.setBigUint64(64, BigInt(offset - prefix), true);
    r.setUint32(72, 1, true);
    parts.push(rec);
  }
  const comment = enc.encode(options.comment ?? '');
  const end = new Uint8Array(22 + comment.length);
  const d = new DataView(end.buffer);
  d.setUint32(0, 0x06054b50, true);
  const count = options.zip64End ? 0xffff : entries.length;
  d.setUint16(8, count, true);
  d.setUint16(10, count, true);
  d.setUint32(12, options.zip64End ? 0xffffffff : directorySize, true);
  // Offsets as the archive itself sees them: a prefix added afterwards is not counted (as `cat stub a.zip` gives).
  d.setUint32(16, options.zip64End ? 0xffffffff : directoryOffset - prefix, true);
  d.setUint16(20, comment.length, true);
  end.set(comment, 22);
  parts.push(end);
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function zip64Extra(size: number, compressed: number, offset: number): Uint8Array {
  const x = new Uint8Array(4 + 24);
  const v = new DataView(x.buffer);
  v.setUint16(0, 0x0001, true);
  v.setUint16(2, 24, true);
  v.setBigUint64(4, BigInt(size), true);
  v.setBigUint64(12, BigInt(compressed), true);
  v.setBigUint64(20, BigInt(offset), true);
  return x;
}
