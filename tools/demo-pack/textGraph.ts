/**
 * text.onnx (usls-v2-text contract): `input_ids`, `attention_mask` int64 [1,32] →
 * `text_features` [1,32,256] (one-hot palette class of colour-word tokens in dims 0..P−1, else 0) and
 * `text_mask` bool [1,32] (= attention_mask > 0).
 */
import { GraphBuilder } from './onnxBuilder.ts';
import { COLOUR_WORDS, NUM_CLASSES } from '../scenes/palette.ts';
import { buildVocab, wordTokenId } from './tokenizer.ts';
import { FEAT_DIM } from './visionGraph.ts';

export const CONTEXT_LENGTH = 32;

export function buildTextGraph(): Uint8Array {
  const g = new GraphBuilder('demo_text');
  const ids = g.input('input_ids', 'int64', [1, CONTEXT_LENGTH]);
  const mask = g.input('attention_mask', 'int64', [1, CONTEXT_LENGTH]);
  const vocab = buildVocab();
  const K = COLOUR_WORDS.length;
  const wordIds = g.i64(
    COLOUR_WORDS.map((c) => wordTokenId(c.word, vocab)),
    [K],
  );
  const table = new Float32Array(K * FEAT_DIM);
  COLOUR_WORDS.forEach((c, k) => (table[k * FEAT_DIM + c.classIndex] = 1));
  if (NUM_CLASSES > FEAT_DIM) throw new Error('palette larger than the feature width');
  const hits = g.toFloat(g.op('Equal', [g.op('Unsqueeze', [ids, g.i64([2], [1])]), wordIds])); // [1,32,K]
  const feats = g.op('MatMul', [hits, g.f32(table, [K, FEAT_DIM])]); // [1,32,256]
  const valid = g.op('Greater', [mask, g.i64([0], [])]); // bool [1,32]
  const validF = g.op('Unsqueeze', [g.toFloat(valid), g.i64([2], [1])]); // [1,32,1]
  g.output('text_features', g.mul(feats, validF), 'float32', [1, CONTEXT_LENGTH, FEAT_DIM]);
  g.output('text_mask', valid, 'bool', [1, CONTEXT_LENGTH]);
  return g.toBytes();
}
