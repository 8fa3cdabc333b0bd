/** Maps each text contract to canonical names: ids and mask in (int64 [1,L]), features (+ optional bool mask) out. */
import type { TextContract } from '../protocol/manifest';
import { requireNames } from './contractError';

export interface TextAdapter {
  contract: TextContract;
  inputIds: string;
  attentionMask: string;
  features: string;
  /** Output bool mask (true = valid); absent → derived from the attention mask. */
  mask?: string;
}

const TEXT: Record<TextContract, Omit<TextAdapter, 'contract'>> = {
  'usls-v2-text': {
    inputIds: 'input_ids',
    attentionMask: 'attention_mask',
    features: 'text_features',
    mask: 'text_mask',
  },
  'danilobukvic-text': { inputIds: 'input_ids', attentionMask: 'attention_mask', features: 'text_features' },
};

export function textAdapter(
  contract: TextContract,
  graph: { inputNames: readonly string[]; outputNames: readonly string[] },
  file: string,
): TextAdapter {
  const a = TEXT[contract];
  // Tracers prune unused inputs: the attention mask may be absent from the graph; it is fed only when declared.
  requireNames(file, contract, 'input', graph.inputNames, [a.inputIds]);
  requireNames(file, contract, 'output', graph.outputNames, [a.features]);
  const mask = a.mask && graph.outputNames.includes(a.mask) ? a.mask : undefined;
  return { contract, ...a, mask };
}
