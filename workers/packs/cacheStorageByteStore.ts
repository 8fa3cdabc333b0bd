/**
 * ByteStore on the browser's Cache Storage (what the app uses; works in a dedicated worker).
 *
 * Layout inside one cache (default name `sam3-web-packs-v1`), all under a synthetic origin so any string can be a key:
 *   https://sam3-web.invalid/index/<encoded key>      JSON {key, partSizes, complete, totalBytes}
 *   https://sam3-web.invalid/part/<encoded key>/<n>   the n-th appended part, as its own Response
 * Parts are not keyed as `<url>#part-n`: Cache Storage ignores URL fragments when matching, so those would collide.
 * A part is written before the index that counts it, so a crash leaves at most one orphan part, which the next
 * append overwrites.
 */
import type { CacheEntryInfo } from '../protocol/results';
import type { ByteStore } from './byteStore';
import { formatBytes } from '../protocol/formatBytes';
import { concatBytes } from './bytes';
import { PackError } from './packError';

const ORIGIN = 'https://sam3-web.invalid/';
export const DEFAULT_CACHE_NAME = 'sam3-web-packs-v1';

interface IndexEntry {
  key: string;
  partSizes: number[];
  complete: boolean;
  totalBytes: number;
}

export interface CacheStorageByteStoreOptions {
  cacheName?: string;
  /** Defaults to the global `caches`; tests pass a stand-in. */
  cacheStorage?: CacheStorage;
}

export class CacheStorageByteStore implements ByteStore {
  private readonly cacheName: string;
  private readonly storage: CacheStorage;

  constructor(options: CacheStorageByteStoreOptions = {}) {
    this.cacheName = options.cacheName ?? DEFAULT_CACHE_NAME;
    const storage = options.cacheStorage ?? (globalThis as { caches?: CacheStorage }).caches;
    if (!storage) throw new PackError('internal', 'Cache Storage is not available in this browser context.');
    this.storage = storage;
  }

  static isAvailable(): boolean {
    return typeof (globalThis as { caches?: unknown }).caches === 'object';
  }

  /**
   * Opened for every operation, not held: a held Cache stays readable after the cache is deleted elsewhere (another
   * tab's "Clear cache", the page, the browser's site-data tools), so a pack would keep "loading" from an orphan.
   */
  private cache(): Promise<Cache> {
    return this.storage.open(this.cacheName);
  }

  private indexUrl(key: string): string {
    return `${ORIGIN}index/${encodeURIComponent(key)}`;
  }

  private partUrl(key: string, n: number): string {
    return `${ORIGIN}part/${encodeURIComponent(key)}/${n}`;
  }

  private async readIndex(key: string): Promise<IndexEntry | null> {
    const response = await (await this.cache()).match(this.indexUrl(key));
    if (!response) return null;
    try {
      const entry = (await response.json()) as IndexEntry;
      return Array.isArray(entry.partSizes) ? entry : null;
    } catch {
      return null;
    }
  }

  private async writeIndex(entry: IndexEntry): Promise<void> {
    const body = JSON.stringify(entry);
    await this.put(
      this.indexUrl(entry.key),
      new Response(body, { headers: { 'content-type': 'application/json' } }),
      0,
    );
  }

  private async put(url: string, response: Response, bytes: number): Promise<void> {
    try {
      await (await this.cache()).put(url, response);
    } catch (error) {
      const name = (error as { name?: string }).name ?? 'Error';
      throw new PackError(
        'download-failed',
        `The browser refused to store ${bytes > 0 ? formatBytes(bytes) : 'data'} in its cache (${name}). ` +
          'Storage may be full: free disk space or clear the pack cache, then try again.',
        String(error),
      );
    }
  }

  async readParts(key: string): Promise<Uint8Array[]> {
    const index = await this.readIndex(key);
    if (!index) return [];
    const cache = await this.cache();
    const parts: Uint8Array[] = [];
    for (let n = 0; n < index.partSizes.length; n++) {
      const response = await cache.match(this.partUrl(key, n));
      const bytes = response ? new Uint8Array(await response.arrayBuffer()) : null;
      if (!bytes || bytes.byteLength !== index.partSizes[n]) {
        // A part was evicted or is damaged: keep the intact prefix only.
        await this.writeIndex({ key, partSizes: index.partSizes.slice(0, n), complete: false, totalBytes: 0 });
        break;
      }
      parts.push(bytes);
    }
    return parts;
  }

  async partSizes(key: string): Promise<number[]> {
    return (await this.readIndex(key))?.partSizes ?? [];
  }

  async readPart(key: string, n: number): Promise<Uint8Array | null> {
    const index = await this.readIndex(key);
    if (!index || n >= index.partSizes.length) return null;
    const response = await (await this.cache()).match(this.partUrl(key, n));
    const bytes = response ? new Uint8Array(await response.arrayBuffer()) : null;
    return bytes && bytes.byteLength === index.partSizes[n] ? bytes : null;
  }

  async blob(key: string): Promise<Blob | null> {
    const index = await this.readIndex(key);
    if (!index?.complete) return null;
    const cache = await this.cache();
    const parts: Blob[] = [];
    for (let n = 0; n < index.partSizes.length; n++) {
      const response = await cache.match(this.partUrl(key, n));
      // Response.blob() of a cached body is a handle to the stored bytes, not a copy in this heap.
      const part = response ? await response.blob() : null;
      if (!part || part.size !== index.partSizes[n]) {
        await this.writeIndex({ key, partSizes: index.partSizes.slice(0, n), complete: false, totalBytes: 0 });
        return null;
      }
      parts.push(part);
    }
    return new Blob(parts);
  }

  async appendPart(key: string, bytes: Uint8Array): Promise<void> {
    const index = (await this.readIndex(key)) ?? { key, partSizes: [], complete: false, totalBytes: 0 };
    const n = index.partSizes.length;
    await this.put(this.partUrl(key, n), new Response(bytes as Uint8Array<ArrayBuffer>), bytes.byteLength);
    await this.writeIndex({ key, partSizes: [...index.partSizes, bytes.byteLength], complete: false, totalBytes: 0 });
  }

  async markComplete(key: string, totalBytes: number): Promise<void> {
    const index = await this.readIndex(key);
    const stored = index ? index.partSizes.reduce((a, b) => a + b, 0) : 0;
    if (!index || stored !== totalBytes) {
      throw new PackError('internal', `Cache entry ${key}: ${stored} bytes stored but ${totalBytes} expected.`);
    }
    await this.writeIndex({ ...index, complete: true, totalBytes });
  }

  async isComplete(key: string): Promise<boolean> {
    return (await this.readIndex(key))?.complete === true;
  }

  async completeSize(key: string): Promise<number | null> {
    const index = await this.readIndex(key);
    return index?.complete ? index.totalBytes : null;
  }

  async read(key: string): Promise<Uint8Array | null> {
    const index = await this.readIndex(key);
    if (!index?.complete) return null;
    const parts = await this.readParts(key);
    const bytes = concatBytes(parts);
    if (bytes.byteLength !== index.totalBytes) return null;
    return bytes;
  }

  async delete(key: string): Promise<void> {
    const cache = await this.cache();
    const index = await this.readIndex(key);
    const count = index ? index.partSizes.length : 0;
    // One more than counted: the orphan a crash between part and index may have left.
    for (let n = 0; n <= count; n++) await cache.delete(this.partUrl(key, n));
    await cache.delete(this.indexUrl(key));
  }

  async list(): Promise<CacheEntryInfo[]> {
    const cache = await this.cache();
    const prefix = `${ORIGIN}index/`;
    const out: CacheEntryInfo[] = [];
    for (const request of await cache.keys()) {
      if (!request.url.startsWith(prefix)) continue;
      const index = await this.readIndex(decodeURIComponent(request.url.slice(prefix.length)));
      if (!index) continue;
      out.push({ url: index.key, bytes: index.partSizes.reduce((a, b) => a + b, 0), complete: index.complete });
    }
    return out;
  }

  async clear(): Promise<void> {
    await this.storage.delete(this.cacheName);
  }
}
