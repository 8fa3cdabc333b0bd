/**
 * One row per instance (swatch, ID, phrase, score, box, area), the concepts' presence, or "No matches". A row (or
 * a Select-tool click on the canvas) selects an instance; the edit bar then hides it, deletes it or moves it to
 * another concept. Hidden instances stay listed, greyed, with a Show button. "Clear all" empties the prompts.
 */
import { memo } from 'react';
import { hoverInstance } from '../../actions/hoverInstance';
import { clearAll, deleteInstance, moveInstance, selectInstance, setInstanceHidden } from '../../actions/instanceEdits';
import { rgbCss, type InstanceColor } from '../../colors';
import type { ConceptPrompt, ConceptSummary, InstanceResult } from '../../../workers/protocol';
import {
  conceptColors,
  instanceColors,
  instanceName,
  selectConceptSummaries,
  selectCurrentResult,
  selectNoMatches,
  selectSelectedInstance,
} from '../../store/selectors';
import { useAppStore } from '../../store/useAppStore';
import { truncateText } from '../format';
import { ConceptSummaries } from './ConceptSummaries';

const NO_CONCEPT_COLORS = new Map<string, InstanceColor[]>();

export function InstanceList() {
  const result = useAppStore(selectCurrentResult);
  const concepts = useAppStore((s) => s.concepts);
  const hovered = useAppStore((s) => s.hoveredInstanceId);
  const selected = useAppStore(selectSelectedInstance);
  const noMatches = useAppStore(selectNoMatches);
  const summaries = useAppStore(selectConceptSummaries);
  const instances = result?.instances ?? [];
  const colors = result ? instanceColors(result) : null;
  const nameOf = (inst: InstanceResult) => (result ? instanceName(result, inst) : inst.conceptId);

  return (
    <section className="panel instance-panel" aria-label="Instances">
      <ListHead instances={instances} />
      <ConceptSummaries summaries={summaries} colors={result ? conceptColors(result) : NO_CONCEPT_COLORS} />
      {noMatches && <NoMatches summaries={summaries} />}
      {!result && concepts.length === 0 && <p className="muted">Type a phrase to find every matching object.</p>}
      {selected && <EditBar selected={selected} name={nameOf(selected)} concepts={concepts} />}
      <ul className="instance-list" data-testid="instance-list" onPointerLeave={() => hoverInstance(null)}>
        {instances.map((inst) => (
          <InstanceRow
            key={inst.instanceId}
            inst={inst}
            name={nameOf(inst)}
            color={colors?.get(inst.instanceId)}
            hovered={hovered === inst.instanceId}
            selected={selected?.instanceId === inst.instanceId}
          />
        ))}
      </ul>
    </section>
  );
}

/** The count (hidden ones apart) and "Clear all". */
function ListHead({ instances }: { instances: InstanceResult[] }) {
  const hasPrompts = useAppStore((s) => s.concepts.length > 0 || s.objects.length > 0 || s.edits.length > 0);
  const shown = instances.filter((i) => !i.hidden).length;
  return (
    <div className="instance-panel__head">
      <h2 className="panel__title">
        Instances{' '}
        <span className="panel__count" data-testid="instance-count">
          {shown}
          {shown !== instances.length && ` (+${instances.length - shown} hidden)`}
        </span>
      </h2>
      <button
        type="button"
        className="tool-button"
        data-testid="clear-all"
        disabled={!hasPrompts}
        title="Remove every phrase, box, clicked object and edit (undo brings them back)"
        onClick={() => clearAll()}
      >
        Clear all
      </button>
    </div>
  );
}

function NoMatches({ summaries }: { summaries: ConceptSummary[] }) {
  const demoPack = useAppStore((s) => s.pack?.demo === true);
  return (
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
          gray, brown); any other word finds nothing. For real objects, open the Model panel and download a SAM 3 pack.
        </p>
      )}
    </div>
  );
}

/** Hide, delete or move the selected instance. */
function EditBar({ selected, name, concepts }: { selected: InstanceResult; name: string; concepts: ConceptPrompt[] }) {
  return (
    <div className="edit-bar" data-testid="edit-bar" data-instance-id={selected.instanceId}>
      <span className="edit-bar__what">
        #{selected.instanceId} {truncateText(name, 20)}
      </span>
      <button
        type="button"
        className="tool-button"
        data-testid="edit-hide"
        title="Hide or show this detection (H): hidden ones are not drawn or exported"
        onClick={() => setInstanceHidden(selected.instanceId, !selected.hidden)}
      >
        {selected.hidden ? 'Show' : 'Hide'}
      </button>
      <button
        type="button"
        className="tool-button"
        data-testid="edit-delete"
        title="Delete this detection (Delete)"
        onClick={() => deleteInstance(selected.instanceId)}
      >
        Delete
      </button>
      <label className="edit-bar__move">
        Move to{' '}
        <select
          data-testid="edit-move"
          value={selected.conceptId}
          onChange={(e) => moveInstance(selected.instanceId, e.currentTarget.value)}
        >
          {!concepts.some((c) => c.id === selected.conceptId) && <option value={selected.conceptId}>{name}</option>}
          {concepts.map((c) => (
            <option key={c.id} value={c.id}>
              {truncateText(c.phrase || 'visual', 24)}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

interface RowProps {
  inst: InstanceResult;
  name: string;
  color: InstanceColor | undefined;
  hovered: boolean;
  selected: boolean;
}

/** Each result is a new object from the worker: a row re-renders only when what it shows changed (a slider step). */
const sameRow = (a: RowProps, b: RowProps) =>
  a.name === b.name &&
  a.color?.css === b.color?.css &&
  a.hovered === b.hovered &&
  a.selected === b.selected &&
  a.inst.instanceId === b.inst.instanceId &&
  a.inst.maskId === b.inst.maskId &&
  a.inst.score === b.inst.score &&
  a.inst.hidden === b.inst.hidden &&
  a.inst.conceptId === b.inst.conceptId &&
  a.inst.areaPx === b.inst.areaPx &&
  a.inst.boxXyxyPx.every((v, i) => v === b.inst.boxXyxyPx[i]);

const InstanceRow = memo(function InstanceRow({ inst, name, color, hovered, selected }: RowProps) {
  const [x1, y1, x2, y2] = inst.boxXyxyPx.map(Math.round);
  return (
    <li
      className={
        'instance-row' +
        (hovered ? ' instance-row--hovered' : '') +
        (selected ? ' instance-row--selected' : '') +
        (inst.hidden ? ' instance-row--hidden' : '')
      }
      data-testid="instance-row"
      data-instance-id={inst.instanceId}
      data-score={inst.score}
      data-source={inst.source}
      data-object-id={inst.objectId}
      data-concept-id={inst.conceptId}
      data-hidden={inst.hidden === true}
      aria-selected={selected}
      onPointerEnter={() => hoverInstance(inst.instanceId)}
      onClick={() => selectInstance(selected ? null : inst)}
    >
      <span
        className="instance-row__swatch"
        style={{ background: color?.css, borderColor: color && rgbCss(color.outline) }}
        aria-hidden="true"
      />
      <span className="instance-row__id">#{inst.instanceId}</span>
      <span className="instance-row__phrase" title={name}>
        {truncateText(name)}
        {inst.hidden && <em className="muted"> · hidden</em>}
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
}, sameRow);
