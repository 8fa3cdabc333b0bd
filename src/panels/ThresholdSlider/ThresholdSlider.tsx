/**
 * Score threshold from the engine's floor (SCORE_FLOOR: it keeps no mask scoring below it, so the slider offers
 * nothing it would not keep) to 1; SAM 3's default 0.5. Changes apply at once: the engine only re-post-processes.
 */
import { useEffect, useRef } from 'react';
import { commitThreshold, setThreshold } from '../../actions/setThreshold';
import { beginGesture, endGesture } from '../../actions/tools';
import { useAppStore } from '../../store/useAppStore';
import { SCORE_FLOOR } from '../../../workers/protocol/results';

export function ThresholdSlider() {
  const value = useAppStore((s) => s.scoreThreshold);
  const ref = useRef<HTMLInputElement>(null);

  // Also listen natively: a value set by script (automation, `input.value = …` + an input event) bypasses
  // React's change tracking. setThreshold ignores repeats, so both paths together are harmless.
  useEffect(() => {
    const input = ref.current;
    if (!input) return;
    // A drag is one undo entry: `change` fires on release (and once per key press).
    const onInput = () => setThreshold(Number(input.value));
    const onChange = () => {
      setThreshold(Number(input.value));
      commitThreshold();
    };
    input.addEventListener('input', onInput);
    input.addEventListener('change', onChange);
    return () => {
      input.removeEventListener('input', onInput);
      input.removeEventListener('change', onChange);
    };
  }, []);

  return (
    <div className="threshold">
      <label htmlFor="threshold-slider">Score threshold</label>
      <input
        ref={ref}
        id="threshold-slider"
        data-testid="threshold-slider"
        type="range"
        min={SCORE_FLOOR}
        max={1}
        step={0.01}
        value={value}
        onChange={(e) => setThreshold(Number(e.currentTarget.value))}
        onPointerDown={() => beginGesture('slider')}
        onPointerUp={() => {
          endGesture();
          commitThreshold();
        }}
        onPointerCancel={() => endGesture()}
      />
      <output htmlFor="threshold-slider" data-testid="threshold-value" className="threshold__value">
        {value.toFixed(2)}
      </output>
    </div>
  );
}
