/** The pack layer's public surface: what the engine imports from workers/packs. */
export { PackError, isAbortError } from './packError';
export {
  validateManifest,
  manifestFiles,
  UNKNOWN_SIZE,
  VISION_CONTRACTS,
  TEXT_CONTRACTS,
  DETECTOR_CONTRACTS,
  type ValidateOptions,
} from './manifestValidate';
export { MemoryByteStore, type ByteStore } from './byteStore';
export { CacheStorageByteStore, DEFAULT_CACHE_NAME, type CacheStorageByteStoreOptions } from './cacheStorageByteStore';
export { fetchPackFile, DEFAULT_PART_BYTES, type FetchPackFileOptions } from './download';
export { fetchManifest, type FetchManifestOptions, type FetchedManifest } from './manifestFetch';
export {
  loadPack,
  GRAPH_ROLES,
  type GraphRole,
  type LoadedGraphFiles,
  type LoadedPack,
  type LoadPackOptions,
} from './loadPack';
export { CATALOGUE, isCatalogueManifest } from './catalogue';
