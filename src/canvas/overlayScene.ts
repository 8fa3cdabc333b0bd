/**
 * Builds the renderer's plain scene from store data (browser side: each mask's tinted crop comes from
 * maskSources.ts, cached by mask identity, so a threshold step or hover redraw does no pixel work). A mask whose
 * bitmaps the page no longer has is asked of the worker's painter and drawn when they arrive.
 */
import { requestMaskBitmaps } from '../actions/maskPixels';
import type { ImageInfo, MaskToPaint, SegmentResult } from '../../workers/protocol';
import { hslToRgb, rgbCss } from '../colors';
import { instanceColors, instanceName } from '../store/selectors';
import { boxToCanvas, originalToDisplayScale, type ViewTransform } from '../draw/coords';
import { DEFAULT_MASK_STYLE, maskBox } from '../draw/maskBitmap';
import { maskSource } from '../draw/maskSources';
import { formatInstanceLabel, type OverlayMask, type OverlayScene } from '../draw/renderOverlay';

export function buildOverlayScene(args: {
  width: number;
  height: number;
  dpr: number;
  view: ViewTransform;
  image: ImageInfo | null;
  result: SegmentResult | null;
  hoveredId: number | null;
  placeholder?: string;
}): OverlayScene {
  const { image, result } = args;
  const masks: OverlayMask[] = [];
  if (image?.display && result) {
    const { sx, sy } = originalToDisplayScale(image, image);
    const colors = instanceColors(result);
    const missing: MaskToPaint[] = [];
    result.instances.forEach((inst) => {
      if (inst.hidden) return; // hidden by an edit: listed, not drawn
      const color = colors.get(inst.instanceId)!;
      const source = maskSource(inst, { ...DEFAULT_MASK_STYLE, fill: color.fill, outline: color.outline });
      if (!source && inst.maskId) missing.push({ maskId: inst.maskId, mask: inst.mask });
      masks.push({
        instanceId: inst.instanceId,
        source,
        crop: { box: maskBox(inst.mask), frameWidth: inst.mask.width, frameHeight: inst.mask.height },
        label: formatInstanceLabel(inst.instanceId, inst.score, instanceName(result, inst)),
        boxCanvas: boxToCanvas(args.view, inst.boxXyxyPx, sx, sy),
        color: color.css,
        outlineColor: rgbCss(color.outline),
        // Dark in the mask's hue: white text stays readable whatever the outline's lightness.
        labelColor: rgbCss(hslToRgb(color.hue, 75, 26)),
      });
    });
    requestMaskBitmaps(missing);
  }
  return {
    width: args.width,
    height: args.height,
    dpr: args.dpr,
    view: args.view,
    image: image?.display ? { source: image.display, width: image.displayWidth, height: image.displayHeight } : null,
    masks,
    hoveredId: args.hoveredId,
    placeholder: args.placeholder,
  };
}
