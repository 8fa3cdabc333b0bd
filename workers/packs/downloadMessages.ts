/** Wording and header parsing for downloads, kept apart so download.ts reads as the flow only. */
import { formatBytes } from '../protocol/formatBytes';
import { PackError } from './packError';

/** "at 12.3 MB of 40.0 MB" / "at 12.3 MB" (total unknown). */
export function stoppedAt(loaded: number, total: number | null): string {
  if (total !== null && total > 0) return `at ${formatBytes(loaded)} of ${formatBytes(total)}`;
  return `at ${formatBytes(loaded)}`;
}

export function httpFailure(file: string, url: string, status: number): PackError {
  let why: string;
  if (status === 404) why = 'it was not found on the server (HTTP 404)';
  else if (status === 401 || status === 403)
    why = `access was refused (HTTP ${status}); the file may be private or gated`;
  else if (status >= 500) why = `the server failed (HTTP ${status}); try again later`;
  else why = `the server answered HTTP ${status}`;
  return new PackError('download-failed', `${file}: could not download — ${why}.`, `${url} → HTTP ${status}`);
}

/** Parses `bytes start-end/total` (total may be `*`). */
export function parseContentRange(value: string | null): { start: number; end: number; total: number | null } | null {
  if (!value) return null;
  const m = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(value.trim());
  if (!m) return null;
  return { start: Number(m[1]), end: Number(m[2]), total: m[3] === '*' ? null : Number(m[3]) };
}
