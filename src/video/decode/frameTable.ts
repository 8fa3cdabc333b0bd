/**
 * The frame table of a video file: every frame's presentation timestamp, read from the container's packets (not
 * guessed from a frame rate), so variable-frame-rate files get exact times and counts. Pure.
 */

export interface FrameTable {
  /** Presentation timestamps in seconds, ascending; index = frame number. */
  timestampsS: Float64Array;
  /** Duration of each frame in seconds (the last one's from the container, or the median). */
  durationsS: Float64Array;
}

/** Builds the table from packet presentation timestamps (decode order) and durations. */
export function buildFrameTable(packets: readonly { timestamp: number; duration: number }[]): FrameTable {
  const sorted = [...packets].sort((a, b) => a.timestamp - b.timestamp);
  const timestampsS = Float64Array.from(sorted, (p) => p.timestamp);
  const gaps: number[] = [];
  for (let i = 1; i < timestampsS.length; i++) gaps.push(timestampsS[i] - timestampsS[i - 1]);
  const typical = gaps.length > 0 ? [...gaps].sort((a, b) => a - b)[gaps.length >> 1] : 0;
  const durationsS = Float64Array.from(sorted, (p, i) =>
    i + 1 < sorted.length ? timestampsS[i + 1] - timestampsS[i] : p.duration > 0 ? p.duration : typical,
  );
  return { timestampsS, durationsS };
}

/** Average frame rate over the table (frames per second of media time), rounded to 0.01. */
export function averageFps(table: FrameTable): number {
  const n = table.timestampsS.length;
  if (n === 0) return 0;
  const span = table.timestampsS[n - 1] + table.durationsS[n - 1] - table.timestampsS[0];
  if (!(span > 0)) return 0;
  const fps = n / span;
  const whole = Math.round(fps);
  return Math.abs(fps - whole) < 0.01 ? whole : Math.round(fps * 100) / 100;
}

/**
 * Whether frame gaps vary (a variable-frame-rate file): a gap further from the mean gap than 1 % of it, or than the
 * rounding of a millisecond timebase (WebM and MKV store 1 ms ticks by default, so a constant 30 fps reads as gaps
 * of 33 and 34 ms: each timestamp is off by up to 0.5 ms, a gap by up to 1 ms).
 */
export function isVariableFrameRate(table: FrameTable): boolean {
  const t = table.timestampsS;
  if (t.length < 3) return false;
  const mean = (t[t.length - 1] - t[0]) / (t.length - 1);
  const tolerance = Math.max(0.01 * mean, 0.0011);
  for (let i = 1; i < t.length; i++) if (Math.abs(t[i] - t[i - 1] - mean) > tolerance) return true;
  return false;
}

/** The frame shown at media time `t` seconds: the last frame starting at or before it (binary search). */
export function frameAtMediaTime(table: FrameTable, t: number): number {
  const ts = table.timestampsS;
  if (ts.length === 0) return 0;
  let lo = 0;
  let hi = ts.length - 1;
  if (t < ts[0]) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ts[mid] <= t + 1e-7) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Frames the file should hold according to its metadata, when that exceeds what its packets give: a container
 * whose sample table lists more frames than its data holds (MP4) or whose header duration runs past its last
 * packet (WebM/MKV). `null` when the packets account for the whole file.
 */
export function expectedFrameCount(
  packetFrames: number,
  lastPacketEndS: number,
  metadataDurationS: number | null,
  fps: number,
): number {
  if (metadataDurationS === null || !(fps > 0)) return packetFrames;
  const missingS = metadataDurationS - lastPacketEndS;
  if (missingS <= 1.5 / fps) return packetFrames;
  return packetFrames + Math.round(missingS * fps);
}

/** The message for a file that ends before its last frame ("stopped at frame 12 of 44: the file ends early"). */
export function endsEarlyMessage(name: string, framesRead: number, expected: number): string {
  return `“${name}” stopped at frame ${framesRead} of ${expected}: the file ends early (it is truncated or damaged). The ${framesRead} frames before that are kept.`;
}
