/**
 * Edit the concepts: free text (comma-separated) plus chips. Concepts are the chips followed by the text's
 * comma-separated phrases, trimmed, de-duplicated case-insensitively. A concept's id derives from its phrase, so
 * it stays stable while the user types elsewhere (the engine caches text features per phrase).
 */
import type { ConceptPrompt } from '../../workers/protocol';
import { scheduleSegment, TYPING_DEBOUNCE_MS } from '../engine-client/engineClient';
import { appStore } from '../store/appStore';

export function splitPhrases(text: string): string[] {
  return text
    .split(',')
    .map((p) => p.trim().replace(/\s+/g, ' '))
    .filter((p) => p.length > 0);
}

export function conceptsFrom(chips: readonly string[], text: string): ConceptPrompt[] {
  const seen = new Set<string>();
  const concepts: ConceptPrompt[] = [];
  for (const phrase of [...chips, ...splitPhrases(text)]) {
    const key = phrase.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    concepts.push({ id: `concept:${key}`, phrase, boxes: [] });
  }
  return concepts;
}

function sameConcepts(a: readonly ConceptPrompt[], b: readonly ConceptPrompt[]): boolean {
  return a.length === b.length && a.every((c, i) => c.id === b[i].id && c.phrase === b[i].phrase);
}

function update(chips: string[], phraseText: string, debounceMs: number): void {
  const concepts = conceptsFrom(chips, phraseText);
  const changed = !sameConcepts(concepts, appStore.getState().concepts);
  appStore.setState(changed ? { chips, phraseText, concepts } : { chips, phraseText });
  if (changed) scheduleSegment(concepts.length === 0 ? 0 : debounceMs);
}

/** The text field changed (typing: debounced). */
export function setPhraseText(text: string): void {
  update(appStore.getState().chips, text, TYPING_DEBOUNCE_MS);
}

/** Enter: the current text becomes chips. */
export function commitPhraseText(): void {
  const { chips, phraseText } = appStore.getState();
  const next = [...chips];
  for (const p of splitPhrases(phraseText)) {
    if (!next.some((c) => c.toLowerCase() === p.toLowerCase())) next.push(p);
  }
  update(next, '', 0);
}

export function removeChip(phrase: string): void {
  const { chips, phraseText } = appStore.getState();
  update(
    chips.filter((c) => c !== phrase),
    phraseText,
    0,
  );
}

/** Replace everything (start-up, tests). */
export function setPhrases(chips: string[], text = ''): void {
  update(chips, text, 0);
}
