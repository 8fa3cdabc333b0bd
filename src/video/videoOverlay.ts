/**
 * The renderer's scene for a video frame: the stage picture (the <video> element or a decoded frame) as the image,
 * each tracked object's mask tinted with its track colour and labelled with its ID and concept. A provisional track
 * (young: the hotstart rule may still remove it) is drawn faint with a "?" label, so a later removal is no surprise.
 * Mask pixels become small canvases, cached for the last few frames (playback revisits them; a long video does not
 * keep one canvas per frame alive).
 */
import { rgbCss } from '../colors';
import { boxToCanvas, fitView, type ViewTransform } from '../draw/coords';
import { DEFAULT_MASK_STYLE, maskBox, maskToRgba } from '../draw/maskBitmap';
import type { OverlayMask, OverlayScene } from '../draw/renderOverlay';
import type { StagePicture } from './picture';
import { objectColor, type CompactFrame, type CompactObject, type TrackTable } from './videoModel';

const CACHED_FRAMES = 8;
const PROVISIONAL_STYLE = { fillAlpha: 55, outlineAlpha: 150, outline1px: true } as const;
const cache = new Map<CompactFrame, Map<number, HTMLCanvasElement>>();

function maskSource(frame: CompactFrame, o: CompactObject, tracks: TrackTable): HTMLCanvasElement {
  let perFrame = cache.get(frame);
  if (!perFrame) {
    perFrame = new Map();
    cache.set(frame, perFrame);
    while (cache.size > CACHED_FRAMES) cache.delete(cache.keys().next().value as CompactFrame);
  }
  let canvas = perFrame.get(o.id);
  if (!canvas) {
    const color = objectColor(tracks, o);
    const style = o.provisional ? PROVISIONAL_STYLE : DEFAULT_MASK_STYLE;
    const px = maskToRgba(o.mask, { ...style, fill: color.fill, outline: color.outline });
    canvas = document.createElement('canvas');
    canvas.width = Math.max(1, px.width);
    canvas.height = Math.max(1, px.height);
    if (px.width > 0 && px.height > 0)
      canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(px.data), px.width, px.height), 0, 0);
    perFrame.set(o.id, canvas);
  }
  return canvas;
}

/** "#3 red 0.92", or "#3? red 0.92 (unconfirmed)" for a provisional track. */
export function videoLabel(o: CompactObject, label: string): string {
  const base = `#${o.id}${o.provisional ? '?' : ''} ${label} ${o.score.toFixed(2)}`;
  return o.provisional ? `${base} (unconfirmed)` : base;
}

export function buildVideoScene(args: {
  width: number;
  height: number;
  dpr: number;
  picture: StagePicture | null;
  frame: CompactFrame | null;
  tracks: TrackTable;
  labelOf: (o: CompactObject) => string;
  placeholder: string;
}): { scene: OverlayScene; view: ViewTransform } {
  const { picture, frame, tracks } = args;
  const view = picture
    ? fitView(picture.width, picture.height, args.width, args.height)
    : { scale: 1, offsetX: 0, offsetY: 0 };
  const masks: OverlayMask[] = [];
  if (picture && frame) {
    // Boxes are in the frame's original pixels; the view maps the picture's pixels (the same frame size).
    const sx = picture.width / frame.width;
    const sy = picture.height / frame.height;
    for (const o of frame.objects) {
      const color = objectColor(tracks, o);
      masks.push({
        instanceId: o.id,
        source: maskSource(frame, o, tracks),
        crop: { box: maskBox(o.mask), frameWidth: o.mask.width, frameHeight: o.mask.height },
        label: videoLabel(o, args.labelOf(o)),
        boxCanvas: boxToCanvas(view, o.boxXyxyPx, sx, sy),
        color: color.css,
        outlineColor: rgbCss(color.outline),
      });
    }
  }
  return {
    view,
    scene: {
      width: args.width,
      height: args.height,
      dpr: args.dpr,
      view,
      image: picture,
      masks,
      hoveredId: null,
      placeholder: args.placeholder,
    },
  };
}
