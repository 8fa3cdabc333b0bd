/**
 * The per-frame results of a processed file, stored compactly so long videos fit in memory: per frame one byte
 * buffer holding every object's mask as packed row-major RLE (rleCodec.ts), plus a few numbers per object. No
 * bitmaps, no COCO strings (the exports compute those). Scrubbing and playback read frames back through `get`,
 * which unpacks one frame (a small cache keeps the last few for playback and redraws).
 *
 * Budget (bench/videoStore.ts measures it): 10 minutes of 1080p at 30 fps with 10 tracked objects stays under
 * `STORE_BUDGET_BYTES`.
 */
import type { CompactFrame, CompactObject } from '../videoModel';
import { packCounts, unpackCounts } from './rleCodec';

/** The stated memory budget of a 10-minute 1080p, 30 fps, 10-object result store. */
export const STORE_BUDGET_BYTES = 160 * 1024 * 1024;

interface PackedObject {
  id: number;
  conceptId: string;
  conceptIndex: number;
  score: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  areaPx: number;
  provisional: boolean;
  /** The mask's crop `[x0, y0, x1, y1)` in display pixels (the runs cover it); absent = the whole frame. */
  crop?: [number, number, number, number];
  /** Byte range of the packed mask inside the frame's buffer. */
  start: number;
  end: number;
}

/** A frame as stored: the compact frame's fields, every object's runs packed into one byte buffer. */
type PackedFrame = Omit<CompactFrame, 'objects'> & { objects: PackedObject[]; masks: Uint8Array };

/** Rough per-object and per-frame sizes of the JS objects around the bytes (V8, pointer compression). */
const OBJECT_OVERHEAD_BYTES = 96;
const FRAME_OVERHEAD_BYTES = 192;
const CACHED_FRAMES = 12;

export class FrameStore {
  private readonly frames: (PackedFrame | undefined)[];
  private readonly cache = new Map<number, CompactFrame>();
  private stored = 0;
  private maskBytes = 0;
  private objectCount = 0;

  constructor(readonly frameCount: number) {
    this.frames = new Array<PackedFrame | undefined>(frameCount);
  }

  /** Stores (or replaces) one frame's results. */
  set(frame: CompactFrame): void {
    const i = frame.frameIndex;
    if (i < 0 || i >= this.frameCount) throw new RangeError(`frame ${i} is outside 0…${this.frameCount - 1}`);
    this.drop(i);
    const packed = frame.objects.map((o) => packCounts(o.mask.counts));
    const masks = new Uint8Array(packed.reduce((n, b) => n + b.length, 0));
    let at = 0;
    const objects = frame.objects.map((o, k): PackedObject => {
      masks.set(packed[k], at);
      const start = at;
      at += packed[k].length;
      const [x1, y1, x2, y2] = o.boxXyxyPx;
      return {
        id: o.id,
        conceptId: o.conceptId,
        conceptIndex: o.conceptIndex,
        score: o.score,
        x1,
        y1,
        x2,
        y2,
        areaPx: o.areaPx,
        provisional: o.provisional === true,
        ...(o.mask.box ? { crop: o.mask.box } : {}),
        start,
        end: at,
      };
    });
    this.frames[i] = {
      frameIndex: i,
      timestampMs: frame.timestampMs,
      width: frame.width,
      height: frame.height,
      displayWidth: frame.displayWidth,
      displayHeight: frame.displayHeight,
      detectorRan: frame.detectorRan,
      objects,
      masks,
    };
    this.stored++;
    this.maskBytes += masks.byteLength;
    this.objectCount += objects.length;
  }

  has(i: number): boolean {
    return this.frames[i] !== undefined;
  }

  /** Frames stored so far. */
  get size(): number {
    return this.stored;
  }

  /** One frame's results, unpacked (undefined when that frame was not processed). */
  get(i: number): CompactFrame | undefined {
    const hit = this.cache.get(i);
    if (hit) return hit;
    const f = this.frames[i];
    if (!f) return undefined;
    const frame: CompactFrame = {
      frameIndex: f.frameIndex,
      timestampMs: f.timestampMs,
      width: f.width,
      height: f.height,
      displayWidth: f.displayWidth,
      displayHeight: f.displayHeight,
      detectorRan: f.detectorRan,
      objects: f.objects.map((o): CompactObject => ({
        id: o.id,
        conceptId: o.conceptId,
        conceptIndex: o.conceptIndex,
        score: o.score,
        boxXyxyPx: [o.x1, o.y1, o.x2, o.y2],
        areaPx: o.areaPx,
        mask: {
          width: f.displayWidth,
          height: f.displayHeight,
          ...(o.crop ? { box: o.crop } : {}),
          counts: unpackCounts(f.masks.subarray(o.start, o.end)),
        },
        ...(o.provisional ? { provisional: true } : {}),
      })),
    };
    this.cache.set(i, frame);
    while (this.cache.size > CACHED_FRAMES) this.cache.delete(this.cache.keys().next().value as number);
    return frame;
  }

  /** The track IDs on frame i (no unpacking). */
  idsOn(i: number): number[] {
    return this.frames[i]?.objects.map((o) => o.id) ?? [];
  }

  /** Every stored frame in order, unpacked one at a time (exports). */
  *each(): Generator<CompactFrame> {
    for (let i = 0; i < this.frameCount; i++) {
      if (!this.frames[i]) continue;
      const cached = this.cache.get(i);
      yield cached ?? this.unpackUncached(i);
    }
  }

  /** Forgets frames from `frameIndex` on (a re-run replaces them). */
  clearFrom(frameIndex: number): void {
    for (let i = Math.max(0, frameIndex); i < this.frameCount; i++) this.drop(i);
  }

  /**
   * Replaces the objects `ids` on one frame with `objects` (an edit's result: each listed ID gets its new mask, or
   * none when absent from `objects`); every other object stays as it is. `frame` supplies the frame's fields when
   * it was not stored yet. Returns the objects that were replaced (what an undo puts back).
   */
  replaceObjects(
    frame: Omit<CompactFrame, 'objects'>,
    ids: readonly number[],
    objects: readonly CompactObject[],
  ): CompactObject[] {
    const base = this.get(frame.frameIndex) ?? { ...frame, objects: [] };
    const edited = new Set(ids);
    const previous = base.objects.filter((o) => edited.has(o.id));
    const kept = base.objects.filter((o) => !edited.has(o.id));
    const added = objects.filter((o) => edited.has(o.id));
    this.set({ ...base, objects: [...kept, ...added].sort((a, b) => a.id - b.id) });
    return previous;
  }

  /** Each stored frame's object IDs and concepts, without unpacking masks (the track table is built from it). */
  *headers(): Generator<{ frameIndex: number; objects: Pick<CompactObject, 'id' | 'conceptId' | 'conceptIndex'>[] }> {
    for (let i = 0; i < this.frameCount; i++) {
      const f = this.frames[i];
      if (f) yield { frameIndex: i, objects: f.objects };
    }
  }

  /** Estimated bytes held (mask bytes exactly, plus the JS objects around them). */
  bytes(): number {
    return this.maskBytes + this.objectCount * OBJECT_OVERHEAD_BYTES + this.stored * FRAME_OVERHEAD_BYTES;
  }

  private unpackUncached(i: number): CompactFrame {
    const frame = this.get(i)!;
    this.cache.delete(i);
    return frame;
  }

  private drop(i: number): void {
    const f = this.frames[i];
    this.cache.delete(i);
    if (!f) return;
    this.frames[i] = undefined;
    this.stored--;
    this.maskBytes -= f.masks.byteLength;
    this.objectCount -= f.objects.length;
  }
}
