/** Maps the detector contract to canonical names. */
import type { DetectorContract, DetectorGraphEntry } from '../protocol/manifest';
import type { DetectorFeature } from './visionAdapter';
import { requireNames } from './contractError';

export interface DetectorAdapter {
  contract: DetectorContract;
  features: Record<DetectorFeature, string>;
  textFeatures: string;
  textMask: string;
  boxes: string;
  boxLabels: string;
  out: { masks: string; boxes: string; logits: string; presence?: string };
}

const USLS_V2: Omit<DetectorAdapter, 'contract'> = {
  features: { feat0: 'fpn_feat_0', feat1: 'fpn_feat_1', feat2: 'fpn_feat_2', pos2: 'fpn_pos_2' },
  textFeatures: 'text_features',
  textMask: 'text_mask',
  boxes: 'input_boxes',
  boxLabels: 'input_boxes_labels',
  out: { masks: 'pred_masks', boxes: 'pred_boxes', logits: 'pred_logits', presence: 'presence_logits' },
};

export function detectorAdapter(
  entry: DetectorGraphEntry,
  graph: { inputNames: readonly string[]; outputNames: readonly string[] },
  file: string,
): DetectorAdapter {
  const a = USLS_V2;
  // Inputs that a tracer may prune (unused position encodings) are fed only when declared.
  requireNames(file, entry.contract, 'input', graph.inputNames, [a.textFeatures, a.boxes, a.boxLabels]);
  const outs = [a.out.masks, a.out.boxes, a.out.logits, ...(entry.presence ? [a.out.presence!] : [])];
  requireNames(file, entry.contract, 'output', graph.outputNames, outs);
  return {
    contract: entry.contract,
    ...a,
    out: { ...a.out, presence: entry.presence ? a.out.presence : undefined },
  };
}
