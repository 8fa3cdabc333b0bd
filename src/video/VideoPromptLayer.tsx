/**
 * Boxes and clicks drawn on video frames, over the video canvas: the prompts in force on the shown frame (live:
 * all of this source's), with delete handles, and the box being dragged. Frame pixels map to the canvas through
 * the stage's view (frames are the video's intrinsic size). Pointer events pass through except on the handles.
 */
import { useMemo } from 'react';
import { displayToCanvas, type ViewTransform } from '../draw/coords';
import { DraftBoxMark, PromptBoxMark, PromptPointMark, type ToCanvas } from '../canvas/PromptMarks';
import { useAppStore } from '../store/useAppStore';
import { promptsInForce } from '../store/videoPrompts';
import { removeVideoPromptItem } from './videoPromptActions';
import { selectPromptFrame, useVideoStore } from './videoStore';

export function VideoPromptLayer({ view }: { view: ViewTransform }) {
  const all = useAppStore((s) => s.videoPrompts);
  const draft = useAppStore((s) => s.draftBox);
  const selected = useAppStore((s) => s.selectedObjectId);
  const scope = useVideoStore((s) => s.scope);
  const frame = useVideoStore(selectPromptFrame);
  const prompts = useMemo(() => promptsInForce(all, { scope, session: null, frameIndex: frame }), [all, scope, frame]);
  const toCanvas: ToCanvas = (x, y) => displayToCanvas(view, x, y);

  return (
    <div className="interaction-layer" data-testid="video-prompt-layer">
      {prompts.map((p) =>
        p.kind === 'box' ? (
          <PromptBoxMark
            key={p.id}
            toCanvas={toCanvas}
            xyxyPx={p.box.xyxyPx}
            polarity={p.box.polarity}
            testId="video-exemplar-box"
            deleteTestId="video-exemplar-delete"
            data={{ 'data-from-frame': p.fromFrame }}
            onRemove={() => removeVideoPromptItem(p.id)}
          />
        ) : (
          p.object.points.map((pt) => (
            <PromptPointMark
              key={pt.id}
              toCanvas={toCanvas}
              xyPx={pt.xyPx}
              polarity={pt.polarity}
              selected={p.id === selected}
              testId="video-object-point"
              objectId={p.id}
            />
          ))
        ),
      )}
      {draft && <DraftBoxMark toCanvas={toCanvas} draft={draft} />}
    </div>
  );
}
