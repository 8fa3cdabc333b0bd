import { openCatalogueEntry } from '../../actions/openPack';
import { useAppStore } from '../../store/useAppStore';
import { formatBytes } from '../format';

/** Real SAM 3 packs assembled from public exports. */
export function Catalogue() {
  const entries = useAppStore((s) => s.catalogue);
  const busy = useAppStore((s) => s.packLoad?.active === true);
  const activeId = useAppStore((s) => s.pack?.id);
  if (entries.length === 0) return null;
  return (
    <div className="catalogue">
      <h3 className="panel__subtitle">SAM 3 packs</h3>
      <ul>
        {entries.map((e) => (
          <li key={e.id} className="catalogue-entry" data-testid="catalogue-entry" data-pack-id={e.id}>
            <div className="catalogue-entry__text">
              <strong>{e.name}</strong> <span className="muted small">{formatBytes(e.approxBytes)}</span>
              <div className="muted small" title={e.description}>
                {e.description}
              </div>
              {e.capabilities.length > 0 && <div className="small">{e.capabilities.join(' · ')}</div>}
            </div>
            <button
              type="button"
              className="button"
              disabled={busy || activeId === e.id}
              onClick={() => void openCatalogueEntry(e)}
            >
              {activeId === e.id ? 'Active' : 'Download'}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
