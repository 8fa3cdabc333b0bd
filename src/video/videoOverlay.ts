/**
 * The renderer's scene for a video frame: the <video> element as the image, each tracked object's mask tinted with
 * its track colour and labelled with its ID. Mask pixels become small canvases, cached for the last few frames
 * (playback revisits them; a long video does not keep one canvas per frame alive).
 */
import { rgbCss } from '../colors';
import { boxToCanvas, fitView, type ViewTransform } from '../canvas/coords';
import { DEFAULT_MASK_STYLE, maskBox, maskToRgba } from '../canvas/maskBitmap';
import { formatInstanceLabel, type OverlayMask, type OverlayScene } from '../canvas/renderOverlay';
import { objectColor, type CompactFrame, type TrackTable } from './videoModel';

const CACHED_FRAMES = 8;
const cache = new Map<CompactFrame, Map<number, HTMLCanvasElement>>();

function maskSource(frame: CompactFrame, index: number, tracks: TrackTable): HTMLCanvasElement {
  const o = frame.objects[index];
  let perFrame = cache.get(frame);
  if (!perFrame) {
    perFrame = new Map();
    cache.set(frame, perFrame);
    while (cache.size > CACHED_FRAMES) cache.delete(cache.keys().next().value as CompactFrame);
  }
  let canvas = perFrame.get(o.id);
  if (!canvas) {
    const color = objectColor(tracks, o);
    const px = maskToRgba(o.mask, { ...DEFAULT_MASK_STYLE, fill: color.fill, outline: color.outline });
    canvas = document.createElement('canvas');
    canvas.width = Math.max(1, px.width);
    canvas.height = Math.max(1, px.height);
    if (px.width > 0 && px.height > 0)
      canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(px.data), px.width, px.height), 0, 0);
    perFrame.set(o.id, canvas);
  }
  return canvas;
}

export function buildVideoScene(args: {
  width: number;
  height: number;
  dpr: number;
  media: HTMLVideoElement | null;
  frame: CompactFrame | null;
  tracks: TrackTable;
  placeholder: string;
}): { scene: OverlayScene; view: ViewTransform } {
  const { media, frame, tracks } = args;
  const mw = media?.videoWidth ?? 0;
  const mh = media?.videoHeight ?? 0;
  const hasImage = media !== null && mw > 0 && mh > 0 && media.readyState >= 2;
  const view = hasImage ? fitView(mw, mh, args.width, args.height) : { scale: 1, offsetX: 0, offsetY: 0 };
  const masks: OverlayMask[] = [];
  if (hasImage && frame) {
    // Boxes are in the frame's original pixels; the view maps the media's pixels (the same frame size).
    const sx = mw / frame.width;
    const sy = mh / frame.height;
    frame.objects.forEach((o, i) => {
      const color = objectColor(tracks, o);
      masks.push({
        instanceId: o.id,
        source: maskSource(frame, i, tracks),
        crop: { box: maskBox(o.mask), frameWidth: o.mask.width, frameHeight: o.mask.height },
        label: formatInstanceLabel(o.id, o.score),
        boxCanvas: boxToCanvas(view, o.boxXyxyPx, sx, sy),
        color: color.css,
        outlineColor: rgbCss(color.outline),
      });
    });
  }
  return {
    view,
    scene: {
      width: args.width,
      height: args.height,
      dpr: args.dpr,
      view,
      image: hasImage ? { source: media, width: mw, height: mh } : null,
      masks,
      hoveredId: null,
      placeholder: args.placeholder,
    },
  };
}
