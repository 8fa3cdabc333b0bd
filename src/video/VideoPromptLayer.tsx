/**
 * Boxes and clicks drawn on video frames, over the video canvas: the prompts in force on the shown frame (live:
 * all of this source's), with delete handles, and the box being dragged. Frame pixels map to the canvas through
 * the stage's view (frames are the video's intrinsic size). Pointer events pass through except on the handles.
 */
import { useMemo, type CSSProperties } from 'react';
import { displayToCanvas, type ViewTransform } from '../canvas/coords';
import { normalizeBox } from '../store/promptDocument';
import { useAppStore } from '../store/useAppStore';
import { promptsInForce } from '../store/videoPrompts';
import { removeVideoPromptItem } from './videoPromptActions';
import { selectPromptFrame, useVideoStore } from './videoStore';

function boxStyle(view: ViewTransform, xyxy: readonly number[]): CSSProperties {
  const [x1, y1] = displayToCanvas(view, xyxy[0], xyxy[1]);
  const [x2, y2] = displayToCanvas(view, xyxy[2], xyxy[3]);
  return { left: `${x1}px`, top: `${y1}px`, width: `${x2 - x1}px`, height: `${y2 - y1}px` };
}

export function VideoPromptLayer({ view }: { view: ViewTransform }) {
  const all = useAppStore((s) => s.videoPrompts);
  const draft = useAppStore((s) => s.draftBox);
  const selected = useAppStore((s) => s.selectedObjectId);
  const scope = useVideoStore((s) => s.scope);
  const frame = useVideoStore(selectPromptFrame);
  const prompts = useMemo(() => promptsInForce(all, { scope, session: null, frameIndex: frame }), [all, scope, frame]);

  return (
    <div className="interaction-layer" data-testid="video-prompt-layer">
      {prompts.map((p) =>
        p.kind === 'box' ? (
          <div
            key={p.id}
            className={`exemplar-box exemplar-box--${p.box.polarity}`}
            data-testid="video-exemplar-box"
            data-polarity={p.box.polarity}
            data-from-frame={p.fromFrame}
            style={boxStyle(view, p.box.xyxyPx)}
          >
            <button
              type="button"
              className="exemplar-box__delete"
              data-testid="video-exemplar-delete"
              aria-label={`Remove ${p.box.polarity} box`}
              onPointerDown={(e) => e.stopPropagation()}
              onClick={() => removeVideoPromptItem(p.id)}
            >
              ×
            </button>
          </div>
        ) : (
          p.object.points.map((pt) => {
            const [x, y] = displayToCanvas(view, pt.xyPx[0], pt.xyPx[1]);
            return (
              <div
                key={pt.id}
                className={`object-point object-point--${pt.polarity}${p.id === selected ? ' object-point--selected' : ''}`}
                data-testid="video-object-point"
                data-polarity={pt.polarity}
                data-object-id={p.id}
                style={{ left: `${x}px`, top: `${y}px` }}
              />
            );
          })
        ),
      )}
      {draft && (
        <div
          className={`exemplar-box exemplar-box--${draft.polarity} exemplar-box--draft`}
          data-testid="exemplar-draft"
          style={boxStyle(view, normalizeBox([...draft.startPx, ...draft.endPx]))}
        />
      )}
    </div>
  );
}
