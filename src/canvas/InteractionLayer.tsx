/**
 * The interactive layer above the static canvas: exemplar boxes (green +, red −) with their delete handles, the
 * box being dragged, and click points (green/red dots with white rims). Plain DOM positioned through coords.ts,
 * so handles are real buttons and the static canvas never repaints while a box is dragged [excalidraw's two
 * scenes]. It lets pointer events through to the canvas except on the handles.
 */
import type { CSSProperties } from 'react';
import type { ImageInfo } from '../../workers/protocol';
import { removeExemplarBox } from '../actions/exemplarBoxes';
import { normalizeBox } from '../store/promptDocument';
import { selectActiveConceptId, selectSelectedObjectId } from '../store/selectors';
import { useAppStore } from '../store/useAppStore';
import { originalToCanvas, type ViewTransform } from './coords';

function boxStyle(view: ViewTransform, image: ImageInfo, xyxy: readonly number[]): CSSProperties {
  const [x1, y1] = originalToCanvas(view, image, image, xyxy[0], xyxy[1]);
  const [x2, y2] = originalToCanvas(view, image, image, xyxy[2], xyxy[3]);
  return { left: `${x1}px`, top: `${y1}px`, width: `${x2 - x1}px`, height: `${y2 - y1}px` };
}

export function InteractionLayer({ view, image }: { view: ViewTransform; image: ImageInfo }) {
  const concepts = useAppStore((s) => s.concepts);
  const objects = useAppStore((s) => s.objects);
  const draft = useAppStore((s) => s.draftBox);
  const active = useAppStore(selectActiveConceptId);
  const selected = useAppStore(selectSelectedObjectId);

  return (
    <div className="interaction-layer">
      {concepts.flatMap((c) =>
        c.boxes.map((b) => (
          <div
            key={b.id}
            className={`exemplar-box exemplar-box--${b.polarity}${c.id === active ? '' : ' exemplar-box--inactive'}`}
            data-testid="exemplar-box"
            data-polarity={b.polarity}
            data-concept-id={c.id}
            data-box={b.xyxyPx.map((v) => Math.round(v)).join(',')}
            style={boxStyle(view, image, b.xyxyPx)}
          >
            <button
              type="button"
              className="exemplar-box__delete"
              data-testid="exemplar-delete"
              aria-label={`Remove ${b.polarity} box`}
              onPointerDown={(e) => e.stopPropagation()}
              onClick={() => removeExemplarBox(b.id)}
            >
              ×
            </button>
          </div>
        )),
      )}
      {draft && (
        <div
          className={`exemplar-box exemplar-box--${draft.polarity} exemplar-box--draft`}
          data-testid="exemplar-draft"
          style={boxStyle(view, image, normalizeBox([...draft.startPx, ...draft.endPx]))}
        />
      )}
      {objects.flatMap((o) =>
        o.points.map((p) => {
          const [x, y] = originalToCanvas(view, image, image, p.xyPx[0], p.xyPx[1]);
          return (
            <div
              key={p.id}
              className={`object-point object-point--${p.polarity}${o.id === selected ? ' object-point--selected' : ''}`}
              data-testid="object-point"
              data-polarity={p.polarity}
              data-object-id={o.id}
              style={{ left: `${x}px`, top: `${y}px` }}
            />
          );
        }),
      )}
    </div>
  );
}
