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
