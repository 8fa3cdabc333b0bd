/** Every shortcut, from the same table the key handler uses. `?` toggles it, Escape closes it. */
import { setHelpOpen } from '../../actions/tools';
import { shortcutHelp } from '../../actions/shortcuts';
import { useAppStore } from '../../store/useAppStore';
import { isMacPlatform } from '../Toolbar/useShortcuts';

export function HelpOverlay() {
  const open = useAppStore((s) => s.helpOpen);
  if (!open) return null;
  const rows = shortcutHelp(isMacPlatform());
  return (
    <div className="help-backdrop" onClick={() => setHelpOpen(false)}>
      <div
        className="help-overlay"
        data-testid="help-overlay"
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        onClick={(e) => e.stopPropagation()}
      >
        <div className="help-overlay__head">
          <h2>Keyboard shortcuts</h2>
          <button type="button" aria-label="Close" onClick={() => setHelpOpen(false)}>
            ×
          </button>
        </div>
        <table>
          <tbody>
            {rows.map((r) => (
              <tr key={r.keys}>
                <th scope="row">
                  <kbd>{r.keys}</kbd>
                </th>
                <td>{r.does}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
