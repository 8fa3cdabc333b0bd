/**
 * Decodes an image file in the worker (the page never blocks): EXIF orientation honoured, colour values as
 * stored (no colour-space conversion, like the reference's PIL loading), first frame of a GIF. Huge images get
 * a high-quality downscaled model source and display copy instead of full-size pixel buffers.
 */
import {
  fitWithin,
  MAX_DISPLAY_SIDE,
  MAX_IMAGE_SIDE,
  MAX_MODEL_SOURCE_SIDE,
  type DecodedImage,
} from '../engine/decodedImage';
import { EngineError } from '../engine/engineError';
import { FORMAT_NAMES, HEADER_BYTES, readImageHeader, type ImageHeader } from './imageHeader';

const SUPPORTED = 'PNG, JPEG, WebP, BMP, GIF';

/**
 * Checks the file's own header before decoding: a file that is not an image, or an image too large to decode,
 * gets a message naming what it is and its size instead of a failed decode. Returns the header when it was read.
 */
export async function checkImageHeader(blob: Blob, name: string): Promise<ImageHeader | null> {
  const header = readImageHeader(new Uint8Array(await blob.slice(0, HEADER_BYTES).arrayBuffer()));
  if (header === null) return null;
  if ('kind' in header) {
    throw new EngineError('decode-failed', `“${name}” is not an image this app can open: it is ${header.what}.`);
  }
  const { width, height, format } = header;
  if (width === 0 || height === 0) {
    throw new EngineError(
      'decode-failed',
      `“${name}” is a ${FORMAT_NAMES[format]} whose header says it is ${width}×${height} pixels: the file is corrupt.`,
    );
  }
  if (Math.max(width, height) > MAX_IMAGE_SIDE) {
    throw new EngineError(
      'image-too-large',
      `“${name}” is a ${width}×${height} ${FORMAT_NAMES[format]} (${formatMegapixels(width * height)}); images up to ` +
        `${MAX_IMAGE_SIDE}×${MAX_IMAGE_SIDE} pixels are supported. Scale it down and open it again.`,
    );
  }
  return header;
}

function formatMegapixels(pixels: number): string {
  const mp = pixels / 1e6;
  return `${mp >= 100 ? Math.round(mp).toLocaleString('en-US') : mp.toFixed(1)} megapixels`;
}

function readPixels(bitmap: ImageBitmap): Uint8ClampedArray {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new EngineError('decode-failed', 'No 2D canvas is available in this browser.');
  ctx.drawImage(bitmap, 0, 0);
  return ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
}

async function resized(bitmap: ImageBitmap, size: { width: number; height: number }): Promise<ImageBitmap> {
  return createImageBitmap(bitmap, { resizeWidth: size.width, resizeHeight: size.height, resizeQuality: 'high' });
}

export async function decodeImageBlob(blob: Blob, name: string): Promise<DecodedImage> {
  if (blob.size === 0) throw new EngineError('decode-failed', `“${name}” is empty (0 bytes).`);
  const header = await checkImageHeader(blob, name);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, {
      imageOrientation: 'from-image',
      premultiplyAlpha: 'none',
      colorSpaceConversion: 'none',
    });
  } catch (err) {
    throw new EngineError(
      'decode-failed',
      header
        ? `“${name}” is a ${header.width}×${header.height} ${FORMAT_NAMES[header.format]} but could not be decoded: ` +
            'the file is truncated or corrupt.'
        : `“${name}” could not be decoded as an image: the file is corrupt or not a supported format (${SUPPORTED}).`,
      String(err),
    );
  }
  const { width, height } = bitmap;
  if (Math.max(width, height) > MAX_IMAGE_SIDE) {
    bitmap.close();
    throw new EngineError(
      'image-too-large',
      `“${name}” is ${width}×${height}; images up to ${MAX_IMAGE_SIDE} pixels on a side are supported.`,
    );
  }
  const downscaledForModel = Math.max(width, height) > MAX_MODEL_SOURCE_SIDE;
  const modelBitmap = downscaledForModel
    ? await resized(bitmap, fitWithin(width, height, MAX_MODEL_SOURCE_SIDE / 2))
    : bitmap;
  const data = readPixels(modelBitmap);
  const source = { width: modelBitmap.width, height: modelBitmap.height, data };
  if (modelBitmap !== bitmap) modelBitmap.close();
  const displaySize = fitWithin(width, height, MAX_DISPLAY_SIDE);
  const display =
    displaySize.width === width && displaySize.height === height ? bitmap : await resized(bitmap, displaySize);
  if (display !== bitmap) bitmap.close();
  return {
    width,
    height,
    source,
    downscaledForModel,
    displayWidth: displaySize.width,
    displayHeight: displaySize.height,
    display,
  };
}

/**
 * A video frame (webcam or decoded file): its pixels, and the same bounds as for images; the bitmap is closed.
 * With `sourceSize`, the bitmap is a copy the page already downscaled for the model (on the GPU): its pixels are the
 * model source, and the frame keeps its own size for boxes and masks.
 */
export function decodeVideoFrame(bitmap: ImageBitmap, sourceSize?: { width: number; height: number }): DecodedImage {
  const data = readPixels(bitmap);
  const source = { width: bitmap.width, height: bitmap.height, data };
  bitmap.close();
  const width = sourceSize?.width ?? source.width;
  const height = sourceSize?.height ?? source.height;
  const display = fitWithin(width, height, MAX_DISPLAY_SIDE);
  return {
    width,
    height,
    source,
    downscaledForModel: width !== source.width || height !== source.height,
    displayWidth: display.width,
    displayHeight: display.height,
  };
}
