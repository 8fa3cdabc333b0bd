/** Concepts: chips plus a free-text field (comma-separated). Enter turns the text into chips. */
import type { CSSProperties } from 'react';
import { commitPhraseText, removeChip, setPhraseText } from '../../actions/setPhrases';
import { useAppStore } from '../../store/useAppStore';
import { conceptHue } from '../../colors';

export function PromptBar() {
  const chips = useAppStore((s) => s.chips);
  const text = useAppStore((s) => s.phraseText);
  const concepts = useAppStore((s) => s.concepts);
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
            className="chip"
            data-testid="concept-chip"
            style={{ '--chip-hue': hueOf(phrase) } as CSSProperties}
          >
            {phrase}
            <button
              type="button"
              className="chip__remove"
              aria-label={`Remove ${phrase}`}
              onClick={() => removeChip(phrase)}
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
    </div>
  );
}
