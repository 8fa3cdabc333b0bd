/**
 * node --import tsx tools/cluster/compareDatasets.ts EXPECTED.zip ACTUAL.zip
 *
 * Whether two dataset zips hold the same dataset: the same COCO images, categories and annotations (ids, masks,
 * scores, boxes), and every other file (YOLO labels, data.yaml, PNG masks, images) byte for byte; coco.json's info
 * (dates, how it was made) and README.txt may differ. Prints the first differences; exit 0 when equal, 1 when not.
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { strFromU8, unzipSync } from 'fflate';

export function datasetDifferences(expected: Uint8Array, actual: Uint8Array): string[] {
  const a = unzipSync(expected);
  const b = unzipSync(actual);
  const out: string[] = [];
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const name of names) {
    if (name === 'README.txt') continue;
    if (!(name in a) || !(name in b)) {
      out.push(`${name}: only in ${name in a ? 'the expected' : 'the actual'} zip`);
      continue;
    }
    if (name === 'coco.json') {
      const [x, y] = [JSON.parse(strFromU8(a[name])), JSON.parse(strFromU8(b[name]))];
      for (const key of ['images', 'categories', 'annotations']) {
        if (isDeepStrictEqual(x[key], y[key])) continue;
        const n = Math.max(x[key].length, y[key].length);
        const k = Array.from({ length: n }, (_, i) => i).find((i) => !isDeepStrictEqual(x[key][i], y[key][i]))!;
        out.push(
          `coco.json ${key}[${k}]: ${JSON.stringify(x[key][k])?.slice(0, 200)} ≠ ${JSON.stringify(y[key][k])?.slice(0, 200)}`,
        );
      }
    } else if (!isDeepStrictEqual(a[name], b[name])) out.push(`${name}: different bytes`);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [expected, actual] = process.argv.slice(2);
  if (!expected || !actual) {
    process.stderr.write('usage: node --import tsx tools/cluster/compareDatasets.ts EXPECTED.zip ACTUAL.zip\n');
    process.exit(2);
  }
  const diff = datasetDifferences(new Uint8Array(readFileSync(expected)), new Uint8Array(readFileSync(actual)));
  const coco = JSON.parse(strFromU8(unzipSync(new Uint8Array(readFileSync(actual)))['coco.json']));
  if (diff.length) {
    process.stderr.write(`${actual} differs from ${expected}:\n  ${diff.slice(0, 10).join('\n  ')}\n`);
    process.exit(1);
  }
  process.stdout.write(
    `${actual} = ${expected}: ${coco.images.length} images, ${coco.annotations.length} annotations, every file equal\n`,
  );
}
