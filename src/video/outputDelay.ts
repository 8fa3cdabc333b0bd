/**
 * The reference's hotstart output delay (reference.md §9.1–9.2: "output lags input by 15 frames … frames are
 * yielded from a 15-frame buffer, the whole buffer is flushed at the end"): results are held back `delay` frames;
 * a track that the hotstart rule removes meanwhile (unconfirmed or duplicate) is taken out of every frame still
 * held, so it is never shown and then retracted. A released object is provisional only if its track was never seen
 * confirmed. Pure: Node tests drive it; file mode (default on) and live mode (an option) use it.
 */
import type { TrackRemovalReason } from '../../workers/protocol';
import type { CompactFrame } from './videoModel';

/** Removal reasons that retract a track from the held output (a user's negative box applies from its frame on). */
const RETRACTING: ReadonlySet<TrackRemovalReason> = new Set(['unconfirmed', 'duplicate']);

export class OutputDelay {
  private readonly held: CompactFrame[] = [];
  private readonly retracted = new Set<number>();
  private readonly confirmed = new Set<number>();

  /** `delay` 0 passes every frame straight through. */
  constructor(readonly delay: number) {}

  /** Frames held now. */
  get pending(): number {
    return this.held.length;
  }

  /** One processed frame in; the frames released by it out (oldest first). */
  push(frame: CompactFrame, removedReasons: Readonly<Record<number, TrackRemovalReason>> = {}): CompactFrame[] {
    for (const [id, reason] of Object.entries(removedReasons)) if (RETRACTING.has(reason)) this.retracted.add(+id);
    for (const o of frame.objects) if (!o.provisional) this.confirmed.add(o.id);
    this.held.push(frame);
    const out: CompactFrame[] = [];
    while (this.held.length > this.delay) out.push(this.release(this.held.shift()!));
    return out;
  }

  /** Releases everything held (end of the file, cancel, stop). */
  flush(): CompactFrame[] {
    return this.held.splice(0).map((f) => this.release(f));
  }

  private release(frame: CompactFrame): CompactFrame {
    if (this.delay === 0) return frame;
    return {
      ...frame,
      objects: frame.objects
        .filter((o) => !this.retracted.has(o.id))
        .map((o) => {
          if (!this.confirmed.has(o.id)) return o;
          const { provisional: _, ...rest } = o;
          return rest;
        }),
    };
  }
}
