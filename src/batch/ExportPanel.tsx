/** Dataset export of the accepted images as one .zip. */
import { useState } from 'react';
import { DEFAULT_DATASET_OPTIONS, type DatasetOptions } from '../../workers/dataset/datasetZip';
import { cancelDatasetJob, exportDataset } from './datasetActions';
import { useBatchStore } from './useBatchStore';
import { formatBytes } from '../../workers/protocol';

export function ExportPanel() {
  const accepted = useBatchStore((s) => s.images.filter((i) => i.accepted).length);
  const exporting = useBatchStore((s) => s.exporting);
  const last = useBatchStore((s) => s.lastExport);
  const [o, setO] = useState<DatasetOptions>(DEFAULT_DATASET_OPTIONS);
  const flag = (k: 'yolo' | 'pngMasks' | 'includeImages', label: string) => (
    <label>
      <input type="checkbox" checked={o[k]} onChange={(e) => setO({ ...o, [k]: e.target.checked })} /> {label}
    </label>
  );
  return (
    <section className="panel batch-panel" data-testid="batch-export">
      <h2 className="panel__title">Export dataset</h2>
      <label>
        COCO
        <select
          value={o.coco ?? 'none'}
          onChange={(e) =>
            setO({ ...o, coco: e.target.value === 'none' ? null : (e.target.value as 'rle' | 'polygon') })
          }
        >
          <option value="rle">RLE masks</option>
          <option value="polygon">polygons</option>
          <option value="none">none</option>
        </select>
      </label>
      {flag('yolo', 'YOLO segmentation')}
      {flag('pngMasks', 'PNG masks')}
      {flag('includeImages', 'include the images')}
      <button
        type="button"
        className="button"
        data-testid="batch-export-button"
        disabled={accepted === 0 || Boolean(exporting)}
        onClick={() => void exportDataset(o)}
      >
        {exporting ? `Exporting ${exporting.done}/${exporting.total}…` : `Export ${accepted} accepted images (.zip)`}
      </button>
      {exporting && (
        <button
          type="button"
          className="button button--secondary"
          data-testid="batch-export-cancel"
          onClick={cancelDatasetJob}
        >
          Cancel
        </button>
      )}
      {last && (
        <p className="panel__note" data-testid="batch-export-done">
          {last.name}: {last.images} images, {formatBytes(last.bytes)}
        </p>
      )}
    </section>
  );
}
