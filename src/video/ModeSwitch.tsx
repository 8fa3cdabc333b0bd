/** "Image | Video | Webcam": which source the stage shows. */
import { setSourceMode } from './modeActions';
import { useVideoStore, type SourceMode } from './videoStore';

const MODES: { mode: SourceMode; label: string }[] = [
  { mode: 'image', label: 'Image' },
  { mode: 'video', label: 'Video' },
  { mode: 'webcam', label: 'Webcam' },
];

export function ModeSwitch() {
  const current = useVideoStore((s) => s.mode);
  return (
    <div className="mode-switch" role="radiogroup" aria-label="Source">
      {MODES.map(({ mode, label }) => (
        <button
          key={mode}
          type="button"
          role="radio"
          aria-checked={current === mode}
          className={`mode-switch__option${current === mode ? ' mode-switch__option--active' : ''}`}
          data-testid={`source-mode-${mode}`}
          onClick={() => void setSourceMode(mode)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
