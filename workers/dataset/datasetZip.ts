/**
 * Writes a labelled folder as one .zip, streaming (zipStream.ts): the archive leaves in chunks as it is made, and at
 * most one image's data is held at a time — besides the zip's central directory (46 bytes and the name per file,
 * written at the end) and the list of images' names and sizes for coco.json. Two passes over the images, each
 * reading one image at a time from the caller: the first writes every image's own files; the second writes
 * coco.json's annotations image by image into one deflated stream. So a dataset larger than memory exports: the
 * app's chunks go to the Origin Private File System (or a Blob of parts), the CLI's to a file. Layout:
 *   coco.json                       COCO instances (RLE or polygons), one category per phrase
 *   images/<path>                   the original files, byte for byte (optional)
 *   labels/<path>.txt + data.yaml   YOLO segmentation
 *   masks/semantic/<path>.png       category id per pixel (0 = background)
 *   masks/instances/<path>.png      16-bit annotation number per pixel, in coco.json's order for that image
 */
import { strToU8 } from 'fflate';
import { ByteLog, ZipStream } from './zipStream';
import { throwIfCancelled } from '../protocol/cancel';
import type { BatchAnnotation } from '../batch/types';
import {
  cocoAnnotations,
  maskPngs,
  yoloDataYaml,
  yoloLines,
  type CocoAnnotationOut,
  type CocoSegmentationFormat,
} from './formats';

export interface DatasetOptions {
  /** COCO segmentation encoding, or null for no COCO file. */
  coco: CocoSegmentationFormat | null;
  yolo: boolean;
  pngMasks: boolean;
  includeImages: boolean;
}

export const DEFAULT_DATASET_OPTIONS: DatasetOptions = { coco: 'rle', yolo: true, pngMasks: true, includeImages: true };

export interface DatasetEntry {
  /** Relative path (folder or zip), used for every file of this image. */
  name: string;
  width: number;
  height: number;
  /** Accepted, not rejected annotations. */
  annotations: BatchAnnotation[];
  /** The original file, read only when images are included (and only in the first pass). */
  imageBytes?: () => Promise<Uint8Array | undefined>;
}

/** The images to write, in order; read twice, one image at a time (see the header). */
export interface DatasetSource {
  count: number;
  images(): AsyncIterable<DatasetEntry> | Iterable<DatasetEntry>;
}

/** Where the archive goes: each image's chunks at once, so no more than one image's data waits. */
export type DatasetSink = (chunks: Uint8Array[]) => void | Promise<void>;

/** coco.json as written (what `label merge` reads back). */
export interface CocoDataset {
  info: { description: string; date_created: string; pack: string; run?: Record<string, unknown> };
  images: { id: number; file_name: string; width: number; height: number }[];
  categories: { id: number; name: string }[];
  annotations: CocoAnnotationOut[];
}

export interface WriteDatasetOptions {
  pack: string;
  now: Date;
  /** How the dataset was made (the command line records its settings for `label merge`). */
  run?: Record<string, unknown>;
  signal?: AbortSignal;
  /** Images written (first pass), of `source.count`. */
  onProgress?: (done: number, total: number) => void;
}

/** A safe relative path inside the archive (no leading slash, no `..`, forward slashes). */
export function archivePath(name: string): string {
  const parts = name
    .replace(/\\/g, '/')
    .split('/')
    .filter((p) => p && p !== '.' && p !== '..');
  return parts.join('/') || 'image';
}

const stem = (p: string) => p.replace(/\.[^./]*$/, '');

/** The archive entries one image's files are written to (COCO's `file_name` is `image` less `images/`). */
export function imageEntryPaths(name: string): { image: string; yolo: string; semantic: string; instances: string } {
  const path = archivePath(name);
  return {
    image: `images/${path}`,
    yolo: `labels/${stem(path)}.txt`,
    semantic: `masks/semantic/${stem(path)}.png`,
    instances: `masks/instances/${stem(path)}.png`,
  };
}

/**
 * Writes the dataset of `source` to `sink`. A cancelled `signal` stops between images with the coded 'cancelled'
 * error (the caller discards what the sink received). Returns the counts written.
 */
export async function writeDataset(
  categories: string[],
  options: DatasetOptions,
  source: DatasetSource,
  sink: DatasetSink,
  meta: WriteDatasetOptions,
): Promise<DatasetWritten> {
  const zip = await ZipStream.create(meta.now);
  const categoryIds = new Map(categories.map((c, i) => [c, i + 1]));
  const classOf = new Map(categories.map((c, i) => [c, i]));
  // coco.json's image list, kept as its JSON text (the one thing besides the central directory kept to the end).
  const index = new ByteLog();
  let images = 0;
  let annotations = 0;
  for await (const entry of source.images()) {
    throwIfCancelled(meta.signal, 'The export');
    const path = archivePath(entry.name);
    const paths = imageEntryPaths(entry.name);
    const row = { id: ++images, file_name: path, width: entry.width, height: entry.height };
    index.append(strToU8(`${images > 1 ? ',' : ''}${JSON.stringify(row)}`));
    const known = entry.annotations.filter((a) => categoryIds.has(a.category));
    annotations += known.length;
    const bytes = options.includeImages ? await entry.imageBytes?.() : undefined;
    if (bytes) zip.store(paths.image, bytes);
    if (options.yolo) {
      zip.deflate(paths.yolo, strToU8(yoloLines(known, entry.width, entry.height, classOf)));
    }
    if (options.pngMasks) {
      const pngs = maskPngs(known, entry.width, entry.height, categoryIds);
      zip.store(paths.semantic, pngs.semantic);
      zip.store(paths.instances, pngs.instances);
    }
    await sink(zip.take());
    meta.onProgress?.(images, source.count);
  }
  if (options.coco) await writeCoco(zip, sink, categories, options.coco, source, index, meta);
  if (options.yolo) zip.deflate('data.yaml', strToU8(yoloDataYaml(categories)));
  zip.deflate('README.txt', strToU8(datasetReadme(options, images)));
  const kept = { directoryBytes: zip.directorySize, indexBytes: index.length };
  zip.end();
  await sink(zip.take());
  return { images, annotations, ...kept };
}

/** What was written, and what the writer kept until the end (the central directory, coco.json's image list). */
export interface DatasetWritten {
  images: number;
  annotations: number;
  directoryBytes: number;
  indexBytes: number;
}

/** coco.json, streamed: the index first, then each image's annotations as the second pass reads them. */
async function writeCoco(
  zip: ZipStream,
  sink: DatasetSink,
  categories: string[],
  format: CocoSegmentationFormat,
  source: DatasetSource,
  images: ByteLog,
  meta: WriteDatasetOptions,
): Promise<void> {
  const categoryIds = new Map(categories.map((c, i) => [c, i + 1]));
  const head = {
    info: {
      description: 'sam3-web batch labels',
      date_created: meta.now.toISOString(),
      pack: meta.pack,
      ...(meta.run ? { run: meta.run } : {}),
    },
    categories: categories.map((name, i) => ({ id: i + 1, name })),
  };
  const json = zip.open('coco.json');
  json.push(strToU8(`${JSON.stringify(head).slice(0, -1)},"images":[`));
  for (const part of images.parts()) json.push(part);
  json.push(strToU8('],"annotations":['));
  let next = 1;
  let imageId = 0;
  for await (const entry of source.images()) {
    throwIfCancelled(meta.signal, 'The export');
    const known = entry.annotations.filter((a) => categoryIds.has(a.category));
    const anns = cocoAnnotations(known, ++imageId, next, categoryIds, format);
    if (anns.length) json.push(strToU8(`${next > 1 ? ',' : ''}${anns.map((a) => JSON.stringify(a)).join(',')}`));
    next += anns.length;
    await sink(zip.take());
  }
  json.push(strToU8(']}'));
  json.end();
  await sink(zip.take());
}

/** The archive's README.txt. */
export function datasetReadme(o: DatasetOptions, images: number): string {
  return (
    [
      `sam3-web dataset: ${images} accepted images.`,
      o.coco
        ? `coco.json: COCO instances, segmentation as ${o.coco === 'rle' ? 'compressed RLE' : 'polygons (holes filled)'}; bbox [x, y, w, h] and area from the mask.`
        : '',
      o.includeImages ? 'images/: the original files.' : '',
      o.yolo
        ? 'labels/ + data.yaml: YOLO segmentation (one polygon per instance, normalised; parts joined, holes filled).'
        : '',
      o.pngMasks
        ? 'masks/semantic/: category id per pixel (0 = background). masks/instances/: 16-bit annotation number per pixel, in coco.json order per image.'
        : '',
    ]
      .filter(Boolean)
      .join('\n') + '\n'
  );
}
