/**
 * The image under review with its masks. Select: click a mask. Click tool: click = positive point, Alt/right
 * click = negative (the tracker's prompt decoder). Box tool: drag a box around one object. Exemplar tool: drag a
 * box around an example of the active phrase (Alt: a negative example); it applies to this image only.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { loadFile } from './batchDb';
import { annotationAt, overlayPixels } from './reviewCanvas';
import { addExemplar, addFixPrompt, selectAnnotation } from './reviewActions';
import { useBatchStore } from './useBatchStore';

const NO_PHRASES: string[] = [];

export function ReviewCanvas() {
  const current = useBatchStore((s) => s.current);
  const selected = useBatchStore((s) => s.selectedAnnotation);
  const fix = useBatchStore((s) => s.fix);
  const tool = useBatchStore((s) => s.tool);
  const negative = useBatchStore((s) => s.negative);
  const phrases = useBatchStore((s) => s.meta?.phrases ?? NO_PHRASES);
  const [loaded, setLoaded] = useState<{ key: string; bitmap: ImageBitmap } | null>(null);
  const imageCanvas = useRef<HTMLCanvasElement>(null);
  const maskCanvas = useRef<HTMLCanvasElement>(null);
  const [drag, setDrag] = useState<{ x0: number; y0: number; x1: number; y1: number; alt: boolean } | null>(null);

  const key = current?.key;
  const bitmap = loaded && loaded.key === key ? loaded.bitmap : null;
  const width = current?.displayWidth ?? bitmap?.width ?? 0;
  const height = current?.displayHeight ?? bitmap?.height ?? 0;
  const categories = useMemo(
    () => [...new Set([...phrases, ...(current?.annotations.map((a) => a.category) ?? [])])],
    [phrases, current],
  );

  useEffect(() => {
    let live = true;
    let made: ImageBitmap | null = null;
    if (!key) return;
    void loadFile(key).then(async (blob) => {
      if (!blob || !live) return;
      try {
        made = await createImageBitmap(blob, { imageOrientation: 'from-image' });
        if (live) setLoaded({ key, bitmap: made });
        else made.close();
      } catch {
        // Undecodable: the tile shows the engine's error once the run reaches it.
      }
    });
    return () => {
      live = false;
      made?.close();
    };
  }, [key]);

  useEffect(() => {
    const c = imageCanvas.current;
    if (!c || !width) return;
    c.width = width;
    c.height = height;
    // Cleared while the next image decodes, so its masks never sit on the previous picture.
    const ctx = c.getContext('2d')!;
    ctx.clearRect(0, 0, width, height);
    if (bitmap) ctx.drawImage(bitmap, 0, 0, width, height);
  }, [bitmap, width, height, key]);

  useEffect(() => {
    const c = maskCanvas.current;
    if (!c || !current || !width) return;
    c.width = width;
    c.height = height;
    const px = overlayPixels(current.annotations, categories, width, height, selected, fix?.preview ?? null);
    c.getContext('2d')!.putImageData(new ImageData(px as Uint8ClampedArray<ArrayBuffer>, width, height), 0, 0);
  }, [current, categories, selected, fix, width, height]);

  if (!current) return <div className="review-canvas review-canvas--empty">No image selected.</div>;
  const scale = current.width && current.displayWidth ? current.width / current.displayWidth : 1;

  const toDisplay = (e: React.PointerEvent) => {
    const r = maskCanvas.current!.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * width, ((e.clientY - r.top) / r.height) * height] as const;
  };
  const toImage = (x: number, y: number): [number, number] => [x * scale, y * scale];

  return (
    <div className="review-canvas" data-testid="review-canvas">
      <div
        className="review-canvas__frame"
        style={{ aspectRatio: width && height ? `${width} / ${height}` : undefined }}
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
          onPointerUp={(e) => {
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
          }}
        />
        {drag && (
          <div
            className={`review-canvas__draft${negative || drag.alt ? ' review-canvas__draft--negative' : ''}`}
            style={{
              left: `${(Math.min(drag.x0, drag.x1) / width) * 100}%`,
              top: `${(Math.min(drag.y0, drag.y1) / height) * 100}%`,
              width: `${(Math.abs(drag.x1 - drag.x0) / width) * 100}%`,
              height: `${(Math.abs(drag.y1 - drag.y0) / height) * 100}%`,
            }}
          />
        )}
        {current.exemplars.map((e) => (
          <div
            key={e.id}
            className={`review-canvas__exemplar${e.polarity === 'negative' ? ' review-canvas__draft--negative' : ''}`}
            title={`${e.polarity} exemplar of “${e.category}” (this image only)`}
            style={{
              left: `${(e.xyxyPx[0] / scale / width) * 100}%`,
              top: `${(e.xyxyPx[1] / scale / height) * 100}%`,
              width: `${((e.xyxyPx[2] - e.xyxyPx[0]) / scale / width) * 100}%`,
              height: `${((e.xyxyPx[3] - e.xyxyPx[1]) / scale / height) * 100}%`,
            }}
          />
        ))}
        {fix?.points.map((p, k) => (
          <div
            key={k}
            className={`review-canvas__point review-canvas__point--${p.polarity}`}
            style={{ left: `${(p.xyPx[0] / scale / width) * 100}%`, top: `${(p.xyPx[1] / scale / height) * 100}%` }}
          />
        ))}
      </div>
    </div>
  );
}
