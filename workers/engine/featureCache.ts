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
import type { GraphStep } from '../protocol/progress';
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
import type { GraphProgress } from './graphProgress';
import type { ConceptDetection, ObjectDecode } from './instances';
import { Lru } from './lru';
import type { PackHost } from './packHost';

/** Text used for a concept that has exemplar boxes but no phrase (as the reference does). */
export const VISUAL_PROMPT = 'visual';

/** The text a concept sends to the detector: its phrase, or "visual" when it has only exemplar boxes. */
export function conceptPhrase(concept: ConceptPrompt): string {
  return normalizePhrase(concept.phrase) || (concept.boxes.length > 0 ? VISUAL_PROMPT : '');
}

/** A decoded image or video frame. */
export interface FrameImage {
  info: ImageInfo;
  decoded: DecodedImage;
  /** False: the image serves phrases only, so a dual vision graph need not make its tracker neck. */
  clicks?: boolean;
}

/** Default memory for images' features (EngineOptions.imageMemoryBytes). */
export const DEFAULT_IMAGE_MEMORY_BYTES = 512 * 1024 * 1024;

/** Memory for raw detections (kept queries' mask planes), least recently used evicted first. */
const DETECTION_MEMORY_BYTES = 128 * 1024 * 1024;

function detectionBytes(d: RawDetection): number {
  let bytes = d.scores.byteLength + d.boxes.byteLength;
  for (const m of d.masks.values()) bytes += m.byteLength;
  return bytes;
}

/** One image's entry in the byte budget: vision outputs, tracker embeddings or pre-processed pixels. */
interface ImageEntry {
  bytes: number;
  dispose(): void;
}

const ELEMENT_BYTES: Record<string, number> = { float32: 4, float16: 2, int64: 8, int32: 4, bool: 1, uint8: 1 };

function valueBytes(v: GraphValue): number {
  return v.dims.reduce((a, d) => a * d, 1) * (ELEMENT_BYTES[v.type] ?? 4);
}

function visionValues(v: VisionFeatures): GraphValue[] {
  const out: GraphValue[] = [];
  for (const [key, value] of Object.entries(v)) {
    if (key === 'tracker') out.push(...Object.values(value as Record<string, GraphValue>));
    else out.push(value as GraphValue);
  }
  return out;
}

function entryOf<T>(value: T, values: GraphValue[]): ImageEntry & { value: T } {
  return {
    value,
    bytes: values.reduce((a, v) => a + valueBytes(v), 0),
    dispose: () => values.forEach((v) => v.dispose()),
  };
}

/** The image an entry key belongs to (`generation|imageId|…`). */
const imageOfKey = (key: string) => key.split('|')[1];

/** Thrown between graph steps once the call was cancelled: the graph that ran is not used, and nothing after it runs. */
function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new EngineError('cancelled', 'The request was cancelled.');
}

export class FeatureCache {
  /**
   * Per image, by bytes: vision outputs (GPU buffers on WebGPU), tracker embeddings, pixels pre-processed in JS or on
   * the GPU. Several images' features stay while they fit the budget, so the still image, a folder image and a video
   * frame never evict each other; a closed image's go at once.
   */
  private perImage: Lru<string, ImageEntry & { value: unknown }>;
  private readonly texts = new Lru<string, TextFeatures>(64);
  /** Raw detector outputs by (image, phrase, boxes), by bytes (their kept masks). */
  private readonly detections = new Lru<string, RawDetection>(DETECTION_MEMORY_BYTES, undefined, detectionBytes);
  private readonly objects = new Lru<string, ObjectDecode['raw']>(64);
  private readonly preprocessStats: PreprocessStats = { gpu: 0, js: 0 };

  constructor(
    private readonly host: PackHost,
    private readonly now: () => number,
    private budget = DEFAULT_IMAGE_MEMORY_BYTES,
  ) {
    this.perImage = FeatureCache.budgeted(budget);
  }

  private static budgeted(bytes: number): Lru<string, ImageEntry & { value: unknown }> {
    return new Lru(
      bytes,
      (e) => e.dispose(),
      (e) => e.bytes,
    );
  }

  get budgetBytes(): number {
    return this.budget;
  }

  /** A new budget (EngineOptions.imageMemoryBytes): what was kept is dropped and recomputed as needed. */
  setBudget(bytes: number): void {
    this.perImage.clear();
    this.budget = bytes;
    this.perImage = FeatureCache.budgeted(bytes);
  }

  /** Drops everything (a new pack; the GPU path gets another chance). */
  clear(): void {
    delete this.preprocessStats.gpuFailure;
    this.perImage.clear();
    this.texts.clear();
    this.detections.clear();
    this.objects.clear();
  }

  /** Drops everything kept for one image (a closed session, a video frame that was replaced). */
  release(imageId: string): void {
    const mine = (key: string) => imageOfKey(key) === imageId;
    this.perImage.deleteWhere(mine);
    this.detections.deleteWhere(mine);
    this.objects.deleteWhere(mine);
  }

  get sizes() {
    return {
      images: new Set(
        this.perImage
          .keys()
          .filter((k) => k.endsWith('|vision'))
          .map(imageOfKey),
      ).size,
      texts: this.texts.size,
      detections: this.detections.size,
      objects: this.objects.size,
    };
  }

  /** Bytes the images' features hold against the budget. */
  get featureBytes(): number {
    return this.perImage.total;
  }

  private imageKey(image: FrameImage, kind: 'vision' | 'tracker' | 'pixels' | 'gpuPixels'): string {
    return `${this.host.generation}|${image.info.imageId}|${kind}`;
  }

  private cached<T>(key: string): T | undefined {
    return this.perImage.get(key)?.value as T | undefined;
  }

  get preprocess(): PreprocessStats {
    return { ...this.preprocessStats };
  }

  /** Computes an image's JS pixels ahead of its first request, unless the vision graph takes them from the GPU. */
  prepare(image: FrameImage, timings: StageTimings): void {
    const pack = this.host.current;
    if (pack && !this.preprocessesOnGpu(pack.graphs.vision, pack.vision.input)) this.pixels(image, timings);
  }

  /** Pre-processed pixels of an image for the current pack (computed once per image and pack, while they fit). */
  pixels(image: FrameImage, timings?: StageTimings): Float32Array {
    const pack = this.host.require();
    const key = this.imageKey(image, 'pixels');
    const hit = this.cached<Float32Array>(key);
    if (hit) return hit;
    const t0 = this.now();
    const { inputSize, image: norm } = pack.manifest;
    const data = preprocessImage(image.decoded.source, inputSize, norm.mean, norm.std);
    this.perImage.set(key, { value: data, bytes: data.byteLength, dispose: () => {} });
    this.preprocessStats.js++;
    if (timings) timings.preprocess = this.now() - t0;
    return data;
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
    const key = this.imageKey(image, 'gpuPixels');
    const hit = this.cached<GraphValue>(key);
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
    this.perImage.set(key, entryOf(value, [value]));
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

  /**
   * The image's vision features (cached while they fit the budget). A cancelled call still caches what its graph
   * made (the next request on the image needs the same features) but goes no further.
   */
  async visionFor(
    image: FrameImage,
    timings: StageTimings,
    signal?: AbortSignal,
    progress?: GraphProgress,
  ): Promise<VisionFeatures> {
    const key = this.imageKey(image, 'vision');
    const hit = this.cached<VisionFeatures>(key);
    if (hit) return hit;
    const pack = this.host.require();
    const pixels = await this.host.withRecovery(() =>
      this.pixelInput(image, pack.graphs.vision, pack.vision.input, timings),
    );
    checkCancelled(signal);
    const t1 = this.now();
    const withTracker = image.clicks !== false;
    const features = await this.graph(progress, 'vision', undefined, () =>
      encodeImage(pack, this.host.graphRuntime, pixels, { tracker: withTracker }),
    );
    this.host.runs.count('vision');
    timings.vision = this.now() - t1;
    this.perImage.set(key, entryOf(features, visionValues(features)));
    checkCancelled(signal);
    return features;
  }

  async textFor(
    phrase: string,
    timings: StageTimings,
    signal?: AbortSignal,
    progress?: GraphProgress,
  ): Promise<TextFeatures> {
    const key = this.textKey(phrase);
    const hit = this.texts.get(key);
    if (hit) return hit;
    const pack = this.host.require();
    const t0 = this.now();
    const features = await this.graph(progress, 'text', phrase, () => encodeText(pack, this.host.graphRuntime, phrase));
    this.host.runs.count('text');
    timings.text = (timings.text ?? 0) + this.now() - t0;
    this.texts.set(key, features);
    checkCancelled(signal);
    return features;
  }

  /** Vision (cached) → text (cached) → detector for one concept, uncached. */
  async detect(
    image: FrameImage,
    concept: ConceptPrompt,
    phrase: string,
    timings: StageTimings,
    signal?: AbortSignal,
    progress?: GraphProgress,
  ): Promise<RawDetection> {
    const pack = this.host.require();
    const vision = await this.visionFor(image, timings, signal, progress);
    const text = await this.textFor(phrase, timings, signal, progress);
    const t0 = this.now();
    const raw = await this.graph(progress, 'detector', phrase, () =>
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

  /** Raw detections for every concept, cached per (image, phrase, boxes). */
  async detectAll(
    image: FrameImage,
    concepts: ConceptPrompt[],
    timings: StageTimings,
    signal?: AbortSignal,
    progress?: GraphProgress,
  ): Promise<ConceptDetection[]> {
    const detections: ConceptDetection[] = [];
    for (const [conceptIndex, concept] of concepts.entries()) {
      const phrase = conceptPhrase(concept);
      const key = this.detectionKey(image, concept, phrase);
      if (!phrase) {
        detections.push({ concept, conceptIndex, key, raw: null });
        continue;
      }
      let raw = this.detections.get(key) ?? null;
      if (!raw) {
        raw = await this.detect(image, concept, phrase, timings, signal, progress);
        this.detections.set(key, raw);
        checkCancelled(signal);
      }
      detections.push({ concept, conceptIndex, key, raw });
    }
    return detections;
  }

  /** The dual encoder's tracker neck (same pass as the detector's), or the separate encoder once per image. */
  async trackerEmbeddingsFor(
    image: FrameImage,
    timings: StageTimings,
    signal?: AbortSignal,
    progress?: GraphProgress,
  ): Promise<TrackerEmbeddings> {
    const pack = this.requireTracker();
    if (!pack.tracker!.separateEncoder) {
      if (image.clicks === false) {
        throw new EngineError('no-image', `${image.info.name} was opened for phrases only; open it again to click.`);
      }
      return (await this.visionFor(image, timings, signal, progress)).tracker!;
    }
    const key = this.imageKey(image, 'tracker');
    const hit = this.cached<TrackerEmbeddings>(key);
    if (hit) return hit;
    const pixels = await this.host.withRecovery(() =>
      this.pixelInput(image, pack.graphs.trackerVision!, pack.tracker!.separateEncoder!.input, timings),
    );
    const t0 = this.now();
    const embeddings = await this.graph(progress, 'trackerVision', undefined, () =>
      encodeTrackerImage(pack, this.host.graphRuntime, pixels),
    );
    this.host.runs.count('trackerVision');
    timings.trackerVision = this.now() - t0;
    this.perImage.set(key, entryOf(embeddings, Object.values(embeddings)));
    checkCancelled(signal);
    return embeddings;
  }

  /** One clicked object through the prompt decoder, cached per (image, points, box). */
  async decodeObjectFor(
    image: FrameImage,
    prompt: ObjectPrompt,
    timings: StageTimings,
    signal?: AbortSignal,
    progress?: GraphProgress,
  ): Promise<ObjectDecode> {
    const pack = this.requireTracker();
    const key = this.objectKey(image, prompt);
    let raw = this.objects.get(key);
    if (!raw) {
      const embeddings = await this.trackerEmbeddingsFor(image, timings, signal, progress);
      const t0 = this.now();
      raw = await this.graph(progress, 'tracker', undefined, () =>
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
      checkCancelled(signal);
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

  /**
   * The graphs a request on `image` will run, in order, judged from what the caches hold now (the total of its
   * progress events: "1 of 3 graphs"). Mirrors `detectAll` then `decodeObjectFor`, as the image session calls them.
   */
  plan(image: FrameImage, concepts: readonly ConceptPrompt[], objects: readonly ObjectPrompt[]): GraphStep[] {
    const pack = this.host.require();
    const steps: GraphStep[] = [];
    const has = new Set<string>();
    const need = (step: GraphStep, key: string, cached: boolean) => {
      if (cached || has.has(key)) return;
      has.add(key);
      steps.push(step);
    };
    const visionKey = this.imageKey(image, 'vision');
    for (const concept of concepts) {
      const phrase = conceptPhrase(concept);
      const key = this.detectionKey(image, concept, phrase);
      if (!phrase || this.detections.has(key) || has.has(key)) continue;
      need('vision', visionKey, this.perImage.has(visionKey));
      need('text', this.textKey(phrase), this.texts.has(this.textKey(phrase)));
      need('detector', key, false);
    }
    for (const prompt of objects) {
      const key = this.objectKey(image, prompt);
      if ((prompt.points.length === 0 && !prompt.boxXyxyPx) || !pack.tracker || this.objects.has(key)) continue;
      if (!pack.tracker.separateEncoder) need('vision', visionKey, this.perImage.has(visionKey));
      else {
        const trackerKey = this.imageKey(image, 'tracker');
        need('trackerVision', trackerKey, this.perImage.has(trackerKey));
      }
      need('tracker', key, false);
    }
    return steps;
  }

  private textKey(phrase: string): string {
    return `${this.host.generation}|${phrase}`;
  }

  private detectionKey(image: FrameImage, concept: ConceptPrompt, phrase: string): string {
    const boxesKey = concept.boxes.map((b) => `${b.polarity[0]}${b.xyxyPx.map((v) => v.toFixed(1)).join(',')}`);
    return `${this.host.generation}|${image.info.imageId}|${phrase}|${boxesKey.join(';')}`;
  }

  private objectKey(image: FrameImage, prompt: ObjectPrompt): string {
    const pts = prompt.points.map((p) => `${p.polarity[0]}${p.xyPx[0].toFixed(1)},${p.xyPx[1].toFixed(1)}`);
    const box = prompt.boxXyxyPx?.map((v) => v.toFixed(1)).join(',') ?? '';
    return `${this.host.generation}|${image.info.imageId}|${pts.join(';')}|${box}`;
  }

  /** One graph step: run with GPU-loss recovery, between its progress events when the request listens. */
  private graph<T>(
    progress: GraphProgress | undefined,
    step: GraphStep,
    phrase: string | undefined,
    fn: () => Promise<T>,
  ): Promise<T> {
    const run = () => this.host.withRecovery(fn);
    return progress ? progress.run(step, phrase, run) : run();
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
