/**
 * Gathering files on the page: a picked folder keeps its nested folders as relative paths that start with the
 * folder's own name (as the folder input and a drop give them), however deep, and its zips are set apart for the
 * import worker; a dropped folder is read in full although the browser hands out its children a hundred at a time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectDirectoryHandle, collectDrop, collectFiles } from './importFiles';

type Tree = { [name: string]: Tree | string };

/** A FileSystemDirectoryHandle over a tree of names (a string leaf is a file's content). */
function dirHandle(name: string, tree: Tree): FileSystemDirectoryHandle {
  return {
    kind: 'directory',
    name,
    async *entries() {
      for (const [n, v] of Object.entries(tree)) {
        yield [
          n,
          typeof v === 'string' ? { kind: 'file', name: n, getFile: async () => new File([v], n) } : dirHandle(n, v),
        ];
      }
    },
  } as unknown as FileSystemDirectoryHandle;
}

/** A FileSystemEntry tree whose directory readers hand out at most 100 children per call, as Chromium's do. */
function entry(name: string, v: Tree | string): FileSystemEntry {
  if (typeof v === 'string') {
    return {
      name,
      isFile: true,
      isDirectory: false,
      file: (ok: (f: File) => void) => ok(new File([v], name)),
    } as never;
  }
  return {
    name,
    isFile: false,
    isDirectory: true,
    createReader: () => {
      const children = Object.entries(v).map(([n, c]) => entry(n, c));
      return { readEntries: (ok: (e: FileSystemEntry[]) => void) => ok(children.splice(0, 100)) };
    },
  } as never;
}

const paths = (c: { files: { path: string }[]; archives: { path: string }[] }) => ({
  files: c.files.map((f) => f.path).sort(),
  archives: c.archives.map((f) => f.path),
});

test('a picked folder: relative paths from the folder on, at any depth; zips set apart', async () => {
  let deep: Tree = { 'bottom.png': 'x' };
  for (let i = 499; i >= 0; i--) deep = { [`d${i}`]: deep };
  const handle = dirHandle('photos', { 'a.png': 'a', sub: { 'b.jpg': 'b', 'set.zip': 'z', 'notes.txt': 't' }, deep });
  const found: number[] = [];
  const c = await collectDirectoryHandle(handle, { onFound: (n) => found.push(n) });
  const deepPath = `photos/deep/${Array.from({ length: 500 }, (_, i) => `d${i}`).join('/')}/bottom.png`;
  assert.deepEqual(paths(c), {
    files: ['photos/a.png', deepPath, 'photos/sub/b.jpg', 'photos/sub/notes.txt'].sort(),
    archives: ['photos/sub/set.zip'],
  });
  assert.equal(found.at(-1), 5);
});

test('a dropped folder of 250 files is read whole, a hundred children at a time', async () => {
  const tree: Tree = {};
  for (let i = 0; i < 250; i++) tree[`f${i}.png`] = 'x';
  tree['in.zip'] = 'z';
  const dt = {
    items: [{ webkitGetAsEntry: () => entry('drop', tree) }],
    files: [],
  } as unknown as DataTransfer;
  const c = await collectDrop(dt)();
  assert.equal(c.files.length, 250);
  assert.ok(c.files.every((f) => f.path.startsWith('drop/f')));
  assert.deepEqual(
    c.archives.map((a) => a.path),
    ['drop/in.zip'],
  );
});

test('the folder input: each file keeps its webkitRelativePath', () => {
  const f = Object.assign(new File(['x'], 'b.png'), { webkitRelativePath: 'photos/2024/b.png' });
  const z = new File(['z'], 'more.zip', { type: 'application/zip' });
  assert.deepEqual(paths(collectFiles([f, z])), { files: ['photos/2024/b.png'], archives: ['more.zip'] });
});
