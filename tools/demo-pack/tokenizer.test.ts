import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Tokenizer } from '@huggingface/tokenizers';
import { COLOUR_WORDS, EXTRA_WORDS } from '../scenes/palette.ts';
import { buildTokenizerConfig, buildTokenizerJson, EOT_ID, SOT_ID, wordTokenId } from './tokenizer.ts';

// The engine may construct the tokenizer with or without a config: both must behave the same.
const configs = [{}, buildTokenizerConfig()];

for (const [i, config] of configs.entries()) {
  const tok = new Tokenizer(buildTokenizerJson() as never, config as never);
  const ids = (s: string) => tok.encode(s).ids;

  test(`every known word is one token (config #${i})`, () => {
    for (const w of [...COLOUR_WORDS.map((c) => c.word), ...EXTRA_WORDS])
      assert.deepEqual(ids(w), [SOT_ID, wordTokenId(w), EOT_ID], w);
  });

  test(`"red", case and whitespace (config #${i})`, () => {
    assert.deepEqual(ids('red'), [49406, wordTokenId('red'), 49407]);
    assert.deepEqual(ids('Yellow  Bus'), [SOT_ID, wordTokenId('yellow'), wordTokenId('bus'), EOT_ID]);
    assert.deepEqual(ids('  GREY\tcar '), [SOT_ID, wordTokenId('grey'), wordTokenId('car'), EOT_ID]);
    assert.deepEqual(ids(''), [SOT_ID, EOT_ID]);
  });

  test(`unknown and non-ASCII text tokenizes to byte pieces and round-trips (config #${i})`, () => {
    for (const s of ['café', '红色', 'a redo, 42!', 'naïve Ωmega 🚌']) {
      const e = ids(s);
      assert.equal(e[0], SOT_ID);
      assert.equal(e[e.length - 1], EOT_ID);
      assert.ok(e.length > 3, s);
      assert.ok(
        e.every((id) => Number.isInteger(id) && id >= 0),
        s,
      );
      // Digits are split one by one (CLIP's regex), so the decoded text may gain spaces between them.
      const decoded = tok.decode(e, { skip_special_tokens: true }).trim();
      assert.equal(decoded.replace(/(\d) (?=\d)/g, '$1'), s.toLowerCase().replace(/\s+/g, ' '), s);
    }
    assert.ok(!ids('redo').includes(wordTokenId('red')), 'a word only maps to its token when whole');
  });

  test(`no padding and no truncation inside the tokenizer (config #${i})`, () => {
    const long = Array.from({ length: 40 }, () => 'red').join(' ');
    assert.equal(ids(long).length, 42);
  });
}
