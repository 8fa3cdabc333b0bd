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
import { formatBox } from '../format';

function RemoveButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button
      type="button"
      className="prompt-item__remove"
      data-testid="prompt-remove"
      aria-label={label}
      onClick={(e) => {
        e.stopPropagation();
        onClick();
      }}
    >
      ×
    </button>
  );
}

const sign = (p: string) => (p === 'positive' ? '+' : '−');

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
            <div
              className={`prompt-item prompt-item--concept${c.id === active ? ' prompt-item--active' : ''}`}
              data-testid="prompt-item"
              data-kind="concept"
              data-id={c.id}
              aria-selected={c.id === active}
              role="option"
              onClick={() => selectConcept(c.id)}
            >
              <span className="prompt-item__text">
                {c.phrase === '' ? <em>visual (boxes only)</em> : `“${c.phrase}”`}
              </span>
              <RemoveButton
                label={`Remove concept ${c.phrase || 'visual'}`}
                onClick={() => removeConceptPrompt(c.id)}
              />
            </div>
            {!video && c.boxes.length > 0 && (
              <ul className="prompt-list__sub">
                {c.boxes.map((b) => (
                  <li
                    key={b.id}
                    className={`prompt-item prompt-item--box prompt-item--${b.polarity}`}
                    data-testid="prompt-item"
                    data-kind="box"
                    data-id={b.id}
                    data-polarity={b.polarity}
                  >
                    <span className="prompt-item__text">
                      {sign(b.polarity)} box [{formatBox(b.xyxyPx)}]
                    </span>
                    <RemoveButton label="Remove box" onClick={() => removeExemplarBox(b.id)} />
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
        {objects.map((o, i) => (
          <li key={o.id}>
            <div
              className={`prompt-item prompt-item--object${o.id === selected ? ' prompt-item--active' : ''}`}
              data-testid="prompt-item"
              data-kind="object"
              data-id={o.id}
              aria-selected={o.id === selected}
              role="option"
              onClick={() => selectObject(o.id)}
            >
              <span className="prompt-item__text">
                Object {i + 1}
                {o.refines ? ' (refines a detection)' : ' (new)'} · candidate {o.candidate + 1}
              </span>
              <RemoveButton label={`Remove object ${i + 1}`} onClick={() => removeClickObject(o.id)} />
            </div>
            <ul className="prompt-list__sub">
              {o.points.map((p) => (
                <li
                  key={p.id}
                  className={`prompt-item prompt-item--point prompt-item--${p.polarity}`}
                  data-testid="prompt-item"
                  data-kind="point"
                  data-id={p.id}
                  data-polarity={p.polarity}
                >
                  <span className="prompt-item__text">
                    {sign(p.polarity)} point ({formatBox(p.xyPx)})
                  </span>
                  <RemoveButton label="Remove point" onClick={() => removeClickPoint(p.id)} />
                </li>
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
      <li
        className={`prompt-item prompt-item--box prompt-item--${p.box.polarity}`}
        data-testid="prompt-item"
        data-kind="video-box"
        data-id={p.id}
        data-polarity={p.box.polarity}
        data-from-frame={p.fromFrame}
      >
        <span className="prompt-item__text">
          {sign(p.box.polarity)} box [{formatBox(p.box.xyxyPx)}]{from}
        </span>
        <RemoveButton label="Remove box" onClick={() => removeVideoPromptItem(p.id)} />
      </li>
    );
  const o = p.object;
  return (
    <li>
      <div
        className={`prompt-item prompt-item--object${selected ? ' prompt-item--active' : ''}`}
        data-testid="prompt-item"
        data-kind="video-object"
        data-id={p.id}
        data-track-id={o.trackId ?? ''}
        data-from-frame={p.fromFrame}
        aria-selected={selected}
        role="option"
        onClick={() => selectObject(p.id)}
      >
        <span className="prompt-item__text">
          {o.trackId !== undefined ? `Track #${o.trackId}` : 'New object'}
          {from}
        </span>
        <RemoveButton label="Remove clicked object" onClick={() => removeVideoPromptItem(p.id)} />
      </div>
      <ul className="prompt-list__sub">
        {o.points.map((pt) => (
          <li
            key={pt.id}
            className={`prompt-item prompt-item--point prompt-item--${pt.polarity}`}
            data-testid="prompt-item"
            data-kind="video-point"
            data-id={pt.id}
            data-polarity={pt.polarity}
          >
            <span className="prompt-item__text">
              {sign(pt.polarity)} point ({formatBox(pt.xyPx)})
            </span>
            <RemoveButton label="Remove point" onClick={() => removeVideoClickPoint(pt.id)} />
          </li>
        ))}
      </ul>
    </li>
  );
}
