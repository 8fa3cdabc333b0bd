/**
 * Notices (engine and UI errors, and things to know) float over the bottom of the page: they never push the canvas
 * or the panels, each can be dismissed, and a repeated one is counted instead of stacked (pushNotice). Nothing is
 * lost on error: the previous image, results and pack stay.
 */
import { dismissError } from '../../actions/dismissError';
import { useAppStore } from '../../store/useAppStore';

export function ErrorBanner() {
  const errors = useAppStore((s) => s.errors);
  if (errors.length === 0) return null;
  return (
    <div className="notices" role="alert" data-testid="error-banner">
      {errors.map((e) => (
        <div
          key={e.id}
          className={`notice notice--${e.tone}`}
          data-testid="notice"
          data-code={e.code}
          data-tone={e.tone}
          data-count={e.count}
        >
          <span className="notice__text">
            <strong>{e.tone === 'error' ? `${e.context} failed:` : `${e.context}:`}</strong> {e.message}
            {e.count > 1 && <span className="notice__count"> (×{e.count})</span>}
          </span>
          <button type="button" className="notice__close" aria-label="Dismiss" onClick={() => dismissError(e.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
