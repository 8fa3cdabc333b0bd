/**
 * Undo / redo of the document. Refused mid-gesture (a box being dragged, a slider held) [excalidraw
 * `actionHistory`]. Undo right after typing undoes the typing burst. Results follow by re-segmenting.
 */
import { appStore } from '../store/appStore';
import { redoStep, undoStep, type Travel } from '../store/history';
import { sameDocument, type PromptDocument } from '../store/promptDocument';
import { selectDocument } from '../store/selectors';
import { replaceDocument } from './editDocument';

function travel(step: (s: ReturnType<typeof appStore.getState>) => Travel<PromptDocument> | null): boolean {
  const state = appStore.getState();
  if (state.gesture !== null) return false;
  const t = step(state);
  if (!t) return false;
  appStore.setState({ history: t.history });
  replaceDocument(t.doc);
  return true;
}

export function undo(): boolean {
  return travel((s) => undoStep(s.history, selectDocument(s), sameDocument));
}

export function redo(): boolean {
  return travel((s) => redoStep(s.history, selectDocument(s)));
}
