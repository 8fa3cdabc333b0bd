/** Export the segmentation on screen as COCO JSON (full resolution, from the engine); cancellable while it runs. */
import { callWithSignal } from '../../workers/protocol';
import { engine } from '../engine-client/engineClient';
import { reportEngineError } from '../engine-client/engineErrors';
import { appStore } from '../store/appStore';
import { selectCurrentResult } from '../store/selectors';
import { baseName, downloadBlob } from './download';

let running: AbortController | null = null;

export async function exportCoco(options: { download?: boolean } = {}): Promise<boolean> {
  const s = appStore.getState();
  const result = selectCurrentResult(s);
  if (!s.image || !result || !s.resultRequest || running) return false;
  const controller = new AbortController();
  running = controller;
  appStore.setState({ exporting: true });
  try {
    const api = engine();
    const request = { imageId: s.image.imageId, request: s.resultRequest };
    const coco = await callWithSignal(api, controller.signal, (call) => api.exportCoco(request, call), 'coco');
    appStore.setState({ lastExport: coco, exporting: false });
    if (options.download !== false) {
      const blob = new Blob([JSON.stringify(coco, null, 2)], { type: 'application/json' });
      downloadBlob(blob, `${baseName(s.image.name)}-sam3.json`);
    }
    return true;
  } catch (err) {
    appStore.setState({ exporting: false });
    reportEngineError(err, 'Exporting COCO JSON');
    return false;
  } finally {
    running = null;
  }
}

/** Stops a COCO export in progress: nothing is downloaded. */
export function cancelCocoExport(): void {
  running?.abort();
}
