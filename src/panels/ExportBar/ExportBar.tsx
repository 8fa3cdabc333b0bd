import { cancelCocoExport, exportCoco } from '../../actions/exportCoco';
import { exportPng } from '../../canvas/exportPng';
import { selectCanExport } from '../../store/selectors';
import { useAppStore } from '../../store/useAppStore';

export function ExportBar() {
  const canExport = useAppStore(selectCanExport);
  const hasImage = useAppStore((s) => s.image?.display !== undefined);
  const exporting = useAppStore((s) => s.exporting);
  return (
    <div className="export-bar">
      {exporting ? (
        <button
          type="button"
          className="button button--secondary"
          data-testid="export-json-cancel"
          onClick={cancelCocoExport}
        >
          Cancel export
        </button>
      ) : (
        <button
          type="button"
          className="button button--secondary"
          data-testid="export-json"
          disabled={!canExport}
          onClick={() => void exportCoco()}
        >
          Export COCO JSON
        </button>
      )}
      <button
        type="button"
        className="button button--secondary"
        data-testid="export-png"
        disabled={!hasImage}
        onClick={() => void exportPng()}
      >
        Export PNG
      </button>
    </div>
  );
}
