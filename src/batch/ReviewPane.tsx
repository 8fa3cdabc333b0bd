/** The image under review: its status, the tools, the canvas, and its detections (reject, change phrase). */
import type { BatchImage } from '../../workers/batch/types';
import { ReviewCanvas } from './ReviewCanvas';
import {
  cancelFix,
  commitFix,
  redo,
  selectAnnotation,
  setActiveCategory,
  setAnnotationCategory,
  setTool,
  stepImage,
  toggleAccept,
  toggleReject,
  undo,
} from './reviewActions';
import { batchStore, type ReviewTool } from './batchStore';
import { useBatchStore } from './useBatchStore';
import { reviewColors } from './reviewOverlay';
import { useMemo } from 'react';
import { rgbCss } from '../colors';

const NO_PHRASES: string[] = [];

const TOOLS: { tool: ReviewTool; label: string; key: string; hint: string }[] = [
  { tool: 'select', label: 'Select', key: 'V', hint: 'Click a mask to select it' },
  {
    tool: 'click',
    label: 'Fix: click',
    key: 'C',
    hint: 'Click inside an object (Alt/right-click: outside) to segment it; Enter keeps it',
  },
  { tool: 'box', label: 'Fix: box', key: 'B', hint: 'Drag a box around one object; Enter keeps it' },
  {
    tool: 'exemplar',
    label: 'Exemplar',
    key: 'E',
    hint: 'Drag a box around an example of the phrase (Alt: a counter-example); it re-runs this image only',
  },
];

/** The phrases an annotation can take: the run's, then any other its labels carry. */
function useCategories(current: BatchImage | null): string[] {
  const phrases = useBatchStore((s) => s.meta?.phrases ?? NO_PHRASES);
  return [...new Set([...phrases, ...(current?.annotations.map((a) => a.category) ?? [])])];
}

export function ReviewPane() {
  const current = useBatchStore((s) => s.current);
  const tool = useBatchStore((s) => s.tool);
  const categories = useCategories(current);
  if (!current) return <section className="review review--empty">Add images to start.</section>;
  return (
    <section className="review" data-testid="review">
      <ReviewHeader image={current} />
      <ReviewTools categories={categories} />
      {tool === 'exemplar' && (
        <p className="review__note">
          Exemplar boxes apply to the image they are drawn on: SAM 3 pools a box from this image’s own features, so it
          cannot be carried to other images. Other images use the phrase alone.
        </p>
      )}
      <ReviewCanvas />
      <Detections image={current} categories={categories} />
    </section>
  );
}

/** Previous/next, the image's name and status, accept, undo and redo. */
function ReviewHeader({ image }: { image: BatchImage }) {
  const history = useBatchStore((s) => s.history);
  const status = image.status === 'done' ? (image.accepted ? 'accepted' : 'labelled') : image.status;
  return (
    <header className="review__header">
      <button
        type="button"
        className="button button--secondary"
        title="Previous (←)"
        onClick={() => void stepImage(-1)}
      >
        ←
      </button>
      <strong className="review__name" data-testid="review-name">
        {image.name}
      </strong>
      <span className={`review__status review__status--${status}`} data-testid="review-status">
        {status}
        {image.error ? `: ${image.error}` : ''}
      </span>
      <button type="button" className="button button--secondary" title="Next (→)" onClick={() => void stepImage(1)}>
        →
      </button>
      <span className="batch-bar__spacer" />
      <button
        type="button"
        className="button"
        data-testid="review-accept"
        disabled={image.status !== 'done'}
        title="Accept this image and go to the next (A)"
        onClick={() => void toggleAccept()}
      >
        {image.accepted ? 'Un-accept' : 'Accept (A)'}
      </button>
      <button
        type="button"
        className="button button--secondary"
        disabled={!history.undo.length}
        title="Undo (Ctrl+Z)"
        onClick={() => void undo()}
      >
        Undo
      </button>
      <button
        type="button"
        className="button button--secondary"
        disabled={!history.redo.length}
        title="Redo (Ctrl+Shift+Z)"
        onClick={() => void redo()}
      >
        Redo
      </button>
    </header>
  );
}

/** The tool, the phrase fixes and exemplars use, and the fix being drawn. */
function ReviewTools({ categories }: { categories: string[] }) {
  const tool = useBatchStore((s) => s.tool);
  const active = useBatchStore((s) => s.activeCategory);
  const negative = useBatchStore((s) => s.negative);
  const fix = useBatchStore((s) => s.fix);
  return (
    <div className="review__tools" role="toolbar" aria-label="Review tools">
      {TOOLS.map((t) => (
        <button
          key={t.tool}
          type="button"
          className={`button button--secondary${tool === t.tool ? ' button--pressed' : ''}`}
          aria-pressed={tool === t.tool}
          title={`${t.hint} (${t.key})`}
          data-testid={`review-tool-${t.tool}`}
          onClick={() => setTool(t.tool)}
        >
          {t.label}
        </button>
      ))}
      <label>
        Phrase
        <select value={active ?? ''} onChange={(e) => setActiveCategory(e.target.value)} data-testid="review-phrase">
          {categories.map((c, i) => (
            <option key={c} value={c}>
              {i + 1}. {c}
            </option>
          ))}
        </select>
      </label>
      {tool === 'exemplar' && (
        <label title="Counter-example (N)">
          <input
            type="checkbox"
            checked={negative}
            onChange={(e) => batchStore.setState({ negative: e.target.checked })}
          />{' '}
          negative
        </label>
      )}
      {fix && (
        <span className="review__fix">
          {fix.busy ? 'Segmenting…' : fix.preview ? 'Fix ready' : 'Fix'} for “{fix.category}”
          {fix.replaces ? ' (replaces the selected detection)' : ''}
          <button type="button" className="button" disabled={!fix.preview} onClick={() => void commitFix()}>
            Keep (Enter)
          </button>
          <button type="button" className="button button--secondary" onClick={cancelFix}>
            Discard (Esc)
          </button>
        </span>
      )}
    </div>
  );
}

/** The image's detections and fixes: select, change the phrase, reject or restore. */
function Detections({ image, categories }: { image: BatchImage; categories: string[] }) {
  const selected = useBatchStore((s) => s.selectedAnnotation);
  const colors = useMemo(() => reviewColors(image.annotations), [image.annotations]);
  return (
    <ul className="review__list" data-testid="review-list">
      {image.annotations.map((a) => (
        <li
          key={a.key}
          className={`review__item${a.rejected ? ' review__item--rejected' : ''}${a.key === selected ? ' review__item--selected' : ''}`}
          data-testid="review-item"
          data-rejected={a.rejected ? 'true' : 'false'}
          onClick={() => selectAnnotation(a.key)}
        >
          <span
            className="review__swatch"
            data-testid="review-swatch"
            style={{ background: rgbCss(colors.get(a.key)?.fill ?? [128, 128, 128]) }}
          />
          <select
            value={a.category}
            onClick={(e) => e.stopPropagation()}
            onChange={(e) => void setAnnotationCategory(a.key, e.target.value)}
            aria-label="Phrase of this detection"
          >
            {categories.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
          <span className="review__score">{a.source === 'detector' ? a.score.toFixed(2) : a.source}</span>
          <span className="review__area">{a.area} px</span>
          <button
            type="button"
            className="button button--secondary"
            title="Reject / restore (X)"
            onClick={(e) => {
              e.stopPropagation();
              void toggleReject(a.key);
            }}
          >
            {a.rejected ? 'Restore' : 'Reject'}
          </button>
        </li>
      ))}
      {image.status === 'done' && image.annotations.length === 0 && <li className="review__item">No detections.</li>}
    </ul>
  );
}
