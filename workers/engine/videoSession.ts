/**
 * One video/webcam tracking session: SAM 3's per-frame loop (reference.md §9.2) over the engine's graphs —
 * detector per concept (every `detectEvery` frames) with mask NMS, propagation of existing objects, association
 * by mask IoU, ID birth, hotstart removal, periodic re-conditioning, overlap suppression, non-overlapping output
 * masks. Only the current frame's features and each object's memory are kept: nothing grows with stream length.
 */
import type {
  VideoFrameInput,
  VideoFrameResult,
  VideoInstance,
  VideoSessionOptions,
  TrackerSettings,
} from '../protocol/video';
import type { ConceptPrompt, ObjectPrompt } from '../protocol/prompts';
import type { StageTimings } from '../protocol/results';
import type { RawDetection } from '../pipelines/imageConcepts';
import type { RawObjectDecode } from '../pipelines/clickRefine';
import { keptQueries } from '../core/postprocess';
import { maskNms } from '../core/nms';
import { binarizeLogits, upsampleMaskLogits } from '../core/masks';
import { decodeRowMajorRle, encodeCocoRleFromCrop } from '../core/rle';
import { renderInstanceMask } from './instanceMasks';
import { associate } from '../tracking/association';
import { memoryPlanes, outputMasks, TrackBook } from '../tracking/trackBook';
import { promptPoints, type ConditionInput, type Prediction, type Propagator } from '../tracking/propagation';

/** What the session needs from the engine for the current frame. */
export interface FrameServices {
  imageWidth: number;
  imageHeight: number;
  displayWidth: number;
  displayHeight: number;
  /** Raw detector output for one concept on the current frame (vision and text cached by the engine). */
  detect(concept: ConceptPrompt): Promise<RawDetection | null>;
  /** The prompt decoder on the current frame (clicks). */
  decodeClicks(prompt: ObjectPrompt): Promise<RawObjectDecode>;
  now(): number;
}

interface Detection {
  conceptIndex: number;
  score: number;
  logits: Float32Array;
  mask: Uint8Array;
}

interface LiveTrack {
  conceptIndex: number;
  score: number;
}

export class VideoSession {
  private readonly book: TrackBook;
  private readonly live = new Map<number, LiveTrack>();
  /** Object prompts already applied (id + prompt signature). */
  private readonly appliedObjects = new Map<string, string>();
  private readonly objectTrack = new Map<string, number>();
  /** Exemplar boxes already seen (a negative box removes tracks once, on the frame it arrives). */
  private readonly seenBoxes = new Set<string>();
  private grid = { width: 0, height: 0 };

  constructor(
    readonly id: string,
    readonly options: VideoSessionOptions,
    readonly settings: TrackerSettings,
    readonly propagator: Propagator,
  ) {
    this.book = new TrackBook(settings);
  }

  /** One frame; the engine adds the graph-run counts (it runs vision before the session for the memory path). */
  async processFrame(frame: VideoFrameInput, svc: FrameServices): Promise<Omit<VideoFrameResult, 'graphRuns'>> {
    const timings: StageTimings = {};
    const detectorRan = frame.concepts.length > 0 && frame.frameIndex % Math.max(1, this.options.detectEvery) === 0;
    let t = svc.now();
    const detections = detectorRan ? await this.detect(frame.concepts, svc) : [];
    timings.detector = svc.now() - t;

    t = svc.now();
    const ids = [...this.live.keys()];
    const predictions = await this.propagator.propagate(ids);
    timings.tracker = svc.now() - t;
    const trackMasks = new Map<number, Uint8Array>();
    const trackLogits = new Map<number, Float32Array>();
    for (const id of ids) {
      const prediction = predictions.get(id)!;
      // The object is present iff its object-score logit > 0 (reference.md §10.5 step 7).
      const p = prediction.objectScoreLogit > 0 ? this.onGrid(prediction) : this.emptyGrid();
      trackLogits.set(id, p);
      trackMasks.set(id, binarizeLogits(p));
    }

    const negated = this.applyNewNegativeBoxes(frame.concepts, trackMasks, svc);
    for (const id of negated) this.drop(id, trackMasks, trackLogits);
    const tracked = ids.filter((id) => trackMasks.has(id));

    const assoc = detectorRan
      ? associate(
          detections,
          tracked.map((id) => ({ id, mask: trackMasks.get(id)! })),
          this.settings,
        )
      : null;
    const objectScores = new Map(tracked.map((id) => [id, predictions.get(id)!.objectScoreLogit]));
    const plan = this.book.plan(
      frame.frameIndex,
      assoc,
      (assoc?.newDetections ?? []).map((d) => ({
        detection: d,
        score: detections[d].score,
        conceptIndex: detections[d].conceptIndex,
      })),
      objectScores,
    );
    for (const id of plan.removed) this.drop(id, trackMasks, trackLogits);
    if (assoc) {
      for (const [di, tracks] of assoc.tracksOfDetection.entries()) {
        for (const id of tracks) {
          const live = this.live.get(id);
          if (live) live.score = Math.max(detections[di].score, 0);
        }
      }
    }
    for (const { id, detection } of [...plan.born, ...plan.recondition]) {
      const det = detections[detection];
      if (!this.live.has(id)) this.live.set(id, { conceptIndex: det.conceptIndex, score: det.score });
      trackLogits.set(id, det.logits);
      trackMasks.set(id, det.mask);
      await this.propagator.condition(id, this.conditionInput(det.logits, false));
    }
    await this.applyClicks(frame.frameIndex, frame.objects ?? [], svc, trackLogits, trackMasks);

    const empty = new Set([...trackMasks].filter(([, m]) => !m.some((v) => v)).map(([id]) => id));
    const suppressed = this.book.suppressOverlaps(frame.frameIndex, trackMasks, empty);
    for (const id of suppressed) trackMasks.set(id, new Uint8Array(trackMasks.get(id)!.length));

    const scored = [...trackMasks].map(([id, mask]) => ({ id, score: this.live.get(id)?.score ?? 0, mask }));
    const output = outputMasks(scored, this.settings);
    const memory = memoryPlanes(
      [...trackLogits].map(([id, logits]) => ({ id, logits })),
      this.settings,
      suppressed,
    );
    const final = new Map<number, ConditionInput>();
    for (const [id, logits] of memory) final.set(id, this.conditionInput(logits, false));
    t = svc.now();
    await this.propagator.commit(final);
    timings.memory = svc.now() - t;

    t = svc.now();
    const instances = this.render(frame, output, trackLogits, svc);
    timings.postprocess = svc.now() - t;
    return {
      sessionId: this.id,
      frameIndex: frame.frameIndex,
      timestampMs: frame.timestampMs,
      instances,
      width: svc.imageWidth,
      height: svc.imageHeight,
      displayWidth: svc.displayWidth,
      displayHeight: svc.displayHeight,
      detectorRan,
      born: plan.born.map((b) => b.id),
      removed: [...negated, ...plan.removed],
      removedReasons: Object.fromEntries([
        ...negated.map((id) => [id, 'negative-box'] as const),
        ...plan.reasons.entries(),
      ]),
      timingsMs: timings,
    };
  }

  dispose(): void {
    this.propagator.dispose();
    this.live.clear();
  }

  /** Detections of every concept: thresholded, mask-NMS'd per concept, binarized on the common grid. */
  private async detect(concepts: ConceptPrompt[], svc: FrameServices): Promise<Detection[]> {
    const out: Detection[] = [];
    for (const [conceptIndex, concept] of concepts.entries()) {
      const raw = await svc.detect(concept);
      if (!raw) continue;
      this.grid = { width: raw.maskWidth, height: raw.maskHeight };
      const kept = keptQueries(raw.scores, this.settings.scoreThresholdDetection).filter((q) => raw.masks.has(q));
      const items = kept.map((q) => ({
        score: raw.scores[q],
        logits: raw.masks.get(q)!,
        mask: binarizeLogits(raw.masks.get(q)!),
      }));
      for (const k of maskNms(items, this.settings.detNmsThreshold)) out.push({ conceptIndex, ...items[k] });
    }
    return out;
  }

  /**
   * A negative exemplar box added on this frame also removes the tracks of its concept that lie mostly (≥ 50 %)
   * inside it — the same rule the detector applies to detections — so it takes effect from this frame on.
   */
  private applyNewNegativeBoxes(
    concepts: ConceptPrompt[],
    masks: Map<number, Uint8Array>,
    svc: FrameServices,
  ): number[] {
    const removed: number[] = [];
    const { width: gw, height: gh } = this.grid;
    for (const [conceptIndex, concept] of concepts.entries()) {
      for (const box of concept.boxes) {
        if (box.polarity !== 'negative' || this.seenBoxes.has(box.id)) continue;
        this.seenBoxes.add(box.id);
        const [x0, y0, x1, y1] = box.xyxyPx;
        const gx0 = (x0 * gw) / svc.imageWidth;
        const gx1 = (x1 * gw) / svc.imageWidth;
        const gy0 = (y0 * gh) / svc.imageHeight;
        const gy1 = (y1 * gh) / svc.imageHeight;
        for (const [id, mask] of masks) {
          if (this.live.get(id)?.conceptIndex !== conceptIndex) continue;
          let area = 0;
          let inside = 0;
          for (let i = 0; i < mask.length; i++) {
            if (!mask[i]) continue;
            area++;
            const x = (i % gw) + 0.5;
            const y = Math.floor(i / gw) + 0.5;
            if (x >= gx0 && x <= gx1 && y >= gy0 && y <= gy1) inside++;
          }
          if (area > 0 && inside >= 0.5 * area) {
            removed.push(id);
            this.book.remove(id);
          }
        }
      }
    }
    return removed;
  }

  /** Clicked objects on this frame: a click on a track re-conditions it; elsewhere it starts a new track. */
  private async applyClicks(
    frameIndex: number,
    objects: ObjectPrompt[],
    svc: FrameServices,
    trackLogits: Map<number, Float32Array>,
    trackMasks: Map<number, Uint8Array>,
  ): Promise<void> {
    for (const obj of objects) {
      const signature = JSON.stringify([obj.points, obj.boxXyxyPx, obj.candidate]);
      if (this.appliedObjects.get(obj.id) === signature || (obj.points.length === 0 && !obj.boxXyxyPx)) continue;
      this.appliedObjects.set(obj.id, signature);
      const { logits, score, pointer } = await this.decodeObject(obj, svc);
      const target = this.objectTrack.get(obj.id) ?? obj.trackId;
      let id = target !== undefined && this.live.has(target) ? target : undefined;
      if (id === undefined) {
        const born = this.book.birth(frameIndex, -1, true);
        if (born === null) continue;
        id = born;
        this.live.set(id, { conceptIndex: -1, score });
      }
      this.book.pin(id);
      this.objectTrack.set(obj.id, id);
      trackLogits.set(id, logits);
      trackMasks.set(id, binarizeLogits(logits));
      await this.propagator.condition(id, this.conditionInput(logits, true), pointer);
    }
  }

  /**
   * One object's prompt on this frame. With the memory graphs, as the reference does: the memory decoder on the
   * frame's raw features with no memory, the prompt's points labelled 1/0 (clicks) and 2/3 (box corners), SAM's
   * multimask rule in the decoder; its object pointer conditions the track. The fallback uses the image tracker's
   * prompt decoder and the candidate the person chose.
   */
  async decodeObject(
    obj: ObjectPrompt,
    svc: FrameServices,
    propagator: Propagator = this.propagator,
  ): Promise<{ logits: Float32Array; score: number; pointer?: Float32Array }> {
    if (propagator.decodePrompt) {
      const points = promptPoints(
        obj.points.map((p) => ({ xyPx: p.xyPx, polarity: p.polarity })),
        obj.boxXyxyPx,
        svc.imageWidth,
        svc.imageHeight,
      );
      const d = await propagator.decodePrompt(points);
      const onGrid = this.onGrid(d.prediction);
      // The object is present iff its object-score logit > 0 (reference.md §8).
      const logits = d.prediction.objectScoreLogit > 0 ? onGrid : onGrid.map(() => -10);
      return { logits, score: d.prediction.iou, pointer: d.pointer };
    }
    const raw = await svc.decodeClicks(obj);
    const c = raw.order[Math.max(0, Math.min(raw.order.length - 1, obj.candidate))];
    const logits = this.onGrid({
      logits: raw.masks[c],
      width: raw.maskWidth,
      height: raw.maskHeight,
      objectScoreLogit: raw.objectScoreLogit,
      iou: raw.iou[c],
    });
    return { logits, score: raw.iou[c] };
  }

  /**
   * An edit's prompt on `frame` of the processed file: the track it re-conditions (the track it was made for, or
   * the one it names), else a new track born there with the next ID (IDs are never reused), pinned like any
   * clicked track. Null when the object cap is reached.
   */
  editTarget(obj: ObjectPrompt, frame: number, score: number): { id: number; born: boolean } | null {
    const target = this.objectTrack.get(obj.id) ?? obj.trackId;
    if (target !== undefined && this.live.has(target)) {
      this.book.pin(target);
      this.objectTrack.set(obj.id, target);
      return { id: target, born: false };
    }
    const id = this.book.birth(frame, -1, true);
    if (id === null) return null;
    this.live.set(id, { conceptIndex: -1, score });
    this.book.pin(id);
    this.objectTrack.set(obj.id, id);
    return { id, born: true };
  }

  /** The mask grid every track's logits are on. */
  gridSize(): { width: number; height: number } {
    return { ...this.grid };
  }

  /** A track's score (the output's non-overlap order). */
  scoreOf(id: number): number {
    return this.live.get(id)?.score ?? 0;
  }

  /** Tracker logits on the session's mask grid (present iff the object-score logit > 0). */
  toGrid(p: Prediction): Float32Array {
    const onGrid = this.onGrid(p);
    return p.objectScoreLogit > 0 ? onGrid : onGrid.map(() => -10);
  }

  render(
    frame: VideoFrameInput,
    masks: Map<number, Uint8Array>,
    logits: Map<number, Float32Array>,
    svc: FrameServices,
  ): VideoInstance[] {
    const { width: gw, height: gh } = this.grid;
    const dw = svc.displayWidth;
    const dh = svc.displayHeight;
    const instances: VideoInstance[] = [];
    const sizes = {
      displayWidth: dw,
      displayHeight: dh,
      fullWidth: svc.imageWidth,
      fullHeight: svc.imageHeight,
      threshold: 0,
    };
    for (const [id, mask] of [...masks].sort((a, b) => a[0] - b[0])) {
      if (!mask.some((v) => v)) continue;
      const live = this.live.get(id)!;
      const plane = { data: ownedLogits(logits.get(id)!, mask), width: gw, height: gh };
      const { display, fullArea, fullBox } = renderInstanceMask(plane, sizes);
      if (!display || !fullBox) continue;
      const concept = frame.concepts[live.conceptIndex];
      const inst: VideoInstance = {
        instanceId: id,
        conceptId: concept?.id ?? `object:${id}`,
        conceptIndex: concept ? live.conceptIndex : -1,
        query: -1,
        score: live.score,
        presence: 1,
        boxXyxyPx: fullBox,
        areaPx: fullArea,
        mask: display,
        source: concept ? 'concept' : 'object',
      };
      if (this.book.isProvisional(id, frame.frameIndex)) inst.provisional = true;
      if (this.options.withCocoRle) {
        const [x0, y0, x1, y1] = display.box;
        const bits = decodeRowMajorRle(display.counts, x1 - x0, y1 - y0);
        inst.cocoRle = encodeCocoRleFromCrop(bits, display.box, dw, dh);
      }
      instances.push(inst);
    }
    return instances;
  }

  private drop(id: number, masks: Map<number, Uint8Array>, logits: Map<number, Float32Array>): void {
    this.live.delete(id);
    masks.delete(id);
    logits.delete(id);
    this.propagator.remove(id);
  }

  /** Tracker logits resampled to the detector's mask grid when the two differ. */
  private onGrid(p: Prediction): Float32Array {
    if (this.grid.width === 0) this.grid = { width: p.width, height: p.height };
    const { width, height } = this.grid;
    if (p.width === width && p.height === height) return p.logits;
    const bin = upsampleMaskLogits(p.logits, 0, p.height, p.width, width, height, 0);
    return Float32Array.from(bin, (v) => (v ? 10 : -10));
  }

  private emptyGrid(): Float32Array {
    return new Float32Array(this.grid.width * this.grid.height).fill(-10);
  }

  private conditionInput(logits: Float32Array, fromClicks: boolean): ConditionInput {
    return { logits, width: this.grid.width, height: this.grid.height, fromClicks };
  }
}

/**
 * What the output renders of an object: its logits, except where it is set (> 0) but another object owns the
 * pixel (`outputMasks`), pushed to −10. Its own below-zero logits stay as decoded, so the bilinear upsampling to the
 * frame's size draws the boundary where the decoder put it — as the still image does and PyTorch does. (Pushing every
 * unowned pixel to −10 moves the zero crossing towards the inside: thin or fragmented masks lost most of their area.)
 */
export function ownedLogits(logits: Float32Array, owned: Uint8Array): Float32Array {
  return logits.map((v, i) => (owned[i] || v <= 0 ? v : -10));
}
