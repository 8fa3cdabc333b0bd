/** Review shortcuts (the folder workspace's own; the single-image shortcuts are off while it is open). */
import { batchStore } from './batchStore';
import {
  cancelFix,
  commitFix,
  redo,
  selectNextAnnotation,
  setActiveCategory,
  setAnnotationCategory,
  setTool,
  stepImage,
  toggleAccept,
  serially,
  toggleReject,
  undo,
} from './reviewActions';

export const REVIEW_SHORTCUTS: [string, string][] = [
  ['← / →  (J / K)', 'previous / next image'],
  ['A', 'accept the image and go to the next'],
  ['Tab / Shift+Tab', 'select the next / previous detection'],
  ['X or Delete', 'reject (or restore) the selected detection'],
  ['1–9', 'give the selected detection that phrase (or pick the phrase for fixes)'],
  ['V / C / B / E', 'select / fix with clicks / fix with a box / exemplar box'],
  ['Enter / Esc', 'keep / discard a fix'],
  ['Ctrl+Z / Ctrl+Shift+Z', 'undo / redo'],
];

function isTextField(t: EventTarget | null): boolean {
  return (
    t instanceof HTMLElement &&
    (t.isContentEditable ||
      t instanceof HTMLTextAreaElement ||
      (t instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'range', 'file'].includes(t.type)) ||
      t instanceof HTMLSelectElement)
  );
}

/** Handles one key; true when it was a review shortcut. */
export function handleReviewKey(e: KeyboardEvent): boolean {
  if (isTextField(e.target) || e.isComposing) return false;
  const s = batchStore.getState();
  const mod = e.ctrlKey || e.metaKey;
  const k = e.key.toLowerCase();
  if (mod && k === 'z') return (serially(() => (e.shiftKey ? redo() : undo())), true);
  if (mod && k === 'y') return (serially(() => redo()), true);
  if (mod || e.altKey) return false;
  switch (k) {
    case 'arrowleft':
    case 'j':
      serially(() => stepImage(-1));
      return true;
    case 'arrowright':
    case 'k':
      serially(() => stepImage(1));
      return true;
    case 'a':
      serially(() => toggleAccept());
      return true;
    case 'tab':
      selectNextAnnotation(e.shiftKey ? -1 : 1);
      return true;
    case 'x':
    case 'delete':
    case 'backspace':
      serially(() => toggleReject());
      return true;
    case 'enter':
      if (s.fix) serially(() => commitFix());
      else return false;
      return true;
    case 'escape':
      if (s.fix) cancelFix();
      else setTool('select');
      return true;
    case 'v':
      setTool('select');
      return true;
    case 'c':
      setTool('click');
      return true;
    case 'b':
      setTool('box');
      return true;
    case 'e':
      setTool('exemplar');
      return true;
    case 'n':
      batchStore.setState({ negative: !s.negative });
      return true;
  }
  if (/^[1-9]$/.test(k)) {
    const phrases = [
      ...new Set([...(s.meta?.phrases ?? []), ...(s.current?.annotations.map((a) => a.category) ?? [])]),
    ];
    const phrase = phrases[Number(k) - 1];
    if (!phrase) return false;
    const selected = s.selectedAnnotation;
    if (selected) serially(() => setAnnotationCategory(selected, phrase));
    else setActiveCategory(phrase);
    return true;
  }
  return false;
}
