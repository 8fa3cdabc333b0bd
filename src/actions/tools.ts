/** Tool, polarity, selection and help: interaction state, never recorded in the history. */
import type { Polarity } from '../../workers/protocol';
import { appStore, type DraftBox, type Tool } from '../store/appStore';
import { removeConcept } from '../store/promptDocument';
import { editDocument } from './editDocument';

export function setTool(tool: Tool): void {
  appStore.setState({ tool, draftBox: null, gesture: null });
}

export function toggleBoxPolarity(): void {
  appStore.setState((s) => ({ boxPolarity: s.boxPolarity === 'positive' ? 'negative' : 'positive' }));
}

export function setHelpOpen(open: boolean): void {
  appStore.setState({ helpOpen: open });
}

export function selectConcept(conceptId: string | null): void {
  appStore.setState({ activeConceptId: conceptId });
}

export function selectObject(objectId: string | null): void {
  appStore.setState({ selectedObjectId: objectId });
}

export function removeConceptPrompt(conceptId: string): boolean {
  return editDocument((doc) => removeConcept(doc, conceptId), { capture: 'record' });
}

// ---- Gestures (a box drag, a click in progress, a slider held) ------------------------------------------------

export function beginGesture(gesture: 'box' | 'click' | 'slider', draftBox: DraftBox | null = null): void {
  appStore.setState({ gesture, draftBox });
}

export function updateDraftBox(endPx: [number, number]): void {
  appStore.setState((s) => (s.draftBox ? { draftBox: { ...s.draftBox, endPx } } : {}));
}

export function endGesture(): void {
  appStore.setState({ gesture: null, draftBox: null });
}

/** Escape: cancels a drag in progress, else closes the help, else clears the selection. True if it did something. */
export function escape(): boolean {
  const s = appStore.getState();
  if (s.gesture === 'box' || s.gesture === 'click') {
    endGesture();
    return true;
  }
  if (s.helpOpen) {
    setHelpOpen(false);
    return true;
  }
  if (s.selectedObjectId || s.selectedInstanceId !== null) {
    appStore.setState({ selectedObjectId: null, selectedInstanceId: null });
    return true;
  }
  return false;
}

export type { Polarity };
