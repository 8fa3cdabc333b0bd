/**
 * Binds the video memory graphs (jax-image-tools contract) to one frame: the tracker neck's raw top level (taken
 * from the vision graph's, less `no_memory_embedding` where the pack says the graph added it) and the detector neck's
 * position encoding, read once, as the memory propagator's decode / attend / encode steps.
 *
 * What every tracked object reads on this frame — the raw and no-memory top levels, the token-major features and
 * their positions — is made once per frame, and on WebGPU written to the GPU once (`runtime.upload`), so each
 * object's decoder, attention and encoder runs read it in place instead of uploading it again.
 */
import type { GraphRuntime, GraphValue } from '../ort/graphRuntime';
import type { OpenPack } from '../graphs/openPackGraphs';
import type { PackManifest, TrackerTopLevel } from '../protocol/manifest';
import type { TrackerEmbeddings } from './clickRefine';
import type { MemoryFrame, DecodeOutput } from '../tracking/memoryPropagator';
import { resizeBilinear } from '../core/masks';

/** [1,C,g,g] channel-major → [g²,1,C] token-major. */
export function toTokens(chw: Float32Array, channels: number, tokens: number): Float32Array {
  const out = new Float32Array(chw.length);
  for (let c = 0; c < channels; c++) for (let t = 0; t < tokens; t++) out[t * channels + c] = chw[c * tokens + t];
  return out;
}

/** [g²,C] token-major → [1,C,g,g] channel-major. */
export function fromTokens(tokensMajor: Float32Array, channels: number, tokens: number): Float32Array {
  const out = new Float32Array(tokensMajor.length);
  for (let t = 0; t < tokens; t++)
    for (let c = 0; c < channels; c++) out[c * tokens + t] = tokensMajor[t * channels + c];
  return out;
}

/** How the pack's tracker embeddings hold their top level (from the graph that makes them). */
export function trackerTopLevel(manifest: PackManifest): TrackerTopLevel {
  const g = manifest.graphs;
  return (g.trackerVision ?? g.vision).trackerTopLevel ?? 'raw';
}

/**
 * The raw top level (what the memory encoder and memory attention take) and raw + `no_memory_embedding` (what a
 * conditioning frame's decoder takes, reference.md §8) from the tracker neck's top level [1,C,g,g], whichever of the
 * two the vision graph emits (`trackerTopLevel`).
 */
export function splitTopLevel(
  top: Float32Array,
  channels: number,
  noMemory: Float32Array,
  level: TrackerTopLevel,
): { raw: Float32Array; withNoMemory: Float32Array } {
  const T = top.length / channels;
  const sign = level === 'raw' ? 1 : -1;
  const other = new Float32Array(top.length);
  for (let c = 0; c < channels; c++) {
    const add = sign * noMemory[c];
    for (let t = c * T, end = t + T; t < end; t++) other[t] = top[t] + add;
  }
  return level === 'raw' ? { raw: top, withNoMemory: other } : { raw: other, withNoMemory: top };
}

export async function bindMemoryFrame(
  pack: OpenPack,
  runtime: GraphRuntime,
  frame: number,
  embeddings: TrackerEmbeddings,
  pos2: GraphValue,
  /** Called after each graph run with its role (`memoryDecoder`, `memoryAttention`, `memoryEncoder`). */
  countRun: (role: string) => void,
): Promise<MemoryFrame> {
  const names = pack.memory!.names;
  const constants = pack.memory!.constants;
  const S = pack.manifest.inputSize;
  const top = await embeddings.emb2.read(); // [1,256,g,g] the tracker neck's top level
  const [, C, gh, gw] = top.dims;
  const T = gh * gw;
  const { raw: feats2, withNoMemory } = splitTopLevel(
    top.data as Float32Array,
    C,
    constants.noMemoryEmbedding,
    trackerTopLevel(pack.manifest),
  );
  const f32 = (dims: number[], data: Float32Array) => runtime.tensor({ type: 'float32', dims, data });
  // Per-frame values, shared by every object: resident on the GPU when the memory graphs run there.
  const onGpu = runtime.upload !== undefined && pack.graphs.memoryAttention!.provider === 'webgpu';
  const frameValue = (dims: number[], data: Float32Array) =>
    onGpu ? runtime.upload!({ type: 'float32', dims, data }) : Promise.resolve(f32(dims, data));
  const [rawTop, noMemoryTop, current, currentPos] = await Promise.all([
    frameValue([1, C, gh, gw], feats2),
    frameValue([1, C, gh, gw], withNoMemory),
    frameValue([T, 1, C], toTokens(feats2, C, T)),
    frameValue([T, 1, C], toTokens((await pos2.read()).data as Float32Array, C, T)),
  ]);

  const decode = async (
    top: Float32Array | 'no-memory',
    points: { xy: [number, number]; label: number }[],
  ): Promise<DecodeOutput> => {
    const d = names.decoder;
    // Normalised [0,1] coordinates → the input-size frame the decoder takes.
    const pts = Float32Array.from(points.flatMap((p) => [p.xy[0] * S, p.xy[1] * S]));
    const feeds: Record<string, GraphValue> = {
      [d.feats0]: embeddings.emb0,
      [d.feats1]: embeddings.emb1,
      [d.feats2]: top === 'no-memory' ? noMemoryTop : f32([1, C, gh, gw], top),
      [d.points]: f32([1, 1, points.length, 2], pts),
      [d.labels]: runtime.tensor({
        type: 'int32',
        dims: [1, 1, points.length],
        data: Int32Array.from(points, (p) => p.label),
      }),
    };
    const out = await pack.graphs.memoryDecoder!.run(feeds, Object.values(d.out));
    countRun('memoryDecoder');
    const masks = await out[d.out.masks].read(); // [1,K,H,W]
    const iou = (await out[d.out.iou].read()).data as Float32Array;
    const k = iou.length > 1 ? iou.indexOf(Math.max(...iou)) : 0;
    const [height, width] = masks.dims.slice(-2);
    const plane = height * width;
    const result: DecodeOutput = {
      logits: (masks.data as Float32Array).slice(k * plane, (k + 1) * plane),
      height,
      width,
      pointer: Float32Array.from((await out[d.out.pointer].read()).data as Float32Array),
      objectScoreLogit: ((await out[d.out.objectScore].read()).data as Float32Array)[0],
      iou: iou[k] ?? 1,
    };
    for (const v of Object.values(out)) v.dispose();
    return result;
  };

  return {
    frame,
    tokensPerFrame: T,
    release() {
      for (const v of [rawTop, noMemoryTop, current, currentPos]) v.dispose();
    },
    decode,
    async attend(memory) {
      const a = names.attention;
      const P = memory.pointerCount * memory.tokensPerPointer;
      const M = constants.memoryDim;
      const out = await pack.graphs.memoryAttention!.run(
        {
          [a.current]: current,
          [a.currentPos]: currentPos,
          [a.spatial]: f32([memory.blocks * T, 1, M], memory.spatial),
          [a.spatialPos]: f32([memory.blocks * T, 1, M], memory.spatialPos),
          [a.pointers]: f32([P, 1, M], memory.pointers),
          [a.pointersPos]: f32([P, 1, M], memory.pointersPos),
        },
        [a.out],
      );
      countRun('memoryAttention');
      const conditioned = (await out[a.out].read()).data as Float32Array; // (1,1,T,C) token-major
      out[a.out].dispose();
      return fromTokens(conditioned, C, T);
    },
    async encode(maskLogits, width, height, fromClicks) {
      const e = names.encoder;
      const feeds: Record<string, GraphValue> = {
        [e.features]: rawTop,
        [e.masks]: f32([1, 1, S, S], resizeBilinear(maskLogits, height, width, S, S)),
      };
      if (pack.graphs.memoryEncoder!.inputNames.includes(e.fromPoints)) {
        feeds[e.fromPoints] = runtime.tensor({ type: 'bool', dims: [1], data: Uint8Array.of(fromClicks ? 1 : 0) });
      }
      const out = await pack.graphs.memoryEncoder!.run(feeds, [e.out.tokens, e.out.pos]);
      countRun('memoryEncoder');
      const tokens = Float32Array.from((await out[e.out.tokens].read()).data as Float32Array);
      const pos = Float32Array.from((await out[e.out.pos].read()).data as Float32Array);
      for (const v of Object.values(out)) v.dispose();
      return { tokens, pos };
    },
  };
}
