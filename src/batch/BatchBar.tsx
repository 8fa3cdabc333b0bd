/** Adding images, the phrases, and the run's controls and progress. */
import { useRef, useState } from 'react';
import { useBatchStore } from './useBatchStore';
import { addFiles, pickDirectory, setBatchPhrases, setBatchThreshold, startOver } from './workspaceActions';
import { cancelRun, pauseRun, rerunAll, resumeRun, startRun } from './runActions';
import { formatDuration } from './format';
import type { BatchState } from './batchStore';

const isActive = (s: BatchState) =>
  Boolean(s.run && ['running', 'pausing', 'paused', 'cancelling'].includes(s.run.state));
const countOf = (status: 'pending' | 'failed' | 'done') => (s: BatchState) =>
  s.images.filter((i) => i.status === status).length;

export function BatchBar() {
  const importing = useBatchStore((s) => s.importing);
  return (
    <div className="batch-bar" data-testid="batch-bar">
      <div className="batch-bar__row">
        <AddImages />
        <RunSettings />
        <span className="batch-bar__spacer" />
        <StartOver />
      </div>
      <div className="batch-bar__row">
        <RunControls />
        <RunProgress />
        {importing && <span className="batch-bar__note">{importing.label}</span>}
      </div>
    </div>
  );
}

/** A folder (the directory picker, else a folder input), images or a .zip. */
function AddImages() {
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  const onFiles = (e: React.ChangeEvent<HTMLInputElement>) => {
    void addFiles([...(e.target.files ?? [])]);
    e.target.value = '';
  };
  return (
    <>
      <button
        type="button"
        className="button"
        onClick={() => void pickDirectory().then((ok) => ok || folder.current?.click())}
      >
        Open folder…
      </button>
      <button type="button" className="button button--secondary" onClick={() => files.current?.click()}>
        Add images or .zip…
      </button>
      <input
        ref={files}
        type="file"
        multiple
        hidden
        accept="image/*,.zip,application/zip"
        data-testid="batch-file-input"
        onChange={onFiles}
      />
      <input
        ref={folder}
        type="file"
        hidden
        multiple
        {...{ webkitdirectory: '' }}
        data-testid="batch-folder-input"
        onChange={onFiles}
      />
    </>
  );
}

/** The phrases (saved when the field is left) and the score threshold. */
function RunSettings() {
  const meta = useBatchStore((s) => s.meta);
  const loaded = useBatchStore((s) => s.loaded);
  const [phrases, setPhrases] = useState<string | null>(null);
  return (
    <>
      <label className="batch-bar__phrases">
        Phrases
        <input
          type="text"
          data-testid="batch-phrases"
          value={phrases ?? meta?.phrases.join(', ') ?? ''}
          // Editable once the saved batch (its phrases) is loaded: text typed before would be merged with them.
          disabled={!loaded}
          placeholder="dog, red car, person"
          onChange={(e) => setPhrases(e.target.value)}
          onBlur={() => {
            if (phrases !== null) void setBatchPhrases(phrases).then(() => setPhrases(null));
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
            e.stopPropagation();
          }}
        />
      </label>
      <label className="batch-bar__threshold">
        Score &gt;
        <input
          type="number"
          min={0}
          max={0.99}
          step={0.05}
          value={meta?.scoreThreshold ?? 0.5}
          onChange={(e) => void setBatchThreshold(Number(e.target.value))}
        />
      </label>
    </>
  );
}

function StartOver() {
  const active = useBatchStore(isActive);
  const empty = useBatchStore((s) => s.images.length === 0);
  return (
    <button
      type="button"
      className="button button--secondary"
      disabled={active || empty}
      onClick={() => {
        if (confirm('Forget this batch: its images, labels and review?')) void startOver();
      }}
    >
      Start over
    </button>
  );
}

/** Run, resume, retry, re-run; pause, resume and cancel while a run goes. */
function RunControls() {
  const active = useBatchStore(isActive);
  const paused = useBatchStore((s) => s.run?.state === 'paused' || s.run?.state === 'pausing');
  const pending = useBatchStore(countOf('pending'));
  const failed = useBatchStore(countOf('failed'));
  const done = useBatchStore(countOf('done'));
  if (active) {
    return (
      <>
        {paused ? (
          <button type="button" className="button" data-testid="batch-resume" onClick={resumeRun}>
            Resume
          </button>
        ) : (
          <button type="button" className="button" data-testid="batch-pause" onClick={pauseRun}>
            Pause
          </button>
        )}
        <button type="button" className="button button--secondary" data-testid="batch-cancel" onClick={cancelRun}>
          Cancel
        </button>
      </>
    );
  }
  const started = done + failed > 0;
  return (
    <>
      <button
        type="button"
        className="button"
        data-testid="batch-run"
        disabled={pending === 0}
        onClick={() => void startRun()}
      >
        {pending === 0 ? 'All images labelled' : started ? `Resume (${pending} left)` : `Run on ${pending} images`}
      </button>
      {failed > 0 && (
        <button type="button" className="button button--secondary" onClick={() => void startRun({ retryFailed: true })}>
          Retry {failed} failed
        </button>
      )}
      {done > 0 && (
        <button
          type="button"
          className="button button--secondary"
          data-testid="batch-rerun"
          onClick={() => {
            if (
              confirm(
                'Label every image again with the current phrases? Detections are replaced (your fixes stay) and images are un-accepted as they are relabelled; if you cancel, the images not reached keep their labels.',
              )
            )
              void rerunAll();
          }}
        >
          Re-run all
        </button>
      )}
    </>
  );
}

function RunProgress() {
  const run = useBatchStore((s) => s.run);
  const active = useBatchStore(isActive);
  if (!run) return null;
  const pct = run.total ? Math.round((100 * run.done) / run.total) : 0;
  return (
    <div className="batch-progress" data-testid="batch-progress" aria-live="polite">
      <div className="batch-progress__bar">
        <div className="batch-progress__fill" style={{ width: `${pct}%` }} />
      </div>
      <span>
        {run.done}/{run.total} · {run.state}
        {run.imagesPerSecond ? ` · ${run.imagesPerSecond.toFixed(2)} images/s` : ''}
        {active && run.etaMs !== null ? ` · about ${formatDuration(run.etaMs)} left` : ''}
        {run.failed ? ` · ${run.failed} failed` : ''}
        {run.current ? ` · ${run.current}` : ''}
      </span>
    </div>
  );
}
