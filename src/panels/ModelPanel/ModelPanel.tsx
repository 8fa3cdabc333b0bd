/**
 * Collapsible model panel: active pack, graphs and providers, runtime, downloads, cache, other packs. Open while no
 * pack is ready (loading shows progress); it collapses to a one-line summary each time a pack becomes ready.
 */
import { useState } from 'react';
import type { GraphInfo } from '../../../workers/protocol';
import { useAppStore } from '../../store/useAppStore';
import { EP_NAMES, groupReasons, providerSummary } from './graphSummary';
import { CacheSection } from './CacheSection';
import { Catalogue } from './Catalogue';
import { DownloadControls } from './DownloadControls';
import { DownloadProgress } from './DownloadProgress';
import { PackSources } from './PackSources';
import { RuntimeSummary } from './RuntimeSummary';

export function ModelPanel() {
  const pack = useAppStore((s) => s.pack);
  // Open while no pack is ready; collapse each time a new pack becomes ready (start-up, a download, local files).
  // A failed load keeps the pack, so the panel stays as the user left it. The user may open it again.
  const [panel, setPanel] = useState({ open: pack === null, shownFor: pack });
  if (panel.shownFor !== pack) setPanel({ open: pack === null ? panel.open : false, shownFor: pack });
  const open = panel.open;
  const setOpen = (f: (o: boolean) => boolean) => setPanel((p) => ({ ...p, open: f(p.open) }));
  const providers = pack ? providerSummary(pack.graphs) : '';

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
        {providers && (
          <span className="muted small" data-testid="pack-providers">
            {providers}
          </span>
        )}
      </div>
      {pack?.demo && (
        <p className="model-panel__demo-note">
          This small built-in pack recognises colours only. For real objects, open this panel and download one of the
          SAM 3 packs.
        </p>
      )}
      <DownloadControls />
      {open && (
        <div className="model-panel__body">
          {pack && pack.graphs.length > 0 && <GraphTable graphs={pack.graphs} />}
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

function GraphTable({ graphs }: { graphs: readonly GraphInfo[] }) {
  const reasons = groupReasons(graphs);
  return (
    <>
      <table className="graph-table">
        <thead>
          <tr>
            <th>Graph</th>
            <th>Contract</th>
            <th>Runs on</th>
          </tr>
        </thead>
        <tbody>
          {graphs.map((g) => (
            <tr key={g.role}>
              <td>{g.role}</td>
              <td className="mono">{g.contract}</td>
              <td>
                <span data-testid="graph-ep" data-role={g.role} className={`ep ep--${g.executionProvider}`}>
                  {EP_NAMES[g.executionProvider]}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="graph-reasons" data-testid="graph-reasons">
        {reasons.map((r) => (
          <li key={`${r.provider}|${r.reason}`} data-testid="graph-reason">
            <strong>{r.provider}</strong>
            {reasons.length > 1 || r.roles.length < graphs.length
              ? ` (${r.roles.join(', ')})`
              : ` (all ${graphs.length} graphs)`}
            : {r.reason}
          </li>
        ))}
      </ul>
    </>
  );
}
