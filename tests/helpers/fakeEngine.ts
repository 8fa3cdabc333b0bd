/**
 * An in-memory EngineApi for unit tests (never used by the app). Knows a few phrases, each with fixed
 * rectangular detections on a 40×20 image; delays are configurable so tests can make results arrive out of order.
 */
import type {
  CatalogueEntry,
  CocoExport,
  EngineApi,
  ImageInfo,
  InstanceResult,
  ObjectPrompt,
  PackInfo,
  ProgressCallback,
  RleMask,
  RuntimeInfo,
  SegmentRequest,
  SegmentResult,
} from '../../workers/protocol';
import { CancelScope, cancelledError } from '../../workers/protocol/cancel';

export const FAKE_WIDTH = 40;
export const FAKE_HEIGHT = 20;

export interface FakeDetection {
  score: number;
  box: [number, number, number, number];
}

export interface FakeEngineOptions {
  /** phrase → detections (before the threshold). */
  detections?: Record<string, FakeDetection[]>;
  /** Milliseconds before `segment` answers, per request. */
  segmentDelayMs?: (req: SegmentRequest) => number;
  /** Milliseconds before `exportCoco` answers. */
  exportDelayMs?: number;
  /** Clicked objects whose mask comes out empty (default: those without a positive point). */
  findsNothing?: (object: ObjectPrompt) => boolean;
}

const DEFAULT_DETECTIONS: Record<string, FakeDetection[]> = {
  red: [
    { score: 0.92, box: [2, 2, 10, 8] },
    { score: 0.61, box: [20, 4, 30, 12] },
    { score: 0.3, box: [32, 10, 38, 18] },
  ],
  blue: [{ score: 0.8, box: [12, 12, 18, 18] }],
};

/** A filled rectangle, cropped to itself as the engine crops masks. */
export function rectMask(width: number, height: number, box: [number, number, number, number]): RleMask {
  const [x1, y1, x2, y2] = box;
  return { width, height, box, counts: Uint32Array.of(0, (x2 - x1) * (y2 - y1)) };
}

export interface FakeEngine extends EngineApi {
  calls: { method: string; arg?: unknown }[];
}

export function createFakeEngine(options: FakeEngineOptions = {}): FakeEngine {
  const detections = options.detections ?? DEFAULT_DETECTIONS;
  const calls: FakeEngine['calls'] = [];
  let imageCount = 0;
  const cancels = new CancelScope();
  let pack: PackInfo | null = null;
  const images = new Map<string, ImageInfo>();

  const runtime: RuntimeInfo = {
    webgpu: { available: false, reason: 'fake engine', shaderF16: false },
    wasm: { threads: 1, crossOriginIsolated: false },
  };

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  return {
    calls,
    async init() {
      calls.push({ method: 'init' });
      return runtime;
    },
    async catalogue(): Promise<CatalogueEntry[]> {
      return [
        {
          id: 'real',
          name: 'Real pack',
          description: 'd',
          manifestUrl: '/real.json',
          approxBytes: 1e9,
          capabilities: [],
        },
      ];
    },
    async cancel(requestId, mode) {
      calls.push({ method: 'cancel', arg: mode ?? 'cancel' });
      cancels.cancel(requestId, mode);
    },
    async dropPartialDownloads() {
      calls.push({ method: 'dropPartialDownloads' });
    },
    async openPack(source, onProgress?: ProgressCallback) {
      calls.push({ method: 'openPack', arg: source });
      const name = source.kind === 'url' ? source.manifestUrl : source.kind;
      if (name.includes('broken')) throw { code: 'pack-invalid', message: 'manifest is not valid JSON' };
      onProgress?.({ status: 'initiate', file: 'graph.onnx', total: 100 });
      onProgress?.({
        status: 'progress',
        file: 'graph.onnx',
        loaded: 50,
        total: 100,
        bytesPerSecond: 10,
        etaSeconds: 5,
      });
      onProgress?.({ status: 'done', file: 'graph.onnx' });
      onProgress?.({ status: 'ready', packId: 'fake' });
      pack = {
        id: 'fake',
        name: `Fake (${name})`,
        description: '',
        demo: true,
        inputSize: 8,
        source: name,
        graphs: [
          {
            role: 'vision',
            contract: 'x',
            executionProvider: 'wasm',
            reason: 'fake',
            bytes: 1,
            inputNames: [],
            outputNames: [],
          },
        ],
      };
      return pack;
    },
    async cacheState() {
      return [];
    },
    async clearCache() {},
    async openImage(source) {
      calls.push({ method: 'openImage', arg: source.name });
      if (source.kind === 'blob' && source.blob.type === 'text/plain') {
        throw { code: 'decode-failed', message: `${source.name} is not an image` };
      }
      const info: ImageInfo = {
        imageId: `img-${++imageCount}`,
        name: source.name,
        width: FAKE_WIDTH,
        height: FAKE_HEIGHT,
        displayWidth: FAKE_WIDTH,
        displayHeight: FAKE_HEIGHT,
        downscaledForModel: false,
        timingsMs: {},
      };
      images.set(info.imageId, info);
      return info;
    },
    async closeImage(imageId) {
      calls.push({ method: 'closeImage', arg: imageId });
      images.delete(imageId);
    },
    async maskBitmaps() {
      throw { code: 'runtime', message: 'the fake engine paints no bitmaps' };
    },
    segment: (req: SegmentRequest, segmentOptions = {}, onProgress) =>
      cancels.run(segmentOptions, async (signal): Promise<SegmentResult> => {
        calls.push({ method: 'segment', arg: req });
        if (!pack) throw { code: 'no-pack', message: 'no pack' };
        if (!images.has(req.imageId)) throw { code: 'no-image', message: 'no image' };
        const delay = options.segmentDelayMs?.(req) ?? 0;
        // A slow request is one detector graph for its last phrase, reported as the engine reports graphs.
        const graph = { graph: 'detector' as const, index: 1, total: 1, phrase: req.concepts.at(-1)?.phrase };
        if (delay > 0) onProgress?.({ status: 'graph-start', ...graph });
        if (delay > 0) await sleep(delay);
        if (delay > 0) onProgress?.({ status: 'graph-done', ...graph, ms: delay });
        // As the engine does: the work is done, but a cancelled call's result is dropped.
        if (signal.aborted) throw cancelledError();
        const instances: InstanceResult[] = [];
        const centreIn = (b: readonly number[], box: readonly number[]) => {
          const cx = (b[0] + b[2]) / 2;
          const cy = (b[1] + b[3]) / 2;
          return cx >= box[0] && cx <= box[2] && cy >= box[1] && cy <= box[3];
        };
        const objects = req.objects ?? [];
        const candidatesOf = (candidate: number) => ({ iou: [0.9, 0.8, 0.6], selected: candidate });
        const findsNothing =
          options.findsNothing ?? ((o: ObjectPrompt) => !o.points.some((q) => q.polarity === 'positive'));
        const emptyObjects = objects.filter(findsNothing).map((o) => o.id);

        req.concepts.forEach((c, conceptIndex) => {
          // Fake semantics: a negative box drops the detections centred inside it; '' reads as "visual".
          const negatives = c.boxes.filter((b) => b.polarity === 'negative').map((b) => b.xyxyPx);
          (detections[(c.phrase || 'visual').toLowerCase()] ?? []).forEach((d, query) => {
            if (d.score <= req.scoreThreshold) return;
            if (negatives.some((n) => centreIn(d.box, n))) return;
            const object = objects.find((o) => o.refines?.conceptId === c.id && o.refines.query === query);
            if (object && emptyObjects.includes(object.id)) return; // the refined instance came out empty
            const [x1, y1, x2, y2] = d.box;
            instances.push({
              instanceId: instances.length + 1,
              conceptId: object ? `object:${object.id}` : c.id,
              conceptIndex: object ? -1 : conceptIndex,
              query,
              score: d.score,
              presence: 0.9,
              boxXyxyPx: d.box,
              areaPx: (x2 - x1) * (y2 - y1),
              mask: rectMask(FAKE_WIDTH, FAKE_HEIGHT, d.box),
              ...(object
                ? { source: 'object' as const, objectId: object.id, candidates: candidatesOf(object.candidate) }
                : { source: 'concept' as const }),
            });
          });
        });
        for (const o of objects) {
          if (o.refines || emptyObjects.includes(o.id)) continue;
          const p = o.points.find((q) => q.polarity === 'positive');
          if (!p) continue;
          const box: [number, number, number, number] = [p.xyPx[0] - 1, p.xyPx[1] - 1, p.xyPx[0] + 2, p.xyPx[1] + 2];
          instances.push({
            instanceId: instances.length + 1,
            conceptId: `object:${o.id}`,
            conceptIndex: -1,
            query: -1,
            score: 0.9,
            presence: 1,
            boxXyxyPx: box,
            areaPx: 9,
            mask: rectMask(FAKE_WIDTH, FAKE_HEIGHT, box),
            source: 'object',
            objectId: o.id,
            candidates: candidatesOf(o.candidate),
          });
        }
        return {
          imageId: req.imageId,
          scoreThreshold: req.scoreThreshold,
          instances,
          emptyObjects,
          concepts: req.concepts.map((c) => ({
            conceptId: c.id,
            phrase: c.phrase,
            presence: detections[c.phrase.toLowerCase()] ? 0.9 : 0.04,
            count: instances.filter((i) => i.conceptId === c.id).length,
          })),
          timingsMs: { decode: 1 },
          graphRuns: {},
        };
      }),
    exportCoco: (req, call) =>
      cancels.run(call, async (signal): Promise<CocoExport> => {
        calls.push({ method: 'exportCoco', arg: req });
        if (options.exportDelayMs) await sleep(options.exportDelayMs);
        if (signal.aborted) throw cancelledError('The export');
        return {
          info: { description: 'fake', date_created: '2025-01-01', pack: pack?.id ?? '' },
          images: [{ id: 1, file_name: images.get(req.imageId)?.name ?? '', width: FAKE_WIDTH, height: FAKE_HEIGHT }],
          categories: req.request.concepts.map((c, i) => ({ id: i + 1, name: c.phrase })),
          annotations: [],
        };
      }),
    async startVideo() {
      throw { code: 'unsupported', message: 'the fake engine has no video' };
    },
    async processFrame() {
      throw { code: 'unsupported', message: 'the fake engine has no video' };
    },
    async endVideo() {},
    async startVideoEdit() {
      throw { code: 'unsupported', message: 'the fake engine has no video' };
    },
    async propagateVideoEdit() {
      throw { code: 'unsupported', message: 'the fake engine has no video' };
    },
    async endVideoEdit() {},
    async stats() {
      return {
        graphRuns: {},
        cache: { images: 0, texts: 0, detections: 0, objects: 0 },
        preprocess: { gpu: 0, js: 0 },
        sessions: { open: images.size, featureBytes: 0, budgetBytes: 0 },
      };
    },
  };
}
