/**
 * Pointer gestures on the video canvas (live view, paused or processed file), per tool, like the image stage's:
 * Box tool: drag = box with the toolbar's polarity; Alt-drag or right-drag = negative. Click tool: click =
 * positive point; Alt-click or right-click = negative; on a tracked object it names that track. Maps canvas CSS
 * pixels to frame pixels through the view and calls actions; holds no rules.
 */
import { useRef, type MouseEvent, type PointerEvent } from 'react';
import type { Polarity } from '../../workers/protocol';
import { beginGesture, endGesture, updateDraftBox } from '../actions/tools';
import { canvasToDisplay, type ViewTransform } from '../canvas/coords';
import { appStore } from '../store/appStore';
import { objectAt } from './videoModel';
import { addVideoExemplarBox, clickVideoAt } from './videoPromptActions';
import { selectCanPrompt, selectShownFrame, videoStore } from './videoStore';

const CLICK_SLOP_PX = 5;

export function useVideoPointer(view: ViewTransform) {
  const start = useRef<{ x: number; y: number; polarity: Polarity } | null>(null);
  // The view maps media pixels (= frame pixels) to canvas CSS pixels.
  const toFrame = (e: PointerEvent<HTMLCanvasElement>): [number, number] =>
    canvasToDisplay(view, e.nativeEvent.offsetX, e.nativeEvent.offsetY);

  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0 && e.button !== 2) return;
    const s = appStore.getState();
    if (s.tool === 'select' || s.gesture !== null || !selectCanPrompt(videoStore.getState())) return;
    const negative = e.button === 2 || e.altKey;
    e.currentTarget.setPointerCapture(e.pointerId);
    start.current = {
      x: e.nativeEvent.offsetX,
      y: e.nativeEvent.offsetY,
      polarity: negative ? 'negative' : 'positive',
    };
    const at = toFrame(e);
    if (s.tool === 'box')
      beginGesture('box', { startPx: at, endPx: at, polarity: negative ? 'negative' : s.boxPolarity });
    else beginGesture('click');
  };

  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    if (appStore.getState().gesture === 'box') updateDraftBox(toFrame(e));
  };

  const onPointerUp = (e: PointerEvent<HTMLCanvasElement>) => {
    const s = appStore.getState();
    const begun = start.current;
    start.current = null;
    if (s.gesture === null || !begun) return;
    const at = toFrame(e);
    const draft = s.draftBox;
    endGesture();
    if (s.gesture === 'box' && draft) {
      addVideoExemplarBox([...draft.startPx, ...at], draft.polarity);
      return;
    }
    if (Math.hypot(e.nativeEvent.offsetX - begun.x, e.nativeEvent.offsetY - begun.y) > CLICK_SLOP_PX) return;
    if (s.tool === 'click') clickVideoAt(at, begun.polarity, objectAt(selectShownFrame(videoStore.getState()), ...at));
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
