/**
 * Still images as sessions: `open` returns a handle (the image id), requests name it, `close` frees it. Each session
 * keeps its own instance IDs, rendered masks and which mask bitmaps the page already has; the features its graphs
 * made live in the shared feature cache under the session's id (a memory budget by bytes, least recently used
 * first), so the single image, the folder run's image and a video frame never evict or lock each other. One job:
 * turn a prompt document (concepts, clicked objects, threshold) into the instances the UI draws, lists and exports.
 */
import type { ImageSource, OpenImageOptions, SegmentOptions } from '../protocol/api';
import type { GraphProgressCallback } from '../protocol/progress';
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
import { meanUnderMask } from '../core/maskColor';
import { normalizePhrase } from '../core/tokens';
import { buildCocoExport } from './cocoExport';
import { applyInstanceEdits } from './instanceEdits';
import { decodeRgbaSource, type DecodedImage, type ImageDecoder } from './decodedImage';
import { EngineError } from './engineError';
import type { FeatureCache, FrameImage } from './featureCache';
import { GraphProgress } from './graphProgress';
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
  /** A JPEG thumbnail of a decoded image (browser). */
  makeThumbnail?: (decoded: DecodedImage, side: number) => Promise<Blob | undefined>;
  now: () => number;
}

/** Sessions left open beyond this are closed, least recently used first (a caller that never closes its images). */
export const MAX_OPEN_IMAGES = 16;

interface Resolved {
  detections: ConceptDetection[];
  objects: ObjectDecode[];
}

/** One open image: its pixels, instance IDs, rendered masks and the bitmaps already sent. */
class ImageSession {
  readonly masks = new RenderedMaskCache();
  readonly ids = new InstanceIdRegistry();
  /** Masks whose bitmaps the page was sent. */
  readonly sentBitmaps = new Lru<string, true>(1024);
  /** The image's mean colour under each mask, by mask id. */
  readonly colours = new Lru<string, [number, number, number] | null>(1024);

  constructor(readonly image: FrameImage) {}

  get info(): ImageInfo {
    return this.image.info;
  }
}

export class ImageSessions {
  private counter = 0;
  private readonly open = new Lru<string, ImageSession>(MAX_OPEN_IMAGES, (s) => this.forget(s));

  constructor(
    private readonly host: PackHost,
    private readonly features: FeatureCache,
    private readonly deps: ImageSessionDeps,
  ) {}

  get size(): number {
    return this.open.size;
  }

  /** Decodes an image file or RGBA pixels (outside the run queue: it runs no graph). */
  async decode(source: ImageSource): Promise<DecodedImage> {
    if (source.kind === 'rgba') return decodeRgbaSource(source.image);
    if (!this.deps.decodeBlob) throw new EngineError('decode-failed', 'This build cannot decode image files.');
    return this.deps.decodeBlob(source.blob, source.name);
  }

  /**
   * Opens a decoded image as a new session and pre-processes it in JS unless its vision graph takes pixels from
   * the GPU. Runs no graph, so it needs no place in the run queue: other sessions keep working meanwhile.
   */
  async adopt(decoded: DecodedImage, name: string, decodeMs: number, options: OpenImageOptions): Promise<ImageInfo> {
    const timingsMs: StageTimings = { decode: decodeMs };
    const thumbnail =
      options.thumbnailSide && this.deps.makeThumbnail
        ? await this.deps.makeThumbnail(decoded, options.thumbnailSide)
        : undefined;
    const display = options.display === false ? undefined : decoded.display;
    if (options.display === false) decoded.display?.close();
    const info: ImageInfo = {
      imageId: `img-${++this.counter}`,
      name,
      width: decoded.width,
      height: decoded.height,
      displayWidth: decoded.displayWidth,
      displayHeight: decoded.displayHeight,
      ...(display ? { display } : {}),
      ...(thumbnail ? { thumbnail } : {}),
      downscaledForModel: decoded.downscaledForModel,
      timingsMs,
    };
    // The display bitmap goes to the page; the session keeps the model's pixels only.
    const image: FrameImage = {
      info: { ...info, display: undefined, thumbnail: undefined },
      decoded,
      clicks: options.clicks,
    };
    this.open.set(info.imageId, new ImageSession(image));
    this.features.prepare(image, timingsMs);
    return info;
  }

  /** Closes a session: its pixels, features and outputs go. Unknown ids are ignored (closing twice is harmless). */
  close(imageId: string): void {
    this.open.delete(imageId);
  }

  /** A new pack: rendered masks and IDs belong to the old graphs' outputs. */
  packReplaced(): void {
    for (const id of this.open.keys()) {
      const session = this.open.get(id)!;
      session.masks.clear();
      session.ids.clear();
      session.sentBitmaps.clear();
      session.colours.clear();
    }
  }

  async segment(
    request: SegmentRequest,
    options: SegmentOptions,
    signal: AbortSignal,
    onProgress?: GraphProgressCallback,
  ): Promise<SegmentResult> {
    return this.whileOpen(request.imageId, () => this.segmentOpen(request, options, signal, onProgress));
  }

  private async segmentOpen(
    request: SegmentRequest,
    options: SegmentOptions,
    signal: AbortSignal,
    onProgress: GraphProgressCallback | undefined,
  ): Promise<SegmentResult> {
    const session = this.require(request.imageId);
    const timings: StageTimings = {};
    const before = this.host.runs.snapshot();
    this.host.require();
    // Planned inside the run queue, so the caches it reads are the ones the request will find.
    const progress = onProgress
      ? new GraphProgress(
          this.features.plan(session.image, request.concepts, request.objects ?? []).length,
          onProgress,
          this.deps.now,
        )
      : undefined;
    const resolved = await this.resolve(session, request, timings, signal, progress);
    const t0 = this.now();
    const { instances, emptyObjects } = this.render(session, request, resolved);
    const shown = instances.map((inst) => this.withColour(session, toInstanceResult(inst)));
    const built = {
      instances: options.bitmaps === false ? shown : await this.withBitmaps(session, shown),
      concepts: summarizeConcepts(resolved.detections, instances),
      emptyObjects,
    };
    const coco = options.coco ? this.coco(session, request, instances) : undefined;
    timings.postprocess = this.now() - t0;
    return {
      imageId: request.imageId,
      scoreThreshold: request.scoreThreshold,
      ...applyInstanceEdits(built, request, 'display'),
      timingsMs: timings,
      graphRuns: this.host.runs.since(before),
      ...(coco ? { coco } : {}),
    };
  }

  async exportCoco(request: SegmentRequest, signal: AbortSignal): Promise<CocoExport> {
    return this.whileOpen(request.imageId, async () => {
      const session = this.require(request.imageId);
      const resolved = await this.resolve(session, request, {}, signal);
      return this.coco(session, request, this.render(session, request, resolved).instances);
    });
  }

  /** Runs a request on a session; when the session was closed meanwhile, what the request cached for it goes too. */
  private async whileOpen<T>(imageId: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } finally {
      if (!this.open.has(imageId)) this.features.release(imageId);
    }
  }

  /** The image behind a handle, for the video host's frames and the click decoder. */
  require(imageId: string): ImageSession {
    const session = this.open.get(imageId);
    if (!session) throw new EngineError('no-image', 'That image is no longer open; open it again.');
    return session;
  }

  private coco(session: ImageSession, request: SegmentRequest, rendered: RenderedInstance[]): CocoExport {
    const { instances } = applyInstanceEdits({ instances: rendered }, request, 'export');
    const { info } = session;
    return buildCocoExport(
      instances,
      request.concepts.map((c) => normalizePhrase(c.phrase)),
      { name: info.name, width: info.width, height: info.height },
      this.maskSizes(session),
      this.host.require().info.name,
      new Date(),
    );
  }

  private render(
    session: ImageSession,
    request: SegmentRequest,
    resolved: Resolved,
  ): { instances: RenderedInstance[]; emptyObjects: string[] } {
    return renderInstances(
      resolveInstances(resolved.detections, resolved.objects, request.scoreThreshold),
      this.maskSizes(session),
      session.masks,
      session.ids,
    );
  }

  /** Raw outputs for every concept and object of the request; a cancelled call stops after the graph running. */
  private async resolve(
    session: ImageSession,
    request: SegmentRequest,
    timings: StageTimings,
    signal: AbortSignal,
    progress?: GraphProgress,
  ): Promise<Resolved> {
    this.host.require();
    const detections = await this.features.detectAll(session.image, request.concepts, timings, signal, progress);
    const objects: ObjectDecode[] = [];
    for (const prompt of request.objects ?? []) {
      if (prompt.points.length === 0 && !prompt.boxXyxyPx) continue;
      objects.push(await this.features.decodeObjectFor(session.image, prompt, timings, signal, progress));
    }
    return { detections, objects };
  }

  /** The image's mean colour under the instance's mask (cached per mask). */
  private withColour(session: ImageSession, inst: InstanceResult): InstanceResult {
    const key = inst.maskId ?? '';
    let rgb = key ? session.colours.get(key) : undefined;
    if (rgb === undefined) {
      rgb = meanUnderMask(session.image.decoded.source, inst.mask);
      if (key) session.colours.set(key, rgb);
    }
    return rgb ? { ...inst, underRgb: rgb } : inst;
  }

  /** Attaches bitmaps to masks the page has not been sent yet (browser only). */
  private async withBitmaps(session: ImageSession, instances: InstanceResult[]): Promise<InstanceResult[]> {
    const make = this.deps.makeMaskBitmaps;
    if (!make) return instances;
    return Promise.all(
      instances.map(async (inst) => {
        if (!inst.maskId || session.sentBitmaps.get(inst.maskId)) return inst;
        session.sentBitmaps.set(inst.maskId, true);
        return { ...inst, bitmaps: await make(inst.mask) };
      }),
    );
  }

  private maskSizes(session: ImageSession): MaskSizes {
    const { info } = session;
    return {
      displayWidth: info.displayWidth,
      displayHeight: info.displayHeight,
      fullWidth: info.width,
      fullHeight: info.height,
      threshold: this.host.require().manifest.graphs.detector.maskOutput === 'logits' ? 0 : 0.5,
    };
  }

  /** A session leaves: its features and cached outputs go with it. */
  private forget(session: ImageSession): void {
    this.features.release(session.info.imageId);
  }

  private now(): number {
    return this.deps.now();
  }
}
