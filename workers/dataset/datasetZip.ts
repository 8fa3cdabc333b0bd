/**
 * Writes a labelled folder as one .zip, streaming: each image's files are compressed and handed to `onChunk` as
 * soon as the image is added (nothing but the COCO index is kept), and the COCO JSON, YOLO's data.yaml and a
 * README close the archive. Layout:
 *   coco.json                       COCO instances (RLE or polygons), one category per phrase
 *   images/<path>                   the original files, byte for byte (optional)
 *   labels/<path>.txt + data.yaml   YOLO segmentation
 *   masks/semantic/<path>.png       category id per pixel (0 = background)
 *   masks/instances/<path>.png      16-bit annotation number per pixel, in coco.json's order for that image
 */
import { Zip, ZipDeflate, ZipPassThrough, strToU8 } from 'fflate';
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
  /** The original file, when images are included. */
  imageBytes?: Uint8Array;
}

export interface CocoDataset {
  info: { description: string; date_created: string; pack: string; run?: Record<string, unknown> };
  images: { id: number; file_name: string; width: number; height: number }[];
  categories: { id: number; name: string }[];
  annotations: CocoAnnotationOut[];
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

export class DatasetZipWriter {
  private readonly zip: Zip;
  private readonly categoryIds: Map<string, number>;
  private readonly classOf: Map<string, number>;
  private readonly coco: CocoDataset;
  private error: Error | null = null;

  constructor(
    private readonly categories: string[],
    private readonly options: DatasetOptions,
    onChunk: (data: Uint8Array, final: boolean) => void,
    /** `run`: how the dataset was made (the command line records its settings for `label merge`). */
    meta: { pack: string; now: Date; run?: Record<string, unknown> },
  ) {
    this.categoryIds = new Map(categories.map((c, i) => [c, i + 1]));
    this.classOf = new Map(categories.map((c, i) => [c, i]));
    this.coco = {
      info: {
        description: 'sam3-web batch labels',
        date_created: meta.now.toISOString(),
        pack: meta.pack,
        ...(meta.run ? { run: meta.run } : {}),
      },
      images: [],
      categories: categories.map((name, i) => ({ id: i + 1, name })),
      annotations: [],
    };
    this.zip = new Zip((err, data, final) => {
      if (err) this.error = err;
      else onChunk(data, final);
    });
  }

  get imageCount(): number {
    return this.coco.images.length;
  }

  addImage(entry: DatasetEntry): void {
    const path = archivePath(entry.name);
    const paths = imageEntryPaths(entry.name);
    const imageId = this.coco.images.length + 1;
    this.coco.images.push({ id: imageId, file_name: path, width: entry.width, height: entry.height });
    const known = entry.annotations.filter((a) => this.categoryIds.has(a.category));
    if (this.options.coco) {
      const firstId = this.coco.annotations.length + 1;
      this.coco.annotations.push(...cocoAnnotations(known, imageId, firstId, this.categoryIds, this.options.coco));
    }
    if (this.options.includeImages && entry.imageBytes) this.store(paths.image, entry.imageBytes);
    if (this.options.yolo) {
      this.deflate(paths.yolo, strToU8(yoloLines(known, entry.width, entry.height, this.classOf)));
    }
    if (this.options.pngMasks) {
      const pngs = maskPngs(known, entry.width, entry.height, this.categoryIds);
      this.store(paths.semantic, pngs.semantic);
      this.store(paths.instances, pngs.instances);
    }
    this.check();
  }

  /** Writes the index files and ends the archive; returns the COCO dataset written (or that would be). */
  finish(): CocoDataset {
    if (this.options.coco) this.deflate('coco.json', strToU8(JSON.stringify(this.coco)));
    if (this.options.yolo) this.deflate('data.yaml', strToU8(yoloDataYaml(this.categories)));
    this.deflate('README.txt', strToU8(datasetReadme(this.options, this.coco.images.length)));
    this.zip.end();
    this.check();
    return this.coco;
  }

  private deflate(name: string, data: Uint8Array): void {
    const f = new ZipDeflate(name, { level: 6 });
    this.zip.add(f);
    f.push(data, true);
  }

  private store(name: string, data: Uint8Array): void {
    const f = new ZipPassThrough(name);
    this.zip.add(f);
    f.push(data, true);
  }

  private check(): void {
    if (this.error) throw this.error;
  }
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
