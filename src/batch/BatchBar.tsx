/** Adding images, the phrases, and the run's controls and progress. */
import { useRef, useState } from 'react';
import { useBatchStore } from './useBatchStore';
import { addFiles, pickDirectory, setBatchPhrases, setBatchThreshold, startOver } from './workspaceActions';
import { cancelRun, pauseRun, rerunAll, resumeRun, startRun } from './runActions';
import { formatDuration } from './format';

export function BatchBar() {
  const meta = useBatchStore((s) => s.meta);
  const run = useBatchStore((s) => s.run);
  const importing = useBatchStore((s) => s.importing);
  const images = useBatchStore((s) => s.images);
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  const [phrases, setPhrases] = useState<string | null>(null);
  const pending = images.filter((i) => i.status === 'pending').length;
  const failed = images.filter((i) => i.status === 'failed').length;
  const active = run && ['running', 'pausing', 'paused', 'cancelling'].includes(run.state);
  const paused = run?.state === 'paused' || run?.state === 'pausing';
  const phraseText = phrases ?? meta?.phrases.join(', ') ?? '';
  const pct = run && run.total ? Math.round((100 * run.done) / run.total) : 0;

  return (
    <div className="batch-bar" data-testid="batch-bar">
      <div className="batch-bar__row">
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
          onChange={(e) => {
            void addFiles([...(e.target.files ?? [])]);
            e.target.value = '';
          }}
        />
        <input
          ref={folder}
          type="file"
          hidden
          multiple
          {...{ webkitdirectory: '' }}
          data-testid="batch-folder-input"
          onChange={(e) => {
            void addFiles([...(e.target.files ?? [])]);
            e.target.value = '';
          }}
        />
        <label className="batch-bar__phrases">
          Phrases
          <input
            type="text"
            data-testid="batch-phrases"
            value={phraseText}
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
        <span className="batch-bar__spacer" />
        <button
          type="button"
          className="button button--secondary"
          disabled={Boolean(active) || images.length === 0}
          onClick={() => {
            if (confirm('Forget this batch: its images, labels and review?')) void startOver();
          }}
        >
          Start over
        </button>
      </div>
      <div className="batch-bar__row">
        {!active && (
          <button
            type="button"
            className="button"
            data-testid="batch-run"
            disabled={pending === 0}
            onClick={() => void startRun()}
          >
            {pending === 0
              ? 'All images labelled'
              : images.some((i) => i.status !== 'pending')
                ? `Resume (${pending} left)`
                : `Run on ${pending} images`}
          </button>
        )}
        {!active && failed > 0 && (
          <button
            type="button"
            className="button button--secondary"
            onClick={() => void startRun({ retryFailed: true })}
          >
            Retry {failed} failed
          </button>
        )}
        {!active && images.some((i) => i.status === 'done') && (
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              if (
                confirm(
                  'Label every image again with the current phrases? Detections are replaced (your fixes stay) and images are un-accepted.',
                )
              )
                void rerunAll();
            }}
          >
            Re-run all
          </button>
        )}
        {active && !paused && (
          <button type="button" className="button" data-testid="batch-pause" onClick={pauseRun}>
            Pause
          </button>
        )}
        {active && paused && (
          <button type="button" className="button" data-testid="batch-resume" onClick={resumeRun}>
            Resume
          </button>
        )}
        {active && (
          <button type="button" className="button button--secondary" data-testid="batch-cancel" onClick={cancelRun}>
            Cancel
          </button>
        )}
        {run && (
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
        )}
        {importing && <span className="batch-bar__note">{importing.label}</span>}
      </div>
    </div>
  );
}
