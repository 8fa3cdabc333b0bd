/**
 * Pointer gestures on the video canvas (live view, paused or processed file), per tool, like the image stage's:
 * Box tool: drag = box with the toolbar's polarity; Alt-drag or right-drag = negative. Click tool: click =
 * positive point; Alt-click or right-click = negative; on a tracked object it names that track. Maps canvas CSS
 * pixels to frame pixels through the view and calls actions; holds no rules. The press / drag / click gesture
 * itself is usePromptGesture's.
 */
import { canvasToDisplay, type ViewTransform } from '../draw/coords';
import { usePromptGesture } from '../canvas/usePromptGesture';
import { objectAt } from './videoModel';
import { addVideoExemplarBox, clickVideoAt } from './videoPromptActions';
import { selectCanPrompt, selectShownFrame, videoStore } from './videoStore';

export function useVideoPointer(view: ViewTransform) {
  return usePromptGesture({
    // The view maps media pixels (= frame pixels) to canvas CSS pixels.
    toPx: (e) => canvasToDisplay(view, e.nativeEvent.offsetX, e.nativeEvent.offsetY),
    canBegin: (s) => s.tool !== 'select' && selectCanPrompt(videoStore.getState()),
    onBox: (xyxy, polarity) => addVideoExemplarBox(xyxy, polarity),
    onClick: (at, polarity, _e, tool) => {
      if (tool === 'click') clickVideoAt(at, polarity, objectAt(selectShownFrame(videoStore.getState()), ...at));
    },
  });
}
