/**
 * The still image's store (zustand, vanilla so Node tests need no React): the prompt document and its history, the
 * latest result, pack and runtime info, notices, hover and zoom. Video mode and the folder workspace have their own
 * stores (src/video/videoStore.ts, src/batch/batchStore.ts). Engine results are written only by the engine client and
 * the actions; components read through selectors.
 */
import { createStore } from 'zustand/vanilla';
import type {
  CacheEntryInfo,
  CatalogueEntry,
  CocoExport,
  ConceptPrompt,
  EngineErrorCode,
  GraphStep,
  ImageInfo,
  InstanceEdit,
  ObjectPrompt,
  PackInfo,
  PackSource,
  Polarity,
  RuntimeInfo,
  SegmentRequest,
  SegmentResult,
} from '../../workers/protocol';
import { emptyHistory, type History } from './history';
import type { StageSize, ViewTransform } from '../draw/coords';
import type { PromptDocument } from './promptDocument';
import type { VideoPrompt } from './videoPrompts';

/** Where a running segmentation is, graph by graph (src/engine-client/engineEvents.ts applies the events). */
export interface SegmentProgress {
  /** performance.now() when the request went to the engine. */
  startedAt: number;
  /** The graph running now (null before the first, between graphs and after the last). */
  running: { graph: GraphStep; phrase?: string; index: number } | null;
  /** The last graph that finished. */
  lastDone: { graph: GraphStep; phrase?: string } | null;
  /** Graphs finished, of the request's `total`. */
  done: number;
  total: number;
  /** Cancel was pressed: the running graph finishes, nothing after it runs. */
  cancelling: boolean;
}

/** SAM 3's default score threshold. */
export const DEFAULT_SCORE_THRESHOLD = 0.5;

export interface UiError {
  id: number;
  code: EngineErrorCode | 'ui';
  message: string;
  /** What the user was doing ("Opening image", "Loading pack"). */
  context: string;
  /** `error`: something failed; `info`: something to know (a click that found nothing). */
  tone: 'error' | 'info';
  /** How many times this same notice was raised while shown (repeats are counted, not stacked). */
  count: number;
}

export interface FileProgress {
  file: string;
  status: 'initiate' | 'progress' | 'cached' | 'resumed' | 'verifying' | 'done';
  loaded: number;
  total: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
}

export interface PackLoadState {
  /** What is being opened, for the status line. */
  label: string;
  /** False once the load finished or failed (the file list stays for the panel). */
  active: boolean;
  files: Record<string, FileProgress>;
  /** Graph being compiled, if any. */
  compiling: string | null;
  /**
   * What will be checked for each file (by file name), when known before the download (catalogue entries):
   * `sha256` size and hash, `size` the size only, `none` nothing (no size or hash on record).
   */
  checks?: Record<string, 'sha256' | 'size' | 'none'>;
  /** A download the user paused (it resumes from what was stored). */
  paused?: boolean;
}

/** A pack download that was started and not finished (kept across reloads, so it can be resumed). */
export interface PendingPack {
  label: string;
  source: PackSource;
}

/** Canvas tools: select/hover, exemplar boxes, clicks. */
export type Tool = 'select' | 'box' | 'click';

/** A box being dragged, in original image pixels. */
export interface DraftBox {
  startPx: [number, number];
  endPx: [number, number];
  polarity: Polarity;
}

export interface AppState {
  // Runtime and packs
  runtime: RuntimeInfo | null;
  pack: PackInfo | null;
  packLoad: PackLoadState | null;
  /** A download left unfinished (paused, interrupted, or the page was closed). */
  pendingPack: PendingPack | null;
  catalogue: CatalogueEntry[];
  cache: CacheEntryInfo[] | null;

  // Image
  image: ImageInfo | null;
  imageLoading: string | null;

  // Prompt (the document: see promptDocument.ts; only these six fields are undone and redone)
  chips: string[];
  phraseText: string;
  concepts: ConceptPrompt[];
  objects: ObjectPrompt[];
  scoreThreshold: number;
  videoPrompts: readonly VideoPrompt[];
  edits: InstanceEdit[];
  history: History<PromptDocument>;

  // Derived from the engine
  /** True from the moment a segmentation is wanted until its result (or error) arrives. */
  segmentPending: boolean;
  /** The segmentation in flight, graph by graph (the engine's progress events); null when none is running. */
  segmentProgress: SegmentProgress | null;
  result: SegmentResult | null;
  /** The request that produced `result` (exports use exactly this). */
  resultRequest: SegmentRequest | null;
  /** Bumped on every result change: the canvas's cache key. */
  resultVersion: number;

  // Interaction (never recorded)
  hoveredInstanceId: number | null;
  tool: Tool;
  /** Polarity of new boxes without a modifier (the toolbar's ± toggle, for touch). */
  boxPolarity: Polarity;
  /** The concept new boxes go to (null: the first one, or a new box-only concept). */
  activeConceptId: string | null;
  /** The instance selected for editing (hide, delete, move), by ID. */
  selectedInstanceId: number | null;
  /** The object candidate cycling and negative clicks on the background apply to. */
  selectedObjectId: string | null;
  /** A pointer gesture is in progress (box drag, slider drag): undo is refused meanwhile. */
  gesture: 'box' | 'click' | 'slider' | null;
  draftBox: DraftBox | null;
  helpOpen: boolean;
  /** The image stage's size in CSS pixels (set by the canvas). */
  stageSize: StageSize;
  /** Zoom and pan of the image stage; null = fit to view (follows the stage's size). */
  zoom: ViewTransform | null;

  // Feedback
  errors: UiError[];
  lastExport: CocoExport | null;
  exporting: boolean;
}

export function initialAppState(): AppState {
  return {
    runtime: null,
    pack: null,
    packLoad: null,
    pendingPack: null,
    catalogue: [],
    cache: null,
    image: null,
    imageLoading: null,
    chips: [],
    phraseText: '',
    concepts: [],
    objects: [],
    scoreThreshold: DEFAULT_SCORE_THRESHOLD,
    videoPrompts: [],
    edits: [],
    history: emptyHistory<PromptDocument>(),
    segmentPending: false,
    segmentProgress: null,
    result: null,
    resultRequest: null,
    resultVersion: 0,
    hoveredInstanceId: null,
    tool: 'select',
    boxPolarity: 'positive',
    activeConceptId: null,
    selectedInstanceId: null,
    selectedObjectId: null,
    gesture: null,
    draftBox: null,
    helpOpen: false,
    stageSize: { width: 0, height: 0 },
    zoom: null,
    errors: [],
    lastExport: null,
    exporting: false,
  };
}

export const appStore = createStore<AppState>()(() => initialAppState());

export type AppStore = typeof appStore;

/** Back to the initial state (tests). */
export function resetAppStore(): void {
  appStore.setState(initialAppState(), true);
}

let nextErrorId = 1;
/** Notices shown at once; older ones give way (they never pile up over the page). */
export const MAX_NOTICES = 3;

/**
 * Raises a notice. The same notice again (same context and message) is counted on the one shown and moved to the
 * front instead of being stacked; at most MAX_NOTICES are kept, the newest.
 */
export function pushNotice(code: UiError['code'], message: string, context: string, tone: UiError['tone']): void {
  appStore.setState((s) => {
    const same = s.errors.find((e) => e.message === message && e.context === context && e.tone === tone);
    const others = s.errors.filter((e) => e !== same);
    const notice: UiError = same
      ? { ...same, code, count: same.count + 1 }
      : { id: nextErrorId++, code, message, context, tone, count: 1 };
    return { errors: [...others, notice].slice(-MAX_NOTICES) };
  });
}

export function pushError(code: UiError['code'], message: string, context: string): void {
  pushNotice(code, message, context, 'error');
}
