/**
 * The one way the document changes. Every write says how it enters the history:
 * - `record`: one discrete user edit (a box, a click, a deletion, a chip) = one undo entry;
 * - `{ burst: key }`: part of a burst (typing, a slider drag) squashed into one entry when the burst closes;
 * - `ignore`: not a user edit (the start-up phrase): nothing to undo.
 * The segmentation is re-scheduled when anything the engine sees changed.
 */
import { scheduleSegment, TYPING_DEBOUNCE_MS } from '../engine-client/engineClient';
import { appStore } from '../store/appStore';
import { closeBurst, extendBurst, recordChange } from '../store/history';
import { sameDocument, sameRequestInputs, type PromptDocument } from '../store/promptDocument';
import { selectDocument } from '../store/selectors';

export type Capture = 'record' | 'ignore' | { burst: 'phrase' | 'threshold' };

export interface EditOptions {
  capture: Capture;
  /** Delay before segmenting (typing is debounced; everything else runs at once). */
  debounceMs?: number;
}

/** Applies `edit` to the document. Returns false when nothing changed. */
export function editDocument(edit: (doc: PromptDocument) => PromptDocument, options: EditOptions): boolean {
  const state = appStore.getState();
  const before = selectDocument(state);
  const after = edit(before);
  if (sameDocument(before, after)) return false;
  const history =
    options.capture === 'ignore'
      ? state.history
      : options.capture === 'record'
        ? recordChange(state.history, before, after, sameDocument)
        : extendBurst(state.history, options.capture.burst, before, sameDocument);
  appStore.setState({ ...documentFields(after), history });
  if (!sameRequestInputs(before, after)) {
    const noPrompts = after.concepts.length === 0 && after.objects.length === 0;
    scheduleSegment(noPrompts ? 0 : (options.debounceMs ?? 0));
  }
  return true;
}

/** Closes the open burst (Enter, blur, slider release, idle): it becomes one undo entry. */
export function closeHistoryBurst(): void {
  const state = appStore.getState();
  if (!state.history.pending) return;
  appStore.setState({ history: closeBurst(state.history, selectDocument(state), sameDocument) });
}

/** Replaces the document without recording (undo/redo, a new image). */
export function replaceDocument(doc: PromptDocument): void {
  const before = selectDocument(appStore.getState());
  appStore.setState(documentFields(doc));
  if (!sameRequestInputs(before, doc)) scheduleSegment(0);
}

export function documentFields(doc: PromptDocument): PromptDocument {
  return {
    chips: doc.chips,
    phraseText: doc.phraseText,
    concepts: doc.concepts,
    objects: doc.objects,
    scoreThreshold: doc.scoreThreshold,
    videoPrompts: doc.videoPrompts,
    edits: doc.edits,
  };
}

export { TYPING_DEBOUNCE_MS };
