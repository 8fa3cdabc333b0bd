import type { ConceptSummary } from '../../../workers/protocol';
import { rgbCss, type InstanceColor } from '../../colors';
import { truncateText } from '../format';

/** Dots shown per concept before "+n". */
const MAX_DOTS = 6;

/**
 * Per concept: the colours of its masks (the same colours the canvas draws and the list's swatches show; a concept
 * without instances shows a hollow dot), how many instances passed, and its presence score.
 */
export function ConceptSummaries({
  summaries,
  colors,
}: {
  summaries: ConceptSummary[];
  colors: Map<string, InstanceColor[]>;
}) {
  if (summaries.length === 0) return null;
  return (
    <ul className="concept-summaries">
      {summaries.map((c) => {
        const own = colors.get(c.conceptId) ?? [];
        return (
          <li key={c.conceptId} data-testid="concept-summary">
            <span className="concept-summaries__dots" aria-hidden="true">
              {own.length === 0 && <span className="concept-summaries__dot concept-summaries__dot--none" />}
              {own.slice(0, MAX_DOTS).map((color, k) => (
                <span
                  key={k}
                  className="concept-summaries__dot"
                  data-testid="concept-dot"
                  style={{ background: color.css, borderColor: rgbCss(color.outline) }}
                />
              ))}
              {own.length > MAX_DOTS && <span className="muted">+{own.length - MAX_DOTS}</span>}
            </span>
            <span className="concept-summaries__phrase" title={c.phrase}>
              {truncateText(c.phrase || 'visual')}
            </span>
            <span className="muted">
              {c.count} · presence {c.presence.toFixed(2)}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
