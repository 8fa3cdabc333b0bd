/** Export and evaluation through the dataset worker (started on first use). */
import * as Comlink from 'comlink';
import type { DatasetOptions } from '../../workers/dataset/datasetZip';
import { batchStore, say } from './batchStore';
import type { DatasetWorkerApi } from './dataset.worker';

let remote: Comlink.Remote<DatasetWorkerApi> | null = null;

function datasetWorker(): Comlink.Remote<DatasetWorkerApi> {
  remote ??= Comlink.wrap<DatasetWorkerApi>(
    new Worker(new URL('./dataset.worker.ts', import.meta.url), { type: 'module' }),
  );
  return remote;
}

export async function exportDataset(options: DatasetOptions): Promise<void> {
  batchStore.setState({ exporting: { done: 0, total: 0 } });
  try {
    const { blob, images } = await datasetWorker().exportDataset(
      options,
      Comlink.proxy((done: number, total: number) => batchStore.setState({ exporting: { done, total } })),
    );
    const name = `sam3-dataset-${new Date().toISOString().slice(0, 10)}.zip`;
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    batchStore.setState({ exporting: null, lastExport: { name, bytes: blob.size, images } });
    say('info', `Exported ${images} accepted images to ${name}.`);
  } catch (err) {
    batchStore.setState({ exporting: null });
    say('error', `Export failed: ${(err as { message?: string })?.message ?? String(err)}`);
  }
}

export async function evaluateAgainst(file: Blob): Promise<void> {
  batchStore.setState({ evaluating: true });
  try {
    const report = await datasetWorker().evaluate(await file.text());
    batchStore.setState({ evaluating: false, report });
  } catch (err) {
    batchStore.setState({ evaluating: false });
    say('error', `Evaluation failed: ${(err as { message?: string })?.message ?? String(err)}`);
  }
}
