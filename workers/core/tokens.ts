/**
 * Text token padding for the text encoder (reference.md §4; exports.md §3.5, §17.2 "tokenizer").
 *
 * The CLIP BPE tokenizer itself lives outside workers/core; this module turns its id sequence into the fixed
 * `[1, contextLength]` int64 tensors the graphs take.
 */

export interface TokenPadding {
  /** 32 for SAM 3. */
  contextLength: number;
  /** `eot`: pad with the end token (HF / usls style); `zero`: pad with 0 (Meta style, mask derived in-graph). */
  padding: 'eot' | 'zero';
  /** Start-of-text id (49406 for CLIP). */
  sotId: number;
  /** End-of-text id (49407 for CLIP). */
  eotId: number;
}

export interface PaddedTokens {
  /** `contextLength` ids. */
  inputIds: BigInt64Array;
  /** `contextLength` entries: 1 for real tokens (SOT and EOT included), 0 for padding. */
  attentionMask: BigInt64Array;
  /** Number of real tokens (SOT … EOT), ≤ contextLength. */
  validCount: number;
}

/**
 * Builds `input_ids` / `attention_mask` from tokenizer output (reference.md §4):
 * - the sequence must be `[sot] + bpe(text) + [eot]`; a missing leading SOT or trailing EOT is added;
 * - overflow is truncated to `contextLength` and the last kept token forced to EOT (Meta rule);
 * - padding is `eotId` (HF style) or `0` (Meta style), per the pack's tokenizer entry;
 * - the mask is int64 1 on real tokens (SOT and EOT included) and 0 on padding.
 */
export function padTokenIds(ids: number[], p: TokenPadding): PaddedTokens {
  const { contextLength, sotId, eotId } = p;
  if (!Number.isInteger(contextLength) || contextLength < 2) throw new RangeError(`bad contextLength ${contextLength}`);
  const seq = ids.slice();
  if (seq.length === 0 || seq[0] !== sotId) seq.unshift(sotId);
  if (seq.length === 1 || seq[seq.length - 1] !== eotId) seq.push(eotId);
  if (seq.length > contextLength) {
    seq.length = contextLength;
    seq[contextLength - 1] = eotId;
  }
  const validCount = seq.length;
  const padId = BigInt(p.padding === 'eot' ? eotId : 0);
  const inputIds = new BigInt64Array(contextLength).fill(padId);
  const attentionMask = new BigInt64Array(contextLength);
  for (let i = 0; i < validCount; i++) {
    inputIds[i] = BigInt(seq[i]);
    attentionMask[i] = 1n;
  }
  return { inputIds, attentionMask, validCount };
}

/**
 * Cache key for text features: trimmed, whitespace runs collapsed to one space, lower-cased (the
 * whitespace and case parts of Meta's `clean="lower"` text cleaning, reference.md §4).
 */
export function normalizePhrase(s: string): string {
  return s.trim().replace(/\s+/g, ' ').toLowerCase();
}
