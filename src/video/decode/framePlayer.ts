/**
 * Shows frames of an opened file after processing: one frame for a scrub (decoded from its key frame), or playback
 * from a frame on, each frame presented at its own timestamp (variable frame rates play at their real pace).
 */
import { VideoSampleSink } from 'mediabunny';
import { frameAtMediaTime } from './frameTable';
import type { MediaFile } from './mediaFile';

export class FramePlayer {
  private readonly sink: VideoSampleSink;
  private playToken = 0;
  private showToken = 0;

  constructor(private readonly media: MediaFile) {
    this.sink = new VideoSampleSink(media.track);
  }

  /** Frame i as a bitmap, or null when a newer request superseded this one. */
  async frame(i: number): Promise<ImageBitmap | null> {
    const my = ++this.showToken;
    const sample = await this.sink.getSample(this.media.table.timestampsS[i]);
    if (!sample) return null;
    try {
      if (my !== this.showToken) return null;
      return await toBitmap(sample, this.media);
    } finally {
      sample.close();
    }
  }

  /**
   * Plays from frame `from`: `onFrame(i, bitmap)` at each frame's time (the receiver owns the bitmap), `onEnd` after
   * the last frame. `stop()` (or another play) ends it.
   */
  play(from: number, onFrame: (i: number, bitmap: ImageBitmap) => void, onEnd: () => void): void {
    const my = ++this.playToken;
    const t0 = this.media.table.timestampsS[from];
    const startedAt = performance.now();
    void (async () => {
      try {
        for await (const sample of this.sink.samples(t0)) {
          if (my !== this.playToken) {
            sample.close();
            return;
          }
          const i = frameAtMediaTime(this.media.table, sample.timestamp);
          const bitmap = await toBitmap(sample, this.media);
          sample.close();
          const due = startedAt + (sample.timestamp - t0) * 1000;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          if (my !== this.playToken) {
            bitmap.close();
            return;
          }
          onFrame(i, bitmap);
        }
      } catch {
        // A disposed input (the file was closed) ends playback.
      }
      if (my === this.playToken) onEnd();
    })();
  }

  stop(): void {
    this.playToken++;
  }
}

async function toBitmap(
  sample: {
    rotation: number;
    toVideoFrame(): VideoFrame;
    draw: (c: OffscreenCanvasRenderingContext2D, x: number, y: number, w: number, h: number) => void;
  },
  media: MediaFile,
): Promise<ImageBitmap> {
  if (sample.rotation === 0) {
    const frame = sample.toVideoFrame();
    try {
      return await createImageBitmap(frame);
    } finally {
      frame.close();
    }
  }
  const canvas = new OffscreenCanvas(media.width, media.height);
  sample.draw(canvas.getContext('2d')!, 0, 0, media.width, media.height);
  return createImageBitmap(canvas);
}
