import { selectStatus, selectStatusDetail } from '../../store/selectors';
import { useAppStore } from '../../store/useAppStore';

/** Non-blocking busy indicator: "working" while anything is in flight, "ready" when idle. */
export function StatusBadge() {
  const status = useAppStore(selectStatus);
  const detail = useAppStore(selectStatusDetail);
  return (
    <div className={`status status--${status}`} aria-live="polite">
      {status === 'working' && <span className="spinner" aria-hidden="true" />}
      <span data-testid="status" className="status__word">
        {status}
      </span>
      <span className="status__detail">{detail}</span>
    </div>
  );
}
