/** The folder workspace: add images, run the phrases over them, review, export, evaluate. */
import { useEffect, useState } from 'react';
import { BatchBar } from './BatchBar';
import { EvalPanel } from './EvalPanel';
import { ExportPanel } from './ExportPanel';
import { ImportStatus } from './ImportStatus';
import { ReviewPane } from './ReviewPane';
import { ThumbnailGrid } from './ThumbnailGrid';
import { handleReviewKey, REVIEW_SHORTCUTS } from './batchKeys';
import { useBatchStore } from './useBatchStore';
import { addDrop } from './workspaceActions';
import { batchStore } from './batchStore';
import './batch.css';

export function BatchWorkspace() {
  const message = useBatchStore((s) => s.message);
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (handleReviewKey(e)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <main
      className={`batch${dragging ? ' batch--dragging' : ''}`}
      data-testid="batch-workspace"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        void addDrop(e.dataTransfer);
      }}
    >
      <BatchBar />
      <ImportStatus />
      {message && (
        <div
          className={`batch__message batch__message--${message.kind}`}
          role={message.kind === 'error' ? 'alert' : 'status'}
          data-testid="batch-message"
        >
          {message.text}
          <button type="button" className="link" onClick={() => batchStore.setState({ message: null })}>
            dismiss
          </button>
        </div>
      )}
      <div className="batch__body">
        <ThumbnailGrid />
        <ReviewPane />
        <aside className="batch__side">
          <ExportPanel />
          <EvalPanel />
          <details className="panel batch-panel">
            <summary>Review shortcuts</summary>
            <dl className="shortcuts">
              {REVIEW_SHORTCUTS.map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{v}</dd>
                </div>
              ))}
            </dl>
          </details>
        </aside>
      </div>
    </main>
  );
}
