/**
 * The interactive layer above the static canvas: exemplar boxes (green +, red −) with their delete handles, the
 * box being dragged, and click points (green/red dots with white rims). Plain DOM positioned through coords.ts,
 * so handles are real buttons and the static canvas never repaints while a box is dragged [excalidraw's two
 * scenes]. It lets pointer events through to the canvas except on the handles.
 */
import type { ImageInfo } from '../../workers/protocol';
import { removeExemplarBox } from '../actions/exemplarBoxes';
import { selectActiveConceptId, selectSelectedObjectId } from '../store/selectors';
import { useAppStore } from '../store/useAppStore';
import { originalToCanvas, type ViewTransform } from '../draw/coords';
import { DraftBoxMark, PromptBoxMark, PromptPointMark, type ToCanvas } from './PromptMarks';

export function InteractionLayer({ view, image }: { view: ViewTransform; image: ImageInfo }) {
  const concepts = useAppStore((s) => s.concepts);
  const objects = useAppStore((s) => s.objects);
  const draft = useAppStore((s) => s.draftBox);
  const active = useAppStore(selectActiveConceptId);
  const selected = useAppStore(selectSelectedObjectId);
  const toCanvas: ToCanvas = (x, y) => originalToCanvas(view, image, image, x, y);

  return (
    <div className="interaction-layer">
      {concepts.flatMap((c) =>
        c.boxes.map((b) => (
          <PromptBoxMark
            key={b.id}
            toCanvas={toCanvas}
            xyxyPx={b.xyxyPx}
            polarity={b.polarity}
            inactive={c.id !== active}
            testId="exemplar-box"
            deleteTestId="exemplar-delete"
            data={{ 'data-concept-id': c.id, 'data-box': b.xyxyPx.map((v) => Math.round(v)).join(',') }}
            onRemove={() => removeExemplarBox(b.id)}
          />
        )),
      )}
      {draft && <DraftBoxMark toCanvas={toCanvas} draft={draft} />}
      {objects.flatMap((o) =>
        o.points.map((p) => (
          <PromptPointMark
            key={p.id}
            toCanvas={toCanvas}
            xyPx={p.xyPx}
            polarity={p.polarity}
            selected={o.id === selected}
            testId="object-point"
            objectId={o.id}
          />
        )),
      )}
    </div>
  );
}
