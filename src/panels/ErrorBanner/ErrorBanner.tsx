import { dismissError } from '../../actions/dismissError';
import { useAppStore } from '../../store/useAppStore';

/** Engine and UI errors. Nothing is lost on error: the previous image, results and pack stay. */
export function ErrorBanner() {
  const errors = useAppStore((s) => s.errors);
  if (errors.length === 0) return null;
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      {errors.map((e) => (
        <div key={e.id} className="error-banner__item" data-code={e.code}>
          <span>
            <strong>{e.context} failed:</strong> {e.message}
          </span>
          <button type="button" className="error-banner__close" aria-label="Dismiss" onClick={() => dismissError(e.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
