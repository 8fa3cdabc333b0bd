/**
 * Frames of an opened file in the order an edit asks for them (`editFrameOrder`: forward from frame k, then backward
 * from k − 1). A forward run reads one decoder stream on, the next frame decoded while the engine works on this
 * one. A decoder only runs forward, so a backward run decodes a chunk of frames ending at the one asked for (from
 * their key frame) and hands them out last first: one decode per chunk rather than one per frame from its key frame.
 */
import { VideoSampleSink, type VideoSample } from 'mediabunny';
import { frameAtMediaTime } from './frameTable';
import { modelCopySize, sampleBitmaps } from './frameReader';
import type { MediaFile } from './mediaFile';

/** Frames decoded at once going backward (their bitmaps are held until asked for). */
export const BACKWARD_CHUNK = 8;

/** The frames `[from, to]` decoded for a backward request of frame i. */
export function backwardChunk(i: number, chunk = BACKWARD_CHUNK): [number, number] {
  return [Math.max(0, i - chunk + 1), i];
}

export interface EditFrame {
  index: number;
  /** The model's copy (resized to the pack's input when larger) and the frame at its own size. */
  model: ImageBitmap;
  display: ImageBitmap;
}

export class EditFrameReader {
  private readonly sink: VideoSampleSink;
  private readonly modelSize: { width: number; height: number };
  private forward: AsyncGenerator<VideoSample, void, unknown> | null = null;
  /** The frame the forward stream gives next, and its decode started ahead. */
  private ahead: { index: number; frame: Promise<EditFrame | null> } | null = null;
  private readonly held = new Map<number, EditFrame>();
  private closed = false;
  /** The frame asked for last: a frame before it is a backward step. */
  private last = -1;

  constructor(
    private readonly media: MediaFile,
    inputSize: number,
  ) {
    this.sink = new VideoSampleSink(media.track);
    this.modelSize = modelCopySize(media.width, media.height, inputSize);
  }

  /** Frame i (the caller owns its bitmaps); null when the file has no such frame. */
  async frame(i: number): Promise<EditFrame | null> {
    const previous = this.last;
    this.last = i;
    const held = this.held.get(i);
    if (held) {
      this.held.delete(i);
      return held;
    }
    const last = this.media.table.timestampsS.length - 1;
    if (i < 0 || i > last) return null;
    if (this.ahead?.index === i) {
      const f = await this.ahead.frame;
      this.ahead = i < last ? { index: i + 1, frame: this.readForward(i + 1) } : null;
      return f;
    }
    // Not the next frame of the forward stream: a backward step (or the prompted frame) decodes a chunk.
    if (previous >= 0 && i < previous) return this.backward(i);
    await this.stopForward();
    this.forward = this.sink.samples(this.media.table.timestampsS[i]);
    const f = await this.readForward(i);
    this.ahead = i < last ? { index: i + 1, frame: this.readForward(i + 1) } : null;
    return f;
  }

  /** Frees every bitmap held and stops the decoder. */
  async close(): Promise<void> {
    this.closed = true;
    await this.stopForward();
    this.dropHeld();
  }

  private async backward(i: number): Promise<EditFrame | null> {
    await this.stopForward();
    this.dropHeld();
    const [from, to] = backwardChunk(i);
    const samples = this.sink.samples(this.media.table.timestampsS[from]);
    try {
      for await (const sample of samples) {
        const index = frameAtMediaTime(this.media.table, sample.timestamp);
        if (index < from || index > to || this.held.has(index) || this.closed) {
          sample.close();
          if (index > to || this.closed) break;
          continue;
        }
        const { model, display } = await sampleBitmaps(sample, this.media, this.modelSize);
        this.held.set(index, { index, model, display });
        if (index === to) break;
      }
    } finally {
      await samples.return();
    }
    const f = this.held.get(i) ?? null;
    this.held.delete(i);
    return f;
  }

  /** The forward stream's frame `index` (samples before it are skipped: duplicates, the key frame run-in). */
  private async readForward(index: number): Promise<EditFrame | null> {
    const stream = this.forward;
    if (!stream) return null;
    for (;;) {
      const r = await stream.next();
      if (r.done || this.closed) {
        if (!r.done) r.value.close();
        return null;
      }
      const at = frameAtMediaTime(this.media.table, r.value.timestamp);
      if (at < index) {
        r.value.close();
        continue;
      }
      const { model, display } = await sampleBitmaps(r.value, this.media, this.modelSize);
      return { index: at, model, display };
    }
  }

  private async stopForward(): Promise<void> {
    const ahead = this.ahead;
    this.ahead = null;
    if (ahead) {
      const f = await ahead.frame.catch(() => null);
      f?.model.close();
      f?.display.close();
    }
    await this.forward?.return();
    this.forward = null;
  }

  private dropHeld(): void {
    for (const f of this.held.values()) {
      f.model.close();
      f.display.close();
    }
    this.held.clear();
  }
}
