/**
 * Pointer gestures on the stage canvas, per tool. Maps through coords.ts (canvas CSS px → original px) and calls
 * actions; holds no rules. Box tool: drag = positive box; Alt-drag or right-drag = negative (or the ± toggle).
 * Click tool: click = positive point; Alt-click or right-click = negative. Select tool: hover; a click on an
 * object selects it. The press / drag / click gesture itself is usePromptGesture's.
 */
import type { PointerEvent } from 'react';
import { clickAt } from '../actions/clickPoints';
import { addExemplarBox } from '../actions/exemplarBoxes';
import { hoverInstance } from '../actions/hoverInstance';
import { selectObject } from '../actions/tools';
import { appStore } from '../store/appStore';
import { selectCurrentResult } from '../store/selectors';
import { canvasToDisplay, canvasToOriginal, type ViewTransform } from './coords';
import { instanceAt } from './maskBitmap';
import { usePromptGesture } from './usePromptGesture';

export function useCanvasPointer(view: ViewTransform) {
  const instanceUnder = (e: PointerEvent<HTMLCanvasElement>) => {
    const result = selectCurrentResult(appStore.getState());
    if (!result) return null;
    const [x, y] = canvasToDisplay(view, e.nativeEvent.offsetX, e.nativeEvent.offsetY);
    const id = instanceAt(result, x, y);
    return result.instances.find((i) => i.instanceId === id) ?? null;
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
      else if (tool === 'select' && polarity === 'positive') selectObject(inst?.objectId ?? null);
    },
    onHover: (e) => {
      const inst = instanceUnder(e);
      hoverInstance(inst ? inst.instanceId : null);
    },
  });

  return { ...gesture, onPointerLeave: () => hoverInstance(null) };
}
