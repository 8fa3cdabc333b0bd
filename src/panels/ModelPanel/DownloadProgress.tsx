import { useAppStore } from '../../store/useAppStore';
import { formatBytes } from '../../../workers/protocol';
import { formatEta, formatRate } from '../format';
import { statusText } from '../../store/packFacts';

/** Per-file progress of the current (or last) pack load: bytes, rate, ETA. */
export function DownloadProgress() {
  const load = useAppStore((s) => s.packLoad);
  if (!load) return null;
  const files = Object.values(load.files);
  return (
    <div className="downloads" data-testid="download-progress" data-active={load.active}>
      <h3 className="panel__subtitle">
        {load.active ? `Loading ${load.label}…` : `Last load: ${load.label}`}
        {load.compiling && <span className="muted"> · compiling {load.compiling}</span>}
      </h3>
      {files.length === 0 && <p className="muted small">{load.active ? 'Reading manifest…' : 'No files.'}</p>}
      <ul>
        {files.map((f) => {
          const pct = f.total > 0 ? Math.min(100, (f.loaded / f.total) * 100) : 0;
          return (
            <li key={f.file} className="download">
              <div className="download__head">
                <span className="download__file mono" title={f.file}>
                  {f.file.split('/').pop()}
                </span>
                <span className="muted small" data-testid="download-status">
                  {statusText(f.status, load.checks?.[f.file])}
                </span>
              </div>
              <progress max={100} value={pct} aria-label={`${f.file} ${Math.round(pct)}%`} />
              <div className="muted small">
                {formatBytes(f.loaded)} / {formatBytes(f.total)}
                {f.status === 'progress' && ` · ${formatRate(f.bytesPerSecond)} · ETA ${formatEta(f.etaSeconds)}`}
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
