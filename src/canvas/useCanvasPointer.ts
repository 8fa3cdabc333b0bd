/**
 * Pointer gestures on the stage canvas, per tool. Maps through coords.ts (canvas CSS px → original px) and calls
 * actions; holds no rules. Box tool: drag = positive box; Alt-drag or right-drag = negative (or the ± toggle).
 * Click tool: click = positive point; Alt-click or right-click = negative. Select tool: hover; a click on an
 * object selects it.
 */
import { useRef, type MouseEvent, type PointerEvent } from 'react';
import type { Polarity } from '../../workers/protocol';
import { clickAt } from '../actions/clickPoints';
import { addExemplarBox } from '../actions/exemplarBoxes';
import { hoverInstance } from '../actions/hoverInstance';
import { beginGesture, endGesture, selectObject, updateDraftBox } from '../actions/tools';
import { appStore } from '../store/appStore';
import { selectCurrentResult } from '../store/selectors';
import { canvasToDisplay, canvasToOriginal, type ViewTransform } from './coords';
import { instanceAt } from './maskBitmap';

/** A pointer that moved less than this (CSS px) between down and up clicked. */
const CLICK_SLOP_PX = 5;

export function useCanvasPointer(view: ViewTransform) {
  const start = useRef<{ x: number; y: number; polarity: Polarity } | null>(null);

  const toOriginal = (e: PointerEvent<HTMLCanvasElement>): [number, number] | null => {
    const image = appStore.getState().image;
    if (!image?.display) return null;
    return canvasToOriginal(view, image, image, e.nativeEvent.offsetX, e.nativeEvent.offsetY);
  };

  const instanceUnder = (e: PointerEvent<HTMLCanvasElement>) => {
    const result = selectCurrentResult(appStore.getState());
    if (!result) return null;
    const [x, y] = canvasToDisplay(view, e.nativeEvent.offsetX, e.nativeEvent.offsetY);
    const id = instanceAt(result, x, y);
    return result.instances.find((i) => i.instanceId === id) ?? null;
  };

  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0 && e.button !== 2) return;
    const s = appStore.getState();
    const at = toOriginal(e);
    if (!at || s.gesture !== null) return;
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

  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const s = appStore.getState();
    if (s.gesture === 'box') {
      const at = toOriginal(e);
      if (at) updateDraftBox(at);
      return;
    }
    const inst = instanceUnder(e);
    hoverInstance(inst ? inst.instanceId : null);
  };

  const onPointerUp = (e: PointerEvent<HTMLCanvasElement>) => {
    const s = appStore.getState();
    const begun = start.current;
    start.current = null;
    if (s.gesture === null || !begun) return; // cancelled (Escape) or never started here
    const at = toOriginal(e);
    const draft = s.draftBox;
    endGesture();
    if (!at) return;
    if (s.gesture === 'box' && draft) {
      addExemplarBox([...draft.startPx, ...at], draft.polarity);
      return;
    }
    const moved = Math.hypot(e.nativeEvent.offsetX - begun.x, e.nativeEvent.offsetY - begun.y);
    if (moved > CLICK_SLOP_PX) return;
    const inst = instanceUnder(e);
    if (s.tool === 'click') clickAt(at, begun.polarity, inst);
    else if (s.tool === 'select' && begun.polarity === 'positive') selectObject(inst?.objectId ?? null);
  };

  return {
    onPointerDown,
    onPointerMove,
    onPointerUp,
    onPointerCancel: () => {
      start.current = null;
      endGesture();
    },
    onPointerLeave: () => hoverInstance(null),
    onContextMenu: (e: MouseEvent) => e.preventDefault(),
  };
}
