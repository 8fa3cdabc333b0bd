/**
 * Pointer gestures on the stage canvas, per tool. Maps through coords.ts (canvas CSS px → original px) and calls
 * actions; holds no rules. Box tool: drag = positive box; Alt-drag or right-drag = negative (or the ± toggle).
 * Click tool: click = positive point; Alt-click or right-click = negative. Select tool: hover; a click on an
 * instance selects it; a drag pans. Any tool: middle-drag or Space+drag pans (the wheel zooms: OverlayCanvas).
 * The press / drag / click gesture itself is usePromptGesture's.
 */
import { useEffect, useRef, type PointerEvent } from 'react';
import { panStage } from '../actions/viewZoom';
import { clickAt } from '../actions/clickPoints';
import { addExemplarBox } from '../actions/exemplarBoxes';
import { hoverInstance } from '../actions/hoverInstance';
import { selectInstance } from '../actions/instanceEdits';
import { appStore } from '../store/appStore';
import { selectCurrentResult } from '../store/selectors';
import { canvasToDisplay, canvasToOriginal, type ViewTransform } from '../draw/coords';
import { instanceAt } from '../draw/maskBitmap';
import { usePromptGesture } from './usePromptGesture';

export function useCanvasPointer(view: ViewTransform) {
  const instanceUnder = (e: PointerEvent<HTMLCanvasElement>) => {
    const result = selectCurrentResult(appStore.getState());
    if (!result) return null;
    const [x, y] = canvasToDisplay(view, e.nativeEvent.offsetX, e.nativeEvent.offsetY);
    const id = instanceAt(result, x, y);
    const inst = result.instances.find((i) => i.instanceId === id) ?? null;
    return inst && !inst.hidden ? inst : null;
  };

  const gesture = usePromptGesture({
    toPx: (e) => {
      const image = appStore.getState().image;
      if (!image?.display) return null;
      return canvasToOriginal(view, image, image, e.nativeEvent.offsetX, e.nativeEvent.offsetY);
    },
    canBegin: () => true,
    onBox: (xyxy, polarity) => addExemplarBox(xyxy, polarity),
    onClick: (at, polarity, e, tool) => {
      const inst = instanceUnder(e);
      if (tool === 'click') clickAt(at, polarity, inst);
      else if (tool === 'select' && polarity === 'positive') selectInstance(inst);
    },
    onHover: (e) => {
      const inst = instanceUnder(e);
      hoverInstance(inst ? inst.instanceId : null);
    },
  });

  const pan = usePan();

  return {
    ...gesture,
    onPointerDown: (e: PointerEvent<HTMLCanvasElement>) => {
      if (pan.begin(e)) return;
      gesture.onPointerDown(e);
    },
    onPointerMove: (e: PointerEvent<HTMLCanvasElement>) => {
      if (pan.move(e)) return;
      gesture.onPointerMove(e);
    },
    onPointerUp: (e: PointerEvent<HTMLCanvasElement>) => {
      pan.end();
      gesture.onPointerUp(e);
    },
    onPointerCancel: () => {
      pan.end();
      gesture.onPointerCancel();
    },
    onPointerLeave: () => hoverInstance(null),
  };
}

/** Movement (CSS px) before a select-tool press becomes a pan rather than a click. */
const PAN_SLOP_PX = 5;

/**
 * Panning: a select-tool drag, a middle-button drag or Space+drag. `begin` returns true when the press belongs to
 * the pan alone (middle button, Space); a select-tool press also goes on to the click gesture, which ignores
 * presses that moved.
 */
function usePan() {
  const state = useRef<{ x: number; y: number; started: boolean } | null>(null);
  const space = useRef(false);
  useEffect(() => {
    const isField = (t: EventTarget | null) =>
      t instanceof HTMLElement && (t.isContentEditable || t.tagName === 'INPUT' || t.tagName === 'TEXTAREA');
    const down = (e: KeyboardEvent) => {
      if (e.code === 'Space' && !isField(e.target)) {
        space.current = true;
        if (e.target === document.body || e.target instanceof HTMLCanvasElement) e.preventDefault(); // no page scroll
      }
    };
    const up = (e: KeyboardEvent) => {
      if (e.code === 'Space') space.current = false;
    };
    const blur = () => (space.current = false);
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    window.addEventListener('blur', blur);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      window.removeEventListener('blur', blur);
    };
  }, []);

  return {
    begin(e: PointerEvent<HTMLCanvasElement>): boolean {
      const s = appStore.getState();
      const panOnly = e.button === 1 || (e.button === 0 && space.current);
      const selectDrag = e.button === 0 && s.tool === 'select' && !e.altKey && s.gesture === null;
      if (!panOnly && !selectDrag) return false;
      state.current = { x: e.clientX, y: e.clientY, started: panOnly };
      if (panOnly) {
        e.preventDefault(); // no middle-button autoscroll
        e.currentTarget.setPointerCapture(e.pointerId);
      }
      return panOnly;
    },
    move(e: PointerEvent<HTMLCanvasElement>): boolean {
      const p = state.current;
      if (!p || (e.buttons & 0b101) === 0) return false;
      const dx = e.clientX - p.x;
      const dy = e.clientY - p.y;
      if (!p.started && Math.hypot(dx, dy) < PAN_SLOP_PX) return false;
      p.started = true;
      p.x = e.clientX;
      p.y = e.clientY;
      panStage(dx, dy);
      return true;
    },
    end(): void {
      state.current = null;
    },
  };
}
