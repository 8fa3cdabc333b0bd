/**
 * Builds the renderer's plain scene from store data (browser side: mask pixels become small canvases, cached per
 * result so a hover redraw decodes nothing).
 */
import type { ImageInfo, SegmentResult } from '../../workers/protocol';
import { rgbCss } from '../colors';
import { instanceColors, instanceName } from '../store/selectors';
import { boxToCanvas, originalToDisplayScale, type ViewTransform } from './coords';
import { cachedMaskRgba, DEFAULT_MASK_STYLE } from './maskBitmap';
import { formatInstanceLabel, type OverlayMask, type OverlayScene } from './renderOverlay';

const sourceCache = new WeakMap<SegmentResult, Map<number, CanvasImageSource>>();

function maskSource(result: SegmentResult, index: number): CanvasImageSource {
  const inst = result.instances[index];
  let perResult = sourceCache.get(result);
  if (!perResult) {
    perResult = new Map();
    sourceCache.set(result, perResult);
  }
  let source = perResult.get(inst.instanceId);
  if (!source) {
    const color = instanceColors(result).get(inst.instanceId)!;
    const px = cachedMaskRgba(result, inst, { ...DEFAULT_MASK_STYLE, fill: color.fill, outline: color.outline });
    const canvas = document.createElement('canvas');
    canvas.width = px.width;
    canvas.height = px.height;
    canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(px.data), px.width, px.height), 0, 0);
    source = canvas;
    perResult.set(inst.instanceId, source);
  }
  return source;
}

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
    result.instances.forEach((inst, i) => {
      if (inst.hidden) return; // hidden by an edit: listed, not drawn
      const color = colors.get(inst.instanceId)!;
      masks.push({
        instanceId: inst.instanceId,
        source: maskSource(result, i),
        label: formatInstanceLabel(inst.instanceId, inst.score, instanceName(result, inst)),
        boxCanvas: boxToCanvas(args.view, inst.boxXyxyPx, sx, sy),
        color: color.css,
        outlineColor: rgbCss(color.outline),
      });
    });
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
