/**
 * The tracker prompt decoder (PVS) contract, and where its image embeddings come from: the dual encoder's tracker
 * neck, or a separate tracker encoder (onnx-community `vision_encoder`) run once per image on the first click.
 */
import type { TrackerDecoderGraphEntry, TrackerVisionContract } from '../protocol/manifest';
import type { TrackerFeature } from './visionAdapter';
import { requireNames } from './contractError';

export interface TrackerAdapter {
  points: string;
  labels: string;
  boxes: string;
  labelDtype: 'int64' | 'int32';
  embeddings: Record<TrackerFeature, string>;
  out: { iou: string; masks: string; objectScore: string };
}

const EMBEDDINGS: Record<TrackerFeature, string> = {
  emb0: 'image_embeddings.0',
  emb1: 'image_embeddings.1',
  emb2: 'image_embeddings.2',
};

export function trackerAdapter(
  entry: TrackerDecoderGraphEntry,
  graph: { inputNames: readonly string[]; outputNames: readonly string[] },
  file: string,
): TrackerAdapter {
  const a: TrackerAdapter = {
    points: 'input_points',
    labels: 'input_labels',
    boxes: 'input_boxes',
    labelDtype: entry.labelDtype,
    embeddings: EMBEDDINGS,
    out: { iou: 'iou_scores', masks: 'pred_masks', objectScore: 'object_score_logits' },
  };
  requireNames(file, entry.contract, 'input', graph.inputNames, [a.points, a.labels, ...Object.values(EMBEDDINGS)]);
  requireNames(file, entry.contract, 'output', graph.outputNames, [a.out.iou, a.out.masks, a.out.objectScore]);
  return a;
}

export interface TrackerVisionAdapter {
  contract: TrackerVisionContract;
  input: string;
  embeddings: Record<TrackerFeature, string>;
}

export function trackerVisionAdapter(
  contract: TrackerVisionContract,
  graph: { inputNames: readonly string[]; outputNames: readonly string[] },
  file: string,
): TrackerVisionAdapter {
  const a = { contract, input: 'pixel_values', embeddings: EMBEDDINGS };
  requireNames(file, contract, 'input', graph.inputNames, [a.input]);
  requireNames(file, contract, 'output', graph.outputNames, Object.values(EMBEDDINGS));
  return a;
}
