/** Score threshold 0..1 (SAM 3 default 0.5). Changes apply at once: the engine only re-post-processes. */
import { setThreshold } from '../../actions/setThreshold';
import { useAppStore } from '../../store/useAppStore';

export function ThresholdSlider() {
  const value = useAppStore((s) => s.scoreThreshold);
  return (
    <div className="threshold">
      <label htmlFor="threshold-slider">Score threshold</label>
      <input
        id="threshold-slider"
        data-testid="threshold-slider"
        type="range"
        min={0}
        max={1}
        step={0.01}
        value={value}
        onChange={(e) => setThreshold(Number(e.currentTarget.value))}
      />
      <output htmlFor="threshold-slider" data-testid="threshold-value" className="threshold__value">
        {value.toFixed(2)}
      </output>
    </div>
  );
}
