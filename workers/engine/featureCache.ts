/**
 * The graph steps every image and video frame goes through, each behind its own cache so an action re-runs only
 * what it changed: pre-processing and vision once per image, text once per phrase, the detector per (image,
 * phrase, exemplar boxes), the tracker encoder once per image (packs with a separate one), the prompt decoder per
 * (image, points, box). Caches are keyed by the pack's generation, so a new pack never sees old features.
 *
 * Pre-processing runs where the vision graph does: on the GPU (the runtime's `preprocessOnGpu`, same values as
 * `preprocessImage`) when that graph runs on WebGPU, so the graph's input never passes through the CPU; in JS
 * otherwise (WASM, Node), and for good once the GPU path has failed.
 */
import type { ConceptPrompt, ObjectPrompt } from '../protocol/prompts';
import type { ImageInfo, PreprocessStats, StageTimings } from '../protocol/results';
import { preprocessImage } from '../core/resize';
import { comparePixels } from '../core/gpuResize';
import { DeviceLostError, type Graph, type GraphValue } from '../ort/graphRuntime';
import { normalizePhrase } from '../core/tokens';
import type { OpenPack } from '../graphs/openPackGraphs';
import {
  detectConcept,
  encodeImage,
  encodeText,
  type RawDetection,
  type TextFeatures,
  type VisionFeatures,
} from '../pipelines/imageConcepts';
import { decodeObject, encodeTrackerImage, type TrackerEmbeddings } from '../pipelines/clickRefine';
import type { DecodedImage } from './decodedImage';
import { EngineError } from './engineError';
import type { ConceptDetection, ObjectDecode } from './instances';
import { Lru } from './lru';
import type { PackHost } from './packHost';

/** Text used for a concept that has exemplar boxes but no phrase (as the reference does). */
export const VISUAL_PROMPT = 'visual';

/** The text a concept sends to the detector: its phrase, or "visual" when it has only exemplar boxes. */
export function conceptPhrase(concept: ConceptPrompt): string {
  return normalizePhrase(concept.phrase) || (concept.boxes.length > 0 ? VISUAL_PROMPT : '');
}

/** A decoded image or video frame, with its pre-processed pixels once computed. */
export interface FrameImage {
  info: ImageInfo;
  decoded: DecodedImage;
  /** Pre-processed pixels per pack generation. */
  pixels?: { generation: number; data: Float32Array };
}

function disposeVision(v: VisionFeatures): void {
  for (const [key, value] of Object.entries(v)) {
    if (key === 'tracker') Object.values(value as Record<string, { dispose(): void }>).forEach((x) => x.dispose());
    else (value as { dispose(): void }).dispose();
  }
}

export class FeatureCache {
  /** One image's features: they are large (GPU buffers on WebGPU). */
  private readonly vision = new Lru<string, VisionFeatures>(1, disposeVision);
  private readonly texts = new Lru<string, TextFeatures>(64);
  private readonly detections = new Lru<string, RawDetection>(16);
  private readonly tracker = new Lru<string, TrackerEmbeddings>(1, (v) => Object.values(v).forEach((x) => x.dispose()));
  private readonly objects = new Lru<string, ObjectDecode['raw']>(64);
  /** The current image's pixels on the GPU (GPU path); an evicted one's buffer goes back to the runtime's pool. */
  private readonly gpuPixels = new Lru<string, GraphValue>(1, (v) => v.dispose());
  private readonly preprocessStats: PreprocessStats = { gpu: 0, js: 0 };

  constructor(
    private readonly host: PackHost,
    private readonly now: () => number,
  ) {}

  /** Drops everything (a new pack; the GPU path gets another chance). */
  clear(): void {
    this.gpuPixels.clear();
    delete this.preprocessStats.gpuFailure;
    this.vision.clear();
    this.tracker.clear();
    this.texts.clear();
    this.detections.clear();
    this.objects.clear();
  }

  /** Drops per-image features (GPU memory), keeping text features and raw outputs keyed by image. */
  releaseImageFeatures(): void {
    this.gpuPixels.clear();
    this.vision.clear();
    this.tracker.clear();
  }

  get sizes() {
    return {
      images: this.vision.size,
      texts: this.texts.size,
      detections: this.detections.size,
      objects: this.objects.size,
    };
  }

  get preprocess(): PreprocessStats {
    return { ...this.preprocessStats };
  }

  /** Computes an image's JS pixels ahead of its first request, unless the vision graph takes them from the GPU. */
  prepare(image: FrameImage, timings: StageTimings): void {
    const pack = this.host.current;
    if (pack && !this.preprocessesOnGpu(pack.graphs.vision, pack.vision.input)) this.pixels(image, timings);
  }

  /** Pre-processed pixels of an image for the current pack (computed once per image and pack). */
  pixels(image: FrameImage, timings?: StageTimings): Float32Array {
    const pack = this.host.require();
    if (image.pixels?.generation !== this.host.generation) {
      const t0 = this.now();
      const { inputSize, image: norm } = pack.manifest;
      image.pixels = {
        generation: this.host.generation,
        data: preprocessImage(image.decoded.source, inputSize, norm.mean, norm.std),
      };
      this.preprocessStats.js++;
      if (timings) timings.preprocess = this.now() - t0;
    }
    return image.pixels.data;
  }

  /**
   * Whether `graph` takes its pixels (input `input`) from the GPU path: it runs on WebGPU, the runtime can
   * pre-process there, and the input is float32 (a float16 one would be narrowed through the host anyway).
   */
  private preprocessesOnGpu(graph: Graph, input: string): boolean {
    return (
      graph.provider === 'webgpu' &&
      graph.inputTypes?.[input] !== 'float16' &&
      this.host.preprocessChoice !== 'js' &&
      !this.preprocessStats.gpuFailure &&
      this.host.graphRuntime.preprocessOnGpu !== undefined
    );
  }

  /** A vision graph's input: the image pre-processed on the GPU when `graph` runs there (cached), else JS pixels. */
  private async pixelInput(
    image: FrameImage,
    graph: Graph,
    input: string,
    timings: StageTimings,
  ): Promise<Float32Array | GraphValue> {
    if (!this.preprocessesOnGpu(graph, input)) return this.pixels(image, timings);
    const key = `${this.host.generation}|${image.info.imageId}`;
    const hit = this.gpuPixels.get(key);
    if (hit) return hit;
    const { inputSize: size, image: norm } = this.host.require().manifest;
    const t0 = this.now();
    let value: GraphValue;
    try {
      value = await this.host.graphRuntime.preprocessOnGpu!({
        image: image.decoded.source,
        size,
        mean: norm.mean,
        std: norm.std,
      });
    } catch (err) {
      if (err instanceof DeviceLostError) throw err;
      this.preprocessStats.gpuFailure = err instanceof Error ? err.message : String(err);
      console.warn(
        `GPU pre-processing failed, images are pre-processed in JS from now on: ${this.preprocessStats.gpuFailure}`,
      );
      return this.pixels(image, timings);
    }
    // Worker time to upload the pixels and submit the passes; the GPU runs them ahead of the vision graph.
    timings.preprocess = this.now() - t0;
    this.preprocessStats.gpu++;
    this.gpuPixels.set(key, value);
    if (this.host.preprocessChoice === 'check') await this.check(image, value, size);
    return value;
  }

  /** Check mode: the GPU's pixels against the JS reference on the same image. */
  private async check(image: FrameImage, value: GraphValue, size: number): Promise<void> {
    const norm = this.host.require().manifest.image;
    const gpu = (await value.read()).data as Float32Array;
    const js = preprocessImage(image.decoded.source, size, norm.mean, norm.std);
    const { width, height } = image.decoded.source;
    this.preprocessStats.lastCheck = { imageId: image.info.imageId, width, height, size, ...comparePixels(gpu, js) };
  }

  async visionFor(image: FrameImage, timings: StageTimings): Promise<VisionFeatures> {
    const key = `${this.host.generation}|${image.info.imageId}`;
    const hit = this.vision.get(key);
    if (hit) return hit;
    const pack = this.host.require();
    const pixels = await this.host.withRecovery(() =>
      this.pixelInput(image, pack.graphs.vision, pack.vision.input, timings),
    );
    const t1 = this.now();
    const features = await this.host.withRecovery(() => encodeImage(pack, this.host.graphRuntime, pixels));
    this.host.runs.count('vision');
    timings.vision = this.now() - t1;
    this.vision.set(key, features);
    return features;
  }

  async textFor(phrase: string, timings: StageTimings): Promise<TextFeatures> {
    const key = `${this.host.generation}|${phrase}`;
    const hit = this.texts.get(key);
    if (hit) return hit;
    const pack = this.host.require();
    const t0 = this.now();
    const features = await this.host.withRecovery(() => encodeText(pack, this.host.graphRuntime, phrase));
    this.host.runs.count('text');
    timings.text = (timings.text ?? 0) + this.now() - t0;
    this.texts.set(key, features);
    return features;
  }

  /** Vision (cached) → text (cached) → detector for one concept, uncached; null when superseded part-way. */
  async detect(
    image: FrameImage,
    concept: ConceptPrompt,
    phrase: string,
    timings: StageTimings,
    superseded: () => boolean = () => false,
  ): Promise<RawDetection | null> {
    const pack = this.host.require();
    const vision = await this.visionFor(image, timings);
    if (superseded()) return null;
    const text = await this.textFor(phrase, timings);
    if (superseded()) return null;
    const t0 = this.now();
    const raw = await this.host.withRecovery(() =>
      detectConcept(
        pack,
        this.host.graphRuntime,
        vision,
        text,
        concept.boxes.map((b) => ({ xyxyPx: b.xyxyPx, positive: b.polarity === 'positive' })),
        image.info.width,
        image.info.height,
      ),
    );
    this.host.runs.count('detector');
    timings.detector = (timings.detector ?? 0) + this.now() - t0;
    return raw;
  }

  /** Raw detections for every concept, cached per (image, phrase, boxes); null when superseded part-way. */
  async detectAll(
    image: FrameImage,
    concepts: ConceptPrompt[],
    timings: StageTimings,
    superseded: () => boolean,
  ): Promise<ConceptDetection[] | null> {
    const detections: ConceptDetection[] = [];
    for (const [conceptIndex, concept] of concepts.entries()) {
      const phrase = conceptPhrase(concept);
      const boxesKey = concept.boxes.map((b) => `${b.polarity[0]}${b.xyxyPx.map((v) => v.toFixed(1)).join(',')}`);
      const key = `${this.host.generation}|${image.info.imageId}|${phrase}|${boxesKey.join(';')}`;
      if (!phrase) {
        detections.push({ concept, conceptIndex, key, raw: null });
        continue;
      }
      let raw = this.detections.get(key) ?? null;
      if (!raw) {
        raw = await this.detect(image, concept, phrase, timings, superseded);
        if (!raw) return null;
        this.detections.set(key, raw);
      }
      detections.push({ concept, conceptIndex, key, raw });
    }
    return detections;
  }

  /** The dual encoder's tracker neck (same pass as the detector's), or the separate encoder once per image. */
  async trackerEmbeddingsFor(image: FrameImage, timings: StageTimings): Promise<TrackerEmbeddings> {
    const pack = this.requireTracker();
    if (!pack.tracker!.separateEncoder) return (await this.visionFor(image, timings)).tracker!;
    const key = `${this.host.generation}|${image.info.imageId}`;
    const hit = this.tracker.get(key);
    if (hit) return hit;
    const pixels = await this.host.withRecovery(() =>
      this.pixelInput(image, pack.graphs.trackerVision!, pack.tracker!.separateEncoder!.input, timings),
    );
    const t0 = this.now();
    const embeddings = await this.host.withRecovery(() => encodeTrackerImage(pack, this.host.graphRuntime, pixels));
    this.host.runs.count('trackerVision');
    timings.trackerVision = this.now() - t0;
    this.tracker.set(key, embeddings);
    return embeddings;
  }

  /** One clicked object through the prompt decoder, cached per (image, points, box). */
  async decodeObjectFor(image: FrameImage, prompt: ObjectPrompt, timings: StageTimings): Promise<ObjectDecode> {
    const pack = this.requireTracker();
    const pts = prompt.points.map((p) => `${p.polarity[0]}${p.xyPx[0].toFixed(1)},${p.xyPx[1].toFixed(1)}`);
    const box = prompt.boxXyxyPx?.map((v) => v.toFixed(1)).join(',') ?? '';
    const key = `${this.host.generation}|${image.info.imageId}|${pts.join(';')}|${box}`;
    let raw = this.objects.get(key);
    if (!raw) {
      const embeddings = await this.trackerEmbeddingsFor(image, timings);
      const t0 = this.now();
      raw = await this.host.withRecovery(() =>
        decodeObject(
          pack,
          this.host.graphRuntime,
          embeddings,
          {
            points: prompt.points.map((p) => ({ xyPx: p.xyPx, positive: p.polarity === 'positive' })),
            boxXyxyPx: prompt.boxXyxyPx,
          },
          image.info.width,
          image.info.height,
        ),
      );
      this.host.runs.count('tracker');
      timings.tracker = (timings.tracker ?? 0) + this.now() - t0;
      this.objects.set(key, raw);
    }
    return { prompt, key, raw };
  }

  /** Decoder outputs for a set of points and a box on a frame (video fallback propagation), uncached. */
  async decodePoints(
    image: FrameImage,
    points: { xyPx: [number, number]; positive: boolean }[],
    boxXyxyPx: [number, number, number, number] | undefined,
    timings: StageTimings,
  ): Promise<ObjectDecode['raw']> {
    const pack = this.requireTracker();
    const embeddings = await this.trackerEmbeddingsFor(image, timings);
    const raw = await this.host.withRecovery(() =>
      decodeObject(
        pack,
        this.host.graphRuntime,
        embeddings,
        { points, boxXyxyPx },
        image.info.width,
        image.info.height,
      ),
    );
    this.host.runs.count('tracker');
    return raw;
  }

  private requireTracker(): OpenPack {
    const pack = this.host.require();
    if (!pack.tracker) {
      throw new EngineError(
        'pack-contract',
        `${pack.info.name} has no tracker decoder, so clicks cannot refine objects.`,
      );
    }
    return pack;
  }
}
