/**
 * Instance IDs that belong to the object, not to its rank under the current threshold (one registry per image).
 *
 * - An instance is known by its source: the detector run (image, phrase, exemplar boxes) and query, or a clicked
 *   object. The first time a source is shown it gets the next ID; the same source always gets the same ID back,
 *   so moving the threshold slider never renumbers anything.
 * - When a concept is detected again with other inputs (a phrase edited, an exemplar box added), its new
 *   instances inherit the IDs of the previous run's instances they overlap (mask IoU ≥ 0.5, best match first), so
 *   refining a concept keeps the objects' numbers.
 * - IDs are never reused within an image.
 */
import type { CroppedMask } from './instanceMasks';

export interface IdRequest {
  /** The source: detection key + query, or the clicked object. */
  key: string;
  /** Instances of other groups of the same concept may pass their IDs on (see the header). */
  group: string;
  conceptId: string;
  mask: CroppedMask;
}

interface Entry {
  id: number;
  group: string;
  conceptId: string;
  mask: CroppedMask;
  /** Groups that already took this entry's ID over. */
  inheritedBy: Set<string>;
}

/** Minimum mask IoU for a re-detected instance to keep an earlier instance's ID. */
export const INHERIT_IOU = 0.5;

export class InstanceIdRegistry {
  private next = 1;
  private readonly byKey = new Map<string, Entry>();

  /** IDs for the requests, in order; requests must have distinct keys. */
  assign(requests: readonly IdRequest[]): number[] {
    const taken = new Set<number>();
    const ids: number[] = [];
    for (const r of requests) {
      let entry = this.byKey.get(r.key);
      if (!entry || taken.has(entry.id)) {
        const inherited = entry ? undefined : this.inherit(r, taken);
        entry = {
          id: inherited?.id ?? this.next++,
          group: r.group,
          conceptId: r.conceptId,
          mask: r.mask,
          inheritedBy: new Set(),
        };
        inherited?.inheritedBy.add(r.group);
        this.byKey.set(r.key, entry);
      }
      taken.add(entry.id);
      ids.push(entry.id);
    }
    return ids;
  }

  clear(): void {
    this.byKey.clear();
    this.next = 1;
  }

  /** The best-overlapping instance of another run of the same concept whose ID this run has not taken yet. */
  private inherit(r: IdRequest, taken: Set<number>): Entry | undefined {
    let best: Entry | undefined;
    let bestIou = INHERIT_IOU;
    for (const e of this.byKey.values()) {
      if (e.conceptId !== r.conceptId || e.group === r.group || e.inheritedBy.has(r.group) || taken.has(e.id)) continue;
      const iou = rleIou(e.mask, r.mask);
      if (iou >= bestIou) {
        best = e;
        bestIou = iou;
      }
    }
    return best;
  }
}

/** IoU of two cropped masks of the same frame. */
export function rleIou(a: CroppedMask, b: CroppedMask): number {
  if (a.width !== b.width || a.height !== b.height) return 0;
  const [ax0, ay0, ax1, ay1] = a.box;
  const [bx0, by0, bx1, by1] = b.box;
  if (ax1 <= bx0 || bx1 <= ax0 || ay1 <= by0 || by1 <= ay0) return 0;
  const x0 = Math.min(ax0, bx0);
  const y0 = Math.min(ay0, by0);
  const w = Math.max(ax1, bx1) - x0;
  const h = Math.max(ay1, by1) - y0;
  const grid = new Uint8Array(w * h);
  const paint = (m: CroppedMask, bit: number) => {
    const [mx0, my0, mx1] = m.box;
    const mw = mx1 - mx0;
    let pos = 0;
    for (let k = 0; k < m.counts.length; k++) {
      const end = pos + m.counts[k];
      if (k % 2 === 1) {
        for (let p = pos; p < end; p++) {
          const y = Math.floor(p / mw) + my0 - y0;
          const x = (p % mw) + mx0 - x0;
          grid[y * w + x] |= bit;
        }
      }
      pos = end;
    }
  };
  paint(a, 1);
  paint(b, 2);
  let inter = 0;
  let union = 0;
  for (let i = 0; i < grid.length; i++) {
    if (grid[i] === 3) inter++;
    if (grid[i] !== 0) union++;
  }
  return union > 0 ? inter / union : 0;
}
