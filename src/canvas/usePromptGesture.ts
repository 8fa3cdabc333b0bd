/**
 * The drag / click gesture shared by the image stage and the video canvas. A left or right press begins it (the
 * box tool drags a box with the toolbar's polarity, other tools a click); right button or Alt makes it negative.
 * A box gesture ends in `onBox`; a click that moved at most CLICK_SLOP_PX in `onClick`. The caller maps canvas
 * CSS pixels to its prompt pixels (`toPx`) and decides what a box or a click does.
 */
import { useRef, type MouseEvent, type PointerEvent } from 'react';
import type { Polarity } from '../../workers/protocol';
import { beginGesture, endGesture, updateDraftBox } from '../actions/tools';
import { appStore, type AppState } from '../store/appStore';

/** A pointer that moved less than this (CSS px) between down and up clicked. */
const CLICK_SLOP_PX = 5;

type CanvasPointerEvent = PointerEvent<HTMLCanvasElement>;

export interface PromptGestureTarget {
  /** Canvas position → prompt pixels; null when there is nothing to prompt on. */
  toPx: (e: CanvasPointerEvent) => [number, number] | null;
  /** Whether a gesture may begin in this state (beyond: none under way). */
  canBegin: (s: AppState) => boolean;
  /** A dragged box, xyxy in prompt pixels as dragged (not normalized). */
  onBox: (xyxyPx: number[], polarity: Polarity) => void;
  /** A click at `at` (prompt pixels) with the tool in force when the pointer went up. */
  onClick: (at: [number, number], polarity: Polarity, e: CanvasPointerEvent, tool: AppState['tool']) => void;
  /** The pointer moved with no box being dragged. */
  onHover?: (e: CanvasPointerEvent) => void;
}

export function usePromptGesture(target: PromptGestureTarget) {
  const start = useRef<{ x: number; y: number; polarity: Polarity } | null>(null);

  const onPointerDown = (e: CanvasPointerEvent) => {
    if (e.button !== 0 && e.button !== 2) return;
    const s = appStore.getState();
    if (s.gesture !== null || !target.canBegin(s)) return;
    const at = target.toPx(e);
    if (!at) return;
    const negative = e.button === 2 || e.altKey;
    e.currentTarget.setPointerCapture(e.pointerId);
    start.current = {
      x: e.nativeEvent.offsetX,
      y: e.nativeEvent.offsetY,
      polarity: negative ? 'negative' : 'positive',
    };
    if (s.tool === 'box') {
      const polarity: Polarity = negative ? 'negative' : s.boxPolarity;
      beginGesture('box', { startPx: at, endPx: at, polarity });
    } else {
      beginGesture('click');
    }
  };

  const onPointerMove = (e: CanvasPointerEvent) => {
    if (appStore.getState().gesture === 'box') {
      const at = target.toPx(e);
      if (at) updateDraftBox(at);
      return;
    }
    target.onHover?.(e);
  };

  const onPointerUp = (e: CanvasPointerEvent) => {
    const s = appStore.getState();
    const begun = start.current;
    start.current = null;
    if (s.gesture === null || !begun) return; // cancelled (Escape) or never started here
    const at = target.toPx(e);
    const draft = s.draftBox;
    endGesture();
    if (!at) return;
    if (s.gesture === 'box' && draft) {
      target.onBox([...draft.startPx, ...at], draft.polarity);
      return;
    }
    const moved = Math.hypot(e.nativeEvent.offsetX - begun.x, e.nativeEvent.offsetY - begun.y);
    if (moved > CLICK_SLOP_PX) return;
    target.onClick(at, begun.polarity, e, s.tool);
  };

  return {
    onPointerDown,
    onPointerMove,
    onPointerUp,
    onPointerCancel: () => {
      start.current = null;
      endGesture();
    },
    onContextMenu: (e: MouseEvent) => e.preventDefault(),
  };
}
