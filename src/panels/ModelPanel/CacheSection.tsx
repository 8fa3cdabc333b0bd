import { clearCache, refreshCacheState } from '../../actions/manageCache';
import { useAppStore } from '../../store/useAppStore';
import { formatBytes } from '../../../workers/protocol';

export function CacheSection() {
  const cache = useAppStore((s) => s.cache);
  const total = cache?.reduce((a, e) => a + e.bytes, 0) ?? 0;
  const partial = cache?.filter((e) => !e.complete).length ?? 0;
  return (
    <div className="cache" data-testid="cache-state">
      <h3 className="panel__subtitle">Cache</h3>
      <p className="small">
        {cache === null
          ? 'Unknown'
          : `${cache.length} file${cache.length === 1 ? '' : 's'}, ${formatBytes(total)}${partial ? ` (${partial} partial)` : ''}`}
      </p>
      <div className="cache__buttons">
        <button type="button" className="button button--secondary" onClick={() => void refreshCacheState()}>
          Refresh
        </button>
        <button
          type="button"
          className="button button--danger"
          data-testid="cache-clear"
          disabled={!cache || cache.length === 0}
          onClick={() => void clearCache()}
        >
          Clear cache
        </button>
      </div>
    </div>
  );
}
