/**
 * The single-image view's source file, kept so that leaving the folder workspace can give the engine its image
 * back (the batch replaces the engine's one image); its prompts, boxes and clicks stay valid: same pixels.
 */
import { engine, scheduleSegment } from '../engine-client/engineClient';
import { reportEngineError } from '../engine-client/engineErrors';
import { appStore } from '../store/appStore';

let remembered: { blob: Blob; name: string } | null = null;

export function rememberSingleImage(blob: Blob, name: string): void {
  remembered = { blob, name };
}

export async function restoreSingleImage(): Promise<void> {
  if (!remembered) return;
  try {
    const info = await engine().setImage({ kind: 'blob', blob: remembered.blob, name: remembered.name });
    const previous = appStore.getState().image;
    appStore.setState((s) => ({ image: info, result: null, resultRequest: null, resultVersion: s.resultVersion + 1 }));
    if (previous?.display && previous.display !== info.display) previous.display.close();
    scheduleSegment(0);
  } catch (err) {
    reportEngineError(err, `Reopening ${remembered.name}`);
  }
}
