/**
 * Draws one frame of the stage: the image fitted into the canvas, every instance's mask and its ID label.
 * A pure function of plain data: no store, no React, no caches. Works in canvas CSS pixels; the device pixel
 * ratio is applied once through the transform.
 */
import type { ViewTransform } from './coords';

/** The subset of CanvasRenderingContext2D this renderer uses (a fake implements it in tests). */
export type OverlayContext = Pick<
  CanvasRenderingContext2D,
  | 'setTransform'
  | 'clearRect'
  | 'fillRect'
  | 'strokeRect'
  | 'drawImage'
  | 'fillText'
  | 'measureText'
  | 'save'
  | 'restore'
  | 'fillStyle'
  | 'strokeStyle'
  | 'lineWidth'
  | 'globalAlpha'
  | 'font'
  | 'textBaseline'
  | 'imageSmoothingEnabled'
>;

export interface OverlayMask {
  instanceId: number;
  /** The mask's crop, fill and outline already coloured; null while its bitmaps are on their way (label only). */
  source: CanvasImageSource | null;
  /** Where the crop lies: `[x0, y0, x1, y1)` in the pixels of a `frameWidth × frameHeight` mask frame that covers the image. */
  crop: { box: [number, number, number, number]; frameWidth: number; frameHeight: number };
  /** "#3 red 0.92" */
  label: string;
  /** Box in canvas CSS pixels. */
  boxCanvas: [number, number, number, number];
  color: string;
  outlineColor: string;
  /** Background of the label (white text on it); the outline colour when absent. */
  labelColor?: string;
}

export interface OverlayScene {
  /** Canvas size in CSS pixels. */
  width: number;
  height: number;
  dpr: number;
  view: ViewTransform;
  image: { source: CanvasImageSource; width: number; height: number } | null;
  masks: OverlayMask[];
  hoveredId: number | null;
  /** Text shown when there is no image. */
  placeholder?: string;
}

export const STAGE_BACKGROUND = '#eef1f5';
const LABEL_FONT = '600 12px system-ui, -apple-system, "Segoe UI", sans-serif';
const LABEL_HEIGHT = 18;
const LABEL_PAD = 5;
const DIMMED_ALPHA = 0.35;

export function renderOverlay(ctx: OverlayContext, scene: OverlayScene): void {
  const { width, height, dpr, view, image } = scene;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = STAGE_BACKGROUND;
  ctx.fillRect(0, 0, width, height);

  if (!image) {
    if (scene.placeholder) {
      ctx.fillStyle = '#5b6573';
      ctx.font = '15px system-ui, sans-serif';
      ctx.textBaseline = 'middle';
      const w = ctx.measureText(scene.placeholder).width;
      ctx.fillText(scene.placeholder, Math.max(8, (width - w) / 2), height / 2);
    }
    return;
  }

  const dw = image.width * view.scale;
  const dh = image.height * view.scale;
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(image.source, view.offsetX, view.offsetY, dw, dh);

  const hovered = scene.hoveredId;
  const drawMask = (m: OverlayMask) => {
    if (!m.source) return;
    const { box, frameWidth, frameHeight } = m.crop;
    const sx = dw / frameWidth;
    const sy = dh / frameHeight;
    ctx.drawImage(
      m.source,
      view.offsetX + box[0] * sx,
      view.offsetY + box[1] * sy,
      (box[2] - box[0]) * sx,
      (box[3] - box[1]) * sy,
    );
  };
  for (const m of scene.masks) {
    ctx.globalAlpha = hovered === null || hovered === m.instanceId ? 1 : DIMMED_ALPHA;
    drawMask(m);
  }
  ctx.globalAlpha = 1;

  const top = scene.masks.find((m) => m.instanceId === hovered);
  if (top) {
    // Stronger: the mask a second time plus its box.
    drawMask(top);
    const [x1, y1, x2, y2] = top.boxCanvas;
    ctx.strokeStyle = top.outlineColor;
    ctx.lineWidth = 2;
    ctx.strokeRect(x1, y1, x2 - x1, y2 - y1);
  }

  ctx.font = LABEL_FONT;
  ctx.textBaseline = 'middle';
  for (const m of scene.masks) {
    if (m.instanceId !== hovered) drawLabel(ctx, m, scene, hovered === null ? 1 : 0.6);
  }
  if (top) drawLabel(ctx, top, scene, 1);
}

function drawLabel(ctx: OverlayContext, m: OverlayMask, scene: OverlayScene, alpha: number): void {
  const [x1, y1, x2, y2] = m.boxCanvas;
  if (x2 < 0 || y2 < 0 || x1 > scene.width || y1 > scene.height) return; // zoomed or panned out of view
  const textWidth = ctx.measureText(m.label).width;
  const w = textWidth + LABEL_PAD * 2;
  // Above the box when there is room, else just inside it; always inside the canvas.
  let y = y1 - LABEL_HEIGHT - 1;
  if (y < 0) y = y1 + 1;
  const x = Math.min(Math.max(0, x1), Math.max(0, scene.width - w));
  y = Math.min(Math.max(0, y), Math.max(0, scene.height - LABEL_HEIGHT));
  ctx.globalAlpha = alpha;
  ctx.fillStyle = m.labelColor ?? m.outlineColor;
  ctx.fillRect(x, y, w, LABEL_HEIGHT);
  ctx.fillStyle = '#ffffff';
  ctx.fillText(m.label, x + LABEL_PAD, y + LABEL_HEIGHT / 2 + 0.5);
  ctx.globalAlpha = 1;
}

/** Longest concept name in a canvas label; longer ones end in "…". */
const LABEL_NAME_CHARS = 20;

/** "#3 red 0.92": ID, the concept's name when known, score. */
export function formatInstanceLabel(instanceId: number, score: number, name?: string): string {
  if (!name) return `#${instanceId} ${score.toFixed(2)}`;
  const short = name.length > LABEL_NAME_CHARS ? `${name.slice(0, LABEL_NAME_CHARS - 1)}…` : name;
  return `#${instanceId} ${short} ${score.toFixed(2)}`;
}
