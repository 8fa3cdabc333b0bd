/**
 * Byte sizes as people read them, in decimal units ("512 B", "1.5 MB", "3.4 GB"): one formatter for the worker's
 * messages (downloads, storage, GPU limits) and the UI's panels, so the same size reads the same everywhere.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  // 999.96 MB would print as "1000.0 MB": carry into the next unit when rounding reaches 1000.
  if (u > 0 && u < units.length - 1 && Math.round(v) >= 1000) {
    v /= 1000;
    u++;
  }
  return `${v >= 100 || u === 0 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}
