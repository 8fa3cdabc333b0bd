/**
 * The stage's one canvas: image + masks + labels. It sizes itself to its container (CSS pixels × devicePixelRatio
 * for the backing store), builds a plain scene and calls renderOverlay at most once per animation frame.
 * Pointer gestures (useCanvasPointer) map through coords.ts; boxes, points and the box being dragged are drawn
 * by the InteractionLayer above it, so the static canvas repaints only when the image, result or hover change.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { onMaskBitmaps } from '../draw/maskSources';
import { setStageSize, zoomStage } from '../actions/viewZoom';
import { selectCurrentResult, selectImageView } from '../store/selectors';
import { useAppStore } from '../store/useAppStore';
import { publishView } from '../testHooks';
import { wheelZoomFactor } from '../draw/coords';
import { InteractionLayer } from './InteractionLayer';
import { buildOverlayScene } from './overlayScene';
import { renderOverlay } from '../draw/renderOverlay';
import { useCanvasPointer } from './useCanvasPointer';

const PLACEHOLDER = 'Drop, paste or pick an image';

export function OverlayCanvas() {
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const size = useAppStore((s) => s.stageSize);
  const image = useAppStore((s) => s.image);
  const result = useAppStore(selectCurrentResult);
  // The hovered instance is highlighted, else the one selected for editing.
  const hoveredId = useAppStore((s) => s.hoveredInstanceId ?? s.selectedInstanceId);

  useLayoutEffect(() => {
    const wrap = wrapRef.current;
    if (!wrap) return;
    const measure = () => {
      const r = wrap.getBoundingClientRect();
      setStageSize(Math.floor(r.width), Math.floor(r.height));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(wrap);
    return () => ro.disconnect();
  }, []);

  const view = useAppStore(selectImageView);
  // Mask bitmaps asked of the worker's painter arrive later: draw again then.
  const [bitmapsArrived, setBitmapsArrived] = useState(0);
  useEffect(() => onMaskBitmaps(() => setBitmapsArrived((n) => n + 1)), []);

  // The wheel zooms about the pointer. A native listener: React's wheel listeners are passive (no preventDefault).
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const onWheel = (e: WheelEvent) => {
      if (zoomStage(wheelZoomFactor(e.deltaY, e.deltaMode), [e.offsetX, e.offsetY])) e.preventDefault();
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => canvas.removeEventListener('wheel', onWheel);
  }, []);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || size.width === 0 || size.height === 0) return;
    const frame = requestAnimationFrame(() => {
      const dpr = window.devicePixelRatio || 1;
      const bw = Math.round(size.width * dpr);
      const bh = Math.round(size.height * dpr);
      if (canvas.width !== bw) canvas.width = bw;
      if (canvas.height !== bh) canvas.height = bh;
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      const scene = buildOverlayScene({ ...size, dpr, view, image, result, hoveredId, placeholder: PLACEHOLDER });
      renderOverlay(ctx, scene);
      publishView({
        ...view,
        dpr,
        cssWidth: size.width,
        cssHeight: size.height,
        labels: scene.masks.map((m) => m.label),
      });
    });
    return () => cancelAnimationFrame(frame);
  }, [size, view, image, result, hoveredId, bitmapsArrived]);

  const pointer = useCanvasPointer(view);
  const tool = useAppStore((s) => s.tool);

  return (
    <div ref={wrapRef} className="overlay-wrap" onContextMenu={pointer.onContextMenu}>
      <canvas
        ref={canvasRef}
        data-testid="overlay-canvas"
        data-tool={tool}
        className={`overlay-canvas overlay-canvas--${tool}`}
        style={{ width: `${size.width}px`, height: `${size.height}px` }}
        {...pointer}
        aria-label={image ? `Image ${image.name} with ${result?.instances.length ?? 0} masks` : PLACEHOLDER}
        role="img"
      />
      {image?.display && <InteractionLayer view={view} image={image} />}
    </div>
  );
}
