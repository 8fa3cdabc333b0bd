/**
 * The PNG sample → RGBA conversion `npm run label` used before toRgba8 (tools/label/decodeImageFile.ts): one
 * closure call per sample. Kept as the tests' reference for toRgba8 and as bench:label's "before".
 */
export function toRgba8PerSample(data: ArrayLike<number>, pixels: number, channels: number, depth: number): Uint8Array {
  const shift = depth === 16 ? 8 : 0;
  const scale = depth < 8 ? 255 / (2 ** depth - 1) : 1;
  const out = new Uint8Array(pixels * 4);
  for (let i = 0; i < pixels; i++) {
    const px = (c: number) => Math.round((data[i * channels + c] >> shift) * scale);
    const grey = channels <= 2;
    out[i * 4] = px(0);
    out[i * 4 + 1] = grey ? px(0) : px(1);
    out[i * 4 + 2] = grey ? px(0) : px(2);
    out[i * 4 + 3] = channels === 2 ? px(1) : channels === 4 ? px(3) : 255;
  }
  return out;
}
