/**
 * The UI's one store (zustand, vanilla so Node tests need no React). Engine results are written only by the
 * engine client and the actions; components read through selectors.
 */
import { createStore } from 'zustand/vanilla';
import type {
  CacheEntryInfo,
  CatalogueEntry,
  CocoExport,
  ConceptPrompt,
  EngineErrorCode,
  ImageInfo,
  PackInfo,
  RuntimeInfo,
  SegmentRequest,
  SegmentResult,
} from '../../workers/protocol';

/** SAM 3's default score threshold. */
export const DEFAULT_SCORE_THRESHOLD = 0.5;

export interface UiError {
  id: number;
  code: EngineErrorCode | 'ui';
  message: string;
  /** What the user was doing ("Opening image", "Loading pack"). */
  context: string;
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
}

export interface AppState {
  // Runtime and packs
  runtime: RuntimeInfo | null;
  pack: PackInfo | null;
  packLoad: PackLoadState | null;
  catalogue: CatalogueEntry[];
  cache: CacheEntryInfo[] | null;

  // Image
  image: ImageInfo | null;
  imageLoading: string | null;

  // Prompt (the document)
  chips: string[];
  phraseText: string;
  concepts: ConceptPrompt[];
  scoreThreshold: number;

  // Derived from the engine
  /** True from the moment a segmentation is wanted until its result (or error) arrives. */
  segmentPending: boolean;
  result: SegmentResult | null;
  /** The request that produced `result` (exports use exactly this). */
  resultRequest: SegmentRequest | null;
  /** Bumped on every result change: the canvas's cache key. */
  resultVersion: number;

  // Interaction
  hoveredInstanceId: number | null;

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
    catalogue: [],
    cache: null,
    image: null,
    imageLoading: null,
    chips: [],
    phraseText: '',
    concepts: [],
    scoreThreshold: DEFAULT_SCORE_THRESHOLD,
    segmentPending: false,
    result: null,
    resultRequest: null,
    resultVersion: 0,
    hoveredInstanceId: null,
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
const MAX_ERRORS = 3;

export function pushError(code: UiError['code'], message: string, context: string): void {
  appStore.setState((s) => ({
    errors: [...s.errors, { id: nextErrorId++, code, message, context }].slice(-MAX_ERRORS),
  }));
}
