/** Small display helpers for the folder workspace. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '…';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

const HUES = [12, 215, 130, 45, 285, 175, 330, 80];

/** Hue of the k-th phrase: eight well-separated hues, then the golden angle. */
export function categoryHue(index: number): number {
  return index < HUES.length ? HUES[index] : (index * 137.508 + 10) % 360;
}
