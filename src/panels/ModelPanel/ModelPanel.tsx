/** Collapsible model panel: active pack, graphs and providers, runtime, downloads, cache, other packs. */
import { useState } from 'react';
import { useAppStore } from '../../store/useAppStore';
import { CacheSection } from './CacheSection';
import { Catalogue } from './Catalogue';
import { DownloadControls } from './DownloadControls';
import { DownloadProgress } from './DownloadProgress';
import { PackSources } from './PackSources';
import { RuntimeSummary } from './RuntimeSummary';

export function ModelPanel() {
  const [open, setOpen] = useState(true);
  const pack = useAppStore((s) => s.pack);

  return (
    <section className="panel model-panel" data-testid="model-panel" aria-label="Model">
      <button type="button" className="panel__toggle" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        <h2 className="panel__title">Model</h2>
        <span className="panel__toggle-icon" aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
      </button>
      <div className="model-panel__summary">
        <span data-testid="pack-name" className="model-panel__pack-name">
          {pack ? pack.name : 'No pack loaded'}
        </span>
        {pack?.demo && <span className="badge badge--demo">Demo</span>}
      </div>
      {pack?.demo && (
        <p className="model-panel__demo-note">
          This small built-in pack recognises colours only. For real objects, download one of the SAM 3 packs below.
        </p>
      )}
      <DownloadControls />
      {open && (
        <div className="model-panel__body">
          {pack && pack.graphs.length > 0 && (
            <table className="graph-table">
              <thead>
                <tr>
                  <th>Graph</th>
                  <th>Contract</th>
                  <th>Runs on</th>
                </tr>
              </thead>
              <tbody>
                {pack.graphs.map((g) => (
                  <tr key={g.role}>
                    <td>{g.role}</td>
                    <td className="mono">{g.contract}</td>
                    <td>
                      <span data-testid="graph-ep" data-role={g.role} className={`ep ep--${g.executionProvider}`}>
                        {g.executionProvider === 'webgpu' ? 'WebGPU' : g.executionProvider.toUpperCase()}
                      </span>
                      <div className="muted small">{g.reason}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <RuntimeSummary />
          <DownloadProgress />
          <PackSources />
          <Catalogue />
          <CacheSection />
        </div>
      )}
    </section>
  );
}
