/**
 * Decodes every frame of a file in order with WebCodecs (mediabunny's VideoSampleSink), ahead of the engine
 * through a bounded queue: while the worker runs the model on frame i, frames i+1 … i+capacity are decoded and
 * resized. Each frame is delivered once, with its index in the container's frame table and its exact timestamp.
 * The model's copy is resized by the browser (createImageBitmap's GPU/Skia scaler) to the pack's input size when the
 * frame is larger — never per-pixel JS. A file that ends before the frames its metadata lists fails with
 * "stopped at frame k of n: the file ends early" after the frames it has.
 */
import { VideoSampleSink, type VideoSample } from 'mediabunny';
import { VideoOpenError } from '../mediaSources';
import { BoundedQueue } from './boundedQueue';
import { undecodableMessage } from './decoderConfig';
import { endsEarlyMessage, frameAtMediaTime } from './frameTable';
import { codecLabel, type MediaFile } from './mediaFile';

export interface DecodedFrame {
  index: number;
  timestampS: number;
  /** The model's copy (transferred to the worker): resized to `modelSize` when the frame is larger. */
  model: ImageBitmap;
  /** The frame at its own size, for the stage. */
  display: ImageBitmap;
  /** Decode + resize time of this frame (ms; runs in parallel with the engine). */
  decodeMs: number;
}

export class FileEndsEarlyError extends Error {
  constructor(
    message: string,
    readonly framesRead: number,
    readonly expected: number,
  ) {
    super(message);
  }
}

export interface FrameReaderStats {
  decoded: number;
  decodeMs: number;
  /** Duplicate samples the decoder produced for a frame already delivered (dropped). */
  duplicates: number;
  maxQueueDepth: number;
}

/** The model copy's size: the pack's square input when the frame has more pixels, else the frame's own size. */
export function modelCopySize(width: number, height: number, inputSize: number): { width: number; height: number } {
  return width * height > inputSize * inputSize ? { width: inputSize, height: inputSize } : { width, height };
}

export class FrameReader {
  private readonly queue: BoundedQueue<DecodedFrame>;
  private readonly stats: FrameReaderStats = { decoded: 0, decodeMs: 0, duplicates: 0, maxQueueDepth: 0 };
  private readonly done: Promise<void>;

  constructor(
    private readonly media: MediaFile,
    private readonly inputSize: number,
    capacity = 4,
  ) {
    this.queue = new BoundedQueue<DecodedFrame>(capacity, (f) => {
      f.model.close();
      f.display.close();
    });
    this.done = this.produce();
  }

  /** The next frame in order, or null at the end. Throws FileEndsEarlyError after the last readable frame. */
  async next(): Promise<DecodedFrame | null> {
    const r = await this.queue.take();
    return r.done ? null : r.value;
  }

  getStats(): FrameReaderStats {
    return { ...this.stats, maxQueueDepth: this.queue.maxDepth };
  }

  /** Stops decoding and frees what is queued. */
  async cancel(): Promise<void> {
    this.queue.cancel();
    await this.done.catch(() => {});
  }

  private async produce(): Promise<void> {
    const { media } = this;
    const sink = new VideoSampleSink(media.track);
    const total = media.table.timestampsS.length;
    const expected = Math.max(total, media.expectedFrames);
    const modelSize = modelCopySize(media.width, media.height, this.inputSize);
    let last = -1;
    try {
      for await (const sample of sink.samples()) {
        if (this.queue.isCancelled) {
          sample.close();
          break;
        }
        const index = frameAtMediaTime(media.table, sample.timestamp);
        if (index <= last) {
          this.stats.duplicates++;
          sample.close();
          continue;
        }
        const t0 = performance.now();
        const frame = await this.bitmaps(sample, modelSize);
        const decodeMs = performance.now() - t0;
        this.stats.decoded++;
        this.stats.decodeMs += decodeMs;
        last = index;
        const ok = await this.queue.put({
          index,
          timestampS: media.table.timestampsS[index],
          ...frame,
          decodeMs,
        });
        if (!ok) break;
      }
      if (this.queue.isCancelled) return;
      const read = last + 1;
      if (read < expected) {
        this.queue.fail(new FileEndsEarlyError(endsEarlyMessage(media.name, read, expected), read, expected));
      } else this.queue.close();
    } catch (err) {
      const read = last + 1;
      // A decoder error before the first frame is the stream's own fault (its configuration or first key frame).
      const first =
        read === 0 && err instanceof DOMException
          ? new VideoOpenError(
              undecodableMessage(media.name, media.codec, codecLabel(media.codec), {
                kind: 'first-frame',
                error: String(err),
              }),
            )
          : err;
      this.queue.fail(
        read > 0 && read < expected
          ? new FileEndsEarlyError(endsEarlyMessage(media.name, read, expected), read, expected)
          : first,
      );
    }
  }

  /** The display and model copies of one decoded sample (rotation applied); the sample is closed. */
  private async bitmaps(
    sample: VideoSample,
    modelSize: { width: number; height: number },
  ): Promise<{ model: ImageBitmap; display: ImageBitmap }> {
    try {
      let source: VideoFrame | OffscreenCanvas;
      let frame: VideoFrame | null = null;
      if (sample.rotation === 0) {
        frame = sample.toVideoFrame();
        source = frame;
      } else {
        source = new OffscreenCanvas(this.media.width, this.media.height);
        sample.draw(source.getContext('2d')!, 0, 0, this.media.width, this.media.height);
      }
      try {
        const display = await createImageBitmap(source);
        const resize = modelSize.width !== this.media.width || modelSize.height !== this.media.height;
        const model = await createImageBitmap(
          source,
          resize ? { resizeWidth: modelSize.width, resizeHeight: modelSize.height, resizeQuality: 'high' } : undefined,
        );
        return { model, display };
      } finally {
        frame?.close();
      }
    } finally {
      sample.close();
    }
  }
}
