/**
 * The video host: one tracking session at a time, and the per-frame wiring between SAM 3's video rules
 * (videoSession.ts, tracking/) and the graph steps (featureCache.ts, pipelines/memoryFrame.ts). One job: a frame in,
 * tracked instances (with their mask bitmaps, from the one painter) out. Each frame's features are kept under the
 * frame's own id and released when the next frame arrives or the session ends, so frames never evict an open image.
 */
import {
  DEFAULT_TRACKER_SETTINGS,
  type VideoFrameInput,
  type VideoFrameResult,
  type VideoSessionInfo,
  type VideoSessionOptions,
} from '../protocol/video';
import type { ImageInfo, MaskBitmaps, RleMask, StageTimings } from '../protocol/results';
import { MemoryPropagator } from '../tracking/memoryPropagator';
import { PromptPropagator } from '../tracking/promptPropagator';
import { bindMemoryFrame } from '../pipelines/memoryFrame';
import { decodeRgbaSource, type DecodedImage } from './decodedImage';
import { EngineError } from './engineError';
import { conceptPhrase, type FeatureCache, type FrameImage } from './featureCache';
import type { PackHost } from './packHost';
import { VideoSession } from './videoSession';

export interface VideoHostDeps {
  /** Reads a video frame's pixels (browser; Node sends RGBA). */
  decodeFrame?: (bitmap: ImageBitmap, sourceSize?: { width: number; height: number }) => DecodedImage;
  /** The mask painter (browser): each instance's bitmaps come with its frame. */
  makeMaskBitmaps?: (mask: RleMask) => Promise<MaskBitmaps>;
  now: () => number;
}

export class VideoHost {
  private session: VideoSession | null = null;
  private counter = 0;
  /** The frame whose features are kept (the memory path binds them until the next frame). */
  private lastFrameId: string | null = null;

  constructor(
    private readonly host: PackHost,
    private readonly features: FeatureCache,
    private readonly deps: VideoHostDeps,
  ) {}

  start(options: VideoSessionOptions): VideoSessionInfo {
    const pack = this.host.require();
    if (this.session?.propagator instanceof MemoryPropagator) this.session.propagator.frame?.release?.();
    this.session?.dispose();
    this.releaseFrame();
    const settings = { ...DEFAULT_TRACKER_SETTINGS, ...options.settings };
    if (!pack.tracker) {
      throw new EngineError('pack-contract', `${pack.info.name} has no tracker decoder, so it cannot track video.`);
    }
    const propagator = pack.memory ? new MemoryPropagator(pack.memory.constants, settings) : new PromptPropagator();
    this.session = new VideoSession(`video-${++this.counter}`, options, settings, propagator);
    return {
      sessionId: this.session.id,
      propagation: propagator.kind,
      propagationReason: pack.memory
        ? 'Memory graphs: each object is tracked with its memory bank (conditioning frames, recent frames, ' +
          'object pointers).'
        : 'The pack has no memory graphs: each object is re-prompted on every frame with its last box and an ' +
          'interior point (fallback).',
      settings,
    };
  }

  /**
   * One frame. A cancelled call is refused before the frame touches the tracking state; once a frame has started it
   * completes (the track book stays consistent) and its result is dropped.
   */
  async processFrame(frame: VideoFrameInput, signal?: AbortSignal): Promise<VideoFrameResult> {
    const session = this.session;
    if (!session || session.id !== frame.sessionId || signal?.aborted) {
      frame.bitmap?.close();
      throw new EngineError(
        'cancelled',
        signal?.aborted ? 'The frame was cancelled.' : 'That video session has ended.',
      );
    }
    const pack = this.host.require();
    const before = this.host.runs.snapshot();
    const now = this.deps.now;
    const t0 = now();
    let decoded: DecodedImage;
    if (frame.rgba) decoded = decodeRgbaSource(frame.rgba);
    else if (frame.bitmap && this.deps.decodeFrame) decoded = this.deps.decodeFrame(frame.bitmap, frame.sourceSize);
    else throw new EngineError('decode-failed', 'A video frame arrived without pixels.');
    const info: ImageInfo = {
      imageId: `${session.id}-f${frame.frameIndex}`,
      name: `frame ${frame.frameIndex}`,
      width: decoded.width,
      height: decoded.height,
      displayWidth: decoded.displayWidth,
      displayHeight: decoded.displayHeight,
      downscaledForModel: decoded.downscaledForModel,
      timingsMs: { decode: now() - t0 },
    };
    const image: FrameImage = { info, decoded };
    this.releaseFrame();
    this.lastFrameId = info.imageId;
    const timings: StageTimings = {};
    const propagator = session.propagator;
    if (propagator instanceof MemoryPropagator) {
      const vision = await this.features.visionFor(image, timings);
      const embeddings = await this.features.trackerEmbeddingsFor(image, timings);
      propagator.frame?.release?.();
      propagator.frame = await bindMemoryFrame(
        pack,
        this.host.graphRuntime,
        frame.frameIndex,
        embeddings,
        vision.pos2,
        (role) => {
          this.host.runs.count('memory');
          this.host.runs.count(role);
        },
      );
    } else if (propagator instanceof PromptPropagator) {
      propagator.frame = {
        imageWidth: info.width,
        imageHeight: info.height,
        decode: (points, box) => this.features.decodePoints(image, points, box, timings),
      };
    }
    const result = await session.processFrame(frame, {
      imageWidth: info.width,
      imageHeight: info.height,
      displayWidth: info.displayWidth,
      displayHeight: info.displayHeight,
      detect: async (concept) => {
        const phrase = conceptPhrase(concept);
        return phrase ? this.features.detect(image, concept, phrase, timings) : null;
      },
      decodeClicks: async (prompt) => (await this.features.decodeObjectFor(image, prompt, timings)).raw,
      now,
    });
    result.timingsMs = { ...info.timingsMs, ...timings, ...result.timingsMs };
    if (signal?.aborted) throw new EngineError('cancelled', 'The frame was cancelled.');
    const instances = await this.withBitmaps(session, info.imageId, result.instances);
    // Counted here, not in the session: the memory path runs vision while binding the frame.
    return { ...result, instances, graphRuns: this.host.runs.since(before) };
  }

  /** Each instance's mask id (frame and track) and bitmaps, when the session draws them. */
  private async withBitmaps(
    session: VideoSession,
    frameId: string,
    instances: VideoFrameResult['instances'],
  ): Promise<VideoFrameResult['instances']> {
    const make = this.deps.makeMaskBitmaps;
    const paint = make && session.options.bitmaps !== false;
    return Promise.all(
      instances.map(async (inst) => ({
        ...inst,
        maskId: `${frameId}#${inst.instanceId}`,
        ...(paint ? { bitmaps: await make(inst.mask) } : {}),
      })),
    );
  }

  private releaseFrame(): void {
    if (this.lastFrameId) this.features.release(this.lastFrameId);
    this.lastFrameId = null;
  }

  end(sessionId: string): boolean {
    if (this.session?.id !== sessionId) return false;
    const propagator = this.session.propagator;
    if (propagator instanceof MemoryPropagator) propagator.frame?.release?.();
    this.session.dispose();
    this.session = null;
    this.releaseFrame();
    return true;
  }
}
