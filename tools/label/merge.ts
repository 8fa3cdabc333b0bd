/**
 * npm run label -- merge OUT.zip [SHARD.zip…] [--partial]     (no SHARD.zip: the shard zips beside OUT.zip)
 *
 * One dataset from the zips of a sharded run (`--shard i/n` or `--shard auto`), equal to the zip one process would
 * have written for the whole folder:
 * - images in path order over all shards (the order one process labels and writes them in), image ids 1…N in that
 *   order, annotation ids 1…M in image order and, within an image, in the shard's order (score order) — so ids are
 *   exactly a single run's, whatever order the shards are given in;
 * - categories unified by name: the first shard's order (by shard index); a shard that listed its phrases in
 *   another order has its COCO category ids, YOLO class numbers and semantic-mask values mapped to it;
 * - every format: coco.json (RLE or polygons as labelled), YOLO labels and data.yaml, PNG masks and the images, each
 *   image's files copied as stored (no re-compression) unless a class number inside must change, under the entry
 *   names the whole dataset gives them (datasetEntryPaths: dup.png and dup.jpg in two shards are each plain
 *   labels/dup.txt there, labels/dup.png.txt and labels/dup.jpg.txt merged);
 * - settings checked first: pack, phrases, score threshold, COCO segmentation, images in or out, and the split (n,
 *   each index once, none missing unless --partial); a disagreement or an image in two shards is refused, naming
 *   the zips, before anything is written.
 * The summary says what each shard contributed. The zip is written beside OUT and renamed when complete.
 */
import { closeSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Zip, ZipDeflate, strFromU8, strToU8 } from 'fflate';
import { decode as decodePngFile, encode as encodePng } from 'fast-png';
import {
  datasetEntryPaths,
  datasetReadme,
  type CocoDataset,
  type DatasetOptions,
  type ImageEntryPaths,
} from '../../workers/dataset/datasetZip';
import { yoloDataYaml } from '../../workers/dataset/formats';
import { copyEntryRaw, openZipIndex, readEntry, type ZipIndex } from './zipEntries';
import type { Shard } from './shard';

export const MERGE_USAGE = `usage: npm run label -- merge OUT.zip [SHARD.zip…] [--partial]

Joins the zips of a sharded run (--shard i/n or --shard auto) into one dataset, as one process
would have written it: images in path order, ids renumbered from 1, categories by name, COCO,
YOLO, PNG masks and images merged. Shards made with other settings are refused. Without
SHARD.zip, the shards beside OUT.zip are merged (OUT.shard-i-of-n.zip, as label names them).
  --partial    merge although some shards of the split are missing
`;

/** The shard zips `label --shard` wrote for `out` (dataset.zip → dataset.shard-2-of-4.zip …), sorted. */
export function shardZipsBeside(out: string): string[] {
  const path = resolve(out);
  const stem = basename(path).replace(/\.zip$/i, '');
  const pattern = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.shard-\\d+-of-\\d+\\.zip$`);
  return readdirSync(dirname(path))
    .filter((n) => pattern.test(n))
    .sort()
    .map((n) => join(dirname(path), n));
}

export class MergeRefused extends Error {}

/** The settings `npm run label` records in coco.json's info.run (label.ts runRecord). */
interface RunInfo {
  pack?: string;
  phrases?: string[];
  score_threshold?: number;
  segmentation?: string | null;
  images_included?: boolean;
  shard?: Shard;
  images_listed?: number;
  images_failed?: number;
}

interface ShardData {
  zipPath: string;
  index: ZipIndex;
  coco: CocoDataset;
  run: RunInfo;
  categories: string[];
  options: Partial<DatasetOptions>;
  /** Each image's entries as the shard named them (over the shard's own images). */
  paths: Map<string, ImageEntryPaths>;
}

export interface ShardContribution {
  zip: string;
  shard: Shard | null;
  images: number;
  annotations: number;
  perCategory: Record<string, number>;
  /** Images the shard could not label (recorded by `npm run label`; null when not recorded). */
  failed: number | null;
}

export interface MergeSummary {
  out: string;
  images: number;
  annotations: number;
  categories: string[];
  shards: ShardContribution[];
  /** Shards of the split that were not given (only with --partial). */
  missing: number[];
}

async function openShard(zipPath: string): Promise<ShardData> {
  const index = await openZipIndex(zipPath);
  if (!index.entries.has('coco.json')) {
    await index.zip.close();
    throw new MergeRefused(`${zipPath} has no coco.json: merge needs the COCO index that npm run label writes.`);
  }
  const coco = JSON.parse(strFromU8(await readEntry(index, 'coco.json'))) as CocoDataset;
  const run = (coco.info?.run ?? {}) as RunInfo;
  const names = [...index.entries.keys()];
  const segmentations = new Set(
    coco.annotations.map((a) => (Array.isArray(a.segmentation) ? 'polygon' : 'rle') as 'polygon' | 'rle'),
  );
  const options: Partial<DatasetOptions> = {
    coco:
      (run.segmentation as DatasetOptions['coco']) ?? (segmentations.size === 1 ? [...segmentations][0] : undefined),
    yolo: index.entries.has('data.yaml'),
    // With no image in the shard, whether it would have had masks and images cannot be told.
    pngMasks: coco.images.length ? names.some((n) => n.startsWith('masks/')) : undefined,
    includeImages: run.images_included ?? (coco.images.length ? names.some((n) => n.startsWith('images/')) : undefined),
  };
  return {
    zipPath,
    index,
    coco,
    run,
    categories: [...coco.categories].sort((a, b) => a.id - b.id).map((c) => c.name),
    options,
    paths: datasetEntryPaths(coco.images.map((im) => im.file_name)),
  };
}

/** Refuses unless every shard that records `value` records the same one. */
function mustAgree(what: string, shards: ShardData[], value: (s: ShardData) => unknown, advice: string): void {
  const groups = new Map<string, string[]>();
  for (const s of shards) {
    const v = value(s);
    if (v === undefined) continue;
    const key = JSON.stringify(v);
    groups.set(key, [...(groups.get(key) ?? []), basename(s.zipPath)]);
  }
  if (groups.size > 1) {
    const list = [...groups].map(([v, zips]) => `${zips.join(', ')}: ${v}`).join('; ');
    throw new MergeRefused(`Refusing to merge: the shards disagree on ${what} (${list}). ${advice}`);
  }
}

function checkSplit(shards: ShardData[], partial: boolean): number[] {
  const indexed = shards.filter((s) => Array.isArray(s.run.shard));
  mustAgree('the number of shards', indexed, (s) => s.run.shard![1], 'Merge the zips of one split.');
  if (indexed.length === 0) return [];
  const n = indexed[0].run.shard![1];
  const seen = new Map<number, string>();
  for (const s of indexed) {
    const i = s.run.shard![0];
    if (seen.has(i)) {
      throw new MergeRefused(
        `Refusing to merge: ${seen.get(i)} and ${basename(s.zipPath)} are both shard ${i}/${n}. Give each shard once.`,
      );
    }
    seen.set(i, basename(s.zipPath));
  }
  const missing = Array.from({ length: n }, (_, k) => k + 1).filter((i) => !seen.has(i));
  if (missing.length && !partial) {
    throw new MergeRefused(
      `Refusing to merge: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${n}`).join(', ')} ` +
        `${missing.length > 1 ? 'are' : 'is'} missing. Give every shard's zip, or --partial to merge what is here.`,
    );
  }
  return missing;
}

function checkSettings(shards: ShardData[]): void {
  const same = 'Label every shard with the same command (only --shard differs).';
  mustAgree('the pack', shards, (s) => s.run.pack ?? s.coco.info?.pack, same);
  mustAgree('the phrases', shards, (s) => [...s.categories].sort(), same);
  mustAgree('the score threshold', shards, (s) => s.run.score_threshold, same);
  mustAgree('the COCO segmentation (--segmentation)', shards, (s) => s.options.coco, same);
  mustAgree('whether images are included (--no-images)', shards, (s) => s.options.includeImages, same);
  mustAgree('whether YOLO labels are written', shards, (s) => s.options.yolo, same);
  mustAgree('whether PNG masks are written', shards, (s) => s.options.pngMasks, same);
}

function checkOverlap(shards: ShardData[]): void {
  const owner = new Map<string, string>();
  for (const s of shards) {
    for (const im of s.coco.images) {
      const other = owner.get(im.file_name);
      if (other !== undefined) {
        throw new MergeRefused(
          `Refusing to merge: ${im.file_name} is in both ${other} and ${basename(s.zipPath)} — the shards overlap ` +
            '(were they made from one --shard split of one folder?).',
        );
      }
      owner.set(im.file_name, basename(s.zipPath));
    }
  }
}

/** The same order as `listImages` (JavaScript's default sort of the relative paths). */
const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export async function mergeDatasets(out: string, zips: string[], partial = false): Promise<MergeSummary> {
  const outPath = resolve(out);
  if (zips.length === 0) throw new MergeRefused('Give the shard zips to merge.');
  if (zips.some((z) => resolve(z) === outPath)) throw new MergeRefused(`${out} is one of the shards; write elsewhere.`);
  const shards: ShardData[] = [];
  try {
    for (const z of zips) shards.push(await openShard(z));
    // Shard order: by shard index, then by path — the same whatever order the zips were given in.
    shards.sort(
      (a, b) => (a.run.shard?.[0] ?? Infinity) - (b.run.shard?.[0] ?? Infinity) || byPath(a.zipPath, b.zipPath),
    );
    checkSettings(shards);
    const missing = checkSplit(shards, partial);
    checkOverlap(shards);
    const tmp = `${outPath}.part`;
    try {
      const summary = await writeMerged(tmp, shards, missing);
      renameSync(tmp, outPath);
      return { ...summary, out: outPath };
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
  } finally {
    await Promise.all(shards.map((s) => s.index.zip.close()));
  }
}

async function writeMerged(path: string, shards: ShardData[], missing: number[]): Promise<Omit<MergeSummary, 'out'>> {
  const categories = shards[0].categories;
  const categoryId = new Map(categories.map((c, i) => [c, i + 1]));
  const options: DatasetOptions = {
    coco: shards.find((s) => s.options.coco)?.options.coco ?? 'rle',
    yolo: shards.some((s) => s.options.yolo),
    pngMasks: shards.some((s) => s.options.pngMasks),
    includeImages: shards.some((s) => s.options.includeImages),
  };
  // Per shard: its category id → the merged id (and YOLO class = id − 1), and whether that changes anything.
  const maps = new Map(
    shards.map((s) => {
      const byId = new Map(s.coco.categories.map((c) => [c.id, categoryId.get(c.name)!]));
      const identity = s.coco.categories.every((c) => byId.get(c.id) === c.id);
      return [s, { byId, identity }];
    }),
  );
  const images = shards
    .flatMap((s) => s.coco.images.map((im) => ({ shard: s, im })))
    .sort((a, b) => byPath(a.im.file_name, b.im.file_name));
  const annotationsOf = new Map(shards.map((s) => [s, groupBy(s.coco.annotations, (a) => a.image_id)]));
  checkZipLimits(images.map(({ shard, im }) => ({ index: shard.index, paths: shard.paths.get(im.file_name)! })));
  // The merged dataset's entry names, over all its images: what one process labelling them all would write.
  const mergedPaths = datasetEntryPaths(images.map(({ im }) => im.file_name));

  const fd = openSync(path, 'w');
  let zipError: Error | null = null;
  const zip = new Zip((err, data) => {
    if (err) zipError = err;
    else writeSync(fd, data);
  });
  const merged: CocoDataset = {
    info: {
      description: shards[0].coco.info?.description ?? 'sam3-web batch labels',
      date_created: new Date().toISOString(),
      pack: shards[0].coco.info?.pack ?? '',
    },
    images: [],
    categories: categories.map((name, i) => ({ id: i + 1, name })),
    annotations: [],
  };
  const contributions = new Map<ShardData, ShardContribution>(
    shards.map((s) => [
      s,
      {
        zip: s.zipPath,
        shard: s.run.shard ?? null,
        images: 0,
        annotations: 0,
        perCategory: Object.fromEntries(categories.map((c) => [c, 0])),
        failed: s.run.images_failed ?? null,
      },
    ]),
  );
  try {
    for (const [k, { shard, im }] of images.entries()) {
      const id = k + 1;
      const { byId, identity } = maps.get(shard)!;
      merged.images.push({ id, file_name: im.file_name, width: im.width, height: im.height });
      const contribution = contributions.get(shard)!;
      contribution.images++;
      for (const a of annotationsOf.get(shard)!.get(im.id) ?? []) {
        const category_id = byId.get(a.category_id)!;
        merged.annotations.push({ ...a, id: merged.annotations.length + 1, image_id: id, category_id });
        contribution.annotations++;
        contribution.perCategory[categories[category_id - 1]]++;
      }
      const from = shard.paths.get(im.file_name)!;
      const to = mergedPaths.get(im.file_name)!;
      for (const key of ['image', 'yolo', 'semantic', 'instances'] as const) {
        const entry = shard.index.entries.get(from[key]);
        if (!entry) continue;
        if (identity || key === 'image' || key === 'instances') {
          await copyEntryRaw(zip, shard.index, entry, to[key]);
        } else {
          const bytes = await readEntry(shard.index, from[key]);
          const remapped =
            key === 'yolo' ? strToU8(remapYolo(strFromU8(bytes), byId)) : remapSemantic(bytes, byId, categories);
          deflate(zip, to[key], remapped);
        }
        if (zipError) throw zipError;
      }
    }
    const runs = shards.map((s) => s.run);
    const first = runs[0];
    merged.info.run = {
      tool: 'npm run label -- merge',
      pack: first.pack ?? merged.info.pack,
      phrases: categories,
      ...(first.score_threshold !== undefined ? { score_threshold: first.score_threshold } : {}),
      segmentation: options.coco,
      images_included: options.includeImages,
      images_listed: sum(runs.map((r) => r.images_listed)),
      images_failed: sum(runs.map((r) => r.images_failed)),
      merged_from: [...contributions.values()].map((c) => ({ ...c, zip: basename(c.zip) })),
      ...(missing.length ? { shards_missing: missing } : {}),
    };
    if (options.coco) deflate(zip, 'coco.json', strToU8(JSON.stringify(merged)));
    if (options.yolo) deflate(zip, 'data.yaml', strToU8(yoloDataYaml(categories)));
    const note = `Merged by npm run label -- merge from ${shards.length} shard zips: ${shards
      .map((s) => basename(s.zipPath))
      .join(', ')}${missing.length ? ` (shards ${missing.join(', ')} missing)` : ''}.\n`;
    deflate(zip, 'README.txt', strToU8(datasetReadme(options, merged.images.length) + note));
    zip.end();
    if (zipError) throw zipError;
  } finally {
    closeSync(fd);
  }
  return {
    images: merged.images.length,
    annotations: merged.annotations.length,
    categories,
    shards: [...contributions.values()],
    missing,
  };
}

/**
 * fflate's Zip writes no ZIP64 records: past 65,535 entries or 4 GiB its archive is corrupt. Refused before
 * writing, with the numbers (the per-image entries' stored sizes are known from the shards).
 */
export function checkZipLimits(images: { index: ZipIndex; paths: ImageEntryPaths }[]): void {
  let entries = 3; // coco.json, data.yaml, README.txt
  let bytes = 0;
  for (const { index, paths } of images) {
    for (const path of Object.values(paths)) {
      const e = index.entries.get(path);
      if (!e) continue;
      entries++;
      bytes += e.compressedSize + 2 * path.length + 100;
    }
  }
  if (entries > 65_535 || bytes > 0xffff_0000) {
    throw new MergeRefused(
      `Refusing to merge: the dataset would hold ${entries.toLocaleString('en')} files and ` +
        `${(bytes / 2 ** 30).toFixed(1)} GiB, past what this zip writer can address (65,535 files, 4 GiB, no ZIP64). ` +
        'Merge fewer shards at a time, or label with --no-images.',
    );
  }
}

function deflate(zip: Zip, name: string, data: Uint8Array): void {
  const f = new ZipDeflate(name, { level: 6 });
  zip.add(f);
  f.push(data, true);
}

function groupBy<T, K>(items: T[], key: (t: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = out.get(k);
    if (list) list.push(t);
    else out.set(k, [t]);
  }
  return out;
}

const sum = (xs: (number | undefined)[]) => (xs.every((x) => x !== undefined) ? xs.reduce((a, b) => a! + b!, 0) : null);

/** YOLO lines with the class number (category id − 1) mapped to the merged categories. */
export function remapYolo(text: string, byId: Map<number, number>): string {
  return text.replace(/^(\d+) /gm, (_, cls: string) => `${byId.get(Number(cls) + 1)! - 1} `);
}

/** A semantic mask PNG (category id per pixel, 0 = background) with the ids mapped to the merged categories. */
export function remapSemantic(png: Uint8Array, byId: Map<number, number>, categories: string[]): Uint8Array {
  const image = decodePngFile(png);
  const data =
    categories.length > 255 ? new Uint16Array(image.width * image.height) : new Uint8Array(image.width * image.height);
  for (let i = 0; i < data.length; i++) data[i] = image.data[i] ? byId.get(image.data[i])! : 0;
  return encodePng({
    width: image.width,
    height: image.height,
    data,
    depth: data instanceof Uint16Array ? 16 : 8,
    channels: 1,
  });
}

export function formatMergeSummary(s: MergeSummary): string {
  const lines = s.shards.map((c) => {
    const cats = Object.entries(c.perCategory)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    const failed = c.failed ? `, ${c.failed} failed when labelled` : '';
    return `  ${c.shard ? `shard ${c.shard[0]}/${c.shard[1]}` : 'shard ?'}  ${basename(c.zip)}: ${c.images} images${failed}, ${c.annotations} annotations (${cats})`;
  });
  const missing = s.missing.length ? `\n  missing: shards ${s.missing.join(', ')}` : '';
  return `Merged ${s.shards.length} shards into ${s.out}: ${s.images} images, ${s.annotations} annotations, categories ${s.categories.join(', ')}\n${lines.join('\n')}${missing}\n`;
}

/** `merge` subcommand: exit 0 merged, 1 refused or failed, 2 usage. */
export async function mergeMain(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { partial: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message.replace(/\. To specify a positional.*$/s, '.')}\n\n${MERGE_USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(MERGE_USAGE);
    return 0;
  }
  const [out, ...given] = parsed.positionals;
  if (!out) {
    process.stderr.write(`merge needs the output zip.\n\n${MERGE_USAGE}`);
    return 2;
  }
  let zips = given;
  if (zips.length === 0) {
    try {
      zips = shardZipsBeside(out);
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`);
      return 1;
    }
    if (zips.length === 0) {
      process.stderr.write(`No shard zips beside ${out} (${basename(out).replace(/\.zip$/i, '')}.shard-i-of-n.zip).\n`);
      return 1;
    }
  }
  try {
    const summary = await mergeDatasets(out, zips, parsed.values.partial);
    process.stderr.write(formatMergeSummary(summary));
    process.stdout.write(JSON.stringify(summary) + '\n');
    return 0;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
}
