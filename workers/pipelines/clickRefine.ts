/**
 * Click refinement (PVS) through the tracker's prompt decoder: one object's points (and optional box) in original
 * pixels → three candidate masks with predicted IoUs and an object score.
 */
import type { GraphValue, GraphRuntime } from '../ort/graphRuntime';
import type { OpenPack } from '../graphs/openPackGraphs';
import type { TrackerFeature } from '../adapters/visionAdapter';
import { scalePointsToInput, type PromptPoint } from '../core/prompts';
import type { RawObjectDecode } from '../tracking/propagation';

export type TrackerEmbeddings = Record<TrackerFeature, GraphValue>;

export type { RawObjectDecode } from '../tracking/propagation';

/** pixel_values [1,3,S,S] (host pixels, or already on the GPU) → image_embeddings.0..2, for packs with a separate tracker encoder. */
export async function encodeTrackerImage(
  pack: OpenPack,
  runtime: GraphRuntime,
  pixels: Float32Array | GraphValue,
): Promise<TrackerEmbeddings> {
  const enc = pack.tracker!.separateEncoder!;
  const s = pack.manifest.inputSize;
  const input =
    pixels instanceof Float32Array ? runtime.tensor({ type: 'float32', dims: [1, 3, s, s], data: pixels }) : pixels;
  const out = await pack.graphs.trackerVision!.run({ [enc.input]: input }, Object.values(enc.embeddings));
  const result = {} as TrackerEmbeddings;
  for (const key of Object.keys(enc.embeddings) as TrackerFeature[]) result[key] = out[enc.embeddings[key]];
  return result;
}

export interface ObjectPromptInput {
  points: PromptPoint[];
  boxXyxyPx?: [number, number, number, number];
}

/**
 * One object: `input_points` [1,1,P,2] and `input_boxes` [1,1,4] (or [1,0,4] without a box) in the input-size frame,
 * `input_labels` [1,1,P] (1 positive, 0 negative). Box only → P = 0 (no padding point), as transformers does.
 */
export async function decodeObject(
  pack: OpenPack,
  runtime: GraphRuntime,
  embeddings: TrackerEmbeddings,
  prompt: ObjectPromptInput,
  imageWidth: number,
  imageHeight: number,
): Promise<RawObjectDecode> {
  const dec = pack.tracker!.decoder;
  const S = pack.manifest.inputSize;
  const scaled = scalePointsToInput(prompt.points, prompt.boxXyxyPx, imageWidth, imageHeight, S);
  const P = prompt.points.length;
  const labels =
    dec.labelDtype === 'int64'
      ? runtime.tensor({ type: 'int64', dims: [1, 1, P], data: BigInt64Array.from(scaled.labels, (v) => BigInt(v)) })
      : runtime.tensor({ type: 'int32', dims: [1, 1, P], data: Int32Array.from(scaled.labels) });
  const feeds: Record<string, GraphValue> = {
    [dec.points]: runtime.tensor({ type: 'float32', dims: [1, 1, P, 2], data: scaled.points }),
    [dec.labels]: labels,
    [dec.boxes]: runtime.tensor({
      type: 'float32',
      dims: [1, scaled.box ? 1 : 0, 4],
      data: scaled.box ?? new Float32Array(0),
    }),
  };
  for (const key of Object.keys(dec.embeddings) as TrackerFeature[]) feeds[dec.embeddings[key]] = embeddings[key];
  const inputs = pack.graphs.tracker!.inputNames;
  const out = await pack.graphs.tracker!.run(
    Object.fromEntries(Object.entries(feeds).filter(([n]) => inputs.includes(n))),
    [dec.out.iou, dec.out.masks, dec.out.objectScore],
  );
  try {
    const iou = Float32Array.from((await out[dec.out.iou].read()).data as Float32Array); // [1,1,C]
    const objectScoreLogit = ((await out[dec.out.objectScore].read()).data as Float32Array)[0]; // [1,1,1]
    const masksValue = out[dec.out.masks]; // [1,1,C,Hm,Wm]
    const dims = masksValue.dims;
    const [maskHeight, maskWidth] = [dims[dims.length - 2], dims[dims.length - 1]];
    const masks = await masksValue.readPlanes(maskHeight * maskWidth, [...iou.keys()]);
    const order = [...iou.keys()].sort((a, b) => iou[b] - iou[a] || a - b);
    return { iou, order, objectScoreLogit, maskHeight, maskWidth, masks };
  } finally {
    for (const v of Object.values(out)) v.dispose();
  }
}
