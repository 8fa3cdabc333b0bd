import { selectStatus, selectStatusDetail } from '../../store/selectors';
import { useAppStore } from '../../store/useAppStore';

/**
 * Non-blocking busy indicator: "working" while anything is in flight, "ready" when idle. `scope`: the still image's
 * counts are shown in image mode only.
 */
export function StatusBadge({ scope = 'image' }: { scope?: 'image' | 'other' }) {
  const status = useAppStore(selectStatus);
  const detail = useAppStore((s) => selectStatusDetail(s, scope));
  return (
    <div className={`status status--${status}`} aria-live="polite">
      {status === 'working' && <span className="spinner" aria-hidden="true" />}
      <span data-testid="status" className="status__word">
        {status}
      </span>
      <span className="status__detail" data-testid="status-detail">
        {detail}
      </span>
    </div>
  );
}
