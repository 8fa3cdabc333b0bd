/**
 * Persistent storage of downloaded bytes, shaped for resumable downloads: a file is appended to in parts as it
 * streams in, and becomes readable as a whole only once it is marked complete (after its size and hash were checked).
 * Keys are the files' absolute URLs (or any string the caller picks, e.g. `manifest:<url>`).
 */
import type { CacheEntryInfo } from '../protocol/results';
import { concatBytes, totalLength } from './bytes';

export interface ByteStore {
  /** The parts stored so far for `key`, in order (empty when nothing is stored). Small files and tests only. */
  readParts(key: string): Promise<Uint8Array[]>;
  /** Sizes of the parts stored so far (cheap: reads no part). */
  partSizes(key: string): Promise<number[]>;
  /** The n-th stored part, or null when it is missing or damaged. */
  readPart(key: string, n: number): Promise<Uint8Array | null>;
  /**
   * The whole file when complete, else null, as a Blob that refers to the stored parts without reading them into
   * memory (Cache Storage keeps large bodies on disk): what the loader hands to onnxruntime.
   */
  blob(key: string): Promise<Blob | null>;
  /** Appends one part after the existing ones. */
  appendPart(key: string, bytes: Uint8Array): Promise<void>;
  /** Records that the parts now form the whole, verified file of `totalBytes` bytes. */
  markComplete(key: string, totalBytes: number): Promise<void>;
  isComplete(key: string): Promise<boolean>;
  /** The recorded total of a complete entry, or null when the entry is absent or incomplete. */
  completeSize(key: string): Promise<number | null>;
  /** The whole file when complete, else null. */
  read(key: string): Promise<Uint8Array | null>;
  delete(key: string): Promise<void>;
  list(): Promise<CacheEntryInfo[]>;
  clear(): Promise<void>;
}

interface MemoryEntry {
  parts: Uint8Array[];
  complete: boolean;
  totalBytes: number;
}

/** A ByteStore in memory (Node tests, and a fallback where Cache Storage is missing). Copies what it is given. */
export class MemoryByteStore implements ByteStore {
  private readonly entries = new Map<string, MemoryEntry>();

  async readParts(key: string): Promise<Uint8Array[]> {
    return (this.entries.get(key)?.parts ?? []).map((p) => p.slice());
  }

  async partSizes(key: string): Promise<number[]> {
    return (this.entries.get(key)?.parts ?? []).map((p) => p.byteLength);
  }

  async readPart(key: string, n: number): Promise<Uint8Array | null> {
    return this.entries.get(key)?.parts[n]?.slice() ?? null;
  }

  async blob(key: string): Promise<Blob | null> {
    const entry = this.entries.get(key);
    return entry?.complete ? new Blob(entry.parts as Uint8Array<ArrayBuffer>[]) : null;
  }

  async appendPart(key: string, bytes: Uint8Array): Promise<void> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { parts: [], complete: false, totalBytes: 0 };
      this.entries.set(key, entry);
    }
    entry.parts.push(bytes.slice());
    entry.complete = false;
  }

  async markComplete(key: string, totalBytes: number): Promise<void> {
    const entry = this.entries.get(key) ?? { parts: [], complete: false, totalBytes: 0 };
    const stored = totalLength(entry.parts);
    if (stored !== totalBytes) throw new Error(`markComplete(${key}): ${stored} bytes stored, ${totalBytes} expected`);
    entry.complete = true;
    entry.totalBytes = totalBytes;
    this.entries.set(key, entry);
  }

  async isComplete(key: string): Promise<boolean> {
    return this.entries.get(key)?.complete === true;
  }

  async completeSize(key: string): Promise<number | null> {
    const entry = this.entries.get(key);
    return entry?.complete ? entry.totalBytes : null;
  }

  async read(key: string): Promise<Uint8Array | null> {
    const entry = this.entries.get(key);
    if (!entry?.complete) return null;
    return concatBytes(entry.parts.map((p) => p.slice()));
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async list(): Promise<CacheEntryInfo[]> {
    return [...this.entries].map(([url, e]) => ({ url, bytes: totalLength(e.parts), complete: e.complete }));
  }

  async clear(): Promise<void> {
    this.entries.clear();
  }
}
