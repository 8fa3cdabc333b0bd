/** Open a model pack (demo URL, pack URL, local files, catalogue entry). A failure keeps the current pack. */
import type { CatalogueEntry, PackSource } from '../../workers/protocol';
import { engine, progressCallback, scheduleSegment } from '../engine-client/engineClient';
import { reportEngineError } from '../engine-client/engineErrors';
import { packProgressHandler } from '../engine-client/engineEvents';
import { appStore, pushError, type PackLoadState } from '../store/appStore';
import { packFacts } from '../panels/ModelPanel/packFacts';
import { refreshCacheState } from './manageCache';
import { blockedUrlMessage } from '../security/csp';

export async function openPack(source: PackSource, label: string, checks?: PackLoadState['checks']): Promise<boolean> {
  if (appStore.getState().packLoad?.active) {
    pushError('ui', 'A pack is already loading; wait for it to finish.', `Loading ${label}`);
    return false;
  }
  appStore.setState({ packLoad: { label, active: true, files: {}, compiling: null, ...(checks ? { checks } : {}) } });
  try {
    const info = await engine().openPack(source, progressCallback(packProgressHandler()));
    appStore.setState((s) => ({
      pack: info,
      packLoad: s.packLoad && { ...s.packLoad, active: false, compiling: null },
    }));
    scheduleSegment(0);
    return true;
  } catch (err) {
    appStore.setState((s) => ({ packLoad: s.packLoad && { ...s.packLoad, active: false, compiling: null } }));
    reportEngineError(err, `Loading ${label}`);
    return false;
  } finally {
    void refreshCacheState();
  }
}

/**
 * A pack from a manifest URL. A host outside the Content-Security-Policy is refused before any request (the browser
 * would block it and report only a network error), with how to allow one.
 */
export function openPackUrl(url: string): Promise<boolean> {
  const trimmed = url.trim();
  if (!trimmed) return Promise.resolve(false);
  const blocked = typeof location === 'undefined' ? null : blockedUrlMessage(trimmed, location.origin);
  if (blocked) {
    pushError('network', blocked, `Loading ${trimmed}`);
    return Promise.resolve(false);
  }
  return openPack({ kind: 'url', manifestUrl: trimmed }, trimmed);
}

/** Files from an `<input type=file multiple>` or a folder picker (webkitRelativePath keeps the layout). */
export function openPackFiles(files: FileList | readonly File[]): Promise<boolean> {
  const list = Array.from(files);
  if (list.length === 0) return Promise.resolve(false);
  return openPack(
    { kind: 'files', files: list.map((f) => ({ path: f.webkitRelativePath || f.name, data: f })) },
    `${list.length} local file${list.length === 1 ? '' : 's'}`,
  );
}

export function openCatalogueEntry(entry: CatalogueEntry): Promise<boolean> {
  if (entry.manifest) {
    const checks = Object.fromEntries(packFacts(entry.manifest).files.map((f) => [f.name, f.check]));
    return openPack({ kind: 'manifest', manifest: entry.manifest, baseUrl: '' }, entry.name, checks);
  }
  if (entry.manifestUrl) return openPack({ kind: 'url', manifestUrl: entry.manifestUrl }, entry.name);
  pushError('pack-invalid', `${entry.name} has neither a manifest nor a manifest URL.`, 'Loading pack');
  return Promise.resolve(false);
}
