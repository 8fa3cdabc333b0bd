/**
 * Real SAM 3 packs assembled from public exports. Each entry says only what is known: its sources and revisions
 * (a branch or a release tag is marked unpinned), and "size unknown — unverified" while no size and SHA-256 are on
 * record, so nothing suggests a check that will not be made.
 */
import { openCatalogueEntry } from '../../actions/openPack';
import { providerFromUrl } from '../../actions/startApp';
import { useAppStore } from '../../store/useAppStore';
import { formatBytes } from '../../../workers/protocol';
import { describeRevision, packFacts, variantFacts } from '../../store/packFacts';

export function Catalogue() {
  const entries = useAppStore((s) => s.catalogue);
  const busy = useAppStore((s) => s.packLoad?.active === true);
  const activeId = useAppStore((s) => s.pack?.id);
  const runtime = useAppStore((s) => s.runtime);
  if (entries.length === 0) return null;
  const choice = providerFromUrl(location.search);
  return (
    <div className="catalogue">
      <h3 className="panel__subtitle">SAM 3 packs</h3>
      <ul>
        {entries.map((e) => {
          const facts = e.manifest ? packFacts(e.manifest) : null;
          const verified = facts?.verified === true;
          const variant = e.manifest ? variantFacts(e.manifest, runtime, choice) : null;
          return (
            <li key={e.id} className="catalogue-entry" data-testid="catalogue-entry" data-pack-id={e.id}>
              <div className="catalogue-entry__text">
                <strong>{e.name}</strong>{' '}
                <span className="muted small" data-testid="catalogue-size">
                  {facts?.knownBytes
                    ? `${formatBytes(facts.knownBytes)}${verified ? ' · SHA-256 verified after download' : ''}`
                    : `size unknown — unverified (about ${formatBytes(e.approxBytes)}, an estimate)`}
                </span>
                <div className="muted small" title={e.description}>
                  {e.description}
                </div>
                {facts && facts.sources.length > 0 && (
                  <ul className="catalogue-entry__sources small" data-testid="catalogue-sources">
                    {facts.sources.map((s) => (
                      <li key={`${s.repo}@${s.revision}`} data-pinned={s.pinned}>
                        {describeRevision(s)}
                      </li>
                    ))}
                  </ul>
                )}
                {e.capabilities.length > 0 && <div className="small">{e.capabilities.join(' · ')}</div>}
                {variant && (
                  <div
                    className={`small catalogue-entry__fit${variant.allowed ? '' : ' catalogue-entry__fit--refused'}`}
                    data-testid="catalogue-fit"
                    data-runs={variant.runs}
                    data-allowed={variant.allowed}
                  >
                    <span data-testid="catalogue-precision">{variant.precision ?? 'precision not on record'}</span>
                    {' · '}
                    {variant.needs}
                    <div>{variant.fit}</div>
                  </div>
                )}
              </div>
              <button
                type="button"
                className="button"
                disabled={busy || activeId === e.id || variant?.allowed === false}
                title={
                  variant?.allowed === false
                    ? variant.fit
                    : verified
                      ? 'Download; every file is checked against its size and SHA-256'
                      : 'No size or SHA-256 is published for these files, so the download cannot be verified'
                }
                onClick={() => void openCatalogueEntry(e)}
              >
                {activeId === e.id ? 'Active' : verified ? 'Download' : 'Download unverified'}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
