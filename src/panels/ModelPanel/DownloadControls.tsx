/** Pause, resume and cancel for a pack download — also one left unfinished by an earlier visit. */
import { cancelPackLoad, pausePackLoad, resumePackLoad } from '../../actions/openPack';
import { useAppStore } from '../../store/useAppStore';

export function DownloadControls() {
  const load = useAppStore((s) => s.packLoad);
  const pending = useAppStore((s) => s.pendingPack);
  if (!pending) return null;
  const downloading = load?.active === true && load.label === pending.label;
  return (
    <div className="download-controls" data-testid="download-controls">
      {!downloading && (
        <p className="small">
          {load?.paused ? 'Paused: ' : 'Unfinished download: '}
          <strong>{pending.label}</strong>. What arrived is kept; resuming continues from there.
        </p>
      )}
      <div className="download-controls__buttons">
        {downloading ? (
          <button type="button" data-testid="download-pause" onClick={() => void pausePackLoad()}>
            Pause
          </button>
        ) : (
          <button type="button" data-testid="download-resume" onClick={() => void resumePackLoad()}>
            Resume
          </button>
        )}
        <button type="button" data-testid="download-cancel" onClick={() => void cancelPackLoad()}>
          {downloading ? 'Cancel' : 'Discard'}
        </button>
      </div>
    </div>
  );
}
