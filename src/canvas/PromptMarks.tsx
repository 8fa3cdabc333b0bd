/**
 * The marks drawn over a canvas for prompts, shared by the image stage and the video canvas: a ± box with its
 * delete handle, the box being dragged, and a ± click point. Each is plain DOM positioned by `toCanvas` (prompt
 * pixels → canvas CSS px); the handle stops its press so the canvas under it does not begin a gesture.
 */
import type { CSSProperties } from 'react';
import type { Polarity } from '../../workers/protocol';
import type { DraftBox } from '../store/appStore';
import { normalizeBox } from '../store/promptDocument';

export type ToCanvas = (x: number, y: number) => [number, number];

function boxStyle(toCanvas: ToCanvas, xyxy: readonly number[]): CSSProperties {
  const [x1, y1] = toCanvas(xyxy[0], xyxy[1]);
  const [x2, y2] = toCanvas(xyxy[2], xyxy[3]);
  return { left: `${x1}px`, top: `${y1}px`, width: `${x2 - x1}px`, height: `${y2 - y1}px` };
}

/** A ± box with its delete handle. `data`: the caller's data-* attributes. */
export function PromptBoxMark(props: {
  toCanvas: ToCanvas;
  xyxyPx: readonly number[];
  polarity: Polarity;
  inactive?: boolean;
  testId: string;
  deleteTestId: string;
  data: Record<`data-${string}`, string | number>;
  onRemove: () => void;
}) {
  return (
    <div
      className={`exemplar-box exemplar-box--${props.polarity}${props.inactive ? ' exemplar-box--inactive' : ''}`}
      data-testid={props.testId}
      data-polarity={props.polarity}
      {...props.data}
      style={boxStyle(props.toCanvas, props.xyxyPx)}
    >
      <button
        type="button"
        className="exemplar-box__delete"
        data-testid={props.deleteTestId}
        aria-label={`Remove ${props.polarity} box`}
        onPointerDown={(e) => e.stopPropagation()}
        onClick={props.onRemove}
      >
        ×
      </button>
    </div>
  );
}

/** The box being dragged. */
export function DraftBoxMark({ toCanvas, draft }: { toCanvas: ToCanvas; draft: DraftBox }) {
  return (
    <div
      className={`exemplar-box exemplar-box--${draft.polarity} exemplar-box--draft`}
      data-testid="exemplar-draft"
      style={boxStyle(toCanvas, normalizeBox([...draft.startPx, ...draft.endPx]))}
    />
  );
}

/** A ± click point of an object (ringed when the object is selected). */
export function PromptPointMark(props: {
  toCanvas: ToCanvas;
  xyPx: readonly number[];
  polarity: Polarity;
  selected: boolean;
  testId: string;
  objectId: string;
}) {
  const [x, y] = props.toCanvas(props.xyPx[0], props.xyPx[1]);
  return (
    <div
      className={`object-point object-point--${props.polarity}${props.selected ? ' object-point--selected' : ''}`}
      data-testid={props.testId}
      data-polarity={props.polarity}
      data-object-id={props.objectId}
      style={{ left: `${x}px`, top: `${y}px` }}
    />
  );
}
