/**
 * Test clips for file mode, encoded in the page with WebCodecs + mediabunny (the app's lazily loaded test tools):
 * any container/codec this Chromium encodes, exact timestamps (constant or variable frame rate), optionally
 * truncated. The frames are tools/video-fixtures' scene specs, so the content is deterministic.
 */
import type { JSHandle, Page } from '@playwright/test';
import { PALETTE } from '../tools/scenes/palette';
import type { ClipSpec } from '../tools/video-fixtures/clips';
import { dropDataTransfer } from './helpers';

export interface EncodeOptions {
  container: 'mp4' | 'mov' | 'webm' | 'mkv';
  codec: 'avc' | 'vp8' | 'vp9' | 'av1';
  /** Presentation times (s); default i / fps. */
  timestampsS?: number[];
  truncateTo?: number;
  name?: string;
}

const rgbOf = (name: string) => [...PALETTE.find((c) => c.name === name)!.rgb];

export function clipFrames(clip: ClipSpec) {
  return Array.from({ length: clip.frameCount }, (_, i) => {
    const spec = clip.frame(i);
    return {
      background: [...(spec.background as readonly number[])],
      rects: spec.shapes.flatMap((s) =>
        s.kind === 'rect' ? [{ x0: s.x0, y0: s.y0, x1: s.x1, y1: s.y1, rgb: rgbOf(s.colour) }] : [],
      ),
    };
  });
}

type Tools = {
  encodeClip(spec: unknown): Promise<File>;
};

/** The clip as a File inside a DataTransfer (ready to drop on the video stage). */
export async function clipDataTransfer(page: Page, clip: ClipSpec, o: EncodeOptions): Promise<JSHandle<DataTransfer>> {
  const spec = {
    name: o.name ?? `${clip.name}.${o.container}`,
    width: clip.width,
    height: clip.height,
    container: o.container,
    codec: o.codec,
    frames: clipFrames(clip),
    timestampsS: o.timestampsS ?? Array.from({ length: clip.frameCount }, (_, i) => i / clip.fps),
    ...(o.truncateTo !== undefined ? { truncateTo: o.truncateTo } : {}),
  };
  return page.evaluateHandle(async (spec) => {
    const hooks = (window as unknown as { __sam3: { videoTools(): Promise<Tools> } }).__sam3;
    const file = await (await hooks.videoTools()).encodeClip(spec);
    const dt = new DataTransfer();
    dt.items.add(file);
    return dt;
  }, spec);
}

export function dropOnVideoStage(page: Page, dt: JSHandle<DataTransfer>): Promise<void> {
  return dropDataTransfer(page, 'video-stage', dt);
}

/**
 * An H.264 MP4 of the clip with its decoder configuration damaged, inside a DataTransfer: `config` overwrites the
 * avcC record's bytes (its version, profile, parameter sets: all 0xFF); `sps` scrambles bytes inside its sequence
 * parameter set, a record that still parses but that the decoder rejects at the first frame.
 */
export async function damagedAvcClip(
  page: Page,
  clip: ClipSpec,
  damage: 'config' | 'sps',
  name: string,
): Promise<JSHandle<DataTransfer>> {
  const spec = {
    name,
    width: clip.width,
    height: clip.height,
    container: 'mp4',
    codec: 'avc',
    frames: clipFrames(clip).slice(0, 6),
    timestampsS: Array.from({ length: 6 }, (_, i) => i / clip.fps),
  };
  return page.evaluateHandle(
    async ({ spec, damage }) => {
      const hooks = (window as unknown as { __sam3: { videoTools(): Promise<Tools> } }).__sam3;
      const file = await (await hooks.videoTools()).encodeClip(spec);
      const b = new Uint8Array(await file.arrayBuffer());
      const box = b.findIndex((_, i) => b[i] === 0x61 && b[i + 1] === 0x76 && b[i + 2] === 0x63 && b[i + 3] === 0x43);
      if (box < 4) throw new Error('no avcC box in the encoded clip');
      const size = new DataView(b.buffer).getUint32(box - 4);
      const body = box + 4;
      const end = box - 4 + size;
      if (damage === 'config') b.fill(0xff, body, end);
      else for (let i = body + 12; i < body + 17; i++) b[i] ^= 0x5a; // inside the SPS, after its profile and level
      const dt = new DataTransfer();
      dt.items.add(new File([b], spec.name, { type: 'video/mp4' }));
      return dt;
    },
    { spec, damage },
  );
}
