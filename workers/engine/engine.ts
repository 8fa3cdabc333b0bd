/**
 * The engine: implements EngineApi over a GraphRuntime. It owns the open pack, the current image and three
 * caches (vision features per image, text features per phrase, raw detections per concept), so a keystroke
 * re-runs only text + detector, an exemplar change only the detector, a threshold change no graph at all.
 */
import type { EngineApi, EngineOptions, ImageSource, PackSource, ProgressCallback } from '../protocol/api';
import type { ExecutionProviderChoice } from '../protocol/manifest';
import type { ConceptPrompt, ObjectPrompt, SegmentRequest } from '../protocol/prompts';
import {
  DEFAULT_TRACKER_SETTINGS,
  type VideoFrameInput,
  type VideoFrameResult,
  type VideoSessionInfo,
  type VideoSessionOptions,
} from '../protocol/video';
import { VideoSession } from './videoSession';
import { PromptPropagator } from '../tracking/promptPropagator';
import { MemoryPropagator } from '../tracking/memoryPropagator';
import { bindMemoryFrame } from '../pipelines/memoryFrame';
import type {
  CocoExport,
  ImageInfo,
  InstanceResult,
  MaskBitmaps,
  RleMask,
  RuntimeInfo,
  SegmentResult,
  StageTimings,
} from '../protocol/results';
import type { GraphRuntime, WebGpuProbe } from '../ort/graphRuntime';
import { DeviceLostError } from '../ort/graphRuntime';
import type { ByteStore } from '../packs/byteStore';
import { loadPack } from '../packs/loadPack';
import { CATALOGUE } from '../packs/catalogue';
import { preprocessImage } from '../core/resize';
import { normalizePhrase } from '../core/tokens';
import {
  detectConcept,
  encodeImage,
  encodeText,
  type RawDetection,
  type TextFeatures,
  type VisionFeatures,
} from '../pipelines/imageConcepts';
import { openPackGraphs, releaseGraphs, type OpenPack } from './openPackGraphs';
import { RunQueue } from './runQueue';
import { Lru } from './lru';
import { EngineError, toEngineErrorData } from './engineError';
import {
  renderInstances,
  resolveInstances,
  summarizeConcepts,
  toInstanceResult,
  type ConceptDetection,
  type ObjectDecode,
} from './instances';
import { RenderedMaskCache, type MaskSizes } from './instanceMasks';
import { InstanceIdRegistry } from './instanceIds';
import {
  decodeObject,
  encodeTrackerImage,
  type RawObjectDecode,
  type TrackerEmbeddings,
} from '../pipelines/clickRefine';
import { buildCocoExport } from './cocoExport';
import { applyInstanceEdits } from './instanceEdits';
import type { DecodedImage, ImageDecoder } from './decodedImage';
import { decodeRgbaSource } from './decodedImage';

export interface EngineDeps {
  createRuntime(options: EngineOptions): Promise<GraphRuntime>;
  store: ByteStore;
  /** Decodes a Blob (browser: createImageBitmap; absent in Node, where only RGBA sources work). */
  decodeBlob?: ImageDecoder;
  /** Reads a video frame's pixels (browser; Node sends RGBA). */
  decodeFrame?: (bitmap: ImageBitmap) => DecodedImage;
  fetchImpl?: typeof fetch;
  now?: () => number;
  /** Makes a mask's bitmaps (browser): sent with the first result that shows the mask. */
  makeMaskBitmaps?: (mask: RleMask) => Promise<MaskBitmaps>;
}

/** Text used for a concept that has exemplar boxes but no phrase (as the reference does). */
export const VISUAL_PROMPT = 'visual';

interface CurrentImage {
  info: ImageInfo;
  decoded: DecodedImage;
  /** Pre-processed pixels per pack generation. */
  pixels?: { packGen: number; data: Float32Array };
}

export class Engine implements EngineApi {
  private runtime: GraphRuntime | null = null;
  private probe: WebGpuProbe = { available: false, reason: 'not initialised', shaderF16: false };
  private providerChoice: ExecutionProviderChoice = 'auto';
  private pack: OpenPack | null = null;
  private packGen = 0;
  private image: CurrentImage | null = null;
  private imageCounter = 0;
  private seq = 0;
  private readonly queue = new RunQueue();
  private readonly visionCache = new Lru<string, VisionFeatures>(1, disposeVision);
  private readonly textCache = new Lru<string, TextFeatures>(64);
  private readonly detectionCache = new Lru<string, RawDetection>(16);
  private readonly maskCache = new RenderedMaskCache();
  /** Masks whose bitmaps were sent to the page. */
  private readonly sentBitmaps = new Lru<string, true>(1024);
  /** Stable instance IDs of the current image. */
  private readonly instanceIds = new InstanceIdRegistry();
  private readonly trackerCache = new Lru<string, TrackerEmbeddings>(1, (v) =>
    Object.values(v).forEach((x) => x.dispose()),
  );
  private readonly objectCache = new Lru<string, RawObjectDecode>(64);
  /** Graph runs by role; `memory` counts the three memory graphs together. */
  private readonly runs: Record<string, number> = {
    vision: 0,
    text: 0,
    detector: 0,
    tracker: 0,
    trackerVision: 0,
    memory: 0,
  };
  private readonly now: () => number;

  constructor(private readonly deps: EngineDeps) {
    this.now = deps.now ?? (() => performance.now());
  }

  async init(options: EngineOptions = {}): Promise<RuntimeInfo> {
    return this.guard(async () => {
      if (!this.runtime) {
        this.runtime = await this.deps.createRuntime(options);
        this.probe = await this.runtime.probeWebGpu();
      }
      this.providerChoice = options.provider ?? 'auto';
      return this.runtimeInfo();
    });
  }

  async catalogue() {
    return CATALOGUE;
  }

  async openPack(source: PackSource, onProgress?: ProgressCallback) {
    return this.guard(() =>
      this.queue.run(async () => {
        const runtime = await this.requireRuntime();
        const loaded = await loadPack(source, this.deps.store, {
          onProgress: (e) => void onProgress?.(e),
          fetchImpl: this.deps.fetchImpl,
        });
        const pack = await openPackGraphs(loaded, runtime, this.probe, this.providerChoice, (role) =>
          onProgress?.({ status: 'compiling', graph: role }),
        );
        await this.replacePack(pack);
        this.lastLoaded = loaded;
        onProgress?.({ status: 'ready', packId: pack.info.id });
        return pack.info;
      }),
    );
  }

  async cacheState() {
    return this.guard(() => this.deps.store.list());
  }

  async clearCache() {
    return this.guard(() => this.deps.store.clear());
  }

  async setImage(source: ImageSource): Promise<ImageInfo> {
    return this.guard(async () => {
      const t0 = this.now();
      let decoded: DecodedImage;
      if (source.kind === 'rgba') {
        decoded = decodeRgbaSource(source.image);
      } else {
        if (!this.deps.decodeBlob) throw new EngineError('decode-failed', 'This build cannot decode image files.');
        decoded = await this.deps.decodeBlob(source.blob, source.name);
      }
      const timingsMs: StageTimings = { decode: this.now() - t0 };
      const info: ImageInfo = {
        imageId: `img-${++this.imageCounter}`,
        name: source.name,
        width: decoded.width,
        height: decoded.height,
        displayWidth: decoded.displayWidth,
        displayHeight: decoded.displayHeight,
        display: decoded.display,
        downscaledForModel: decoded.downscaledForModel,
        timingsMs,
      };
      this.image = { info, decoded };
      this.visionCache.clear();
      this.trackerCache.clear();
      this.maskCache.clear();
      this.instanceIds.clear();
      if (this.pack) {
        const t1 = this.now();
        this.pixelsFor(this.image);
        timingsMs.preprocess = this.now() - t1;
      }
      return info;
    });
  }

  async segment(request: SegmentRequest): Promise<SegmentResult> {
    const seq = ++this.seq;
    return this.guard(() =>
      this.queue.run(async () => {
        const timings: StageTimings = {};
        const runsBefore = { ...this.runs };
        const result = (
          superseded: boolean,
          built: Pick<SegmentResult, 'instances' | 'concepts' | 'emptyObjects'> = {
            instances: [],
            concepts: [],
            emptyObjects: [],
          },
        ): SegmentResult => ({
          imageId: request.imageId,
          seq,
          superseded,
          scoreThreshold: request.scoreThreshold,
          ...built,
          timingsMs: timings,
          graphRuns: this.runsSince(runsBefore),
        });
        if (seq !== this.seq) return result(true);
        const resolved = await this.resolveRequest(request, timings, () => seq !== this.seq);
        if (!resolved) return result(true);
        const t0 = this.now();
        const { instances, emptyObjects } = renderInstances(
          resolveInstances(resolved.detections, resolved.objects, request.scoreThreshold),
          this.maskSizes(),
          this.maskCache,
          this.instanceIds,
        );
        const built = {
          instances: await this.withBitmaps(instances.map(toInstanceResult)),
          concepts: summarizeConcepts(resolved.detections, instances),
          emptyObjects,
        };
        timings.postprocess = this.now() - t0;
        return result(false, applyInstanceEdits(built, request, 'display'));
      }),
    );
  }

  async exportCoco({ request }: { imageId: string; request: SegmentRequest }): Promise<CocoExport> {
    return this.guard(() =>
      this.queue.run(async () => {
        const { detections, objects } = (await this.resolveRequest(request, {}, () => false))!;
        const image = this.requireImage(request.imageId);
        const sizes = this.maskSizes();
        const { instances } = applyInstanceEdits(
          renderInstances(
            resolveInstances(detections, objects, request.scoreThreshold),
            sizes,
            this.maskCache,
            this.instanceIds,
          ),
          request,
          'export',
        );
        return buildCocoExport(
          instances,
          request.concepts.map((c) => normalizePhrase(c.phrase)),
          { name: image.info.name, width: image.info.width, height: image.info.height },
          sizes,
          this.pack!.info.name,
          new Date(),
        );
      }),
    );
  }

  async startVideo(options: VideoSessionOptions): Promise<VideoSessionInfo> {
    return this.guard(() =>
      this.queue.run(async () => {
        const pack = this.requirePack();
        this.video?.dispose();
        const settings = { ...DEFAULT_TRACKER_SETTINGS, ...options.settings };
        if (!pack.tracker) {
          throw new EngineError('pack-contract', `${pack.info.name} has no tracker decoder, so it cannot track video.`);
        }
        const propagator = pack.memory ? new MemoryPropagator(pack.memory.constants, settings) : new PromptPropagator();
        this.video = new VideoSession(`video-${++this.videoCounter}`, options, settings, propagator);
        return {
          sessionId: this.video.id,
          propagation: propagator.kind,
          propagationReason: pack.memory
            ? 'Memory graphs: each object is tracked with its memory bank (conditioning frames, recent frames, ' +
              'object pointers).'
            : 'The pack has no memory graphs: each object is re-prompted on every frame with its last box and an ' +
              'interior point (fallback).',
          settings,
        };
      }),
    );
  }

  async processFrame(frame: VideoFrameInput): Promise<VideoFrameResult> {
    return this.guard(() =>
      this.queue.run(async () => {
        const session = this.video;
        if (!session || session.id !== frame.sessionId) {
          frame.bitmap?.close();
          throw new EngineError('aborted', 'That video session has ended.');
        }
        const pack = this.requirePack();
        const runsBefore = { ...this.runs };
        const t0 = this.now();
        let decoded: DecodedImage;
        if (frame.rgba) decoded = decodeRgbaSource(frame.rgba);
        else if (frame.bitmap && this.deps.decodeFrame) decoded = this.deps.decodeFrame(frame.bitmap);
        else throw new EngineError('decode-failed', 'A video frame arrived without pixels.');
        const info: ImageInfo = {
          imageId: `${session.id}-f${frame.frameIndex}`,
          name: `frame ${frame.frameIndex}`,
          width: decoded.width,
          height: decoded.height,
          displayWidth: decoded.displayWidth,
          displayHeight: decoded.displayHeight,
          downscaledForModel: decoded.downscaledForModel,
          timingsMs: { decode: this.now() - t0 },
        };
        // Frames never replace the still image; the vision cache (one entry) frees the previous frame's features.
        const image: CurrentImage = { info, decoded };
        const timings: StageTimings = {};
        const propagator = session.propagator;
        if (propagator instanceof MemoryPropagator) {
          const vision = await this.visionFor(image, pack, timings);
          const embeddings = await this.trackerEmbeddingsFor(image, pack, timings);
          propagator.frame = await bindMemoryFrame(
            pack,
            this.runtime!,
            frame.frameIndex,
            embeddings,
            vision.pos2,
            () => {
              this.runs.memory++;
            },
          );
        } else if (propagator instanceof PromptPropagator) {
          propagator.frame = {
            imageWidth: info.width,
            imageHeight: info.height,
            decode: async (points, box) => {
              const embeddings = await this.trackerEmbeddingsFor(image, pack, timings);
              const raw = await this.withRecovery(() =>
                decodeObject(pack, this.runtime!, embeddings, { points, boxXyxyPx: box }, info.width, info.height),
              );
              this.runs.tracker++;
              return raw;
            },
          };
        }
        const result = await session.processFrame(frame, {
          imageWidth: info.width,
          imageHeight: info.height,
          displayWidth: info.displayWidth,
          displayHeight: info.displayHeight,
          detect: async (concept) => {
            const phrase = conceptPhrase(concept);
            return phrase ? this.detectOnImage(image, pack, concept, phrase, timings, () => false) : null;
          },
          decodeClicks: async (prompt) => (await this.decodeObjectFor(image, prompt, timings)).raw,
          now: this.now,
        });
        result.timingsMs = { ...info.timingsMs, ...timings, ...result.timingsMs };
        // Counted here, not in the session: the memory path runs vision while binding the frame.
        return { ...result, graphRuns: this.runsSince(runsBefore) };
      }),
    );
  }

  async endVideo(sessionId: string): Promise<void> {
    return this.guard(() =>
      this.queue.run(async () => {
        if (this.video?.id !== sessionId) return;
        this.video.dispose();
        this.video = null;
        this.visionCache.clear();
        this.trackerCache.clear();
        this.objectCache.clear();
      }),
    );
  }

  async stats() {
    return {
      graphRuns: { ...this.runs },
      cache: {
        images: this.visionCache.size,
        texts: this.textCache.size,
        detections: this.detectionCache.size,
        objects: this.objectCache.size,
      },
    };
  }

  // ---------------------------------------------------------------------------------------------------------

  /** Raw outputs for every concept and object of the request; null when superseded part-way. */
  private async resolveRequest(
    request: SegmentRequest,
    timings: StageTimings,
    superseded: () => boolean,
  ): Promise<{ detections: ConceptDetection[]; objects: ObjectDecode[] } | null> {
    const detections = await this.detectAll(request, timings, superseded);
    if (!detections) return null;
    const objects: ObjectDecode[] = [];
    for (const prompt of request.objects ?? []) {
      if (prompt.points.length === 0 && !prompt.boxXyxyPx) continue;
      const decoded = await this.decodeObjectFor(this.requireImage(request.imageId), prompt, timings);
      if (superseded()) return null;
      objects.push(decoded);
    }
    return { detections, objects };
  }

  private async decodeObjectFor(
    image: CurrentImage,
    prompt: ObjectPrompt,
    timings: StageTimings,
  ): Promise<ObjectDecode> {
    const pack = this.requirePack();
    if (!pack.tracker) {
      throw new EngineError(
        'pack-contract',
        `${pack.info.name} has no tracker decoder, so clicks cannot refine objects.`,
      );
    }
    const imageId = image.info.imageId;
    const pts = prompt.points.map((p) => `${p.polarity[0]}${p.xyPx[0].toFixed(1)},${p.xyPx[1].toFixed(1)}`);
    const key = `${this.packGen}|${imageId}|${pts.join(';')}|${prompt.boxXyxyPx?.map((v) => v.toFixed(1)).join(',') ?? ''}`;
    let raw = this.objectCache.get(key);
    if (!raw) {
      const embeddings = await this.trackerEmbeddingsFor(image, pack, timings);
      const t0 = this.now();
      raw = await this.withRecovery(() =>
        decodeObject(
          pack,
          this.runtime!,
          embeddings,
          {
            points: prompt.points.map((p) => ({ xyPx: p.xyPx, positive: p.polarity === 'positive' })),
            boxXyxyPx: prompt.boxXyxyPx,
          },
          image.info.width,
          image.info.height,
        ),
      );
      this.runs.tracker++;
      timings.tracker = (timings.tracker ?? 0) + this.now() - t0;
      this.objectCache.set(key, raw);
    }
    return { prompt, key, raw };
  }

  /** The dual encoder's tracker neck (same pass as the detector's), or the separate encoder once per image. */
  private async trackerEmbeddingsFor(image: CurrentImage, pack: OpenPack, timings: StageTimings) {
    if (!pack.tracker!.separateEncoder) return (await this.visionFor(image, pack, timings)).tracker!;
    const key = `${this.packGen}|${image.info.imageId}`;
    const hit = this.trackerCache.get(key);
    if (hit) return hit;
    const t0 = this.now();
    const pixels = this.pixelsFor(image);
    const embeddings = await this.withRecovery(() => encodeTrackerImage(pack, this.runtime!, pixels));
    this.runs.trackerVision++;
    timings.trackerVision = this.now() - t0;
    this.trackerCache.set(key, embeddings);
    return embeddings;
  }

  /** Raw detections for every concept of the request; null when superseded part-way. */
  private async detectAll(
    request: SegmentRequest,
    timings: StageTimings,
    superseded: () => boolean,
  ): Promise<ConceptDetection[] | null> {
    const pack = this.requirePack();
    const image = this.requireImage(request.imageId);
    const detections: ConceptDetection[] = [];
    for (const [conceptIndex, concept] of request.concepts.entries()) {
      const phrase = conceptPhrase(concept);
      const boxesKey = concept.boxes.map((b) => `${b.polarity[0]}${b.xyxyPx.map((v) => v.toFixed(1)).join(',')}`);
      const key = `${this.packGen}|${image.info.imageId}|${phrase}|${boxesKey.join(';')}`;
      if (!phrase) {
        detections.push({ concept, conceptIndex, key, raw: null });
        continue;
      }
      let raw = this.detectionCache.get(key) ?? null;
      if (!raw) {
        raw = await this.detectOnImage(image, pack, concept, phrase, timings, superseded);
        if (!raw) return null;
        this.detectionCache.set(key, raw);
      }
      detections.push({ concept, conceptIndex, key, raw });
    }
    return detections;
  }

  /** Vision (cached per image) → text (cached per phrase) → detector for one concept; null when superseded. */
  private async detectOnImage(
    image: CurrentImage,
    pack: OpenPack,
    concept: ConceptPrompt,
    phrase: string,
    timings: StageTimings,
    superseded: () => boolean,
  ): Promise<RawDetection | null> {
    const vision = await this.visionFor(image, pack, timings);
    if (superseded()) return null;
    const text = await this.textFor(phrase, pack, timings);
    if (superseded()) return null;
    const t0 = this.now();
    const raw = await this.withRecovery(() =>
      detectConcept(
        pack,
        this.runtime!,
        vision,
        text,
        concept.boxes.map((b) => ({ xyxyPx: b.xyxyPx, positive: b.polarity === 'positive' })),
        image.info.width,
        image.info.height,
      ),
    );
    this.runs.detector++;
    timings.detector = (timings.detector ?? 0) + this.now() - t0;
    return raw;
  }

  private async visionFor(image: CurrentImage, pack: OpenPack, timings: StageTimings): Promise<VisionFeatures> {
    const key = `${this.packGen}|${image.info.imageId}`;
    const hit = this.visionCache.get(key);
    if (hit) return hit;
    const t0 = this.now();
    const pixels = this.pixelsFor(image);
    timings.preprocess = this.now() - t0;
    const t1 = this.now();
    const features = await this.withRecovery(() => encodeImage(pack, this.runtime!, pixels));
    this.runs.vision++;
    timings.vision = this.now() - t1;
    this.visionCache.set(key, features);
    return features;
  }

  private async textFor(phrase: string, pack: OpenPack, timings: StageTimings): Promise<TextFeatures> {
    const key = `${this.packGen}|${phrase}`;
    const hit = this.textCache.get(key);
    if (hit) return hit;
    const t0 = this.now();
    const features = await this.withRecovery(() => encodeText(pack, this.runtime!, phrase));
    this.runs.text++;
    timings.text = (timings.text ?? 0) + this.now() - t0;
    this.textCache.set(key, features);
    return features;
  }

  private pixelsFor(image: CurrentImage): Float32Array {
    const pack = this.requirePack();
    if (image.pixels?.packGen !== this.packGen) {
      const { inputSize, image: norm } = pack.manifest;
      image.pixels = {
        packGen: this.packGen,
        data: preprocessImage(image.decoded.source, inputSize, norm.mean, norm.std),
      };
    }
    return image.pixels.data;
  }

  /** Attaches bitmaps to masks the page has not been sent yet (browser only). */
  private async withBitmaps(instances: InstanceResult[]): Promise<InstanceResult[]> {
    const make = this.deps.makeMaskBitmaps;
    if (!make) return instances;
    return Promise.all(
      instances.map(async (inst) => {
        if (!inst.maskId || this.sentBitmaps.get(inst.maskId)) return inst;
        this.sentBitmaps.set(inst.maskId, true);
        return { ...inst, bitmaps: await make(inst.mask) };
      }),
    );
  }

  private maskSizes(): MaskSizes {
    const image = this.image!;
    return {
      displayWidth: image.info.displayWidth,
      displayHeight: image.info.displayHeight,
      fullWidth: image.info.width,
      fullHeight: image.info.height,
      threshold: this.pack!.manifest.graphs.detector.maskOutput === 'logits' ? 0 : 0.5,
    };
  }

  private async replacePack(pack: OpenPack): Promise<void> {
    const old = this.pack;
    this.pack = pack;
    this.packGen++;
    this.visionCache.clear();
    this.trackerCache.clear();
    this.textCache.clear();
    this.detectionCache.clear();
    this.objectCache.clear();
    this.maskCache.clear();
    this.instanceIds.clear();
    if (old) await releaseGraphs(old.graphs);
  }

  /**
   * A lost GPU device must not take the page down: the graphs are recreated on WASM (reasons updated in the
   * pack info) and the step runs again once.
   */
  private async withRecovery<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (err) {
      if (!(err instanceof DeviceLostError) || !this.pack || !this.lastLoaded) throw err;
      this.probe = { ...this.probe, available: false, reason: `the GPU device was lost (${err.message})` };
      this.providerChoice = 'wasm';
      const pack = await openPackGraphs(this.lastLoaded, this.runtime!, this.probe, 'wasm', () => {});
      pack.info.graphs.forEach((g) => (g.reason = 'the GPU device was lost; running on WASM'));
      await this.replacePack(pack);
      throw new EngineError('gpu-lost', 'The GPU device was lost. The model now runs on WASM; please retry.');
    }
  }

  private lastLoaded: Parameters<typeof openPackGraphs>[0] | null = null;
  private video: VideoSession | null = null;
  private videoCounter = 0;

  /** Graph runs by role since a snapshot of the counters. */
  private runsSince(before: Record<string, number>): Record<string, number> {
    return Object.fromEntries(Object.entries(this.runs).map(([k, v]) => [k, v - (before[k] ?? 0)]));
  }

  private runtimeInfo(): RuntimeInfo {
    return {
      webgpu: { ...this.probe },
      wasm: {
        threads: this.runtime?.wasmThreads ?? 0,
        crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
      },
    };
  }

  private async requireRuntime(): Promise<GraphRuntime> {
    if (!this.runtime) await this.init();
    return this.runtime!;
  }

  private requirePack(): OpenPack {
    if (!this.pack) throw new EngineError('no-pack', 'No model pack is open yet.');
    return this.pack;
  }

  private requireImage(imageId: string): CurrentImage {
    if (!this.image || this.image.info.imageId !== imageId) {
      throw new EngineError('no-image', 'That image is no longer open; open it again.');
    }
    return this.image;
  }

  /** Every public method: errors leave as plain EngineErrorData, never as class instances. */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toEngineErrorData(err, 'runtime');
    }
  }
}

/** The text a concept sends to the detector: its phrase, or "visual" when it has only exemplar boxes. */
function conceptPhrase(concept: ConceptPrompt): string {
  return normalizePhrase(concept.phrase) || (concept.boxes.length > 0 ? VISUAL_PROMPT : '');
}

function disposeVision(v: VisionFeatures): void {
  for (const [key, value] of Object.entries(v)) {
    if (key === 'tracker') Object.values(value as Record<string, { dispose(): void }>).forEach((x) => x.dispose());
    else (value as { dispose(): void }).dispose();
  }
}

export function createEngine(deps: EngineDeps): Engine {
  return new Engine(deps);
}
