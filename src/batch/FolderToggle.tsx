/** The header button that opens and closes the folder workspace. */
import { useBatchStore } from './useBatchStore';
import { closeWorkspace, openWorkspace } from './workspaceActions';

export function FolderToggle() {
  const open = useBatchStore((s) => s.open);
  return (
    <button
      type="button"
      className={`mode-switch__option${open ? ' mode-switch__option--active' : ''}`}
      aria-pressed={open}
      data-testid="folder-mode"
      title="Label a whole folder: run the phrases over many images, review, export a dataset, evaluate"
      onClick={() => void (open ? closeWorkspace() : openWorkspace())}
    >
      {open ? 'Back to one image' : 'Label a folder'}
    </button>
  );
}
