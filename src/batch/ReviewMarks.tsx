/** What is drawn over the review image as HTML: the box being dragged, exemplar boxes and a fix's click points. */
import type { BatchImage } from '../../workers/batch/types';
import type { PendingFix } from './batchStore';

interface Props {
  image: BatchImage;
  fix: PendingFix | null;
  drag: { x0: number; y0: number; x1: number; y1: number; alt: boolean } | null;
  negative: boolean;
}

export function ReviewMarks({ image, fix, drag, negative }: Props) {
  const width = image.displayWidth ?? 0;
  const height = image.displayHeight ?? 0;
  const scale = image.width && image.displayWidth ? image.width / image.displayWidth : 1;
  const pct = (v: number, of: number) => `${(v / of) * 100}%`;
  return (
    <>
      {drag && (
        <div
          className={`review-canvas__draft${negative || drag.alt ? ' review-canvas__draft--negative' : ''}`}
          style={{
            left: pct(Math.min(drag.x0, drag.x1), width),
            top: pct(Math.min(drag.y0, drag.y1), height),
            width: pct(Math.abs(drag.x1 - drag.x0), width),
            height: pct(Math.abs(drag.y1 - drag.y0), height),
          }}
        />
      )}
      {image.exemplars.map((e) => (
        <div
          key={e.id}
          className={`review-canvas__exemplar${e.polarity === 'negative' ? ' review-canvas__draft--negative' : ''}`}
          title={`${e.polarity} exemplar of “${e.category}” (this image only)`}
          style={{
            left: pct(e.xyxyPx[0] / scale, width),
            top: pct(e.xyxyPx[1] / scale, height),
            width: pct((e.xyxyPx[2] - e.xyxyPx[0]) / scale, width),
            height: pct((e.xyxyPx[3] - e.xyxyPx[1]) / scale, height),
          }}
        />
      ))}
      {fix?.points.map((p, k) => (
        <div
          key={k}
          className={`review-canvas__point review-canvas__point--${p.polarity}`}
          style={{ left: pct(p.xyPx[0] / scale, width), top: pct(p.xyPx[1] / scale, height) }}
        />
      ))}
    </>
  );
}
