/**
 * The image concept pipeline as separate steps, so the engine's caches can skip what did not change:
 * vision once per image, text once per phrase, the detector per (image, phrase, exemplar boxes).
 */
import type { GraphValue } from '../ort/graphRuntime';
import type { GraphRuntime } from '../ort/graphRuntime';
import type { OpenPack } from '../graphs/openPackGraphs';
import type { DetectorFeature, TrackerFeature } from '../adapters/visionAdapter';
import { packExemplarBoxes } from '../core/boxes';
import { scoreQueries } from '../core/postprocess';
import { SCORE_FLOOR } from '../protocol/results';
import type { PhraseTokens } from '../graphs/textTokenizer';

/** Detector-neck features, plus the tracker neck when one vision pass serves both heads (dual encoder). */
export type VisionFeatures = Record<DetectorFeature, GraphValue> & { tracker?: Record<TrackerFeature, GraphValue> };

export interface TextFeatures {
  features: GraphValue;
  /** bool [1,L], true = valid token. */
  mask: GraphValue;
}

/** Raw detector heads for one concept on one image, in host memory. */
export interface RawDetection {
  queries: number;
  /** σ(logit)·σ(presence) per query. */
  scores: Float32Array;
  /** σ(presence), or 1 when the pack has no presence output. */
  presence: number;
  /** [Q,4] as the pack's boxOutput layout says. */
  boxes: Float32Array;
  maskHeight: number;
  maskWidth: number;
  /** Mask logits (or probabilities) of the queries whose score reached SCORE_FLOOR, by query. */
  masks: Map<number, Float32Array>;
}

/**
 * images [1,3,S,S] f32 (host pixels, or already on the GPU) → detector-neck features (GPU-resident where the provider
 * allows), and the tracker neck of a dual encoder unless `tracker: false` (an image no click will refine: the graph
 * then computes only what the detector reads).
 */
export async function encodeImage(
  pack: OpenPack,
  runtime: GraphRuntime,
  pixels: Float32Array | GraphValue,
  options: { tracker?: boolean } = {},
): Promise<VisionFeatures> {
  const s = pack.manifest.inputSize;
  const input =
    pixels instanceof Float32Array ? runtime.tensor({ type: 'float32', dims: [1, 3, s, s], data: pixels }) : pixels;
  const names = pack.vision.detector;
  // One pass serves both heads: fetch the tracker neck too when the clicks' decoder reads it from this graph.
  const trackerNames =
    options.tracker !== false && pack.tracker && !pack.tracker.separateEncoder ? pack.vision.tracker : undefined;
  const fetches = [...Object.values(names), ...Object.values(trackerNames ?? {})];
  const out = await pack.graphs.vision.run({ [pack.vision.input]: input }, fetches);
  const features = {} as VisionFeatures;
  for (const key of Object.keys(names) as DetectorFeature[]) features[key] = out[names[key]];
  if (trackerNames) {
    features.tracker = {} as Record<TrackerFeature, GraphValue>;
    for (const key of Object.keys(trackerNames) as TrackerFeature[]) features.tracker[key] = out[trackerNames[key]];
  }
  return features;
}

/** Tokenizes a phrase with the pack's tokenizer and padding convention, then encodes it. */
export function encodeText(pack: OpenPack, runtime: GraphRuntime, phrase: string): Promise<TextFeatures> {
  return encodeTokens(pack, runtime, pack.tokenize(phrase));
}

/** input_ids/attention_mask int64 [1,L] → text features [1,L,D] + bool mask [1,L]. */
export async function encodeTokens(pack: OpenPack, runtime: GraphRuntime, tokens: PhraseTokens): Promise<TextFeatures> {
  const L = pack.manifest.tokenizer.contextLength;
  const a = pack.text;
  const feeds: Record<string, GraphValue> = {
    [a.inputIds]: runtime.tensor({ type: 'int64', dims: [1, L], data: tokens.inputIds }),
  };
  if (pack.graphs.text.inputNames.includes(a.attentionMask)) {
    feeds[a.attentionMask] = runtime.tensor({ type: 'int64', dims: [1, L], data: tokens.attentionMask });
  }
  const out = await pack.graphs.text.run(feeds, a.mask ? [a.features, a.mask] : [a.features]);
  const features = out[a.features];
  let maskData: Uint8Array;
  if (a.mask) {
    maskData = (await out[a.mask].read()).data as Uint8Array;
  } else {
    maskData = Uint8Array.from(tokens.attentionMask, (v) => (v > 0n ? 1 : 0));
  }
  // Text features are small: keep them in host memory so any provider can take them.
  const host = await features.read();
  features.dispose();
  return {
    features: runtime.tensor(host),
    mask: runtime.tensor({ type: 'bool', dims: [1, L], data: Uint8Array.from(maskData) }),
  };
}

export interface ExemplarInput {
  xyxyPx: [number, number, number, number];
  positive: boolean;
}

/** Runs the detector for one concept and reads back scores, boxes and the masks worth keeping. */
export async function detectConcept(
  pack: OpenPack,
  runtime: GraphRuntime,
  vision: VisionFeatures,
  text: TextFeatures,
  exemplars: ExemplarInput[],
  imageWidth: number,
  imageHeight: number,
): Promise<RawDetection> {
  const d = pack.detector;
  const entry = pack.manifest.graphs.detector;
  const packed = packExemplarBoxes(exemplars, imageWidth, imageHeight, entry.boxPadLabel);
  let textMask = text.mask;
  if (entry.textMaskPolarity === 'true-is-padding') {
    const m = (await text.mask.read()).data as Uint8Array;
    textMask = runtime.tensor({ type: 'bool', dims: [...text.mask.dims], data: m.map((v) => (v ? 0 : 1)) });
  }
  const feeds: Record<string, GraphValue> = {
    [d.textFeatures]: text.features,
    [d.textMask]: textMask,
    // [1,N,4] cxcywh normalized; [1,N] int64 labels 1/0, one padding slot when there are none.
    [d.boxes]: runtime.tensor({ type: 'float32', dims: [1, packed.count, 4], data: packed.boxes }),
    [d.boxLabels]: runtime.tensor({ type: 'int64', dims: [1, packed.count], data: packed.labels }),
  };
  for (const key of Object.keys(d.features) as DetectorFeature[]) {
    if (pack.graphs.detector.inputNames.includes(d.features[key])) feeds[d.features[key]] = vision[key];
  }
  const fetches = [d.out.logits, d.out.boxes, d.out.masks, ...(d.out.presence ? [d.out.presence] : [])];
  const out = await pack.graphs.detector.run(
    Object.fromEntries(Object.entries(feeds).filter(([name]) => pack.graphs.detector.inputNames.includes(name))),
    fetches,
  );
  try {
    const logits = (await out[d.out.logits].read()).data as Float32Array; // [1,Q] (or [1,Q,1])
    const boxes = (await out[d.out.boxes].read()).data as Float32Array; // [1,Q,4]
    const presenceLogit = d.out.presence ? ((await out[d.out.presence].read()).data as Float32Array)[0] : null;
    const scores = scoreQueries(logits, presenceLogit);
    const masksValue = out[d.out.masks]; // [1,Q,Hm,Wm]
    const [, queries, maskHeight, maskWidth] = masksValue.dims;
    // Only the masks of queries that can be kept are read out (and widened, for float16 graphs).
    const kept = [...scores.keys()].filter((q) => scores[q] >= SCORE_FLOOR);
    const planes = await masksValue.readPlanes(maskHeight * maskWidth, kept);
    const masks = new Map(kept.map((q, k) => [q, planes[k]]));
    return {
      queries,
      scores,
      presence: presenceLogit === null ? 1 : 1 / (1 + Math.exp(-presenceLogit)),
      boxes,
      maskHeight,
      maskWidth,
      masks,
    };
  } finally {
    for (const v of Object.values(out)) v.dispose();
  }
}
