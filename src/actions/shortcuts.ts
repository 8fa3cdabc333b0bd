/**
 * Keyboard shortcuts: one table drives both the key handling and the help overlay, so the help never lies.
 * `commandForKey` is pure (tested in Node); `runCommand` maps a command to its action.
 */
import { appStore } from '../store/appStore';
import { cycleCandidate, removeClickObject } from './clickPoints';
import { redo, undo } from './undoRedo';
import { deleteInstance, setInstanceHidden } from './instanceEdits';
import { actualSizeStage, fitStage, zoomStage, ZOOM_STEP } from './viewZoom';
import { escape, setHelpOpen, setTool, toggleBoxPolarity } from './tools';

export type Command =
  | 'undo'
  | 'redo'
  | 'tool-select'
  | 'tool-box'
  | 'tool-click'
  | 'toggle-polarity'
  | 'next-candidate'
  | 'previous-candidate'
  | 'delete-object'
  | 'toggle-hidden'
  | 'zoom-in'
  | 'zoom-out'
  | 'zoom-fit'
  | 'zoom-actual'
  | 'help'
  | 'escape'
  | 'leave-field';

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export interface ShortcutHelp {
  keys: string;
  does: string;
}

/** Ctrl on Windows/Linux, Cmd on macOS. */
export function modifierName(isMac: boolean): string {
  return isMac ? '⌘' : 'Ctrl';
}

export function shortcutHelp(isMac: boolean): ShortcutHelp[] {
  const mod = modifierName(isMac);
  return [
    { keys: `${mod}+Z`, does: 'Undo the last prompt change (phrases, boxes, clicks, deletions, threshold)' },
    { keys: `${mod}+Shift+Z  /  ${mod}+Y`, does: 'Redo' },
    { keys: 'V', does: 'Select tool: hover instances' },
    { keys: 'B', does: 'Box tool: drag a positive exemplar box' },
    { keys: 'Alt+drag  /  right-drag', does: 'Box tool: a negative exemplar box' },
    { keys: 'X', does: 'Box tool: flip the polarity of new boxes (±)' },
    { keys: 'P', does: 'Click tool: click an instance to refine it, or the background for a new object' },
    { keys: 'Alt+click  /  right-click', does: 'Click tool: a negative point' },
    { keys: 'C  /  ]', does: 'Next candidate mask of the selected object' },
    { keys: '[', does: 'Previous candidate mask of the selected object' },
    { keys: 'Delete', does: 'Delete the selected detection (Select tool), or remove the selected clicked object' },
    { keys: 'H', does: 'Hide or show the selected detection (hidden ones are not drawn or exported)' },
    { keys: 'Wheel  /  +  /  −', does: 'Zoom the image about the pointer (keys: about the centre)' },
    { keys: 'Drag (Select tool)  /  middle-drag  /  Space+drag', does: 'Pan the zoomed image' },
    { keys: '0  /  1', does: 'Fit the image to the view  /  1:1 (one image pixel per screen pixel)' },
    { keys: 'Enter', does: 'In the phrase field: turn the text into chips' },
    { keys: '?', does: 'Show or hide this help' },
    {
      keys: 'Esc',
      does: 'Leave the text field (then the letter shortcuts work); cancel a drag, close this help, clear the selection',
    },
  ];
}

/**
 * The command for a key press, or null. `inTextField`: the focus is in a text input, where only the history
 * keys and Escape are ours (Escape leaves the field); everything else, letters and `?` included, is typing.
 * Anywhere else (the canvas, a button, the slider, the page) every shortcut works.
 */
export function commandForKey(e: KeyLike, isMac: boolean, inTextField: boolean): Command | null {
  const mod = isMac ? e.metaKey : e.ctrlKey;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (mod && !e.altKey) {
    if (key === 'z') return e.shiftKey ? 'redo' : 'undo';
    if (key === 'y' && !e.shiftKey) return 'redo';
    return null;
  }
  if (key === 'Escape') return inTextField ? 'leave-field' : 'escape';
  if (inTextField || e.ctrlKey || e.metaKey || e.altKey) return null;
  switch (key) {
    case '?':
      return 'help';
    case 'v':
      return 'tool-select';
    case 'b':
      return 'tool-box';
    case 'p':
      return 'tool-click';
    case 'x':
      return 'toggle-polarity';
    case 'c':
    case ']':
      return 'next-candidate';
    case '[':
      return 'previous-candidate';
    case 'Delete':
    case 'Backspace':
      return 'delete-object';
    case 'h':
      return 'toggle-hidden';
    case '+':
    case '=':
      return 'zoom-in';
    case '-':
    case '_':
      return 'zoom-out';
    case '0':
      return 'zoom-fit';
    case '1':
      return 'zoom-actual';
    default:
      return null;
  }
}

/** Runs a command; true when it was handled (the caller then prevents the browser's default). */
export function runCommand(command: Command): boolean {
  switch (command) {
    case 'undo':
      undo();
      return true; // handled even when there is nothing to undo: never the browser's own text undo
    case 'redo':
      redo();
      return true;
    case 'tool-select':
      setTool('select');
      return true;
    case 'tool-box':
      setTool('box');
      return true;
    case 'tool-click':
      setTool('click');
      return true;
    case 'toggle-polarity':
      toggleBoxPolarity();
      return true;
    case 'next-candidate':
      return cycleCandidate(1);
    case 'previous-candidate':
      return cycleCandidate(-1);
    case 'delete-object': {
      const { selectedInstanceId, selectedObjectId } = appStore.getState();
      if (selectedInstanceId !== null) return deleteInstance(selectedInstanceId);
      if (!selectedObjectId) return false;
      removeClickObject(selectedObjectId);
      appStore.setState({ selectedObjectId: null });
      return true;
    }
    case 'toggle-hidden': {
      const s = appStore.getState();
      if (s.selectedInstanceId === null) return false;
      const hidden = s.edits.some((e) => e.instanceId === s.selectedInstanceId && e.hidden);
      return setInstanceHidden(s.selectedInstanceId, !hidden);
    }
    case 'zoom-in':
      return zoomStage(ZOOM_STEP);
    case 'zoom-out':
      return zoomStage(1 / ZOOM_STEP);
    case 'zoom-fit':
      fitStage();
      return true;
    case 'zoom-actual':
      return actualSizeStage();
    case 'help':
      setHelpOpen(!appStore.getState().helpOpen);
      return true;
    case 'escape':
      return escape();
    case 'leave-field': {
      // The field keeps its text; focus goes back to the page, where the letter shortcuts work.
      const el = typeof document === 'undefined' ? null : document.activeElement;
      if (el instanceof HTMLElement) el.blur();
      escape();
      return true;
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}
