/**
 * The image under review with its masks. Select: click a mask. Click tool: click = positive point, Alt/right
 * click = negative (the tracker's prompt decoder). Box tool: drag a box around one object. Exemplar tool: drag a
 * box around an example of the active phrase (Alt: a negative example); it applies to this image only.
 */
import { useMemo, useRef, useState } from 'react';
import { annotationAt, reviewColors } from './reviewOverlay';
import { addExemplar, addFixPrompt, selectAnnotation } from './reviewActions';
import { ReviewMarks } from './ReviewMarks';
import { useReviewMasks, useReviewPicture } from './useReviewLayers';
import { useBatchStore } from './useBatchStore';

interface Drag {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  alt: boolean;
}

export function ReviewCanvas() {
  const current = useBatchStore((s) => s.current);
  const selected = useBatchStore((s) => s.selectedAnnotation);
  const fix = useBatchStore((s) => s.fix);
  const tool = useBatchStore((s) => s.tool);
  const negative = useBatchStore((s) => s.negative);
  const imageCanvas = useRef<HTMLCanvasElement>(null);
  const maskCanvas = useRef<HTMLCanvasElement>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const colors = useMemo(() => reviewColors(current?.annotations ?? []), [current]);
  const { width, height } = useReviewPicture(
    imageCanvas,
    current?.key,
    current?.displayWidth ?? 0,
    current?.displayHeight ?? 0,
  );
  useReviewMasks(maskCanvas, current, colors, selected, fix?.preview ?? null);

  if (!current) return <div className="review-canvas review-canvas--empty">No image selected.</div>;
  const scale = current.width && current.displayWidth ? current.width / current.displayWidth : 1;

  const toDisplay = (e: React.PointerEvent) => {
    const r = maskCanvas.current!.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * width, ((e.clientY - r.top) / r.height) * height] as const;
  };
  const toImage = (x: number, y: number): [number, number] => [x * scale, y * scale];
  const onPointerUp = (e: React.PointerEvent) => {
    const [x, y] = toDisplay(e);
    if (drag) {
      const box = [Math.min(drag.x0, x), Math.min(drag.y0, y), Math.max(drag.x0, x), Math.max(drag.y0, y)];
      setDrag(null);
      if (box[2] - box[0] < 3 || box[3] - box[1] < 3) return;
      const px = [...toImage(box[0], box[1]), ...toImage(box[2], box[3])] as [number, number, number, number];
      if (tool === 'box') void addFixPrompt({ box: px });
      else void addExemplar(px, negative || drag.alt);
      return;
    }
    if (tool === 'click') void addFixPrompt({ point: toImage(x, y), negative: e.altKey || e.button === 2 });
    else if (tool === 'select') selectAnnotation(annotationAt(current.annotations, x, y)?.key ?? null);
  };

  return (
    <div className="review-canvas" data-testid="review-canvas">
      <div
        className="review-canvas__frame"
        style={
          width && height
            ? {
                aspectRatio: `${width} / ${height}`,
                width: `min(100%, calc(var(--review-max-height) * ${width / height}))`,
              }
            : { width: '100%' }
        }
      >
        <canvas ref={imageCanvas} className="review-canvas__layer" />
        <canvas
          ref={maskCanvas}
          className={`review-canvas__layer review-canvas__masks review-canvas--${tool}`}
          data-testid="review-masks"
          onContextMenu={(e) => e.preventDefault()}
          onPointerDown={(e) => {
            const [x, y] = toDisplay(e);
            if (tool === 'box' || tool === 'exemplar') {
              (e.target as Element).setPointerCapture(e.pointerId);
              setDrag({ x0: x, y0: y, x1: x, y1: y, alt: e.altKey || e.button === 2 });
            }
          }}
          onPointerMove={(e) => {
            if (!drag) return;
            const [x, y] = toDisplay(e);
            setDrag({ ...drag, x1: x, y1: y });
          }}
          onPointerUp={onPointerUp}
        />
        <ReviewMarks image={current} fix={fix} drag={drag} negative={negative} />
      </div>
    </div>
  );
}
