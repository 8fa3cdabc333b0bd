import { useState } from 'react';
import { openPackFiles, openPackUrl } from '../../actions/openPack';
import { useAppStore } from '../../store/useAppStore';

/** Non-standard but universally supported: pick a whole folder. */
const FOLDER_ATTRS = { webkitdirectory: '', directory: '' } as Record<string, string>;

export function PackSources() {
  const [url, setUrl] = useState('');
  const busy = useAppStore((s) => s.packLoad?.active === true);
  return (
    <div className="pack-sources">
      <h3 className="panel__subtitle">Open a pack</h3>
      <form
        className="pack-sources__url"
        onSubmit={(e) => {
          e.preventDefault();
          void openPackUrl(url);
        }}
      >
        <input
          type="url"
          data-testid="pack-url-input"
          placeholder="https://…/manifest.json"
          aria-label="Pack manifest URL"
          value={url}
          onChange={(e) => setUrl(e.currentTarget.value)}
        />
        <button type="submit" className="button" data-testid="pack-url-open" disabled={busy || url.trim() === ''}>
          Open
        </button>
      </form>
      <div className="pack-sources__files">
        <label className="button button--secondary file-button">
          Local files…
          <input
            type="file"
            multiple
            data-testid="pack-files-input"
            className="visually-hidden"
            onChange={(e) => {
              void openPackFiles(Array.from(e.currentTarget.files ?? []));
              e.currentTarget.value = '';
            }}
          />
        </label>
        <label className="button button--secondary file-button">
          Local folder…
          <input
            type="file"
            multiple
            {...FOLDER_ATTRS}
            data-testid="pack-folder-input"
            className="visually-hidden"
            onChange={(e) => {
              void openPackFiles(Array.from(e.currentTarget.files ?? []));
              e.currentTarget.value = '';
            }}
          />
        </label>
      </div>
    </div>
  );
}
