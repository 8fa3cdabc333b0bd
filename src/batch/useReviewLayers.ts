/**
 * The review canvas's two layers. The picture: the image file decoded by the browser off the main thread, straight
 * to its display size (`createImageBitmap` resizes), then drawn once. The masks: the worker painter's bitmaps of each
 * annotation (asked for by mask identity when the page lacks them), tinted and drawn at their crops; drawn again when
 * asked-for bitmaps arrive. No mask pixel is computed on the main thread.
 */
import { useEffect, useState, type RefObject } from 'react';
import type { BatchAnnotation, BatchImage } from '../../workers/batch/types';
import type { MaskToPaint } from '../../workers/protocol';
import { requestMaskBitmaps } from '../actions/maskPixels';
import type { InstanceColor } from '../colors';
import { maskBox } from '../draw/maskBitmap';
import { maskSource, onMaskBitmaps } from '../draw/maskSources';
import { loadFile } from './batchDb';
import { reviewMasks } from './reviewOverlay';

/**
 * Draws the image of `key` into `canvasRef` at the display size (`displayWidth × displayHeight`, known once the image
 * is labelled; before that, the file's own size, capped). Returns the size drawn.
 */
export function useReviewPicture(
  canvasRef: RefObject<HTMLCanvasElement | null>,
  key: string | undefined,
  displayWidth: number,
  displayHeight: number,
): { width: number; height: number } {
  // What was decoded, for which image and size: a bitmap is closed once its image or size is no longer wanted.
  const [loaded, setLoaded] = useState<{ id: string; bitmap: ImageBitmap } | null>(null);
  const id = `${key}@${displayWidth}x${displayHeight}`;
  useEffect(() => {
    let live = true;
    let made: ImageBitmap | null = null;
    if (!key) return;
    void loadFile(key).then(async (blob) => {
      if (!blob || !live) return;
      try {
        const size = displayWidth
          ? { resizeWidth: displayWidth, resizeHeight: displayHeight }
          : { resizeWidth: UNLABELLED_WIDTH };
        made = await createImageBitmap(blob, { imageOrientation: 'from-image', resizeQuality: 'medium', ...size });
        if (live) setLoaded({ id, bitmap: made });
        else made.close();
      } catch {
        // Undecodable: the tile shows the engine's error once the run reaches it.
      }
    });
    return () => {
      live = false;
      made?.close();
    };
  }, [id, key, displayWidth, displayHeight]);

  const bitmap = loaded && loaded.id === id ? loaded.bitmap : null;
  const width = displayWidth || bitmap?.width || 0;
  const height = displayHeight || bitmap?.height || 0;
  useEffect(() => {
    const c = canvasRef.current;
    if (!c || !width) return;
    c.width = width;
    c.height = height;
    // Cleared while the next image decodes, so its masks never sit on the previous picture.
    const ctx = c.getContext('2d')!;
    ctx.clearRect(0, 0, width, height);
    if (bitmap) ctx.drawImage(bitmap, 0, 0, width, height);
  }, [canvasRef, bitmap, width, height, key]);
  return { width, height };
}

/** An image not labelled yet (no display size known) is shown this wide. */
const UNLABELLED_WIDTH = 1024;

export function useReviewMasks(
  canvasRef: RefObject<HTMLCanvasElement | null>,
  current: BatchImage | null,
  colors: ReadonlyMap<string, InstanceColor>,
  selected: string | null,
  preview: BatchAnnotation | null,
): void {
  const [arrived, setArrived] = useState(0);
  useEffect(() => onMaskBitmaps(() => setArrived((n) => n + 1)), []);
  useEffect(() => {
    const c = canvasRef.current;
    if (!c || !current?.displayWidth || !current.displayHeight) return;
    const { displayWidth: width, displayHeight: height } = current;
    if (c.width !== width) c.width = width;
    if (c.height !== height) c.height = height;
    const ctx = c.getContext('2d')!;
    ctx.clearRect(0, 0, width, height);
    const missing: MaskToPaint[] = [];
    for (const m of reviewMasks(current.annotations, colors, width, height, selected, preview)) {
      const source = maskSource(m, m.style);
      if (!source) {
        missing.push({ maskId: m.maskId, mask: m.mask });
        continue;
      }
      const [x0, y0, x1, y1] = maskBox(m.mask);
      ctx.drawImage(source, x0, y0, x1 - x0, y1 - y0);
    }
    requestMaskBitmaps(missing);
  }, [canvasRef, current, colors, selected, preview, arrived]);
}
