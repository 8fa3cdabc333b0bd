/**
 * Open a model pack (demo URL, pack URL, local files, catalogue entry). A failure keeps the current pack, which keeps
 * segmenting while another downloads. Downloads can be paused, resumed (also after a reload: the unfinished download
 * is remembered in localStorage) and cancelled.
 */
import { callWithSignal, type CatalogueEntry, type PackSource } from '../../workers/protocol';
import { engine, progressCallback, scheduleSegment } from '../engine-client/engineClient';
import { reportEngineError } from '../engine-client/engineErrors';
import { packProgressHandler } from '../engine-client/engineEvents';
import { appStore, pushError, type PackLoadState, type PendingPack } from '../store/appStore';
import { packFacts } from '../store/packFacts';
import { refreshCacheState } from './manageCache';
import { blockedUrlMessage } from '../security/csp';

const PENDING_KEY = 'sam3-web:pending-pack';

/** The load in progress: aborting it with reason 'pause' pauses the download, with any other reason cancels it. */
let loading: AbortController | null = null;

/** Remote packs are downloaded and cached; local files and the built-in demo pack are not "downloads". */
function isDownload(source: PackSource, label: string): boolean {
  return source.kind !== 'files' && label !== 'demo pack';
}

function rememberPending(pending: PendingPack | null): void {
  appStore.setState({ pendingPack: pending });
  try {
    if (pending) localStorage.setItem(PENDING_KEY, JSON.stringify(pending));
    else localStorage.removeItem(PENDING_KEY);
  } catch {
    // Storage disabled: resuming after a reload is not offered, nothing else changes.
  }
}

/** At start-up: a download left unfinished by an earlier visit, offered for resuming. */
export function restorePendingPack(): void {
  try {
    const raw = localStorage.getItem(PENDING_KEY);
    const pending = raw ? (JSON.parse(raw) as PendingPack) : null;
    if (pending?.label && pending.source?.kind && pending.source.kind !== 'files') {
      appStore.setState({ pendingPack: pending });
    }
  } catch {
    localStorage.removeItem(PENDING_KEY);
  }
}

/** What will be checked for each file, when the manifest is known before the download (catalogue entries). */
function checksOf(source: PackSource): Pick<PackLoadState, 'checks'> {
  if (source.kind !== 'manifest') return {};
  return { checks: Object.fromEntries(packFacts(source.manifest).files.map((f) => [f.name, f.check])) };
}

export async function openPack(source: PackSource, label: string): Promise<boolean> {
  if (appStore.getState().packLoad?.active) {
    pushError('ui', 'A pack is already loading; pause or cancel it first.', `Loading ${label}`);
    return false;
  }
  const download = isDownload(source, label);
  if (download) {
    // Ask the browser not to evict the cached weights under storage pressure (best effort; window-only API).
    if (typeof navigator !== 'undefined') await navigator.storage?.persist?.().catch(() => false);
    rememberPending({ label, source });
  }
  appStore.setState({ packLoad: { label, active: true, files: {}, compiling: null, ...checksOf(source) } });
  const controller = new AbortController();
  loading = controller;
  try {
    const api = engine();
    const info = await callWithSignal(
      api,
      controller.signal,
      (call) => api.openPack(source, progressCallback(packProgressHandler()), call),
      'pack',
    );
    appStore.setState((s) => ({
      pack: info,
      packLoad: s.packLoad && { ...s.packLoad, active: false, compiling: null },
    }));
    if (download) rememberPending(null);
    scheduleSegment(0);
    return true;
  } catch (err) {
    const e = reportEngineError(err, `Loading ${label}`);
    const paused = e.code === 'paused';
    appStore.setState((s) => ({ packLoad: s.packLoad && { ...s.packLoad, active: false, compiling: null, paused } }));
    // A paused or interrupted download stays resumable; a broken pack is forgotten.
    if (download && !paused && e.code !== 'network') rememberPending(null);
    return false;
  } finally {
    if (loading === controller) loading = null;
    void refreshCacheState();
  }
}

/** Pauses the download in progress; what arrived stays stored. */
export async function pausePackLoad(): Promise<void> {
  loading?.abort('pause');
}

/** Stops the download in progress (or forgets a paused one) and deletes what it stored. */
export async function cancelPackLoad(): Promise<void> {
  const running = loading;
  if (running) running.abort('cancel');
  else await engine().dropPartialDownloads();
  rememberPending(null);
  appStore.setState((s) => ({ packLoad: s.packLoad && { ...s.packLoad, paused: false } }));
  void refreshCacheState();
}

/** Continues the paused or interrupted download from what was stored. */
export function resumePackLoad(): Promise<boolean> {
  const pending = appStore.getState().pendingPack;
  if (!pending) return Promise.resolve(false);
  return openPack(pending.source, pending.label);
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
  if (entry.manifest) return openPack({ kind: 'manifest', manifest: entry.manifest, baseUrl: '' }, entry.name);
  if (entry.manifestUrl) return openPack({ kind: 'url', manifestUrl: entry.manifestUrl }, entry.name);
  pushError('pack-invalid', `${entry.name} has neither a manifest nor a manifest URL.`, 'Loading pack');
  return Promise.resolve(false);
}
