import { useEffect, useState } from 'react';
import { cancelSegment } from '../../actions/cancelSegment';
import { LONG_REQUEST_MS, segmentProgressText, selectStatus, selectStatusDetail } from '../../store/selectors';
import { useAppStore } from '../../store/useAppStore';

/** performance.now(), refreshed every `everyMs` while `active` (the elapsed time of a long request). */
function useNow(active: boolean, everyMs = 500): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => setNow(performance.now()), everyMs);
    return () => clearInterval(id);
  }, [active, everyMs]);
  return now;
}

/**
 * Non-blocking busy indicator: "working" while anything is in flight, "ready" when idle. `scope`: the still image's
 * counts are shown in image mode only. There, a segmentation running longer than a second (a full-size pack on WASM
 * takes minutes) shows which graph runs, how many of the request's graphs, the time elapsed, and a Cancel button.
 */
export function StatusBadge({ scope = 'image' }: { scope?: 'image' | 'other' }) {
  const status = useAppStore(selectStatus);
  const detail = useAppStore((s) => selectStatusDetail(s, scope));
  const progress = useAppStore((s) => (scope === 'image' && s.segmentPending ? s.segmentProgress : null));
  const now = useNow(progress !== null);
  const long = progress !== null && now - progress.startedAt >= LONG_REQUEST_MS;
  return (
    <div className={`status status--${status}`} aria-live="polite">
      {status === 'working' && !long && <span className="spinner" aria-hidden="true" />}
      <span data-testid="status" className="status__word">
        {status}
      </span>
      {long ? (
        <>
          {/* Not live: the elapsed time changes twice a second. */}
          <span
            className="status__detail status__progress"
            data-testid="segment-progress"
            aria-live="off"
            title={segmentProgressText(progress, now)}
          >
            {segmentProgressText(progress, now)}
          </span>
          <button
            type="button"
            className="button button--secondary status__cancel"
            data-testid="segment-cancel"
            disabled={progress.cancelling}
            onClick={cancelSegment}
          >
            Cancel
          </button>
        </>
      ) : (
        <span className="status__detail" data-testid="status-detail">
          {detail}
        </span>
      )}
    </div>
  );
}
