/**
 * The batch workspace's store (zustand, vanilla): image summaries for the grid, the image under review (its full
 * record), the run's progress, the review tool and undo history, and the export and evaluation state. Only the
 * actions in this folder write it.
 */
import { createStore } from 'zustand/vanilla';
import type { BatchImage } from '../../workers/batch/types';
import type { RunnerProgress } from '../../workers/batch/runner';
import type { EvalReport } from '../../workers/eval/evaluate';
import type { BatchMeta } from './batchDb';

export interface ImageSummary {
  key: string;
  index: number;
  name: string;
  status: BatchImage['status'];
  accepted: boolean;
  /** Live (not rejected) annotations. */
  count: number;
  error?: string;
  /** Bumped when the thumbnail changes. */
  thumbVersion: number;
}

export type ReviewTool = 'select' | 'click' | 'box' | 'exemplar';

/** One undoable review edit: the image's editable fields before and after. */
export interface ReviewEdit {
  key: string;
  label: string;
  before: Pick<BatchImage, 'annotations' | 'accepted' | 'exemplars'>;
  after: Pick<BatchImage, 'annotations' | 'accepted' | 'exemplars'>;
}

/** A fix being drawn: clicks and/or a box, its decoded mask, and the detection it replaces. */
export interface PendingFix {
  points: { xyPx: [number, number]; polarity: 'positive' | 'negative' }[];
  boxXyxyPx?: [number, number, number, number];
  replaces: string | null;
  category: string;
  preview: import('../../workers/batch/types').BatchAnnotation | null;
  busy: boolean;
}

export interface BatchState {
  open: boolean;
  /** Loaded from IndexedDB at least once. */
  loaded: boolean;
  meta: BatchMeta | null;
  images: ImageSummary[];
  importing: { done: number; total: number | null; label: string } | null;
  run: RunnerProgress | null;
  /** The image shown in review, with its full record. */
  currentKey: string | null;
  current: BatchImage | null;
  selectedAnnotation: string | null;
  tool: ReviewTool;
  /** Exemplar boxes drawn now are negative. */
  negative: boolean;
  fix: PendingFix | null;
  /** Category that new fixes and exemplars use. */
  activeCategory: string | null;
  history: { undo: ReviewEdit[]; redo: ReviewEdit[] };
  exporting: { done: number; total: number } | null;
  lastExport: { name: string; bytes: number; images: number } | null;
  evaluating: boolean;
  report: EvalReport | null;
  message: { kind: 'info' | 'error'; text: string } | null;
  /** A run the page closed during, offered on load (resumeOffer.ts) until the workspace is opened or it is dismissed. */
  interruptedRun: { left: number; total: number } | null;
}

export function initialBatchState(): BatchState {
  return {
    open: false,
    loaded: false,
    meta: null,
    images: [],
    importing: null,
    run: null,
    currentKey: null,
    current: null,
    selectedAnnotation: null,
    tool: 'select',
    negative: false,
    fix: null,
    activeCategory: null,
    history: { undo: [], redo: [] },
    exporting: null,
    lastExport: null,
    evaluating: false,
    report: null,
    message: null,
    interruptedRun: null,
  };
}

export const batchStore = createStore<BatchState>()(() => initialBatchState());

export function summarize(image: BatchImage, thumbVersion = 0): ImageSummary {
  return {
    key: image.key,
    index: image.index,
    name: image.name,
    status: image.status,
    accepted: image.accepted,
    count: image.annotations.filter((a) => !a.rejected).length,
    error: image.error,
    thumbVersion,
  };
}

/** Replaces one image's summary (and the review record when it is the current image). */
export function putImage(image: BatchImage, thumbChanged = false): void {
  batchStore.setState((s) => ({
    images: s.images.map((x) => (x.key === image.key ? summarize(image, x.thumbVersion + (thumbChanged ? 1 : 0)) : x)),
    ...(s.currentKey === image.key ? { current: image } : {}),
  }));
}

export function say(kind: 'info' | 'error', text: string): void {
  batchStore.setState({ message: { kind, text } });
}
