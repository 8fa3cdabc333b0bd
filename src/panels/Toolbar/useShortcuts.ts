/** The document-wide key handler: maps keys through the shortcut table and runs the command. */
import { useEffect } from 'react';
import { commandForKey, runCommand } from '../../actions/shortcuts';

export function isMacPlatform(): boolean {
  return typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
}

/** Where letters are typing: text inputs, text areas, editable content, and a focused list box (type-to-select). */
function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement)
    return true;
  return target instanceof HTMLInputElement && !['range', 'checkbox', 'radio', 'button', 'file'].includes(target.type);
}

export function useShortcuts(): void {
  useEffect(() => {
    const mac = isMacPlatform();
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.isComposing) return;
      const command = commandForKey(e, mac, isTextField(e.target));
      if (command && runCommand(command)) e.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
