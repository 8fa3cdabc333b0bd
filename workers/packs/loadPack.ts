/**
 * Opens a pack from any PackSource and returns its manifest and every file, verified — the graphs' files as Blob
 * handles, never joined or copied here: a cached download is a Blob over Cache Storage's parts, a local file is the
 * picked File, and onnxruntime reads each one itself when it creates the session. Only the small files (tokenizer,
 * memory constants) are read into memory.
 * URL packs go through the ByteStore (resumable, cached, usable offline); local files are checked in place.
 */
import type { PackSource } from '../protocol/api';
import {
  GRAPH_ROLES,
  type GraphEntryBase,
  type GraphRole,
  type PackFileRef,
  type PackManifest,
} from '../protocol/manifest';
import type { ProgressEvent } from '../protocol/progress';
import type { ByteStore } from './byteStore';
import { formatBytes } from '../protocol/formatBytes';
import { baseName } from './bytes';
import { isCatalogueManifest } from './catalogue';
import { fetchPackFile } from './download';
import { findManifest, readVerified, requireAll } from './localFiles';
import { fetchManifest } from './manifestFetch';
import { manifestFiles, validateManifest } from './manifestValidate';
import { PackError } from './packError';

export { GRAPH_ROLES, type GraphRole } from '../protocol/manifest';

export interface LoadedGraphFiles {
  model: Blob;
  /**
   * `path` = the location stored in the graph (what onnxruntime matches `externalData[].path` against). Chunks a
   * manifest lists for one location are one Blob made of the chunk Blobs (no bytes are copied to join them).
   */
  externalData: { path: string; data: Blob }[];
}

export interface LoadedPack {
  manifest: PackManifest;
  sourceLabel: string;
  files: {
    tokenizer: Uint8Array;
    /** constants.json of the memory graphs, when the pack has them. */
    memoryConstants?: Uint8Array;
    /** Optional roles (tracker, trackerVision) are present when the manifest has them. */
    graphs: Record<'vision' | 'text' | 'detector', LoadedGraphFiles> & Partial<Record<GraphRole, LoadedGraphFiles>>;
  };
}

export interface LoadPackOptions {
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
  partBytes?: number;
  /** Re-hash cached files before use (default false; they were hashed when stored). */
  verifyCachedHash?: boolean;
  /** Accept `size: 0` (unknown). Default: only for manifests identical to a built-in catalogue entry. */
  allowUnknownSizes?: boolean;
  /**
   * Free bytes the browser lets this site store (quota − usage), or null when it does not say. Checked against what
   * is still to download before the first byte is fetched.
   */
  freeBytes?: () => Promise<number | null>;
  /** Told each stored file's key before it is fetched (so a cancelled load can drop its partial files). */
  onFetch?: (key: string) => void;
  /** Checks the manifest before the first file is fetched (e.g. that this device can run the pack); throws to stop. */
  beforeDownload?: (manifest: PackManifest) => void;
}

type FileReader = (ref: PackFileRef) => Promise<Blob>;

export async function loadPack(source: PackSource, store: ByteStore, opts: LoadPackOptions = {}): Promise<LoadedPack> {
  switch (source.kind) {
    case 'url': {
      const manifestUrl = absoluteUrl(source.manifestUrl);
      const { manifest } = await fetchManifest(manifestUrl, store, {
        signal: opts.signal,
        fetchImpl: opts.fetchImpl,
        allowUnknownSizes: opts.allowUnknownSizes ?? false,
      });
      await checkSpace(manifest, manifestUrl, store, opts);
      return assemble(manifest, manifestUrl, remoteReader(manifestUrl, store, opts));
    }
    case 'manifest': {
      const allowUnknownSizes = opts.allowUnknownSizes ?? isCatalogueManifest(source.manifest);
      const manifest = validateManifest(source.manifest, { allowUnknownSizes });
      const base = absoluteUrl(source.baseUrl);
      await checkSpace(manifest, base, store, opts);
      return assemble(manifest, `${manifest.id} (${base})`, remoteReader(base, store, opts));
    }
    case 'files': {
      const set = await findManifest(source.files);
      const manifest = validateManifest(set.manifestJson, { allowUnknownSizes: true });
      const found = requireAll(
        set,
        manifestFiles(manifest).map((f) => f.ref),
      );
      const emit = opts.onProgress ?? (() => {});
      const read: FileReader = async (ref) => {
        const file = baseName(ref.path);
        emit({ status: 'verifying', file });
        const bytes = await readVerified(found.get(ref)!, ref);
        emit({ status: 'done', file });
        return bytes;
      };
      const n = source.files.length;
      return assemble(manifest, `${n} local file${n === 1 ? '' : 's'} (${set.manifestPath})`, read);
    }
  }
}

/**
 * Before downloading: the caller's check of the manifest (can this device run it?), then whether the files still
 * missing from the store fit the space left.
 */
async function checkSpace(
  manifest: PackManifest,
  base: string,
  store: ByteStore,
  opts: LoadPackOptions,
): Promise<void> {
  opts.beforeDownload?.(manifest);
  if (!opts.freeBytes) return;
  let missing = 0;
  for (const { ref } of manifestFiles(manifest)) {
    const key = resolveUrl(ref.path, base);
    if ((await store.completeSize(key)) !== null) continue;
    const partial = (await store.partSizes(key)).reduce((a, b) => a + b, 0);
    missing += Math.max(0, ref.size - partial);
  }
  if (missing === 0) return;
  const free = await opts.freeBytes();
  if (free !== null && missing > free) {
    throw new PackError(
      'storage-full',
      `${manifest.name} needs ${formatBytes(missing)} more storage, but the browser lets this site store only ` +
        `${formatBytes(free)} more. Free disk space, or remove cached packs in the model panel, then try again.`,
    );
  }
}

function remoteReader(base: string, store: ByteStore, opts: LoadPackOptions): FileReader {
  const pending = new Map<string, Promise<Blob>>();
  return (ref) => {
    const url = resolveUrl(ref.path, base);
    let bytes = pending.get(url);
    if (!bytes) {
      opts.onFetch?.(url);
      bytes = fetchPackFile(url, ref, store, {
        onProgress: opts.onProgress,
        signal: opts.signal,
        fetchImpl: opts.fetchImpl,
        partBytes: opts.partBytes,
        verifyCachedHash: opts.verifyCachedHash,
      });
      pending.set(url, bytes);
    }
    return bytes;
  };
}

/** Reads every file in manifest order, one at a time (clear progress; the bandwidth is shared anyway). */
async function assemble(manifest: PackManifest, sourceLabel: string, read: FileReader): Promise<LoadedPack> {
  const small = async (ref: PackFileRef) => new Uint8Array(await (await read(ref)).arrayBuffer());
  const tokenizer = await small(manifest.tokenizer.file);
  const graphs = {} as LoadedPack['files']['graphs'];
  for (const role of GRAPH_ROLES) {
    const entry = manifest.graphs[role];
    if (entry) graphs[role] = await readGraph(entry, read);
  }
  const memoryConstants = manifest.memoryConstants ? await small(manifest.memoryConstants) : undefined;
  return { manifest, sourceLabel, files: { tokenizer, graphs, ...(memoryConstants ? { memoryConstants } : {}) } };
}

async function readGraph(graph: GraphEntryBase, read: FileReader): Promise<LoadedGraphFiles> {
  const model = await read(graph.file);
  const externalData: LoadedGraphFiles['externalData'] = [];
  for (const ext of graph.externalData ?? []) {
    const chunks: Blob[] = [];
    for (const chunk of ext.chunks) chunks.push(await read(chunk));
    externalData.push({ path: ext.location, data: chunks.length === 1 ? chunks[0] : new Blob(chunks) });
  }
  return { model, externalData };
}

function absoluteUrl(url: string): string {
  const here = (globalThis as { location?: { href?: string } }).location?.href;
  try {
    return new URL(url, here).href;
  } catch {
    throw new PackError('pack-invalid', `"${url}" is not a usable URL for a pack.`);
  }
}

function resolveUrl(path: string, base: string): string {
  try {
    return new URL(path, base).href;
  } catch {
    throw new PackError('pack-invalid', `The pack file path "${path}" cannot be resolved against ${base}.`);
  }
}
