/** Small byte helpers shared by the pack modules: joining, hashing and wording sizes for people. */

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  let total = 0;
  for (const p of parts) total += p.byteLength;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

export function totalLength(parts: readonly Uint8Array[]): number {
  let total = 0;
  for (const p of parts) total += p.byteLength;
  return total;
}

/** Lower-case hex SHA-256 of the bytes (WebCrypto; the same in a worker and in Node 20). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  const view = new Uint8Array(digest);
  let hex = '';
  for (const b of view) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/** "1,234 bytes". */
export function formatByteCount(n: number): string {
  return `${n.toLocaleString('en-US')} bytes`;
}

/** Last path segment of a relative path or URL, without query or fragment. */
export function baseName(pathOrUrl: string): string {
  const clean = pathOrUrl.split(/[?#]/)[0].replace(/\\/g, '/');
  const parts = clean.split('/').filter((s) => s.length > 0);
  return parts.length > 0 ? parts[parts.length - 1] : clean;
}
