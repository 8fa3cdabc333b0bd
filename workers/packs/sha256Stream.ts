/**
 * SHA-256 over bytes that arrive in pieces (a download, a file read part by part), so a multi-GB file is verified
 * without ever being whole in memory. WebCrypto has no incremental digest, so this uses hash-wasm (WebAssembly,
 * ~2× faster than pure-JS SHA-256); a whole small file still goes through WebCrypto, which is native.
 */
import { createSHA256, type IHasher } from 'hash-wasm';
import { sha256Hex } from './bytes';

/** Below this a blob is hashed in one WebCrypto call (one read, native speed); above, streamed. */
export const ONE_SHOT_HASH_BYTES = 64 * 1024 * 1024;

export class Sha256Stream {
  private constructor(private readonly hasher: IHasher) {}

  static async create(): Promise<Sha256Stream> {
    const hasher = await createSHA256();
    hasher.init();
    return new Sha256Stream(hasher);
  }

  update(bytes: Uint8Array): void {
    this.hasher.update(bytes);
  }

  /** Lower-case hex digest; the stream cannot be updated afterwards. */
  hex(): string {
    return this.hasher.digest('hex');
  }
}

/** Lower-case hex SHA-256 of a Blob, holding at most one stream chunk of it in memory when it is large. */
export async function sha256OfBlob(blob: Blob): Promise<string> {
  if (blob.size <= ONE_SHOT_HASH_BYTES) return sha256Hex(new Uint8Array(await blob.arrayBuffer()));
  const hash = await Sha256Stream.create();
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hash.update(value);
  }
  return hash.hex();
}
