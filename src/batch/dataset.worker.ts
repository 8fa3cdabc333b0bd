/**
 * The batch's second worker: builds the dataset .zip and runs the evaluation off the main thread (both read every
 * image's masks), reading the batch straight from IndexedDB. Exposed with comlink.
 */
import * as Comlink from 'comlink';
import { liveAnnotations } from '../../workers/batch/types';
import { DatasetZipWriter, type DatasetOptions } from '../../workers/dataset/datasetZip';
import { evaluatePredictions, type CocoGroundTruth, type EvalReport } from '../../workers/eval/evaluate';
import { batchDb, loadFile, loadImages, loadMeta } from './batchDb';

export interface DatasetWorkerApi {
  exportDataset(
    options: DatasetOptions,
    onProgress: (done: number, total: number) => void,
  ): Promise<{ blob: Blob; images: number }>;
  evaluate(groundTruthJson: string): Promise<EvalReport>;
}

const api: DatasetWorkerApi = {
  async exportDataset(options, onProgress) {
    const meta = await loadMeta();
    const images = (await loadImages()).filter((i) => i.accepted && i.status === 'done');
    if (images.length === 0) throw new Error('No accepted images yet: accept images in review (A) to export them.');
    const parts: Uint8Array[] = [];
    // Categories: the phrases, then any other phrase a label still carries (phrases edited after the run).
    const categories = [
      ...new Set([...(meta?.phrases ?? []), ...images.flatMap((i) => liveAnnotations(i).map((a) => a.category))]),
    ];
    const writer = new DatasetZipWriter(categories, options, (chunk) => parts.push(chunk), {
      pack: meta?.packName ?? '',
      now: new Date(),
    });
    for (const [k, image] of images.entries()) {
      const file = options.includeImages ? await loadFile(image.key) : undefined;
      writer.addImage({
        name: image.name,
        width: image.width!,
        height: image.height!,
        annotations: liveAnnotations(image),
        imageBytes: file ? new Uint8Array(await file.arrayBuffer()) : undefined,
      });
      onProgress(k + 1, images.length);
    }
    writer.finish();
    return { blob: new Blob(parts as BlobPart[], { type: 'application/zip' }), images: images.length };
  },

  async evaluate(groundTruthJson) {
    let gt: CocoGroundTruth;
    try {
      gt = JSON.parse(groundTruthJson);
    } catch {
      throw new Error('The ground-truth file is not JSON.');
    }
    const meta = await loadMeta();
    const images = (await loadImages()).filter((i) => i.status === 'done');
    const phrases = meta?.phrases ?? [];
    const categories = [...new Set([...phrases, ...images.flatMap((i) => liveAnnotations(i).map((a) => a.category))])];
    const catId = new Map(categories.map((c, i) => [c, i + 1]));
    const pred = {
      images: images.map((i) => ({ id: i.index + 1, file_name: i.name, width: i.width, height: i.height })),
      categories: categories.map((name, i) => ({ id: i + 1, name })),
      annotations: images.flatMap((i) =>
        liveAnnotations(i).map((a) => ({
          image_id: i.index + 1,
          category_id: catId.get(a.category)!,
          segmentation: a.rle,
          score: a.score,
        })),
      ),
    };
    // Only ground-truth images that were labelled are scored (a partial run evaluates what it has).
    const labelled = new Set(images.map((i) => i.name.split('/').pop()));
    const subset: CocoGroundTruth = {
      ...gt,
      images: (gt.images ?? []).filter((im) => labelled.has(im.file_name?.split('/').pop())),
    };
    if (subset.images.length === 0) {
      throw new Error('None of the ground truth’s images (by file name) has been labelled in this batch.');
    }
    const ids = new Set(subset.images.map((im) => im.id));
    subset.annotations = (gt.annotations ?? []).filter((a) => ids.has(a.image_id));
    return evaluatePredictions(subset, pred);
  },
};

void batchDb;
Comlink.expose(api);
