import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canRedo,
  canUndo,
  closeBurst,
  emptyHistory,
  extendBurst,
  recordChange,
  redoStep,
  undoStep,
  type History,
} from './history';

type Doc = { v: number };
const same = (a: Doc, b: Doc) => a.v === b.v;
const d = (v: number): Doc => ({ v });

test('record, undo, redo: each step restores the exact previous document', () => {
  let h: History<Doc> = emptyHistory();
  const [a, b, c] = [d(1), d(2), d(3)];
  h = recordChange(h, a, b, same);
  h = recordChange(h, b, c, same);
  assert.equal(canUndo(h, c, same), true);
  const u1 = undoStep(h, c, same)!;
  assert.equal(u1.doc, b);
  const u2 = undoStep(u1.history, b, same)!;
  assert.equal(u2.doc, a);
  assert.equal(undoStep(u2.history, a, same), null);
  const r1 = redoStep(u2.history, a)!;
  assert.equal(r1.doc, b);
  const r2 = redoStep(r1.history, b)!;
  assert.equal(r2.doc, c);
  assert.equal(redoStep(r2.history, c), null);
});

test('empty changes are not recorded; only new changes clear redo', () => {
  let h: History<Doc> = emptyHistory();
  h = recordChange(h, d(1), d(1), same);
  assert.equal(h.undo.length, 0);
  h = recordChange(h, d(1), d(2), same);
  const u = undoStep(h, d(2), same)!;
  assert.equal(canRedo(u.history), true);
  // A no-op change keeps redo.
  assert.equal(canRedo(recordChange(u.history, d(1), d(1), same)), true);
  assert.equal(canRedo(recordChange(u.history, d(1), d(5), same)), false);
});

test('a burst is one entry; undo closes an open burst first', () => {
  let h: History<Doc> = emptyHistory();
  const start = d(0);
  h = extendBurst(h, 'phrase', start, same);
  h = extendBurst(h, 'phrase', d(1), same); // later keystrokes keep the first `before`
  h = extendBurst(h, 'phrase', d(2), same);
  assert.equal(h.undo.length, 0);
  assert.equal(canUndo(h, d(3), same), true);
  const u = undoStep(h, d(3), same)!;
  assert.equal(u.doc, start);
  assert.equal(u.history.undo.length, 0);
  assert.equal(u.history.pending, null);
  assert.equal(redoStep(u.history, start)!.doc.v, 3);
});

test('a burst that ends where it began records nothing; another kind of change closes it', () => {
  let h: History<Doc> = emptyHistory();
  h = extendBurst(h, 'phrase', d(0), same);
  h = closeBurst(h, d(0), same);
  assert.equal(h.undo.length, 0);
  h = extendBurst(h, 'threshold', d(0), same);
  h = extendBurst(h, 'phrase', d(4), same); // threshold burst ended at 4
  h = closeBurst(h, d(6), same);
  assert.deepEqual(
    h.undo.map((x) => x.v),
    [0, 4],
  );
  assert.equal(redoStep(h, d(6)), null);
});

test('the stack is bounded', () => {
  let h: History<Doc> = emptyHistory(3);
  for (let i = 0; i < 6; i++) h = recordChange(h, d(i), d(i + 1), same);
  assert.deepEqual(
    h.undo.map((x) => x.v),
    [3, 4, 5],
  );
});
