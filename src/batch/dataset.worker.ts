/**
 * The batch's second worker: builds the dataset .zip and runs the evaluation off the main thread, reading the batch
 * straight from IndexedDB, one image record at a time. The zip streams into a file in the Origin Private File System
 * (or, where that is missing, a Blob of parts): neither this worker nor the page holds the archive. Both calls take a
 * request id and stop with `cancel(id)` (workers/protocol/cancel.ts) with the coded 'cancelled' error; a cancelled
 * export leaves no file behind. Exposed with comlink.
 */
import * as Comlink from 'comlink';
import { liveAnnotations } from '../../workers/batch/types';
import { writeDataset, type DatasetOptions, type DatasetSource } from '../../workers/dataset/datasetZip';
import {
  evaluationSteps,
  type CocoGroundTruth,
  type CocoPredictionSet,
  type EvalReport,
} from '../../workers/eval/evaluate';
import { CancelScope, throwIfCancelled, type CallOptions, type Cancellable } from '../../workers/protocol/cancel';
import { imageKeys, loadFile, loadImage, loadMeta } from './batchDb';
import { archiveSink } from './archiveSink';

export interface DatasetWorkerApi extends Cancellable {
  exportDataset(
    options: DatasetOptions,
    onProgress: (done: number, total: number) => void,
    call?: CallOptions,
  ): Promise<{ file: Blob; images: number; annotations: number; storage: 'opfs' | 'blob' }>;
  evaluate(groundTruthJson: string, call?: CallOptions): Promise<EvalReport>;
}

const cancels = new CancelScope();

/** The accepted, labelled images (keys in order) and every category their live labels carry. */
async function exportable(phrases: string[]): Promise<{ keys: string[]; names: string[]; categories: string[] }> {
  const keys: string[] = [];
  const names: string[] = [];
  const categories = new Set(phrases);
  for (const key of await imageKeys()) {
    const image = await loadImage(key);
    if (!image?.accepted || image.status !== 'done') continue;
    keys.push(key);
    names.push(image.name);
    for (const a of liveAnnotations(image)) categories.add(a.category);
  }
  return { keys, names, categories: [...categories] };
}

const api: DatasetWorkerApi = {
  async cancel(requestId, mode) {
    cancels.cancel(requestId, mode);
  },

  exportDataset: (options, onProgress, call) =>
    cancels.run(call, async (signal) => {
      const meta = await loadMeta();
      // Categories: the phrases, then any other phrase a label still carries (phrases edited after the run).
      const { keys, names, categories } = await exportable(meta?.phrases ?? []);
      if (keys.length === 0) throw new Error('No accepted images yet: accept images in review (A) to export them.');
      const source: DatasetSource = {
        count: keys.length,
        names,
        async *images() {
          for (const key of keys) {
            const image = await loadImage(key);
            if (!image) continue;
            yield {
              name: image.name,
              width: image.width!,
              height: image.height!,
              annotations: liveAnnotations(image),
              imageBytes: async () => {
                const file = await loadFile(key);
                return file ? new Uint8Array(await file.arrayBuffer()) : undefined;
              },
            };
          }
        },
      };
      const sink = await archiveSink('sam3-dataset.zip');
      try {
        const out = await writeDataset(categories, options, source, (chunks) => sink.write(chunks), {
          pack: meta?.packName ?? '',
          now: new Date(),
          signal,
          onProgress,
        });
        return { file: await sink.finish('application/zip'), storage: sink.storage, ...out };
      } catch (err) {
        await sink.discard();
        throw err;
      }
    }),

  evaluate: (groundTruthJson, call) =>
    cancels.run(call, async (signal) => {
      let gt: CocoGroundTruth;
      try {
        gt = JSON.parse(groundTruthJson);
      } catch {
        throw new Error('The ground-truth file is not JSON.');
      }
      const pred = await labelledPredictions();
      // The shared rule (evaluate.ts): the ground-truth images the predictions list — the labelled ones — are scored,
      // as `npm run eval` does with the same files; the report says how many of the ground truth's that is.
      const steps = evaluationSteps(gt, pred);
      for (;;) {
        const step = steps.next();
        if (step.done) return step.value;
        // Between steps the worker hears messages (a cancel) and the report is not finished if one came.
        await new Promise((resolve) => setTimeout(resolve, 0));
        throwIfCancelled(signal, 'The evaluation');
      }
    }),
};

/** The folder's labelled images as a COCO prediction set (images by file name, categories by phrase). */
async function labelledPredictions(): Promise<CocoPredictionSet> {
  const meta = await loadMeta();
  const categories = new Map((meta?.phrases ?? []).map((c, i) => [c, i + 1]));
  const pred: CocoPredictionSet = { images: [], categories: [], annotations: [] };
  for (const key of await imageKeys()) {
    const image = await loadImage(key);
    if (!image || image.status !== 'done') continue;
    pred.images.push({ id: image.index + 1, file_name: image.name, width: image.width, height: image.height });
    for (const a of liveAnnotations(image)) {
      if (!categories.has(a.category)) categories.set(a.category, categories.size + 1);
      pred.annotations.push({
        image_id: image.index + 1,
        category_id: categories.get(a.category)!,
        segmentation: a.rle,
        score: a.score,
      });
    }
  }
  pred.categories = [...categories].map(([name, id]) => ({ id, name }));
  return pred;
}

Comlink.expose(api);
