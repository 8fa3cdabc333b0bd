/**
 * An edit of a processed file: prompts on frame k become conditioning frames of their objects (an existing track,
 * or a new one), and only those objects are propagated from k — forward to the last frame and/or backward to the
 * first — with the reference's memory for each direction (reference.md §10.5: the closest conditioning frames on
 * either side, recent frames and pointers on the side already propagated; `track_in_reverse_time` backward).
 *
 * The edit's banks start from each object's conditioning frames kept by the session (detections, re-conditioning,
 * earlier prompts) plus the new one, and no recent memory: the reference clears the non-conditioning memory within
 * 7 frames of a prompt (`clear_non_cond_mem_around_input`), which covers every recent frame the first propagated
 * frame could read. (Pointers the first pass made 8–15 frames before k are not kept after it, so they are missing
 * at the start of the edit, where the reference would still read them.) The backward pass of `both` reads the
 * forward pass's recent frames next to k, as the reference's does. A conditioning frame keeps its stored mask:
 * the reference re-emits it rather than re-predicting it.
 */
import { editFrameOrder, type VideoEditRequest, type VideoEditResult, type VideoInstance } from '../protocol/video';
import type { StageTimings } from '../protocol/results';
import type { RleMask } from '../protocol/results';
import { binarizeLogits, maskIou } from '../core/masks';
import { decodeRowMajorRle } from '../core/rle';
import { memoryPlanes, outputMasks } from '../tracking/trackBook';
import type { MemoryPropagator } from '../tracking/memoryPropagator';
import type { ConditionInput } from '../tracking/propagation';
import { EngineError } from './engineError';
import type { FrameServices, VideoSession } from './videoSession';

/**
 * A direction of an edit stops once every re-run object that existed before the edit has a mask with at least this
 * IoU with the one stored on the frame (and no object is new): beyond it the first pass already agrees with the
 * correction. Not in the reference, which re-runs the whole range; it keeps an edit to the frames it changes.
 */
export const CONVERGED_IOU = 0.9;

/** The reference's clear_non_cond_mem_around_input window (memory_temporal_stride_for_eval × num_maskmem). */
export const CLEAR_AROUND_INPUT = 7;

export class VideoEdit {
  readonly frames: number[];
  readonly objectIds: number[] = [];
  readonly born: number[] = [];
  private next = 0;
  /** Objects whose conditioning frames lie in the range: those frames keep their stored masks. */
  private readonly conditioned = new Map<number, Set<number>>();

  constructor(
    readonly id: string,
    readonly session: VideoSession,
    readonly propagator: MemoryPropagator,
    readonly request: Omit<VideoEditRequest, 'bitmap' | 'rgba'>,
  ) {
    this.frames = editFrameOrder(request.frameIndex, request.frameCount, request.direction);
    propagator.numFrames = request.frameCount;
  }

  /** Frame k: each prompt decoded on it (memory decoder, no memory) conditions its object; session and edit keep it. */
  async start(svc: FrameServices, sessionPropagator: MemoryPropagator): Promise<VideoEditResult> {
    const k = this.request.frameIndex;
    const logits = new Map<number, Float32Array>();
    for (const obj of this.request.objects) {
      if (obj.points.length === 0 && !obj.boxXyxyPx) continue;
      const decoded = await this.session.decodeObject(obj, svc, this.propagator);
      const target = this.session.editTarget(obj, k, decoded.score);
      if (!target) continue;
      if (target.born) this.born.push(target.id);
      if (!this.objectIds.includes(target.id)) this.objectIds.push(target.id);
      this.propagator.addConditioning(target.id, sessionPropagator.conditioningOf(target.id));
      const input: ConditionInput = {
        logits: decoded.logits,
        ...this.session.gridSize(),
        fromClicks: true,
      };
      await this.propagator.condition(target.id, input, decoded.pointer);
      // Written back: a later edit (or export of the state) sees this prompt as a conditioning frame of the object.
      sessionPropagator.addConditioning(
        target.id,
        this.propagator.conditioningOf(target.id).filter((e) => e.frame === k),
      );
      logits.set(target.id, decoded.logits);
    }
    for (const id of this.objectIds) {
      const frames = new Set(this.propagator.conditioningOf(id).map((e) => e.frame));
      frames.delete(k);
      this.conditioned.set(id, frames);
    }
    const anchor = this.result(k, this.request.timestampMs, logits, svc, {});
    anchor.next = this.frames[0] ?? null;
    return anchor;
  }

  /** The next frame of the edit, in `frames` order (backward once the frames go below k). */
  async step(
    frameIndex: number,
    timestampMs: number,
    svc: FrameServices,
    stored?: Record<number, RleMask | null>,
  ): Promise<VideoEditResult> {
    if (this.frames[this.next] !== frameIndex) {
      throw new EngineError(
        'runtime',
        `The edit expected frame ${this.frames[this.next] ?? '(none: it is done)'}, not frame ${frameIndex}.`,
      );
    }
    this.next++;
    this.propagator.reverse = frameIndex < this.request.frameIndex;
    const timings: StageTimings = {};
    const ids = this.objectIds.filter((id) => !this.conditioned.get(id)?.has(frameIndex));
    let t = svc.now();
    const predictions = await this.propagator.propagate(ids);
    timings.tracker = svc.now() - t;
    const logits = new Map<number, Float32Array>();
    for (const id of ids) logits.set(id, this.session.toGrid(predictions.get(id)!));
    const memory = memoryPlanes(
      [...logits].map(([id, l]) => ({ id, logits: l })),
      this.session.settings,
    );
    const final = new Map<number, ConditionInput>();
    for (const [id, l] of memory) final.set(id, { logits: l, ...this.session.gridSize(), fromClicks: false });
    t = svc.now();
    await this.propagator.commit(final);
    timings.memory = svc.now() - t;
    const result = this.result(frameIndex, timestampMs, logits, svc, timings);
    if (stored && this.born.length === 0 && ids.length > 0 && this.agrees(result, stored)) {
      // The rest of this direction is what the first pass made: go to the other direction, or finish.
      const k = this.request.frameIndex;
      const backStart = this.frames.indexOf(k - 1);
      this.next = frameIndex > k && backStart >= 0 ? backStart : this.frames.length;
    }
    result.next = this.frames[this.next] ?? null;
    return result;
  }

  /** Every re-run object's new mask matches the stored one (both empty counts). */
  private agrees(result: VideoEditResult, stored: Record<number, RleMask | null>): boolean {
    return result.updated.every((id) => {
      const fresh = result.instances.find((i) => i.instanceId === id)?.mask ?? null;
      const old = stored[id] ?? null;
      if (!fresh || !old) return !fresh && !old;
      return maskIou(fullPlane(fresh), fullPlane(old)) >= CONVERGED_IOU;
    });
  }

  get done(): boolean {
    return this.next >= this.frames.length;
  }

  dispose(): void {
    this.propagator.dispose();
  }

  private result(
    frameIndex: number,
    timestampMs: number,
    logits: Map<number, Float32Array>,
    svc: FrameServices,
    timings: StageTimings,
  ): VideoEditResult {
    const scored = [...logits].map(([id, l]) => ({ id, score: this.session.scoreOf(id), mask: binarizeLogits(l) }));
    const output = outputMasks(scored, this.session.settings);
    const instances: VideoInstance[] = this.session.render(
      {
        sessionId: this.session.id,
        frameIndex,
        timestampMs,
        concepts: this.request.concepts,
        scoreThreshold: 0,
      },
      output,
      logits,
      svc,
    );
    return {
      editId: this.id,
      updated: [...logits.keys()],
      next: null,
      sessionId: this.session.id,
      frameIndex,
      timestampMs,
      instances,
      width: svc.imageWidth,
      height: svc.imageHeight,
      displayWidth: svc.displayWidth,
      displayHeight: svc.displayHeight,
      detectorRan: false,
      born: frameIndex === this.request.frameIndex ? [...this.born] : [],
      removed: [],
      timingsMs: timings,
      graphRuns: {},
    };
  }
}

/** A display-size mask (cropped to its box) on its whole plane. */
function fullPlane(m: RleMask): Uint8Array {
  const out = new Uint8Array(m.width * m.height);
  const [x0, y0, x1, y1] = m.box ?? [0, 0, m.width, m.height];
  const crop = decodeRowMajorRle(m.counts, x1 - x0, y1 - y0);
  for (let y = y0; y < y1; y++)
    out.set(crop.subarray((y - y0) * (x1 - x0), (y - y0 + 1) * (x1 - x0)), y * m.width + x0);
  return out;
}
