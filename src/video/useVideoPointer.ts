/**
 * Pointer gestures on the video canvas (live view, paused or processed file), per tool, like the image stage's:
 * Box tool: drag = box with the toolbar's polarity; Alt-drag or right-drag = negative. Click tool: click =
 * positive point; Alt-click or right-click = negative; on a tracked object it names that track. On a processed
 * file, clicks and positive boxes edit tracks instead (trackEdits.ts). Maps canvas CSS
 * pixels to frame pixels through the view and calls actions; holds no rules. The press / drag / click gesture
 * itself is usePromptGesture's.
 */
import { canvasToDisplay, type ViewTransform } from '../draw/coords';
import { usePromptGesture } from '../canvas/usePromptGesture';
import { objectAt } from './videoModel';
import { openedFile } from './fileActions';
import { editWithBox, editWithClick, selectCanEdit } from './trackEdits';
import { addVideoExemplarBox, clickVideoAt } from './videoPromptActions';
import { selectCanPrompt, selectShownFrame, videoStore } from './videoStore';

export function useVideoPointer(view: ViewTransform) {
  return usePromptGesture({
    // The view maps media pixels (= frame pixels) to canvas CSS pixels.
    toPx: (e) => canvasToDisplay(view, e.nativeEvent.offsetX, e.nativeEvent.offsetY),
    canBegin: (s) => s.tool !== 'select' && selectCanPrompt(videoStore.getState()),
    // A processed file: a click (±) or a positive box starts an edit of the track it names (trackEdits.ts); a
    // negative box stays a concept's exemplar (applied by a re-run).
    onBox: (xyxy, polarity) => {
      if (polarity === 'positive' && selectCanEdit(videoStore.getState())) editWithBox(openedFile(), xyxy);
      else addVideoExemplarBox(xyxy, polarity);
    },
    onClick: (at, polarity, _e, tool) => {
      if (tool !== 'click') return;
      if (selectCanEdit(videoStore.getState())) editWithClick(openedFile(), at, polarity);
      else clickVideoAt(at, polarity, objectAt(selectShownFrame(videoStore.getState()), ...at));
    },
  });
}
