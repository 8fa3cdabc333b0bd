/**
 * The video host: one tracking session at a time, and the per-frame wiring between SAM 3's video rules
 * (videoSession.ts, tracking/) and the graph steps (featureCache.ts, pipelines/memoryFrame.ts). One job: a frame in,
 * tracked instances (with their mask bitmaps, from the one painter) out. Each frame's features are kept under the
 * frame's own id and released when the next frame arrives or the session ends, so frames never evict an open image.
 */
import {
  DEFAULT_TRACKER_SETTINGS,
  type VideoEditFrameInput,
  type VideoEditInfo,
  type VideoEditRequest,
  type VideoEditResult,
  type VideoFrameInput,
  type VideoFramePixels,
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
import { VideoSession, type FrameServices } from './videoSession';
import { VideoEdit } from './videoEdit';

export interface VideoHostDeps {
  /** Reads a video frame's pixels (browser; Node sends RGBA). */
  decodeFrame?: (bitmap: ImageBitmap, sourceSize?: { width: number; height: number }) => DecodedImage;
  /** The mask painter (browser): each instance's bitmaps come with its frame. */
  makeMaskBitmaps?: (mask: RleMask) => Promise<MaskBitmaps>;
  now: () => number;
}

/** Conditioning frames a processed file keeps per object for edits (the closest 4 are read per frame). */
export const STORED_CONDITIONING = 16;

export class VideoHost {
  private session: VideoSession | null = null;
  private counter = 0;
  /** The frame whose features are kept (the memory path binds them until the next frame). */
  private lastFrameId: string | null = null;
  /** The edit of the processed file in progress (one at a time). */
  private edit: VideoEdit | null = null;
  private edits = 0;
  /** Makes every bound frame's feature id unique (an edit may bind a frame the pass bound before). */
  private frameCounter = 0;

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
    this.endEdit();
    const settings = { ...DEFAULT_TRACKER_SETTINGS, ...options.settings };
    if (!pack.tracker) {
      throw new EngineError('pack-contract', `${pack.info.name} has no tracker decoder, so it cannot track video.`);
    }
    // A file keeps each object's conditioning frames (up to 16) for edits anywhere in it; a stream the latest few.
    const storage = options.mode === 'file' ? { storedConditioning: STORED_CONDITIONING } : {};
    const propagator = pack.memory
      ? new MemoryPropagator(pack.memory.constants, settings, storage)
      : new PromptPropagator();
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
    const before = this.host.runs.snapshot();
    const { image, info, timings } = await this.bindFrame(session, frame, session.propagator);
    const result = await session.processFrame(frame, this.services(image, timings));
    result.timingsMs = { ...info.timingsMs, ...timings, ...result.timingsMs };
    if (signal?.aborted) throw new EngineError('cancelled', 'The frame was cancelled.');
    const instances = await this.withBitmaps(session, info.imageId, result.instances);
    // Counted here, not in the session: the memory path runs vision while binding the frame.
    return { ...result, instances, graphRuns: this.host.runs.since(before) };
  }

  /** Decodes a frame's pixels and binds its features to `propagator` (vision once; the memory graphs' frame). */
  private async bindFrame(
    session: VideoSession,
    frame: VideoFramePixels,
    propagator: VideoSession['propagator'],
  ): Promise<{ image: FrameImage; info: ImageInfo; timings: StageTimings }> {
    const pack = this.host.require();
    const now = this.deps.now;
    const t0 = now();
    let decoded: DecodedImage;
    if (frame.rgba) decoded = decodeRgbaSource(frame.rgba);
    else if (frame.bitmap && this.deps.decodeFrame) decoded = this.deps.decodeFrame(frame.bitmap, frame.sourceSize);
    else throw new EngineError('decode-failed', 'A video frame arrived without pixels.');
    const info: ImageInfo = {
      imageId: `${session.id}-f${frame.frameIndex}-${++this.frameCounter}`,
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
    return { image, info, timings };
  }

  private services(image: FrameImage, timings: StageTimings): FrameServices {
    const { info } = image;
    return {
      imageWidth: info.width,
      imageHeight: info.height,
      displayWidth: info.displayWidth,
      displayHeight: info.displayHeight,
      detect: async (concept) => {
        const phrase = conceptPhrase(concept);
        return phrase ? this.features.detect(image, concept, phrase, timings) : null;
      },
      decodeClicks: async (prompt) => (await this.features.decodeObjectFor(image, prompt, timings)).raw,
      now: this.deps.now,
    };
  }

  /**
   * A prompt on frame k of the processed file (reference.md §10.5): decodes it there, makes it a conditioning frame
   * of its objects, and says which frames to send for the re-propagation.
   */
  async startEdit(request: VideoEditRequest, signal?: AbortSignal): Promise<VideoEditInfo> {
    const session = this.session;
    const pack = this.host.require();
    if (!session || session.id !== request.sessionId || signal?.aborted) {
      request.bitmap?.close();
      throw new EngineError('cancelled', signal?.aborted ? 'The edit was cancelled.' : 'That video session has ended.');
    }
    if (!(session.propagator instanceof MemoryPropagator) || !pack.memory) {
      request.bitmap?.close();
      throw new EngineError(
        'pack-contract',
        `${pack.info.name} has no video memory graphs: a prompt applies from its frame on (re-run the file), it ` +
          'cannot propagate backward.',
      );
    }
    this.endEdit();
    const before = this.host.runs.snapshot();
    const { bitmap: _bitmap, rgba: _rgba, ...rest } = request;
    const propagator = new MemoryPropagator(pack.memory.constants, session.settings, {
      storedConditioning: STORED_CONDITIONING,
      anchor: request.frameIndex,
    });
    const edit = new VideoEdit(`edit-${++this.edits}`, session, propagator, rest);
    this.edit = edit;
    const { image, info, timings } = await this.bindFrame(session, request, propagator);
    const anchor = await edit.start(this.services(image, timings), session.propagator);
    anchor.timingsMs = { ...info.timingsMs, ...timings, ...anchor.timingsMs };
    const instances = await this.withBitmaps(session, `${info.imageId}`, anchor.instances);
    return {
      editId: edit.id,
      objectIds: [...edit.objectIds],
      born: [...edit.born],
      frames: edit.frames,
      anchor: { ...anchor, instances, graphRuns: this.host.runs.since(before) },
    };
  }

  /** The edit's next frame: only its objects run (memory attention, decoder and encoder each per object). */
  async stepEdit(frame: VideoEditFrameInput, signal?: AbortSignal): Promise<VideoEditResult> {
    const edit = this.edit;
    const session = this.session;
    if (!edit || edit.id !== frame.editId || !session || signal?.aborted) {
      frame.bitmap?.close();
      throw new EngineError('cancelled', signal?.aborted ? 'The edit was cancelled.' : 'That edit has ended.');
    }
    const before = this.host.runs.snapshot();
    const { image, info, timings } = await this.bindFrame(session, frame, edit.propagator);
    const result = await edit.step(frame.frameIndex, frame.timestampMs, this.services(image, timings), frame.stored);
    result.timingsMs = { ...info.timingsMs, ...timings, ...result.timingsMs };
    if (signal?.aborted) throw new EngineError('cancelled', 'The edit was cancelled.');
    const instances = await this.withBitmaps(session, info.imageId, result.instances);
    return { ...result, instances, graphRuns: this.host.runs.since(before) };
  }

  endEdit(editId?: string): void {
    if (!this.edit || (editId !== undefined && this.edit.id !== editId)) return;
    this.edit.propagator.frame?.release?.();
    this.edit.dispose();
    this.edit = null;
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
    this.endEdit();
    const propagator = this.session.propagator;
    if (propagator instanceof MemoryPropagator) propagator.frame?.release?.();
    this.session.dispose();
    this.session = null;
    this.releaseFrame();
    return true;
  }
}
