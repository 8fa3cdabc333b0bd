/**
 * The prompts as a list: concepts (phrases or "visual" box-only ones) with their ± boxes, and the clicked objects
 * with their points. Each is removable; a concept or object row selects it.
 */
import { removeClickObject, removeClickPoint } from '../../actions/clickPoints';
import { removeExemplarBox } from '../../actions/exemplarBoxes';
import { removeConceptPrompt, selectConcept, selectObject } from '../../actions/tools';
import { selectActiveConceptId, selectSelectedObjectId } from '../../store/selectors';
import { useAppStore } from '../../store/useAppStore';
import { promptsOfScope, type VideoPrompt } from '../../store/videoPrompts';
import { removeVideoClickPoint, removeVideoPromptItem } from '../../video/videoPromptActions';
import { useVideoStore } from '../../video/videoStore';
import { formatBox, truncateText } from '../format';
import { PromptHeadRow, PromptLeafRow, sign } from './PromptRows';

export function PromptList() {
  const concepts = useAppStore((s) => s.concepts);
  const imageObjects = useAppStore((s) => s.objects);
  const active = useAppStore(selectActiveConceptId);
  const selected = useAppStore(selectSelectedObjectId);
  const mode = useVideoStore((s) => s.mode);
  const scope = useVideoStore((s) => s.scope);
  const allVideoPrompts = useAppStore((s) => s.videoPrompts);
  const selectedVideo = useAppStore((s) => s.selectedObjectId);
  // Video mode lists the boxes and clicks drawn on this video's frames; the still image's stay with the image.
  const video = mode !== 'image';
  const videoPrompts = video ? promptsOfScope(allVideoPrompts, scope) : [];
  const objects = video ? [] : imageObjects;
  const empty = concepts.length === 0 && objects.length === 0 && videoPrompts.length === 0;

  return (
    <section className="panel prompt-panel" aria-label="Prompts">
      <h2 className="panel__title">Prompts</h2>
      {empty && <p className="muted">Type a phrase, drag a box (B) or click an object (P).</p>}
      <ul className="prompt-list" data-testid="prompt-list">
        {concepts.map((c) => (
          <li key={c.id}>
            <PromptHeadRow
              type="concept"
              kind="concept"
              id={c.id}
              active={c.id === active}
              onSelect={() => selectConcept(c.id)}
              removeLabel={`Remove concept ${c.phrase || 'visual'}`}
              onRemove={() => removeConceptPrompt(c.id)}
            >
              {c.phrase === '' ? (
                <em>visual (boxes only)</em>
              ) : (
                <span title={c.phrase}>“{truncateText(c.phrase)}”</span>
              )}
            </PromptHeadRow>
            {!video && c.boxes.length > 0 && (
              <ul className="prompt-list__sub">
                {c.boxes.map((b) => (
                  <PromptLeafRow
                    key={b.id}
                    type="box"
                    kind="box"
                    id={b.id}
                    polarity={b.polarity}
                    removeLabel="Remove box"
                    onRemove={() => removeExemplarBox(b.id)}
                  >
                    {sign(b.polarity)} box [{formatBox(b.xyxyPx)}]
                  </PromptLeafRow>
                ))}
              </ul>
            )}
          </li>
        ))}
        {objects.map((o, i) => (
          <li key={o.id}>
            <PromptHeadRow
              type="object"
              kind="object"
              id={o.id}
              active={o.id === selected}
              onSelect={() => selectObject(o.id)}
              removeLabel={`Remove object ${i + 1}`}
              onRemove={() => removeClickObject(o.id)}
            >
              Object {i + 1}
              {o.refines ? ' (refines a detection)' : ' (new)'} · candidate {o.candidate + 1}
            </PromptHeadRow>
            <ul className="prompt-list__sub">
              {o.points.map((p) => (
                <PromptLeafRow
                  key={p.id}
                  type="point"
                  kind="point"
                  id={p.id}
                  polarity={p.polarity}
                  removeLabel="Remove point"
                  onRemove={() => removeClickPoint(p.id)}
                >
                  {sign(p.polarity)} point ({formatBox(p.xyPx)})
                </PromptLeafRow>
              ))}
            </ul>
          </li>
        ))}
        {videoPrompts.map((p) => (
          <VideoPromptRow key={p.id} prompt={p} selected={p.id === selectedVideo} />
        ))}
      </ul>
    </section>
  );
}

/** A box or clicked object drawn on a video frame, with the frame it applies from. */
function VideoPromptRow({ prompt: p, selected }: { prompt: VideoPrompt; selected: boolean }) {
  const from = p.session === null ? ` · from frame ${p.fromFrame + 1}` : '';
  if (p.kind === 'box')
    return (
      <PromptLeafRow
        type="box"
        kind="video-box"
        id={p.id}
        polarity={p.box.polarity}
        fromFrame={p.fromFrame}
        removeLabel="Remove box"
        onRemove={() => removeVideoPromptItem(p.id)}
      >
        {sign(p.box.polarity)} box [{formatBox(p.box.xyxyPx)}]{from}
      </PromptLeafRow>
    );
  const o = p.object;
  return (
    <li>
      <PromptHeadRow
        type="object"
        kind="video-object"
        id={p.id}
        active={selected}
        trackId={o.trackId ?? ''}
        fromFrame={p.fromFrame}
        onSelect={() => selectObject(p.id)}
        removeLabel="Remove clicked object"
        onRemove={() => removeVideoPromptItem(p.id)}
      >
        {o.trackId !== undefined ? `Track #${o.trackId}` : 'New object'}
        {from}
      </PromptHeadRow>
      <ul className="prompt-list__sub">
        {o.points.map((pt) => (
          <PromptLeafRow
            key={pt.id}
            type="point"
            kind="video-point"
            id={pt.id}
            polarity={pt.polarity}
            removeLabel="Remove point"
            onRemove={() => removeVideoClickPoint(pt.id)}
          >
            {sign(pt.polarity)} point ({formatBox(pt.xyPx)})
          </PromptLeafRow>
        ))}
      </ul>
    </li>
  );
}
