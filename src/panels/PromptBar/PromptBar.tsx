/**
 * Concepts: chips plus a free-text field (comma-separated). Enter turns the text into chips; a chip click makes it
 * the active concept (new boxes go there). Ctrl/Cmd+Z in the field is the document's undo (the global shortcut
 * handler prevents the browser's own text undo, so the field and the prompts never disagree).
 */
import type { CSSProperties } from 'react';
import { commitPhraseText, endPhraseTyping, removeChip, setPhraseText } from '../../actions/setPhrases';
import { selectConcept } from '../../actions/tools';
import { phraseConceptId } from '../../store/promptDocument';
import { MAX_CONCEPTS, selectActiveConceptId, selectIgnoredPhraseCount } from '../../store/selectors';
import { useAppStore } from '../../store/useAppStore';
import { conceptHue } from '../../colors';
import { truncateText } from '../format';

export function PromptBar() {
  const chips = useAppStore((s) => s.chips);
  const text = useAppStore((s) => s.phraseText);
  const concepts = useAppStore((s) => s.concepts);
  const active = useAppStore(selectActiveConceptId);
  const ignored = useAppStore(selectIgnoredPhraseCount);
  const hueOf = (phrase: string) => conceptHue(concepts.findIndex((c) => c.phrase === phrase));

  return (
    <div className="prompt-bar">
      <label htmlFor="phrase-input" className="prompt-bar__label">
        Find
      </label>
      <div className="prompt-bar__field">
        {chips.map((phrase) => (
          <span
            key={phrase}
            className={`chip${active === phraseConceptId(phrase) ? ' chip--active' : ''}`}
            data-testid="concept-chip"
            title={`${phrase} — select: new boxes go to this concept`}
            onClick={() => selectConcept(phraseConceptId(phrase))}
            style={{ '--chip-hue': hueOf(phrase) } as CSSProperties}
          >
            <span className="chip__text">{truncateText(phrase)}</span>
            <button
              type="button"
              className="chip__remove"
              aria-label={`Remove ${phrase}`}
              onClick={(e) => {
                e.stopPropagation();
                removeChip(phrase);
              }}
            >
              ×
            </button>
          </span>
        ))}
        <input
          id="phrase-input"
          data-testid="phrase-input"
          type="text"
          value={text}
          placeholder={chips.length ? 'Add another concept…' : 'Type a noun phrase, e.g. "red, blue"'}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setPhraseText(e.currentTarget.value)}
          onBlur={endPhraseTyping}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              commitPhraseText();
            } else if (e.key === 'Backspace' && text === '' && chips.length > 0) {
              removeChip(chips[chips.length - 1]);
            }
          }}
        />
      </div>
      {ignored > 0 && (
        <p className="prompt-bar__notice" role="status" data-testid="concept-cap-notice">
          Only the first {MAX_CONCEPTS} concepts run; {ignored} more phrase{ignored === 1 ? ' is' : 's are'} left out.
          Each concept runs the text encoder and the detector once and adds its own masks, so more would stall the page
          and stack masks on every object. Remove some to run others.
        </p>
      )}
    </div>
  );
}
