/**
 * A folder run the page closed during (a reload, a crash, a closed tab) is offered on load, wherever the app opens:
 * "Resume" opens the folder workspace and continues the run where it stopped (once a pack is ready), so nobody has
 * to find the workspace and its Resume button first. The run's state is the saved batch's own (`wasRunning` and its
 * pending images in IndexedDB).
 */
import { appStore } from '../store/appStore';
import { loadImages, loadMeta } from './batchDb';
import { batchStore } from './batchStore';
import { startRun } from './runActions';
import { openWorkspace } from './workspaceActions';

/** Reads the saved batch: a run that was going with images left becomes the offer. */
export async function checkInterruptedRun(): Promise<void> {
  try {
    const meta = await loadMeta();
    if (!meta?.wasRunning || batchStore.getState().loaded) return;
    const images = await loadImages();
    const left = images.filter((i) => i.status === 'pending').length;
    if (left > 0 && !batchStore.getState().loaded)
      batchStore.setState({ interruptedRun: { left, total: images.length } });
  } catch {
    // No saved batch to offer (IndexedDB unavailable or unreadable): the workspace reports that when opened.
  }
}

/** Opens the folder workspace and resumes the run once a model pack is ready. */
export async function resumeInterruptedRun(): Promise<void> {
  batchStore.setState({ interruptedRun: null });
  await openWorkspace();
  await packReady();
  await startRun();
}

export function dismissInterruptedRun(): void {
  batchStore.setState({ interruptedRun: null });
}

function packReady(): Promise<void> {
  if (appStore.getState().pack) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = appStore.subscribe((s) => {
      if (!s.pack) return;
      stop();
      resolve();
    });
  });
}
