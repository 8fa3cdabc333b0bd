/** What a finished file run says about itself: frames, processed frames per second, and decoding's share. Pure. */
import type { RunStats } from './videoStore';

export function formatRunStats(s: RunStats): string {
  const seconds = s.wallMs / 1000;
  const fps = seconds > 0 ? s.frames / seconds : 0;
  const pct = (ms: number) => (s.wallMs > 0 ? Math.round((ms / s.wallMs) * 100) : 0);
  const decode =
    s.decoder === 'webcodecs'
      ? `decoding ${pct(s.decodeMs)} % of the time (overlapped; ${pct(s.waitMs)} % waited for)`
      : `decoding by seeking ${pct(s.waitMs)} % of the time`;
  return `${s.frames} frame${s.frames === 1 ? '' : 's'} in ${seconds.toFixed(1)} s · ${fps.toFixed(1)} fps processed · ${decode}`;
}
