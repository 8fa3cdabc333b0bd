/** Export the segmentation on screen as COCO JSON (full resolution, from the engine). */
import { engine } from '../engine-client/engineClient';
import { reportEngineError } from '../engine-client/engineErrors';
import { appStore } from '../store/appStore';
import { selectCurrentResult } from '../store/selectors';
import { baseName, downloadBlob } from './download';

export async function exportCoco(options: { download?: boolean } = {}): Promise<boolean> {
  const s = appStore.getState();
  const result = selectCurrentResult(s);
  if (!s.image || !result || !s.resultRequest) return false;
  appStore.setState({ exporting: true });
  try {
    const coco = await engine().exportCoco({ imageId: s.image.imageId, request: s.resultRequest });
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
  }
}
