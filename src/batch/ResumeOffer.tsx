/** The offer to resume a folder run the page closed during (resumeOffer.ts), floating at the bottom left. */
import { useEffect } from 'react';
import { checkInterruptedRun, dismissInterruptedRun, resumeInterruptedRun } from './resumeOffer';
import { useBatchStore } from './useBatchStore';

export function ResumeOffer() {
  const offer = useBatchStore((s) => s.interruptedRun);
  const open = useBatchStore((s) => s.open);
  useEffect(() => void checkInterruptedRun(), []);
  if (!offer || open) return null;
  return (
    <div className="notices notices--left" role="status">
      <div className="notice notice--info" data-testid="resume-offer">
        <span className="notice__text">
          <strong>Folder run:</strong> the page closed during it; {offer.left} of {offer.total} images are left.{' '}
          <button
            type="button"
            className="button button--small"
            data-testid="resume-offer-button"
            onClick={() => void resumeInterruptedRun()}
          >
            Resume
          </button>
        </span>
        <button type="button" className="notice__close" aria-label="Dismiss" onClick={dismissInterruptedRun}>
          ×
        </button>
      </div>
    </div>
  );
}
