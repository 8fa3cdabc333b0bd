/**
 * YUV4MPEG2 writer for Chromium's fake camera (`--use-file-for-fake-video-capture`): 4:2:0, full-range BT.601
 * ("C420jpeg"), frames rendered by tools/scenes/scene.ts. Deterministic: the same clip gives the same bytes.
 */
import { renderScene } from '../scenes/scene.ts';
import type { ClipSpec } from './clips.ts';

/** RGBA → planar Y, U, V (4:2:0, chroma averaged over each 2×2 block). Width and height must be even. */
export function rgbaToI420(width: number, height: number, rgba: Uint8Array): Uint8Array {
  const out = new Uint8Array((width * height * 3) / 2);
  const uOff = width * height;
  const vOff = uOff + (width * height) / 4;
  const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  for (let i = 0; i < width * height; i++) {
    const r = rgba[i * 4];
    const g = rgba[i * 4 + 1];
    const b = rgba[i * 4 + 2];
    out[i] = clamp(0.299 * r + 0.587 * g + 0.114 * b);
  }
  for (let y = 0; y < height; y += 2) {
    for (let x = 0; x < width; x += 2) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ]) {
        const p = ((y + dy) * width + x + dx) * 4;
        r += rgba[p];
        g += rgba[p + 1];
        b += rgba[p + 2];
      }
      r /= 4;
      g /= 4;
      b /= 4;
      const c = (y / 2) * (width / 2) + x / 2;
      out[uOff + c] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
      out[vOff + c] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
    }
  }
  return out;
}

export function y4mHeader(clip: Pick<ClipSpec, 'width' | 'height' | 'fps'>): string {
  return `YUV4MPEG2 W${clip.width} H${clip.height} F${clip.fps}:1 Ip A1:1 C420jpeg\n`;
}

/** The whole clip as y4m bytes (a list of chunks, to write or concatenate). */
export function clipToY4m(clip: ClipSpec): Uint8Array[] {
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [enc.encode(y4mHeader(clip))];
  const frameTag = enc.encode('FRAME\n');
  for (let i = 0; i < clip.frameCount; i++) {
    const scene = renderScene(clip.frame(i));
    chunks.push(frameTag, rgbaToI420(scene.width, scene.height, scene.data));
  }
  return chunks;
}
