/**
 * Writes a labelled folder as one .zip, streaming (zipStream.ts): the archive leaves in chunks as it is made, and at
 * most one image's data is held at a time — besides the zip's central directory (46 bytes and the name per file,
 * written at the end) and the list of images' names and sizes for coco.json. Two passes over the images, each
 * reading one image at a time from the caller: the first writes every image's own files; the second writes
 * coco.json's annotations image by image into one deflated stream. So a dataset larger than memory exports: the
 * app's chunks go to the Origin Private File System (or a Blob of parts), the CLI's to a file. Layout:
 *   coco.json                       COCO instances (RLE or polygons), one category per phrase
 *   images/<path>                   the original files, byte for byte (optional)
 *   labels/<base>.txt + data.yaml   YOLO segmentation
 *   masks/semantic/<base>.png       category id per pixel (0 = background)
 *   masks/instances/<base>.png      16-bit annotation number per pixel, in coco.json's order for that image
 * where <base> is the image's path less its extension, unless that names two images (datasetEntryPaths).
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
  /** Every image's `name`, known before the first is written: the entry names depend on the whole set. */
  names: readonly string[];
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
export interface ImageEntryPaths {
  image: string;
  yolo: string;
  semantic: string;
  instances: string;
}

/**
 * Each image's entries in the archive, distinct for any set of names and the same whatever order the names come in
 * (a sharded run's `label merge` computes them over all shards and gets what one process writes).
 *
 * Labels and masks are named after the image's path less its extension — images/a/x.png → labels/a/x.txt — because
 * that is how Ultralytics YOLO finds an image's label file (it swaps images/ for labels/ and the extension for .txt),
 * and how CVAT's and Roboflow's YOLO exports lay a dataset out, so the common case loads as such users expect. Two
 * images whose paths differ only in the extension or letter case (dup.png, dup.jpg; Dup.png, dup.jpg — the latter
 * collide when unzipped on Windows or macOS) would overwrite each other's files; those keep their whole path instead
 * (labels/dup.png.txt, labels/dup.jpg.txt), and a name still taken after that gets ~2, ~3… in path order. The
 * dataset's README.txt says so. images/ and COCO's file_name always keep the image's own path.
 */
export function datasetEntryPaths(names: readonly string[]): Map<string, ImageEntryPaths> {
  const images = [...new Set(names)]
    .map((name) => ({ name, path: archivePath(name) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.name < b.name ? -1 : 1));
  const fold = (p: string) => p.toLowerCase();
  const stems = new Map<string, number>();
  for (const { path } of images) stems.set(fold(stem(path)), (stems.get(fold(stem(path))) ?? 0) + 1);
  const taken = new Set<string>();
  const out = new Map<string, ImageEntryPaths>();
  for (const { name, path } of images) {
    const wanted = stems.get(fold(stem(path)))! > 1 ? path : stem(path);
    let base = wanted;
    for (let k = 2; taken.has(fold(base)); k++) base = `${wanted}~${k}`;
    taken.add(fold(base));
    out.set(name, {
      image: `images/${path}`,
      yolo: `labels/${base}.txt`,
      semantic: `masks/semantic/${base}.png`,
      instances: `masks/instances/${base}.png`,
    });
  }
  return out;
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
  const entryPaths = datasetEntryPaths(source.names);
  let images = 0;
  let annotations = 0;
  for await (const entry of source.images()) {
    throwIfCancelled(meta.signal, 'The export');
    const path = archivePath(entry.name);
    const paths = entryPaths.get(entry.name);
    if (!paths) throw new Error(`${entry.name} is not among the dataset's names.`);
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
      o.includeImages
        ? 'images/: the original files, byte for byte, at their paths in the folder. Their EXIF orientation is not applied: a viewer that ignores it shows a rotated photo on its side.'
        : '',
      'Sizes and coordinates (coco.json width/height, boxes and masks; YOLO polygons; mask PNGs) are those of the upright image, EXIF orientation applied, as a browser and PIL.ImageOps.exif_transpose show it.',
      o.yolo
        ? 'labels/ + data.yaml: YOLO segmentation (one polygon per instance, normalised; parts joined, holes filled).'
        : '',
      o.pngMasks
        ? 'masks/semantic/: category id per pixel (0 = background). masks/instances/: 16-bit annotation number per pixel, in coco.json order per image.'
        : '',
      o.yolo || o.pngMasks
        ? "Label and mask files are named after the image's path less its extension (images/a/x.png -> labels/a/x.txt, masks/semantic/a/x.png), as Ultralytics YOLO looks them up. Images whose paths differ only in the extension or letter case (dup.png, dup.jpg) keep their whole path instead, so none overwrites another's: labels/dup.png.txt, labels/dup.jpg.txt, masks/semantic/dup.jpg.png (a name still taken gets ~2, ~3, ...). Ultralytics would look for labels/dup.txt for both: rename such images (and their files) before training with it."
        : '',
    ]
      .filter(Boolean)
      .join('\n') + '\n'
  );
}
