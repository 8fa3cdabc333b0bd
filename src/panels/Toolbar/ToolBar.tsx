/** Canvas tools (select, box, click), box polarity, undo/redo, the selected object's candidate, help. */
import { cycleCandidate } from '../../actions/clickPoints';
import { setHelpOpen, setTool, toggleBoxPolarity } from '../../actions/tools';
import { redo, undo } from '../../actions/undoRedo';
import { actualSizeStage, fitStage, zoomStage, ZOOM_STEP } from '../../actions/viewZoom';
import { useVideoStore } from '../../video/videoStore';
import type { Tool } from '../../store/appStore';
import { selectCanRedo, selectCanUndo, selectCandidateInfo, selectZoomPercent } from '../../store/selectors';
import { useAppStore } from '../../store/useAppStore';
import { formatCandidate } from '../format';
import { isMacPlatform, useShortcuts } from './useShortcuts';

const TOOLS: { tool: Tool; label: string; key: string; title: string }[] = [
  { tool: 'select', label: 'Select', key: 'V', title: 'Hover instances' },
  { tool: 'box', label: 'Box', key: 'B', title: 'Drag exemplar boxes (Alt or right-drag: negative)' },
  { tool: 'click', label: 'Click', key: 'P', title: 'Click to refine an object (Alt or right-click: negative)' },
];

export function ToolBar() {
  useShortcuts();
  const imageMode = useVideoStore((s) => s.mode === 'image');
  return (
    <div className="tool-bar" role="toolbar" aria-label="Canvas tools">
      <ToolChoice />
      <History />
      <Candidate />
      {imageMode && <Zoom />}
      <button
        type="button"
        className="tool-button tool-bar__help"
        data-testid="help-button"
        title="Keyboard shortcuts (?)"
        onClick={() => setHelpOpen(true)}
      >
        ?
      </button>
    </div>
  );
}

/** Select, Box, Click, and the polarity of new boxes. */
function ToolChoice() {
  const tool = useAppStore((s) => s.tool);
  const polarity = useAppStore((s) => s.boxPolarity);
  return (
    <>
      <div className="tool-bar__group" role="radiogroup" aria-label="Tool">
        {TOOLS.map((t) => (
          <button
            key={t.tool}
            type="button"
            role="radio"
            aria-checked={tool === t.tool}
            className={`tool-button${tool === t.tool ? ' tool-button--active' : ''}`}
            data-testid={`tool-${t.tool}`}
            title={`${t.title} (${t.key})`}
            onClick={() => setTool(t.tool)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <button
        type="button"
        className={`tool-button polarity polarity--${polarity}`}
        data-testid="polarity-toggle"
        data-polarity={polarity}
        aria-pressed={polarity === 'negative'}
        title="Polarity of new boxes (X)"
        onClick={toggleBoxPolarity}
      >
        {polarity === 'positive' ? '+ positive' : '− negative'}
      </button>
    </>
  );
}

function History() {
  const canUndo = useAppStore(selectCanUndo);
  const canRedo = useAppStore(selectCanRedo);
  const mod = isMacPlatform() ? '⌘' : 'Ctrl';
  return (
    <div className="tool-bar__group">
      <button
        type="button"
        className="tool-button"
        data-testid="undo"
        disabled={!canUndo}
        title={`Undo (${mod}+Z)`}
        onClick={() => undo()}
      >
        Undo
      </button>
      <button
        type="button"
        className="tool-button"
        data-testid="redo"
        disabled={!canRedo}
        title={`Redo (${mod}+Shift+Z)`}
        onClick={() => redo()}
      >
        Redo
      </button>
    </div>
  );
}

/** The selected clicked object's candidate mask (the next one on a click). */
function Candidate() {
  // Primitives only: a fresh object per store read would re-render forever.
  const label = useAppStore((s) => {
    const c = selectCandidateInfo(s);
    return c ? formatCandidate(c.selected, c.count, c.iou) : null;
  });
  const index = useAppStore((s) => selectCandidateInfo(s)?.selected ?? null);
  if (label === null) return null;
  return (
    <button
      type="button"
      className="tool-button candidate-info"
      data-testid="candidate-info"
      data-candidate={index ?? undefined}
      title="Next candidate mask (C)"
      onClick={() => cycleCandidate(1)}
    >
      {label}
    </button>
  );
}

function Zoom() {
  const hasImage = useAppStore((s) => s.image !== null);
  const zoomPercent = useAppStore(selectZoomPercent);
  const fitted = useAppStore((s) => s.zoom === null);
  return (
    <div className="tool-bar__group" role="group" aria-label="Zoom">
      <button
        type="button"
        className="tool-button"
        data-testid="zoom-out"
        disabled={!hasImage}
        title="Zoom out (−, or the wheel)"
        aria-label="Zoom out"
        onClick={() => zoomStage(1 / ZOOM_STEP)}
      >
        −
      </button>
      <span className="tool-button tool-bar__zoom" data-testid="zoom-level" aria-live="polite">
        {fitted ? 'Fit' : `${zoomPercent}%`}
      </span>
      <button
        type="button"
        className="tool-button"
        data-testid="zoom-in"
        disabled={!hasImage}
        title="Zoom in (+, or the wheel)"
        aria-label="Zoom in"
        onClick={() => zoomStage(ZOOM_STEP)}
      >
        +
      </button>
      <button
        type="button"
        className="tool-button"
        data-testid="zoom-fit"
        disabled={!hasImage || fitted}
        title="Fit the image to the view (0)"
        onClick={() => fitStage()}
      >
        Fit
      </button>
      <button
        type="button"
        className="tool-button"
        data-testid="zoom-actual"
        disabled={!hasImage}
        title="One image pixel per screen pixel (1)"
        onClick={() => actualSizeStage()}
      >
        1:1
      </button>
    </div>
  );
}
