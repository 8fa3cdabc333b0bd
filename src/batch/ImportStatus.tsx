/**
 * The import's progress with Cancel while images are being added, and afterwards the list of every file the last
 * import skipped, each with its reason (the notice names the first few of each kind).
 */
import { useStore } from 'zustand';
import { skipReason } from '../../workers/batch/importLimits';
import { cancelImport, importStore } from './importActions';
import { useBatchStore } from './useBatchStore';
import './importStatus.css';

/** Rows listed; a longer list ends with a count. */
const LISTED = 1000;

export function ImportStatus() {
  const importing = useBatchStore((s) => s.importing);
  const running = useStore(importStore, (s) => s.running);
  const skipped = useStore(importStore, (s) => s.skipped);
  if (running && importing) {
    return (
      <div className="import-status" data-testid="import-status" aria-live="polite">
        <progress
          className="import-status__bar"
          max={importing.total ?? undefined}
          value={importing.total ? importing.done : undefined}
          data-testid="import-progress"
        />
        <span className="import-status__count">
          {importing.total
            ? `${importing.done.toLocaleString('en-US')} / ${importing.total.toLocaleString('en-US')}`
            : ''}
        </span>
        <button type="button" className="button button--secondary" data-testid="import-cancel" onClick={cancelImport}>
          Cancel
        </button>
      </div>
    );
  }
  if (skipped.length === 0) return null;
  return (
    <details className="import-skipped" data-testid="import-skipped">
      <summary>
        {skipped.length.toLocaleString('en-US')} {skipped.length === 1 ? 'file' : 'files'} skipped by the last import
      </summary>
      <ul>
        {skipped.slice(0, LISTED).map((s, k) => (
          <li key={k}>
            <span className="import-skipped__path">{s.path}</span> — {skipReason(s)}
          </li>
        ))}
        {skipped.length > LISTED && <li>… and {(skipped.length - LISTED).toLocaleString('en-US')} more</li>}
      </ul>
      <button type="button" className="link" onClick={() => importStore.setState({ skipped: [] })}>
        dismiss
      </button>
    </details>
  );
}
