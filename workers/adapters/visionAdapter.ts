/**
 * Maps each vision contract to canonical names. Canonical detector-neck features: feat0 (4× the top grid),
 * feat1 (2×), feat2 (top grid), pos2 (its sine position encoding). Tracker-neck: emb0, emb1, emb2.
 */
import type { VisionContract } from '../protocol/manifest';
import { requireNames } from './contractError';

export type DetectorFeature = 'feat0' | 'feat1' | 'feat2' | 'pos2';
export type TrackerFeature = 'emb0' | 'emb1' | 'emb2';

export interface VisionAdapter {
  contract: VisionContract;
  input: string;
  detector: Record<DetectorFeature, string>;
  tracker?: Record<TrackerFeature, string>;
}

const VISION: Record<VisionContract, Omit<VisionAdapter, 'contract'>> = {
  'usls-v2-vision': {
    input: 'images',
    detector: { feat0: 'fpn_feat_0', feat1: 'fpn_feat_1', feat2: 'fpn_feat_2', pos2: 'fpn_pos_2' },
  },
  'dual-encoder': {
    input: 'pixel_values',
    detector: {
      feat0: 'fpn_hidden_state_0',
      feat1: 'fpn_hidden_state_1',
      feat2: 'fpn_hidden_state_2',
      pos2: 'fpn_position_encoding_2',
    },
    tracker: { emb0: 'image_embeddings.0', emb1: 'image_embeddings.1', emb2: 'image_embeddings.2' },
  },
};

export function visionAdapter(
  contract: VisionContract,
  graph: { inputNames: readonly string[]; outputNames: readonly string[] },
  file: string,
): VisionAdapter {
  const a = VISION[contract];
  requireNames(file, contract, 'input', graph.inputNames, [a.input]);
  requireNames(file, contract, 'output', graph.outputNames, Object.values(a.detector));
  return { contract, ...a };
}
