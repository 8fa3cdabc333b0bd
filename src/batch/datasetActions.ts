/**
 * Export and evaluation through the dataset worker (started on first use). Both run under a request id and stop
 * through the one cancel path (`cancelDatasetJob`): the worker's `cancel(id)`.
 */
import * as Comlink from 'comlink';
import { callWithSignal, isCancelled } from '../../workers/protocol';
import type { DatasetOptions } from '../../workers/dataset/datasetZip';
import { batchStore, say } from './batchStore';
import type { DatasetWorkerApi } from './dataset.worker';

let remote: Comlink.Remote<DatasetWorkerApi> | null = null;
/** The export or evaluation in progress. */
let job: AbortController | null = null;

function datasetWorker(): Comlink.Remote<DatasetWorkerApi> {
  remote ??= Comlink.wrap<DatasetWorkerApi>(
    new Worker(new URL('./dataset.worker.ts', import.meta.url), { type: 'module' }),
  );
  return remote;
}

/** Runs `fn` as the dataset worker's one job, cancellable with `cancelDatasetJob`. */
async function asJob<T>(fn: (api: Comlink.Remote<DatasetWorkerApi>, signal: AbortSignal) => Promise<T>): Promise<T> {
  job?.abort();
  const controller = new AbortController();
  job = controller;
  try {
    return await fn(datasetWorker(), controller.signal);
  } finally {
    if (job === controller) job = null;
  }
}

/** Stops the export or evaluation in progress: nothing is downloaded or shown. */
export function cancelDatasetJob(): void {
  job?.abort();
}

export async function exportDataset(options: DatasetOptions): Promise<void> {
  batchStore.setState({ exporting: { done: 0, total: 0 } });
  try {
    const { file, images } = await asJob((api, signal) =>
      callWithSignal(api, signal, (call) =>
        api.exportDataset(
          options,
          Comlink.proxy((done: number, total: number) => batchStore.setState({ exporting: { done, total } })),
          call,
        ),
      ),
    );
    const name = `sam3-dataset-${new Date().toISOString().slice(0, 10)}.zip`;
    const url = URL.createObjectURL(file);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    batchStore.setState({ exporting: null, lastExport: { name, bytes: file.size, images } });
    say('info', `Exported ${images} accepted images to ${name}.`);
  } catch (err) {
    batchStore.setState({ exporting: null });
    if (isCancelled(err)) say('info', 'Export cancelled; nothing was written.');
    else say('error', `Export failed: ${(err as { message?: string })?.message ?? String(err)}`);
  }
}

export async function evaluateAgainst(file: Blob): Promise<void> {
  batchStore.setState({ evaluating: true });
  try {
    const text = await file.text();
    const report = await asJob((api, signal) => callWithSignal(api, signal, (call) => api.evaluate(text, call)));
    batchStore.setState({ evaluating: false, report });
  } catch (err) {
    batchStore.setState({ evaluating: false });
    if (isCancelled(err)) say('info', 'Evaluation cancelled.');
    else say('error', `Evaluation failed: ${(err as { message?: string })?.message ?? String(err)}`);
  }
}
