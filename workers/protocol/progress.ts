/** Download / load progress, sent through a comlink.proxy callback. A union on `status`. */
export type ProgressEvent =
  | { status: 'initiate'; file: string; total: number }
  | {
      status: 'progress';
      file: string;
      loaded: number;
      total: number;
      bytesPerSecond: number;
      etaSeconds: number | null;
    }
  | { status: 'cached'; file: string; total: number }
  | { status: 'resumed'; file: string; from: number; total: number }
  | { status: 'verifying'; file: string }
  | { status: 'done'; file: string }
  | { status: 'compiling'; graph: string }
  | { status: 'ready'; packId: string };

/** A graph a request can run: the image encoder, the text encoder, the detector, the tracker's encoder and decoder. */
export type GraphStep = 'vision' | 'text' | 'detector' | 'trackerVision' | 'tracker';

/**
 * A segmentation's progress, graph by graph (sent through a comlink.proxy callback, like `ProgressEvent`): before
 * each graph runs (`graph-start`) and when it finishes (`graph-done`). `index` counts from 1 over the `total` graphs
 * the request needs (what its caches lack); `phrase` says which concept a text or detector graph serves. A request
 * that needs no graph (a threshold change, a cached phrase) sends nothing.
 */
export type GraphProgressEvent =
  | { status: 'graph-start'; graph: GraphStep; index: number; total: number; phrase?: string }
  | { status: 'graph-done'; graph: GraphStep; index: number; total: number; ms: number; phrase?: string };

export type GraphProgressCallback = (event: GraphProgressEvent) => void;
