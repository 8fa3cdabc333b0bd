/**
 * Undo / redo over document snapshots (pure; no store, no React).
 *
 * The document is immutable, so a snapshot is just a reference (unchanged parts are shared). Entries are the
 * documents *before* each change. A burst (typing a phrase, dragging the threshold slider) is one entry: the first
 * change of the burst remembers the document before it, and closing the burst records it once. Only document
 * changes clear the redo stack; selection, tools and engine results never reach the history
 * [excalidraw `CaptureUpdateAction`, tldraw `HistoryManager` marks and squash].
 */

export interface PendingBurst<D> {
  /** What is being squashed ('phrase', 'threshold'). */
  key: string;
  /** The document before the burst's first change. */
  before: D;
}

export interface History<D> {
  /** Older documents, oldest first; the last one is what undo restores. */
  undo: readonly D[];
  /** Documents undone, the last one is what redo restores. */
  redo: readonly D[];
  pending: PendingBurst<D> | null;
  limit: number;
}

export const DEFAULT_HISTORY_LIMIT = 200;

export function emptyHistory<D>(limit = DEFAULT_HISTORY_LIMIT): History<D> {
  return { undo: [], redo: [], pending: null, limit };
}

function pushBounded<D>(stack: readonly D[], doc: D, limit: number): D[] {
  const next = [...stack, doc];
  return next.length > limit ? next.slice(next.length - limit) : next;
}

/**
 * Records one discrete change (`before` → `current`). Closes any open burst first (so it stays its own entry).
 * Empty changes are ignored.
 */
export function recordChange<D>(h: History<D>, before: D, current: D, same: (a: D, b: D) => boolean): History<D> {
  const closed = closeBurst(h, before, same);
  if (same(before, current)) return closed;
  return { ...closed, undo: pushBounded(closed.undo, before, closed.limit), redo: [] };
}

/**
 * A change that belongs to a burst. The first change of a burst remembers `before`; later changes of the same
 * burst only extend it. A burst of another key is closed first (`before` is then its end state).
 */
export function extendBurst<D>(h: History<D>, key: string, before: D, same: (a: D, b: D) => boolean): History<D> {
  if (h.pending?.key === key) return h;
  const closed = closeBurst(h, before, same);
  return { ...closed, pending: { key, before }, redo: [] };
}

/** Ends the open burst, recording one entry when the document changed since it began. */
export function closeBurst<D>(h: History<D>, current: D, same: (a: D, b: D) => boolean): History<D> {
  if (!h.pending) return h;
  const { before } = h.pending;
  if (same(before, current)) return { ...h, pending: null };
  return { ...h, pending: null, undo: pushBounded(h.undo, before, h.limit) };
}

export interface Travel<D> {
  history: History<D>;
  /** The document to show now. */
  doc: D;
}

/** One step back: closes the open burst first, so undo right after typing undoes the typing. */
export function undoStep<D>(h: History<D>, current: D, same: (a: D, b: D) => boolean): Travel<D> | null {
  const closed = closeBurst(h, current, same);
  const doc = closed.undo.at(-1);
  if (doc === undefined) return null;
  return {
    doc,
    history: { ...closed, undo: closed.undo.slice(0, -1), redo: [...closed.redo, current] },
  };
}

/** One step forward again. Nothing to redo when a burst is open (it is a new change). */
export function redoStep<D>(h: History<D>, current: D): Travel<D> | null {
  if (h.pending) return null;
  const doc = h.redo.at(-1);
  if (doc === undefined) return null;
  return {
    doc,
    history: { ...h, redo: h.redo.slice(0, -1), undo: pushBounded(h.undo, current, h.limit) },
  };
}

export function canUndo<D>(h: History<D>, current: D, same: (a: D, b: D) => boolean): boolean {
  return h.undo.length > 0 || (h.pending !== null && !same(h.pending.before, current));
}

export function canRedo<D>(h: History<D>): boolean {
  return h.pending === null && h.redo.length > 0;
}
