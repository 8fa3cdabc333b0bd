/**
 * The prompts as a list: concepts (phrases or "visual" box-only ones) with their ± boxes, and the clicked objects
 * with their points. Each is removable; a concept or object row selects it.
 */
import { removeClickObject, removeClickPoint } from '../../actions/clickPoints';
import { removeExemplarBox } from '../../actions/exemplarBoxes';
import { removeConceptPrompt, selectConcept, selectObject } from '../../actions/tools';
import { selectActiveConceptId, selectSelectedObjectId } from '../../store/selectors';
import { useAppStore } from '../../store/useAppStore';
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
  const objects = useAppStore((s) => s.objects);
  const active = useAppStore(selectActiveConceptId);
  const selected = useAppStore(selectSelectedObjectId);
  const empty = concepts.length === 0 && objects.length === 0;

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
            {c.boxes.length > 0 && (
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
      </ul>
    </section>
  );
}
