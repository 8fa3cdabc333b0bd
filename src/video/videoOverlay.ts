/**
 * The renderer's scene for a video frame: the stage picture (the <video> element or a decoded frame) as the image,
 * each tracked object's mask tinted with its track colour and labelled with its ID and concept. A provisional track
 * (young: the hotstart rule may still remove it) is drawn faint with a "?" label, so a later removal is no surprise.
 * Mask pixels come from the worker's painter (with the frame's result, or asked for when a stored frame is shown:
 * `missing`), tinted and cached by maskSources.ts like the still image's.
 */
import type { MaskToPaint } from '../../workers/protocol';
import { rgbCss } from '../colors';
import { boxToCanvas, fitView, type ViewTransform } from '../draw/coords';
import { DEFAULT_MASK_STYLE, maskBox } from '../draw/maskBitmap';
import { maskSource } from '../draw/maskSources';
import type { OverlayMask, OverlayScene } from '../draw/renderOverlay';
import type { StagePicture } from './picture';
import { objectColor, objectMaskId, type CompactFrame, type CompactObject, type TrackTable } from './videoModel';

const PROVISIONAL_STYLE = { fillAlpha: 55, outlineAlpha: 150, outline1px: true } as const;

/** The masks of a frame to ask the painter for (those whose bitmaps the page lacks are asked for). */
export function frameMasks(frame: CompactFrame | null | undefined): MaskToPaint[] {
  return frame?.objects.map((o) => ({ maskId: objectMaskId(o), mask: o.mask })) ?? [];
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
}): { scene: OverlayScene; view: ViewTransform; missing: MaskToPaint[] } {
  const { picture, frame, tracks } = args;
  const view = picture
    ? fitView(picture.width, picture.height, args.width, args.height)
    : { scale: 1, offsetX: 0, offsetY: 0 };
  const masks: OverlayMask[] = [];
  const missing: MaskToPaint[] = [];
  if (picture && frame) {
    // Boxes are in the frame's original pixels; the view maps the picture's pixels (the same frame size).
    const sx = picture.width / frame.width;
    const sy = picture.height / frame.height;
    for (const o of frame.objects) {
      const color = objectColor(tracks, o);
      const style = o.provisional ? PROVISIONAL_STYLE : DEFAULT_MASK_STYLE;
      const maskId = objectMaskId(o);
      const source = maskSource({ maskId, mask: o.mask }, { ...style, fill: color.fill, outline: color.outline });
      if (!source) missing.push({ maskId, mask: o.mask });
      masks.push({
        instanceId: o.id,
        source,
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
    missing,
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
