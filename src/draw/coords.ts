/**
 * Screen ↔ image coordinates. Three spaces:
 * - original image pixels (boxes, areas: what the engine reports),
 * - display-image pixels (the downscaled `display` bitmap and every mask),
 * - canvas CSS pixels (what pointer `offsetX/offsetY` and Playwright positions use).
 * The canvas backing store is CSS size × devicePixelRatio; drawing applies that factor once.
 */

/** Maps display-image pixels to canvas CSS pixels: canvas = offset + display × scale. */
export interface ViewTransform {
  scale: number;
  offsetX: number;
  offsetY: number;
}

export const IDENTITY_VIEW: ViewTransform = { scale: 1, offsetX: 0, offsetY: 0 };

/** Fits an image into a viewport, keeping the aspect ratio, centred. Never upscales past `maxScale`. */
export function fitView(
  imageWidth: number,
  imageHeight: number,
  viewWidth: number,
  viewHeight: number,
  maxScale = Number.POSITIVE_INFINITY,
): ViewTransform {
  if (imageWidth <= 0 || imageHeight <= 0 || viewWidth <= 0 || viewHeight <= 0) return { ...IDENTITY_VIEW };
  const scale = Math.min(viewWidth / imageWidth, viewHeight / imageHeight, maxScale);
  return {
    scale,
    offsetX: (viewWidth - imageWidth * scale) / 2,
    offsetY: (viewHeight - imageHeight * scale) / 2,
  };
}

export function displayToCanvas(view: ViewTransform, x: number, y: number): [number, number] {
  return [view.offsetX + x * view.scale, view.offsetY + y * view.scale];
}

export function canvasToDisplay(view: ViewTransform, x: number, y: number): [number, number] {
  return [(x - view.offsetX) / view.scale, (y - view.offsetY) / view.scale];
}

/** Original-image pixels → display-image pixels. */
export function originalToDisplayScale(
  original: { width: number; height: number },
  display: { displayWidth: number; displayHeight: number },
): { sx: number; sy: number } {
  return { sx: display.displayWidth / original.width, sy: display.displayHeight / original.height };
}

/** A box in original pixels → canvas CSS pixels [x1, y1, x2, y2]. */
export function boxToCanvas(
  view: ViewTransform,
  boxXyxyPx: readonly [number, number, number, number],
  sx: number,
  sy: number,
): [number, number, number, number] {
  const [x1, y1] = displayToCanvas(view, boxXyxyPx[0] * sx, boxXyxyPx[1] * sy);
  const [x2, y2] = displayToCanvas(view, boxXyxyPx[2] * sx, boxXyxyPx[3] * sy);
  return [x1, y1, x2, y2];
}

/** Canvas CSS pixels → original image pixels (prompts are stored in original pixels). */
export function canvasToOriginal(
  view: ViewTransform,
  original: { width: number; height: number },
  display: { displayWidth: number; displayHeight: number },
  x: number,
  y: number,
): [number, number] {
  const { sx, sy } = originalToDisplayScale(original, display);
  const [dx, dy] = canvasToDisplay(view, x, y);
  return [dx / sx, dy / sy];
}

/** Original image pixels → canvas CSS pixels. */
export function originalToCanvas(
  view: ViewTransform,
  original: { width: number; height: number },
  display: { displayWidth: number; displayHeight: number },
  x: number,
  y: number,
): [number, number] {
  const { sx, sy } = originalToDisplayScale(original, display);
  return displayToCanvas(view, x * sx, y * sy);
}

// ---- Zoom and pan ------------------------------------------------------------------------------------------------

/** Zoom limits, relative to the view that fits the image: a quarter of it, and 32 display pixels per CSS pixel. */
export const MIN_ZOOM_OF_FIT = 0.25;
export const MAX_SCALE = 32;
/** Pixels of the image that stay on screen however far it is panned. */
const KEEP_VISIBLE_PX = 48;

export interface StageSize {
  width: number;
  height: number;
}

/** Keeps `scale` within the limits and at least KEEP_VISIBLE_PX of the image inside the stage. */
export function clampView(
  view: ViewTransform,
  imageWidth: number,
  imageHeight: number,
  stage: StageSize,
): ViewTransform {
  const fit = fitView(imageWidth, imageHeight, stage.width, stage.height);
  const scale = Math.min(MAX_SCALE, Math.max(fit.scale * MIN_ZOOM_OF_FIT, view.scale));
  const w = imageWidth * scale;
  const h = imageHeight * scale;
  const keepX = Math.min(KEEP_VISIBLE_PX, w);
  const keepY = Math.min(KEEP_VISIBLE_PX, h);
  return {
    scale,
    offsetX: Math.min(stage.width - keepX, Math.max(keepX - w, view.offsetX)),
    offsetY: Math.min(stage.height - keepY, Math.max(keepY - h, view.offsetY)),
  };
}

/** Zooms by `factor` about the canvas point (cx, cy): the image pixel under it stays under it. */
export function zoomAt(view: ViewTransform, factor: number, cx: number, cy: number): ViewTransform {
  const scale = view.scale * factor;
  const k = scale / view.scale;
  return { scale, offsetX: cx - (cx - view.offsetX) * k, offsetY: cy - (cy - view.offsetY) * k };
}

export function panBy(view: ViewTransform, dx: number, dy: number): ViewTransform {
  return { ...view, offsetX: view.offsetX + dx, offsetY: view.offsetY + dy };
}

/** 1:1: one original image pixel per CSS pixel (the display copy of a huge image is magnified), about (cx, cy). */
export function actualSizeAt(
  view: ViewTransform,
  original: { width: number },
  display: { displayWidth: number },
  cx: number,
  cy: number,
): ViewTransform {
  const target = original.width / display.displayWidth;
  return zoomAt(view, target / view.scale, cx, cy);
}

/** Wheel delta → zoom factor (pixels, lines or pages as the event reports them). */
export function wheelZoomFactor(deltaY: number, deltaMode: number): number {
  const px = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(-Math.max(-400, Math.min(400, px)) * 0.0015);
}
