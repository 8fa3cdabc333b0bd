/**
 * A thumbnail made in the worker (the folder's grid): the decoded image's display copy scaled so its longer side is
 * `side` pixels, as a JPEG. The page stores and shows the Blob; it never scales pixels itself.
 */
import type { DecodedImage } from '../engine/decodedImage';

export async function makeThumbnail(decoded: DecodedImage, side: number): Promise<Blob | undefined> {
  const picture = decoded.display;
  if (!picture) return undefined;
  const k = Math.min(1, side / Math.max(picture.width, picture.height));
  const w = Math.max(1, Math.round(picture.width * k));
  const h = Math.max(1, Math.round(picture.height * k));
  try {
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d');
    if (!ctx) return undefined;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(picture, 0, 0, w, h);
    return await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
  } catch {
    return undefined; // no thumbnail: the grid shows the image's name
  }
}
