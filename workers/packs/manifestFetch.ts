/**
 * Fetches a pack manifest by URL and keeps a copy in the ByteStore (keyed by the URL), so that a cached pack opens
 * offline: when the network fails (or the server errs with 5xx) the stored copy is used.
 * 404/403 are reported, not papered over: the pack is gone or private.
 */
import type { PackManifest } from '../protocol/manifest';
import type { ByteStore } from './byteStore';
import { httpFailure } from './downloadMessages';
import { validateManifest, type ValidateOptions } from './manifestValidate';
import { PackError, isAbortError } from './packError';

export interface FetchManifestOptions extends ValidateOptions {
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
}

export interface FetchedManifest {
  manifest: PackManifest;
  /** True when the network failed and the stored copy was used. */
  fromCache: boolean;
}

export async function fetchManifest(
  url: string,
  store: ByteStore,
  opts: FetchManifestOptions = {},
): Promise<FetchedManifest> {
  const fetchImpl = opts.fetchImpl ?? fetch;
  let text: string;
  try {
    const response = await fetchImpl(url, { signal: opts.signal, cache: 'no-cache' });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      const failure = httpFailure('the pack manifest', url, response.status);
      if (response.status >= 500) return await fromStore(url, store, opts, failure);
      throw failure;
    }
    text = await response.text();
  } catch (error) {
    if (error instanceof PackError) throw error;
    if (isAbortError(error) || opts.signal?.aborted)
      throw new PackError('cancelled', 'Opening the pack was cancelled.');
    const failure = new PackError(
      'network',
      'Could not fetch the pack manifest (network error) and no copy of it is cached; check the connection and try again.',
      `${url}: ${String(error)}`,
    );
    return fromStore(url, store, opts, failure);
  }
  const manifest = parseAndValidate(text, url, opts);
  await store.delete(url);
  const bytes = new TextEncoder().encode(text);
  await store.appendPart(url, bytes);
  await store.markComplete(url, bytes.byteLength);
  return { manifest, fromCache: false };
}

async function fromStore(
  url: string,
  store: ByteStore,
  opts: ValidateOptions,
  failure: PackError,
): Promise<FetchedManifest> {
  const bytes = await store.read(url);
  if (!bytes) throw failure;
  return { manifest: parseAndValidate(new TextDecoder().decode(bytes), url, opts), fromCache: true };
}

function parseAndValidate(text: string, url: string, opts: ValidateOptions): PackManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PackError('pack-invalid', `The pack manifest at ${url} is not valid JSON.`, String(error));
  }
  return validateManifest(json, { allowUnknownSizes: opts.allowUnknownSizes });
}
