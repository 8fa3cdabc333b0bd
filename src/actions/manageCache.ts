/** Inspect and clear the model cache. */
import { engine } from '../engine-client/engineClient';
import { reportEngineError } from '../engine-client/engineErrors';
import { appStore } from '../store/appStore';

export async function refreshCacheState(): Promise<void> {
  try {
    appStore.setState({ cache: await engine().cacheState() });
  } catch (err) {
    reportEngineError(err, 'Reading the cache');
  }
}

export async function clearCache(): Promise<void> {
  try {
    await engine().clearCache();
  } catch (err) {
    reportEngineError(err, 'Clearing the cache');
  }
  await refreshCacheState();
}
