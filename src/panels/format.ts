/** Small display formatters shared by the panels (byte sizes: workers/protocol's formatBytes, shared with the engine's messages). */
import { formatBytes } from '../../workers/protocol';

export function formatRate(bytesPerSecond: number): string {
  return bytesPerSecond > 0 ? `${formatBytes(bytesPerSecond)}/s` : '–';
}

export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  if (seconds < 1) return '<1 s';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return m < 90 ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "candidate 1/3, IoU 0.90" (0-based index in). */
export function formatCandidate(selected: number, count: number, iou: number | null): string {
  return `candidate ${selected + 1}/${count}${iou === null ? '' : `, IoU ${iou.toFixed(2)}`}`;
}

/** "[12, 30, 140, 200]" for a box in original pixels, rounded. */
export function formatBox(b: readonly number[]): string {
  return b.map((v) => Math.round(v)).join(', ');
}

/** Longest phrase shown whole in lists and labels; longer ones end in "…" (the full text is in a tooltip). */
export const SHORT_PHRASE_CHARS = 32;

/** `text` cut to `max` characters with a trailing "…" (whole words where one ends near the cut). */
export function truncateText(text: string, max = SHORT_PHRASE_CHARS): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space >= max * 0.6 ? cut.slice(0, space) : cut}…`;
}
