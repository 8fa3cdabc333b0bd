/**
 * The import's limits and words: sizes as people read them, an entry refused by its declared size or its ratio
 * with the reason spelled out, entry names made relative (never leading out of the folder), one path order for
 * every route, and the skipped files named in one sentence.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_IMAGE_BYTES,
  checkEntrySizes,
  classifyPath,
  comparePaths,
  describeSkipped,
  formatBytes,
  imageTooLargeMessage,
  normaliseEntryPath,
  skipReason,
  type Skipped,
} from './importLimits';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

test('sizes read as people say them', () => {
  assert.equal(formatBytes(200), '200 B');
  assert.equal(formatBytes(4.7 * MiB), '4.7 MiB');
  assert.equal(formatBytes(1.5 * GiB), '1.5 GiB');
  assert.equal(formatBytes(GiB), '1 GiB');
  assert.equal(formatBytes(23 * MiB), '23 MiB');
});

test('an entry declaring 1.5 GiB is refused before inflating, with its size and the limit', () => {
  const s = checkEntrySizes('bomb.zip › a.png', 1.5 * GiB, 1.5 * MiB)!;
  assert.equal(s.kind, 'too-large');
  assert.equal(skipReason(s), 'declares 1.5 GiB; the limit for one image is 1 GiB');
  assert.equal(checkEntrySizes('ok.png', MAX_IMAGE_BYTES, MAX_IMAGE_BYTES), null);
  assert.equal(imageTooLargeMessage('big.png', 1.5 * GiB), '“big.png” is 1.5 GiB; the limit for one image is 1 GiB.');
});

test('an entry that inflates more than 100-fold is refused; a small one may compress as it likes', () => {
  const s = checkEntrySizes('flat.bmp', 200 * MiB, MiB)!;
  assert.equal(s.kind, 'ratio');
  assert.match(skipReason(s), /^200 MiB from 1 MiB, 200:1; the limit is 100:1/);
  assert.equal(checkEntrySizes('flat.bmp', 90 * MiB, MiB), null, '90:1');
  assert.equal(checkEntrySizes('tiny.png', 512 * 1024, 100), null, 'under the grace size');
});

test('entry names become relative paths; a name leading out of the folder is refused', () => {
  assert.equal(normaliseEntryPath('photos/a.png'), 'photos/a.png');
  assert.equal(normaliseEntryPath('photos\\2024\\a.png'), 'photos/2024/a.png');
  assert.equal(normaliseEntryPath('/abs/./a.png'), 'abs/a.png');
  assert.equal(normaliseEntryPath('C:\\temp\\a.png'), 'temp/a.png');
  assert.equal(normaliseEntryPath('../../etc/a.png'), null);
  assert.equal(normaliseEntryPath('ok/../a.png'), null);
});

test('what a path is: images, archives, hidden files, the rest', () => {
  assert.equal(classifyPath('a/b.JPG'), 'image');
  assert.equal(classifyPath('a/more.zip'), 'archive');
  assert.equal(classifyPath('__MACOSX/a/._b.png'), 'hidden');
  assert.equal(classifyPath('a/.DS_Store'), 'hidden');
  assert.equal(classifyPath('labels/b.txt'), 'not-image');
});

test('one path order: digits by value, case folded, a folder kept together, the same on every machine', () => {
  const paths = ['img10.png', 'b/x.png', 'IMG2.png', 'img1.png', 'b-c.png', 'a.png', 'img02.png', 'B/a.png', 'b.png'];
  assert.deepEqual([...paths].sort(comparePaths), [
    'a.png',
    'B/a.png',
    'b/x.png',
    'b-c.png',
    'b.png',
    'img1.png',
    'IMG2.png', // equal to img02.png but for case and zeros: code units decide
    'img02.png',
    'img10.png',
  ]);
  assert.equal(comparePaths('x.png', 'x.png'), 0);
});

test('skipped files are named in one sentence, grouped by reason, the first few of each', () => {
  const skipped: Skipped[] = [
    ...['a', 'b', 'c', 'd', 'e'].map((n) => checkEntrySizes(`bomb.zip › ${n}.png`, 1.5 * GiB, 1.5 * MiB)!),
    { path: 'notes.txt', kind: 'not-image' },
    { path: 'x.zip', kind: 'archive', detail: 'is not a zip archive, or it is truncated' },
  ];
  assert.equal(
    describeSkipped(skipped),
    '7 files skipped — 5 too large (the limit for one image is 1 GiB): bomb.zip › a.png (declares 1.5 GiB), ' +
      'bomb.zip › b.png (declares 1.5 GiB), bomb.zip › c.png (declares 1.5 GiB), bomb.zip › d.png (declares 1.5 GiB), ' +
      'and 1 more; 1 not an image: notes.txt; 1 an archive that could not be read: x.zip (is not a zip archive, or it ' +
      'is truncated).',
  );
  assert.equal(describeSkipped([]), '');
});
