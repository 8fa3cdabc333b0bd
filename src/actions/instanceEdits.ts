/**
 * An annotator's edits of single detections: select one (canvas click with the Select tool, or its row), then hide
 * it, delete it or move it to another concept; or clear everything. Each edit is one undo entry in the document,
 * keyed by instance ID, and the engine applies it to what is drawn and what is exported (workers/engine/
 * instanceEdits.ts).
 */
import type { InstanceResult } from '../../workers/protocol';
import { appStore } from '../store/appStore';
import { clearImagePrompts, editInstance } from '../store/promptDocument';
import { editDocument } from './editDocument';
import { endPhraseTyping } from './setPhrases';

/** Selects an instance for editing (null: none). A clicked object is also the one candidate cycling applies to. */
export function selectInstance(inst: InstanceResult | null): void {
  appStore.setState({ selectedInstanceId: inst?.instanceId ?? null, selectedObjectId: inst?.objectId ?? null });
}

export function setInstanceHidden(instanceId: number, hidden: boolean): boolean {
  return editDocument((doc) => editInstance(doc, instanceId, { hidden }), { capture: 'record' });
}

export function deleteInstance(instanceId: number): boolean {
  const changed = editDocument((doc) => editInstance(doc, instanceId, { deleted: true }), { capture: 'record' });
  if (changed && appStore.getState().selectedInstanceId === instanceId)
    appStore.setState({ selectedInstanceId: null, selectedObjectId: null });
  return changed;
}

/** Moves an instance to another concept of the request (its label, colour family and export category follow). */
export function moveInstance(instanceId: number, conceptId: string): boolean {
  return editDocument((doc) => editInstance(doc, instanceId, { conceptId }), { capture: 'record' });
}

/** Clear all: phrases, boxes, clicked objects and edits go, as one undo entry. */
export function clearAll(): boolean {
  endPhraseTyping();
  const changed = editDocument(clearImagePrompts, { capture: 'record' });
  if (changed) appStore.setState({ selectedInstanceId: null, selectedObjectId: null, hoveredInstanceId: null });
  return changed;
}
