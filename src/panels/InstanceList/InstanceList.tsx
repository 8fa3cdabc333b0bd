/** One row per instance (swatch, ID, phrase, score, box, area), the concepts' presence, or "No matches". */
import { hoverInstance } from '../../actions/hoverInstance';
import { rgbCss } from '../../colors';
import { instanceColors, selectConceptSummaries, selectCurrentResult, selectNoMatches } from '../../store/selectors';
import { useAppStore } from '../../store/useAppStore';
import { truncateText } from '../format';
import { ConceptSummaries } from './ConceptSummaries';

export function InstanceList() {
  const result = useAppStore(selectCurrentResult);
  const concepts = useAppStore((s) => s.concepts);
  const hovered = useAppStore((s) => s.hoveredInstanceId);
  const noMatches = useAppStore(selectNoMatches);
  const summaries = useAppStore(selectConceptSummaries);
  const demoPack = useAppStore((s) => s.pack?.demo === true);
  const instances = result?.instances ?? [];
  const colors = result ? instanceColors(result) : null;
  const phraseOf = new Map(concepts.map((c) => [c.id, c.phrase]));
  for (const c of summaries) phraseOf.set(c.conceptId, c.phrase);
  const labelOf = (conceptId: string) => {
    const phrase = phraseOf.get(conceptId);
    if (phrase === '') return 'visual';
    if (phrase !== undefined) return phrase;
    return conceptId.startsWith('object:') ? 'object (clicks)' : conceptId;
  };

  return (
    <section className="panel instance-panel" aria-label="Instances">
      <h2 className="panel__title">
        Instances <span className="panel__count">{instances.length}</span>
      </h2>
      <ConceptSummaries summaries={summaries} />
      {noMatches && (
        <div className="no-matches" data-testid="no-matches">
          <strong>No matches</strong> above the threshold.
          {summaries.length > 0 && (
            <span className="no-matches__hint">
              {' '}
              Presence: {summaries.map((c) => `“${truncateText(c.phrase)}” ${c.presence.toFixed(2)}`).join(', ')}. Try
              lowering the threshold or another phrase.
            </span>
          )}
          {demoPack && (
            <p className="no-matches__demo" data-testid="no-matches-demo">
              The demo pack knows only colour words (red, green, blue, yellow, orange, purple, pink, cyan, white, black,
              gray, brown); any other word finds nothing. For real objects, open the Model panel and download a SAM 3
              pack.
            </p>
          )}
        </div>
      )}
      {!result && concepts.length === 0 && <p className="muted">Type a phrase to find every matching object.</p>}
      <ul className="instance-list" data-testid="instance-list" onPointerLeave={() => hoverInstance(null)}>
        {instances.map((inst) => {
          const color = colors?.get(inst.instanceId);
          const [x1, y1, x2, y2] = inst.boxXyxyPx.map(Math.round);
          return (
            <li
              key={inst.instanceId}
              className={`instance-row${hovered === inst.instanceId ? ' instance-row--hovered' : ''}`}
              data-testid="instance-row"
              data-instance-id={inst.instanceId}
              data-score={inst.score}
              data-source={inst.source}
              data-object-id={inst.objectId}
              onPointerEnter={() => hoverInstance(inst.instanceId)}
            >
              <span
                className="instance-row__swatch"
                style={{ background: color?.css, borderColor: color && rgbCss(color.outline) }}
                aria-hidden="true"
              />
              <span className="instance-row__id">#{inst.instanceId}</span>
              <span className="instance-row__phrase" title={labelOf(inst.conceptId)}>
                {truncateText(labelOf(inst.conceptId))}
              </span>
              <span className="instance-row__score">{inst.score.toFixed(2)}</span>
              <span className="instance-row__box" title="Box x1,y1,x2,y2 (px)">
                {x1},{y1},{x2},{y2}
              </span>
              <span className="instance-row__area" title="Area (px)">
                {inst.areaPx.toLocaleString('en-US')} px
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
