/**
 * Builds the demo pack's tokenizer.json: a real Hugging Face BPE tokenizer laid out like CLIP's
 * (NFC + whitespace collapse + lower-case; CLIP split regex + ByteLevel; BPE with `</w>`; SOT/EOT 49406/49407),
 * with a tiny vocabulary: the 512 byte tokens plus merges that make each known word one token.
 */
import { COLOUR_WORDS, EXTRA_WORDS } from '../scenes/palette.ts';

export const SOT_ID = 49406;
export const EOT_ID = 49407;
export const SOT = '<|startoftext|>';
export const EOT = '<|endoftext|>';
const EOW = '</w>';

/** GPT-2 / CLIP byte → printable unicode character table, in CLIP's vocabulary order. */
export function byteLevelAlphabet(): { byte: number; char: string }[] {
  const bs: number[] = [];
  const push = (a: number, b: number) => {
    for (let i = a; i <= b; i++) bs.push(i);
  };
  push(0x21, 0x7e);
  push(0xa1, 0xac);
  push(0xae, 0xff);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n++;
    }
  }
  return bs.map((byte, i) => ({ byte, char: String.fromCodePoint(cs[i]) }));
}

/** Applies `merges` (in rank order) to the symbols of one word, BPE style (lowest rank first). */
function applyMerges(symbols: string[], ranks: Map<string, number>): string[] {
  const s = symbols.slice();
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < s.length; i++) {
      const r = ranks.get(`${s[i]} ${s[i + 1]}`);
      if (r !== undefined && r < bestRank) {
        bestRank = r;
        best = i;
      }
    }
    if (best < 0) return s;
    s.splice(best, 2, s[best] + s[best + 1]);
  }
}

export interface DemoVocab {
  vocab: Map<string, number>;
  merges: string[];
}

/** Known words, in a fixed order (colour words first). */
export function knownWords(): string[] {
  const words: string[] = [];
  for (const w of [...COLOUR_WORDS.map((c) => c.word), ...EXTRA_WORDS]) if (!words.includes(w)) words.push(w);
  return words;
}

/**
 * Byte tokens (ids 0..255), byte+`</w>` tokens (256..511), then one id per merge result.
 * Merges are added word by word: a new merge ranks after every existing one, so it never changes how an
 * earlier word is merged (that word always has an older, better-ranked pair until it is one token).
 */
export function buildVocab(): DemoVocab {
  const alphabet = byteLevelAlphabet().map((a) => a.char);
  const vocab = new Map<string, number>();
  alphabet.forEach((c) => vocab.set(c, vocab.size));
  alphabet.forEach((c) => vocab.set(c + EOW, vocab.size));
  const merges: string[] = [];
  const ranks = new Map<string, number>();
  for (const word of knownWords()) {
    if (!/^[a-z]+$/.test(word)) throw new Error(`known words must be ASCII lower-case: ${word}`);
    const chars = [...word];
    chars[chars.length - 1] += EOW;
    let s = applyMerges(chars, ranks);
    while (s.length > 1) {
      const pair = `${s[0]} ${s[1]}`;
      ranks.set(pair, merges.length);
      merges.push(pair);
      if (!vocab.has(s[0] + s[1])) vocab.set(s[0] + s[1], vocab.size);
      s = applyMerges(s, ranks);
    }
  }
  if (vocab.size >= SOT_ID) throw new Error('demo vocabulary too large');
  return { vocab, merges };
}

/** Token id of a known word (as a whole word, i.e. with `</w>`). */
export function wordTokenId(word: string, v: DemoVocab = buildVocab()): number {
  const id = v.vocab.get(word + EOW);
  if (id === undefined) throw new RangeError(`"${word}" is not one token of the demo vocabulary`);
  return id;
}

const CLIP_SPLIT =
  "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

function special(id: number, content: string) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** The tokenizer.json object (key order fixed, so JSON.stringify is deterministic). */
export function buildTokenizerJson(): object {
  const { vocab, merges } = buildVocab();
  const vocabObj: Record<string, number> = {};
  for (const [k, id] of vocab) vocabObj[k] = id;
  vocabObj[SOT] = SOT_ID;
  vocabObj[EOT] = EOT_ID;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(SOT_ID, SOT), special(EOT_ID, EOT)],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'NFC' },
        { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
        { type: 'Lowercase' },
      ],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: CLIP_SPLIT }, behavior: 'Removed', invert: true },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: {
      type: 'RobertaProcessing',
      sep: [EOT, EOT_ID],
      cls: [SOT, SOT_ID],
      trim_offsets: false,
      add_prefix_space: false,
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: EOT,
      continuing_subword_prefix: '',
      end_of_word_suffix: EOW,
      fuse_unk: false,
      byte_fallback: false,
      vocab: vocabObj,
      merges,
    },
  };
}

/** A minimal tokenizer_config.json (what @huggingface/tokenizers takes as its second argument). */
export function buildTokenizerConfig(): object {
  return {
    bos_token: SOT,
    eos_token: EOT,
    unk_token: EOT,
    pad_token: EOT,
    model_max_length: 32,
    do_lower_case: true,
    tokenizer_class: 'CLIPTokenizer',
  };
}
