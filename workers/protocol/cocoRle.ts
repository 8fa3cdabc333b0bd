/**
 * pycocotools' text coding of run-length counts — the format of a COCO annotation's `segmentation.counts`, written by
 * the engine's export and by the UI's video exports alike, so it lives with the other wire formats (one copy for
 * both sides of the worker boundary). LEB128-like: 5 data bits per character, 0x20 continuation bit, +48 offset;
 * from the fourth count on, each count is stored as a delta to the count two places back.
 */

/** pycocotools `rleToString`: run counts → compressed text. */
export function cocoCountsToString(counts: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i];
    if (i > 2) x -= counts[i - 2];
    for (;;) {
      // Arithmetic shift by 5 as a floor division, so counts beyond 2^31 stay exact.
      const high = Math.floor(x / 32);
      let c = x - high * 32;
      x = high;
      const more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      s += String.fromCharCode(c + 48);
      if (!more) break;
    }
  }
  return s;
}

/** pycocotools `rleFrString`: compressed text → run counts. Throws on characters outside '0'..'o'. */
export function cocoStringToCounts(s: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    for (;;) {
      if (p >= s.length) throw new RangeError('truncated COCO RLE string');
      const c = s.charCodeAt(p++) - 48;
      if (c < 0 || c > 63) throw new RangeError(`bad COCO RLE character at ${p - 1}`);
      x += (c & 0x1f) * 2 ** (5 * k);
      k++;
      if (!(c & 0x20)) {
        if (c & 0x10) x -= 2 ** (5 * k); // sign extension
        break;
      }
    }
    if (counts.length > 2) x += counts[counts.length - 2];
    counts.push(x);
  }
  return counts;
}
