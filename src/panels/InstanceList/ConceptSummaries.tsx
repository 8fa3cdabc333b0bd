import type { CSSProperties } from 'react';
import type { ConceptSummary } from '../../../workers/protocol';
import { conceptHue } from '../../colors';
import { truncateText } from '../format';

/** Per concept: its hue family, how many instances passed, and its presence score. */
export function ConceptSummaries({ summaries }: { summaries: ConceptSummary[] }) {
  if (summaries.length === 0) return null;
  return (
    <ul className="concept-summaries">
      {summaries.map((c, i) => (
        <li key={c.conceptId} style={{ '--chip-hue': conceptHue(i) } as CSSProperties}>
          <span className="concept-summaries__dot" aria-hidden="true" />
          <span className="concept-summaries__phrase" title={c.phrase}>
            {truncateText(c.phrase || 'visual')}
          </span>
          <span className="muted">
            {c.count} · presence {c.presence.toFixed(2)}
          </span>
        </li>
      ))}
    </ul>
  );
}
