/**
 * Edit the concepts: free text (comma-separated) plus chips. Concepts are the chips followed by the text's
 * comma-separated phrases, trimmed, de-duplicated case-insensitively, then box-only concepts. A concept's id
 * derives from its phrase, so it stays stable while the user types elsewhere (the engine caches text features
 * per phrase). Typing is one undo entry per burst (closed by Enter, blur, or a pause); chips are one entry each.
 */
import type { ConceptPrompt } from '../../workers/protocol';
import { appStore } from '../store/appStore';
import { deriveConcepts, phraseCapacity, splitPhrases, withPhrases } from '../store/promptDocument';
import { closeHistoryBurst, editDocument, TYPING_DEBOUNCE_MS } from './editDocument';

export { splitPhrases };

/** Pause after which a typing burst becomes its own undo entry. */
export const TYPING_BURST_IDLE_MS = 1000;

export function conceptsFrom(chips: readonly string[], text: string): ConceptPrompt[] {
  return deriveConcepts([...chips], text, []);
}

let idleTimer: ReturnType<typeof setTimeout> | null = null;

function clearIdle(): void {
  if (idleTimer !== null) clearTimeout(idleTimer);
  idleTimer = null;
}

/** The text field changed (typing: debounced, squashed into one undo entry). */
export function setPhraseText(text: string): void {
  const pending = appStore.getState().history.pending;
  // Boxes of a phrase survive retyping it within the burst.
  const previous = pending?.key === 'phrase' ? [pending.before.concepts] : [];
  editDocument((doc) => withPhrases(doc, doc.chips, text, previous), {
    capture: { burst: 'phrase' },
    debounceMs: TYPING_DEBOUNCE_MS,
  });
  clearIdle();
  idleTimer = setTimeout(() => {
    idleTimer = null;
    if (appStore.getState().history.pending?.key === 'phrase') closeHistoryBurst();
  }, TYPING_BURST_IDLE_MS);
}

/** The field lost focus: the typing so far is one undo entry. */
export function endPhraseTyping(): void {
  clearIdle();
  if (appStore.getState().history.pending?.key === 'phrase') closeHistoryBurst();
}

/**
 * Enter: the current text becomes chips (together with the typing before it: one undo entry). Only as many as the
 * concept cap allows; the phrases past it stay in the field, so nothing typed is lost.
 */
export function commitPhraseText(): void {
  const { chips, phraseText, concepts } = appStore.getState();
  const capacity = phraseCapacity(concepts.filter((c) => c.phrase === '').length);
  const next = [...chips];
  const rest: string[] = [];
  for (const p of splitPhrases(phraseText)) {
    if (next.some((c) => c.toLowerCase() === p.toLowerCase())) continue;
    if (next.length < capacity) next.push(p);
    else rest.push(p);
  }
  editDocument((doc) => withPhrases(doc, next, rest.join(', ')), { capture: { burst: 'phrase' } });
  endPhraseTyping();
}

export function removeChip(phrase: string): void {
  endPhraseTyping();
  editDocument(
    (doc) =>
      withPhrases(
        doc,
        doc.chips.filter((c) => c !== phrase),
        doc.phraseText,
      ),
    { capture: 'record' },
  );
}

/** Replace everything (start-up, tests): not an undo entry. */
export function setPhrases(chips: string[], text = ''): void {
  endPhraseTyping();
  editDocument((doc) => withPhrases(doc, chips, text), { capture: 'ignore' });
}
