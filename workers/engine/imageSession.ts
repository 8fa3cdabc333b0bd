/**
 * The still image: the one the user opened, its instance IDs, rendered masks and which mask bitmaps the page already
 * has. One job: turn a prompt document (concepts, clicked objects, threshold) into the instances the UI draws, lists
 * and exports. Video frames never replace it.
 */
import type { ImageSource } from '../protocol/api';
import type { SegmentRequest } from '../protocol/prompts';
import type {
  CocoExport,
  ImageInfo,
  InstanceResult,
  MaskBitmaps,
  RleMask,
  SegmentResult,
  StageTimings,
} from '../protocol/results';
import { normalizePhrase } from '../core/tokens';
import { buildCocoExport } from './cocoExport';
import { applyInstanceEdits } from './instanceEdits';
import { decodeRgbaSource, type DecodedImage, type ImageDecoder } from './decodedImage';
import { EngineError } from './engineError';
import type { FeatureCache, FrameImage } from './featureCache';
import { InstanceIdRegistry } from './instanceIds';
import { RenderedMaskCache, type MaskSizes } from './instanceMasks';
import {
  renderInstances,
  resolveInstances,
  summarizeConcepts,
  toInstanceResult,
  type ConceptDetection,
  type ObjectDecode,
  type RenderedInstance,
} from './instances';
import { Lru } from './lru';
import type { PackHost } from './packHost';

export interface ImageSessionDeps {
  decodeBlob?: ImageDecoder;
  makeMaskBitmaps?: (mask: RleMask) => Promise<MaskBitmaps>;
  now: () => number;
}

export class ImageSession {
  private image: FrameImage | null = null;
  private counter = 0;
  private readonly masks = new RenderedMaskCache();
  private readonly ids = new InstanceIdRegistry();
  /** Masks whose bitmaps the page was sent. */
  private readonly sentBitmaps = new Lru<string, true>(1024);

  constructor(
    private readonly host: PackHost,
    private readonly features: FeatureCache,
    private readonly deps: ImageSessionDeps,
  ) {}

  /** Decodes an image file or RGBA pixels (outside the run queue: it runs no graph). */
  async decode(source: ImageSource): Promise<DecodedImage> {
    if (source.kind === 'rgba') return decodeRgbaSource(source.image);
    if (!this.deps.decodeBlob) throw new EngineError('decode-failed', 'This build cannot decode image files.');
    return this.deps.decodeBlob(source.blob, source.name);
  }

  /** Makes a decoded image current (inside the run queue: the previous image's features may be in use until then). */
  adopt(decoded: DecodedImage, name: string, decodeMs: number): ImageInfo {
    const timingsMs: StageTimings = { decode: decodeMs };
    const info: ImageInfo = {
      imageId: `img-${++this.counter}`,
      name,
      width: decoded.width,
      height: decoded.height,
      displayWidth: decoded.displayWidth,
      displayHeight: decoded.displayHeight,
      display: decoded.display,
      downscaledForModel: decoded.downscaledForModel,
      timingsMs,
    };
    this.image = { info, decoded };
    this.features.releaseImageFeatures();
    this.masks.clear();
    this.ids.clear();
    this.features.prepare(this.image, timingsMs);
    return info;
  }

  /** A new pack: rendered masks and IDs belong to the old graphs' outputs. */
  packReplaced(): void {
    this.masks.clear();
    this.ids.clear();
  }

  async segment(request: SegmentRequest, seq: number, superseded: () => boolean): Promise<SegmentResult> {
    const timings: StageTimings = {};
    const before = this.host.runs.snapshot();
    const result = (
      isSuperseded: boolean,
      built: Pick<SegmentResult, 'instances' | 'concepts' | 'emptyObjects'> = {
        instances: [],
        concepts: [],
        emptyObjects: [],
      },
    ): SegmentResult => ({
      imageId: request.imageId,
      seq,
      superseded: isSuperseded,
      scoreThreshold: request.scoreThreshold,
      ...built,
      timingsMs: timings,
      graphRuns: this.host.runs.since(before),
    });
    if (superseded()) return result(true);
    const resolved = await this.resolve(request, timings, superseded);
    if (!resolved) return result(true);
    const t0 = this.now();
    const { instances, emptyObjects } = this.render(request, resolved);
    const built = {
      instances: await this.withBitmaps(instances.map(toInstanceResult)),
      concepts: summarizeConcepts(resolved.detections, instances),
      emptyObjects,
    };
    timings.postprocess = this.now() - t0;
    return result(false, applyInstanceEdits(built, request, 'display'));
  }

  async exportCoco(request: SegmentRequest): Promise<CocoExport> {
    const resolved = (await this.resolve(request, {}, () => false))!;
    const image = this.require(request.imageId);
    const { instances } = applyInstanceEdits(this.render(request, resolved), request, 'export');
    return buildCocoExport(
      instances,
      request.concepts.map((c) => normalizePhrase(c.phrase)),
      { name: image.info.name, width: image.info.width, height: image.info.height },
      this.maskSizes(),
      this.host.require().info.name,
      new Date(),
    );
  }

  private render(
    request: SegmentRequest,
    resolved: { detections: ConceptDetection[]; objects: ObjectDecode[] },
  ): { instances: RenderedInstance[]; emptyObjects: string[] } {
    return renderInstances(
      resolveInstances(resolved.detections, resolved.objects, request.scoreThreshold),
      this.maskSizes(),
      this.masks,
      this.ids,
    );
  }

  /** Raw outputs for every concept and object of the request; null when superseded part-way. */
  private async resolve(
    request: SegmentRequest,
    timings: StageTimings,
    superseded: () => boolean,
  ): Promise<{ detections: ConceptDetection[]; objects: ObjectDecode[] } | null> {
    this.host.require();
    const image = this.require(request.imageId);
    const detections = await this.features.detectAll(image, request.concepts, timings, superseded);
    if (!detections) return null;
    const objects: ObjectDecode[] = [];
    for (const prompt of request.objects ?? []) {
      if (prompt.points.length === 0 && !prompt.boxXyxyPx) continue;
      const decoded = await this.features.decodeObjectFor(image, prompt, timings);
      if (superseded()) return null;
      objects.push(decoded);
    }
    return { detections, objects };
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
      threshold: this.host.require().manifest.graphs.detector.maskOutput === 'logits' ? 0 : 0.5,
    };
  }

  private require(imageId: string): FrameImage {
    if (!this.image || this.image.info.imageId !== imageId) {
      throw new EngineError('no-image', 'That image is no longer open; open it again.');
    }
    return this.image;
  }

  private now(): number {
    return this.deps.now();
  }
}
