/**
 * The rows of the prompt list: a selectable head row (a concept or a clicked object) and a leaf row (a ± box or
 * a ± point), each with its remove button. Used for the still image's prompts and for those drawn on video frames.
 */
import type { ReactNode } from 'react';
import type { Polarity } from '../../../workers/protocol';

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

export const sign = (p: string) => (p === 'positive' ? '+' : '−');

/** A concept or clicked-object row: clicking it selects it. Sits inside the caller's `<li>`. */
export function PromptHeadRow(props: {
  type: 'concept' | 'object';
  kind: string;
  id: string;
  active: boolean;
  trackId?: string | number;
  fromFrame?: number;
  onSelect: () => void;
  removeLabel: string;
  onRemove: () => void;
  children: ReactNode;
}) {
  return (
    <div
      className={`prompt-item prompt-item--${props.type}${props.active ? ' prompt-item--active' : ''}`}
      data-testid="prompt-item"
      data-kind={props.kind}
      data-id={props.id}
      data-track-id={props.trackId}
      data-from-frame={props.fromFrame}
      aria-selected={props.active}
      role="option"
      onClick={props.onSelect}
    >
      <span className="prompt-item__text">{props.children}</span>
      <RemoveButton label={props.removeLabel} onClick={props.onRemove} />
    </div>
  );
}

/** A ± box or ± point row. */
export function PromptLeafRow(props: {
  type: 'box' | 'point';
  kind: string;
  id: string;
  polarity: Polarity;
  fromFrame?: number;
  removeLabel: string;
  onRemove: () => void;
  children: ReactNode;
}) {
  return (
    <li
      className={`prompt-item prompt-item--${props.type} prompt-item--${props.polarity}`}
      data-testid="prompt-item"
      data-kind={props.kind}
      data-id={props.id}
      data-polarity={props.polarity}
      data-from-frame={props.fromFrame}
    >
      <span className="prompt-item__text">{props.children}</span>
      <RemoveButton label={props.removeLabel} onClick={props.onRemove} />
    </li>
  );
}
