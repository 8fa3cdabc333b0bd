/** A decoded image as the engine keeps it: model-source pixels plus the display copy's size. */
import type { RgbaImage } from '../protocol/api';

export interface DecodedImage {
  width: number;
  height: number;
  /** Pixels the model pre-processing reads (the original, or a high-quality downscale of a huge image). */
  source: RgbaImage;
  downscaledForModel: boolean;
  displayWidth: number;
  displayHeight: number;
  display?: ImageBitmap;
}

export type ImageDecoder = (blob: Blob, name: string) => Promise<DecodedImage>;

/** Longest side of the display copy and of the masks the UI draws. */
export const MAX_DISPLAY_SIDE = 2048;
/** Above this side the model source is a downscaled copy (memory; the model sees inputSize² anyway). */
export const MAX_MODEL_SOURCE_SIDE = 4096;
/** Larger images are refused with a clear message. */
export const MAX_IMAGE_SIDE = 16384;

export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Raw RGBA (Node tests, benchmarks): no display bitmap, masks at the display size. */
export function decodeRgbaSource(image: RgbaImage): DecodedImage {
  if (image.data.length !== image.width * image.height * 4) {
    throw Object.assign(
      new Error(`RGBA data has ${image.data.length} bytes; expected ${image.width * image.height * 4}`),
      {
        code: 'decode-failed',
      },
    );
  }
  const display = fitWithin(image.width, image.height, MAX_DISPLAY_SIDE);
  return {
    width: image.width,
    height: image.height,
    source: image,
    downscaledForModel: false,
    displayWidth: display.width,
    displayHeight: display.height,
  };
}
