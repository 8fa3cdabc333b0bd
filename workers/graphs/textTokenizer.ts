/** The pack's tokenizer.json through @huggingface/tokenizers, plus SAM 3's padding/truncation rule. */
import { Tokenizer } from '@huggingface/tokenizers';
import type { TokenizerEntry } from '../protocol/manifest';
import { padTokenIds } from '../core/tokens';

export interface PhraseTokens {
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  validCount: number;
}

export type PhraseTokenizer = (phrase: string) => PhraseTokens;

export function createPhraseTokenizer(tokenizerJson: Uint8Array, entry: TokenizerEntry): PhraseTokenizer {
  let json: object;
  try {
    json = JSON.parse(new TextDecoder().decode(tokenizerJson)) as object;
  } catch (err) {
    throw new Error(`tokenizer.json is not valid JSON (${String(err)})`, { cause: err });
  }
  const tokenizer = new Tokenizer(json, {});
  return (phrase) => {
    const ids = tokenizer.encode(phrase, { add_special_tokens: true }).ids;
    return padTokenIds(ids, entry);
  };
}
