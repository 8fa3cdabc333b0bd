/**
 * Open an image (drop, paste, pick, or the built-in sample) as the single image's engine session; the previous
 * image's session is closed once the new one is open. On failure the previous image and results stay.
 */
import { cancelScheduledSegment, engine, scheduleSegment } from '../engine-client/engineClient';
import { reportEngineError } from '../engine-client/engineErrors';
import { appStore, pushError } from '../store/appStore';
import { emptyHistory } from '../store/history';
import type { PromptDocument } from '../store/promptDocument';

/**
 * Boxes and clicks are in the old image's pixels and edits name its instances: a new image keeps the phrases only,
 * and starts a new history.
 */
function phrasesOnly(s: ReturnType<typeof appStore.getState>) {
  const hadSpatial = s.objects.length > 0 || s.edits.length > 0 || s.concepts.some((c) => c.boxes.length > 0);
  if (!hadSpatial && s.history.undo.length === 0 && s.history.redo.length === 0) return {};
  return {
    concepts: s.concepts.filter((c) => c.phrase !== '').map((c) => (c.boxes.length ? { ...c, boxes: [] } : c)),
    objects: [],
    edits: [],
    selectedObjectId: null,
    history: emptyHistory<PromptDocument>(),
  };
}

export async function openImage(blob: Blob, name: string): Promise<boolean> {
  appStore.setState({ imageLoading: name });
  try {
    const info = await engine().openImage({ kind: 'blob', blob, name });
    const previous = appStore.getState().image;
    // Whatever still runs on the previous image is stale now; then its session goes.
    cancelScheduledSegment();
    if (previous) void engine().closeImage(previous.imageId);
    appStore.setState((s) => ({
      image: info,
      imageLoading: null,
      result: null,
      resultRequest: null,
      resultVersion: s.resultVersion + 1,
      hoveredInstanceId: null,
      lastExport: null,
      zoom: null,
      selectedInstanceId: null,
      ...phrasesOnly(s),
    }));
    if (previous?.display && previous.display !== info.display) previous.display.close();
    scheduleSegment(0);
    return true;
  } catch (err) {
    appStore.setState({ imageLoading: null });
    reportEngineError(err, `Opening ${name}`);
    return false;
  }
}

/** First image of a drop / paste / pick, if any. */
export function openFirstImageFile(files: FileList | readonly File[] | null | undefined): void {
  const file = files?.[0];
  if (!file) return;
  void openImage(file, file.name || 'pasted-image');
}

export async function openImageUrl(url: string, name: string): Promise<boolean> {
  appStore.setState({ imageLoading: name });
  let blob: Blob;
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    blob = await res.blob();
  } catch (err) {
    appStore.setState({ imageLoading: null });
    pushError(
      'network',
      `Could not fetch ${url}: ${err instanceof Error ? err.message : String(err)}`,
      'Opening image',
    );
    return false;
  }
  return openImage(blob, name);
}
