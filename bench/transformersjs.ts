/**
 * npm run bench:tjs — click latency beside transformers.js on identical graphs, in one run.
 *
 * The committed tiny SAM 3 pack's graphs (tests/fixtures/sam3-tiny/pack) run twice in this process on the same
 * onnxruntime-node CPU backend: through our engine (`openImage` + `segment` with an ObjectPrompt) and through
 * `@huggingface/transformers`' `Sam3TrackerModel` with its own processor, pre-processing, post-processing and
 * sessions, driven the way its model card shows (`processor(image, { input_points, input_labels })`,
 * `post_process_masks`), with the image embeddings reused the way its API allows (`get_image_embeddings` once per
 * image, then `model({ ...embeddings, input_points, input_labels })`).
 *
 * transformers.js reads a Hugging Face model folder, so one is built at run time in a temp dir from the committed
 * graphs — hard links (copies across file systems), nothing downloaded: `onnx/vision_encoder.onnx` is the pack's
 * dual vision graph (`pixel_values` → the detector's FPN levels and the tracker's `image_embeddings.0..2`; its
 * decoder session picks the three embeddings by name), `onnx/prompt_encoder_mask_decoder.onnx` is the pack's
 * `sam3-tracker-decoder` graph (onnx-community/sam3-tracker-ONNX's contract). Both sides therefore run the same
 * bytes; the vision graph computes all eleven outputs on both sides.
 *
 * Measured per image size, medians over rounds (each round a new image: the same pixels opened again, so nothing
 * is cached across rounds), the two sides interleaved and alternating who goes first:
 *  - first click on a new image: pre-processing + vision + decoder + post-processing to a mask at image size;
 *  - further clicks on the same image (different points each time): the decoder and post-processing only when the
 *    image embedding is reused — vision runs counted (ours: `result.graphRuns`; theirs: the vision session's
 *    `run` wrapped with a counter);
 *  - for reference, once per round: the model card's one-call flow for a further click (`processor(image, …)` +
 *    `model(inputs)`), which encodes the image again on every click; and a further click where transformers.js
 *    post-processes only the best candidate (sliced out before `post_process_masks`) rather than all three.
 * Both sides' best candidates (highest predicted IoU) are compared on the first measured round: mask IoU as each
 * side post-processes, with transformers.js's logits upsampled our way, and with its model fed our pixel_values
 * (isolating the graphs and prompt encoding from the two pre-processings); predicted-IoU differences.
 *
 * Absolute times depend on the machine and its load; the ratios, measured in this one run, are what to read.
 */
import { linkSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoProcessor, RawImage, Sam3TrackerModel, Tensor, env } from '@huggingface/transformers';
import { createEngine, type Engine } from '../workers/engine/engine';
import { createNodeRuntime } from '../workers/ort/nodeRuntime';
import { MemoryByteStore } from '../workers/packs/byteStore';
import { nodePackDirectory } from '../workers/packs/nodePackDirectory';
import { decodeMaskToFrame } from '../workers/core/rle';
import { maskIou, upsampleMaskLogits } from '../workers/core/masks';
import { preprocessImage } from '../workers/core/resize';
import type { ObjectPrompt, SegmentRequest } from '../workers/protocol/prompts';
import type { SegmentResult } from '../workers/protocol/results';
import { SAM3_TINY_PACK_DIR } from '../tests/parity/fixtures';
import { randomScene, renderScene, SHAPES_SAMPLE, type Scene } from '../tools/scenes/scene';

const ROUNDS = Number(process.env.BENCH_REPEATS ?? 15);
const WARMUP = 3;
/** Further clicks per round, each with other points than the ones before. */
const FURTHER = 6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (v: number) => `${v.toFixed(2)} ms`;

// ---------------------------------------------------------------------------------------------------------------
// transformers.js side

/** The Hugging Face model folder transformers.js loads, made of the committed tiny graphs. */
function buildModelFolder(root: string, name: string, inputSize: number): void {
  const dir = join(root, name);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const place = (from: string, to: string) => {
    try {
      linkSync(join(SAM3_TINY_PACK_DIR, from), join(dir, 'onnx', to));
    } catch {
      copyFileSync(join(SAM3_TINY_PACK_DIR, from), join(dir, 'onnx', to));
    }
  };
  place('vision.onnx', 'vision_encoder.onnx');
  place('tracker.onnx', 'prompt_encoder_mask_decoder.onnx');
  // Only what transformers.js reads: the model type (→ Sam3TrackerModel, the mask-generation sessions) and the
  // number of embedding levels its forward() looks for.
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      model_type: 'sam3_tracker',
      architectures: ['Sam3TrackerModel'],
      vision_config: { num_feature_levels: 3 },
    }),
  );
  // SAM 3's processor settings (stretch to the input size, rescale 1/255, mean/std 0.5, bilinear) at the tiny size.
  writeFileSync(
    join(dir, 'preprocessor_config.json'),
    JSON.stringify({
      processor_class: 'Sam2Processor',
      image_processor_type: 'Sam2ImageProcessorFast',
      size: { height: inputSize, width: inputSize },
      do_resize: true,
      resample: 2,
      do_rescale: true,
      rescale_factor: 1 / 255,
      do_normalize: true,
      image_mean: [0.5, 0.5, 0.5],
      image_std: [0.5, 0.5, 0.5],
      do_convert_rgb: true,
    }),
  );
}

type HeightWidth = [number, number];
interface SamInputs {
  pixel_values: Tensor;
  original_sizes: HeightWidth[];
  reshaped_input_sizes: HeightWidth[];
  input_points?: Tensor;
  input_labels?: Tensor;
}
/** The parts of transformers.js's Sam2Processor (its typings say `any`) this bench calls. */
interface SamProcessor {
  (image: RawImage, prompts?: { input_points?: number[][][][]; input_labels?: number[][][] }): Promise<SamInputs>;
  reshape_input_points(points: number[][][][], original: HeightWidth[], reshaped: HeightWidth[]): Tensor;
  image_processor: { add_input_labels(labels: number[][][], points: Tensor): Tensor };
  post_process_masks(masks: Tensor, original: HeightWidth[], reshaped: HeightWidth[]): Promise<Tensor[]>;
}
interface SamOutputs {
  iou_scores: Tensor;
  pred_masks: Tensor;
}
interface CountedSession {
  run: (...args: unknown[]) => Promise<unknown>;
}

interface Tjs {
  model: Sam3TrackerModel;
  processor: SamProcessor;
  runs: { vision: number; decoder: number };
}

async function openTjs(root: string, inputSize: number): Promise<Tjs> {
  const name = 'sam3-tiny-tracker';
  buildModelFolder(root, name, inputSize);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root;
  const model = (await Sam3TrackerModel.from_pretrained(name, {
    dtype: 'fp32',
    device: 'cpu',
    local_files_only: true,
  })) as Sam3TrackerModel;
  const processor = (await AutoProcessor.from_pretrained(name, { local_files_only: true })) as unknown as SamProcessor;
  // Count graph runs by wrapping the two sessions' run().
  const runs = { vision: 0, decoder: 0 };
  const sessions = (model as unknown as { sessions: Record<string, CountedSession> }).sessions;
  for (const [key, role] of [
    ['model', 'vision'],
    ['prompt_encoder_mask_decoder', 'decoder'],
  ] as const) {
    const session = sessions[key];
    const run = session.run.bind(session);
    session.run = (...args: unknown[]) => {
      runs[role]++;
      return run(...args);
    };
  }
  return { model, processor, runs };
}

/** A click as transformers.js takes it: points [1 image][1 object][P][x, y] and labels [1][1][P]. */
const tjsPrompt = (click: Click) => ({
  input_points: [[click.points.map((p) => [p.xy[0], p.xy[1]])]],
  input_labels: [[click.points.map((p) => (p.positive ? 1 : 0))]],
});

interface Best {
  mask: Uint8Array;
  /** Predicted IoUs of the candidates (ours: best first; theirs: in the decoder's order). */
  iou: number[];
  /** transformers.js only: the decoder's mask logits [1,1,C,h,w] (for the agreement check). */
  logits?: { data: Float32Array; dims: number[] };
}

/**
 * The best of the three candidates by predicted IoU, as a W×H 0/1 mask. `post_process_masks` upsamples every
 * candidate, as the model card does; `bestOnly` slices the best one out first (what a careful caller can do).
 */
async function tjsBest(tjs: Tjs, out: SamOutputs, inputs: SamInputs, bestOnly = false): Promise<Best> {
  const iou = Array.from(out.iou_scores.data as Float32Array);
  const best = iou.indexOf(Math.max(...iou));
  const [masks] = await tjs.processor.post_process_masks(
    bestOnly ? out.pred_masks.slice(null, null, [best, best + 1]) : out.pred_masks,
    inputs.original_sizes,
    inputs.reshaped_input_sizes,
  );
  const [h, w] = inputs.original_sizes[0];
  const plane = bestOnly ? 0 : best;
  return {
    mask: (masks.data as Uint8Array).subarray(plane * w * h, (plane + 1) * w * h),
    iou,
    logits: { data: out.pred_masks.data as Float32Array, dims: out.pred_masks.dims },
  };
}

/** First click on a new image, keeping the embeddings for the next clicks. */
async function tjsFirstClick(tjs: Tjs, scene: Scene, click: Click, stages: Stages) {
  let t = performance.now();
  const image = new RawImage(scene.data, scene.width, scene.height, 4);
  const inputs = await tjs.processor(image, tjsPrompt(click));
  stages.preprocess = performance.now() - t;
  t = performance.now();
  const embeddings = await tjs.model.get_image_embeddings(inputs);
  stages.vision = performance.now() - t;
  t = performance.now();
  const out = (await tjs.model({
    ...embeddings,
    input_points: inputs.input_points,
    input_labels: inputs.input_labels,
  })) as SamOutputs;
  stages.decoder = performance.now() - t;
  t = performance.now();
  const best = await tjsBest(tjs, out, inputs);
  stages.postprocess = performance.now() - t;
  return { image, inputs, embeddings, best };
}

type TjsFirst = Awaited<ReturnType<typeof tjsFirstClick>>;

/** A further click with the image's embeddings reused. */
async function tjsFurtherClick(
  tjs: Tjs,
  state: TjsFirst,
  click: Click,
  stages: Stages,
  bestOnly = false,
): Promise<Best> {
  let t = performance.now();
  const prompt = tjsPrompt(click);
  const { original_sizes, reshaped_input_sizes } = state.inputs;
  const input_points = tjs.processor.reshape_input_points(prompt.input_points, original_sizes, reshaped_input_sizes);
  const input_labels = tjs.processor.image_processor.add_input_labels(prompt.input_labels, input_points);
  stages.preprocess = performance.now() - t;
  t = performance.now();
  const out = (await tjs.model({ ...state.embeddings, input_points, input_labels })) as SamOutputs;
  stages.decoder = performance.now() - t;
  t = performance.now();
  const best = await tjsBest(tjs, out, state.inputs, bestOnly);
  stages.postprocess = performance.now() - t;
  return best;
}

/** The model card's one-call flow: the processor and model get the image again, so the image is encoded again. */
async function tjsOneCall(tjs: Tjs, image: RawImage, click: Click): Promise<Best> {
  const inputs = await tjs.processor(image, tjsPrompt(click));
  const out = (await tjs.model(inputs)) as SamOutputs;
  return tjsBest(tjs, out, inputs);
}

// ---------------------------------------------------------------------------------------------------------------
// Our engine

interface Click {
  points: { xy: [number, number]; positive: boolean }[];
}

const objectOf = (click: Click): ObjectPrompt => ({
  id: 'o',
  points: click.points.map((p, i) => ({ id: `p${i}`, xyPx: p.xy, polarity: p.positive ? 'positive' : 'negative' })),
  candidate: 0,
});
const request = (imageId: string, click: Click): SegmentRequest => ({
  imageId,
  concepts: [],
  objects: [objectOf(click)],
  scoreThreshold: 0.5,
});

/** Our best candidate as a W×H 0/1 mask (empty when the click found nothing), with the candidates' IoUs. */
function oursBest(result: SegmentResult, scene: Scene): Best {
  const inst = result.instances.find((i) => i.objectId === 'o');
  if (!inst) return { mask: new Uint8Array(scene.width * scene.height), iou: [] };
  return { mask: decodeMaskToFrame(inst.mask), iou: inst.candidates?.iou ?? [] };
}

// ---------------------------------------------------------------------------------------------------------------

/** Clicks at shape centres: a positive point, every other click with a negative point on the next shape too. */
function clicksFor(scene: Scene, count: number): Click[] {
  const centre = (k: number): [number, number] => {
    const b = scene.shapes[k % scene.shapes.length].box;
    // Nudged per click so that no two clicks repeat (a repeated click would be served from our cache).
    const d = Math.floor(k / scene.shapes.length) * 3;
    return [(b[0] + b[2]) / 2 + d, (b[1] + b[3]) / 2 + d];
  };
  return Array.from({ length: count }, (_, k) => ({
    points:
      k % 2 === 0
        ? [{ xy: centre(k), positive: true }]
        : [
            { xy: centre(k), positive: true },
            { xy: centre(k + 1), positive: false },
          ],
  }));
}

interface Stages {
  [stage: string]: number;
}
interface Samples {
  first: number[];
  further: number[];
  oneCall: number[];
  bestOnly: number[];
  visionFirst: number[];
  visionFurther: number[];
  visionOneCall: number[];
  stages: Record<string, number[]>;
}
const samples = (): Samples => ({
  first: [],
  further: [],
  oneCall: [],
  bestOnly: [],
  visionFirst: [],
  visionFurther: [],
  visionOneCall: [],
  stages: {},
});
const addStages = (s: Samples, prefix: string, stages: Stages) => {
  for (const [k, v] of Object.entries(stages)) (s.stages[`${prefix} ${k}`] ??= []).push(v);
};

/** Agreement of the two sides' best candidates on one click (computed outside the timed code). */
interface Agreement {
  /** Masks as each side post-processes them. */
  iou: number;
  /** Ours against transformers.js's decoder logits put through the reference's one bilinear pass (ours). */
  iouSamePost: number;
  /** Same, with transformers.js's model fed our pixel_values: the graphs and prompt encoding alone. */
  iouSameInputs: number;
  /** Largest difference of the predicted IoUs, candidates sorted best first. */
  dScore: number;
  sameChoice: boolean;
}

function agreement(ours: Best, theirs: Best, sameInputs: Best, scene: Scene): Agreement {
  const emptyOurs = !ours.mask.some((v) => v !== 0);
  const iouOf = (a: Uint8Array, b: Uint8Array) => (emptyOurs && !b.some((v) => v !== 0) ? 1 : maskIou(a, b));
  const sorted = [...theirs.iou].sort((x, y) => y - x);
  const onePass = (b: Best) => {
    const [mh, mw] = b.logits!.dims.slice(-2);
    const best = b.iou.indexOf(Math.max(...b.iou));
    return upsampleMaskLogits(b.logits!.data, best * mh * mw, mh, mw, scene.width, scene.height, 0);
  };
  return {
    iou: iouOf(ours.mask, theirs.mask),
    iouSamePost: iouOf(ours.mask, onePass(theirs)),
    iouSameInputs: iouOf(ours.mask, onePass(sameInputs)),
    dScore: ours.iou.length ? Math.max(...ours.iou.map((v, i) => Math.abs(v - sorted[i]))) : NaN,
    sameChoice: ours.iou.length === 0 || Math.abs(ours.iou[0] - sorted[0]) < 1e-4,
  };
}

async function benchImage(label: string, scene: Scene, engine: Engine, tjs: Tjs, inputSize: number) {
  const clicks = clicksFor(scene, FURTHER + 1);
  const ours = samples();
  const theirs = samples();
  const agreements: Agreement[] = [];
  let oneCallIou = NaN;
  let bestOnlyIou = NaN;

  /** One round: a new image, its first click, FURTHER clicks, the two sides interleaved click by click. */
  const round = async (r: number, record: boolean) => {
    const oursFirst = r % 2 === 0; // who goes first alternates
    let imageId = '';
    let state: TjsFirst | null = null;
    const results: { ours: Best[]; theirs: Best[] } = { ours: [], theirs: [] };
    const sideOurs = async (k: number) => {
      const t = performance.now();
      let preprocess = 0;
      if (k === 0) {
        const info = await engine.openImage({ kind: 'rgba', name: 'bench.png', image: { ...scene } });
        imageId = info.imageId;
        preprocess = info.timingsMs.preprocess ?? 0;
      }
      const result = await engine.segment(request(imageId, clicks[k]));
      const dt = performance.now() - t;
      if (result.graphRuns.tracker !== 1) throw new Error(`click ${k}: ${result.graphRuns.tracker} decoder runs`);
      results.ours.push(oursBest(result, scene));
      if (!record) return;
      (k === 0 ? ours.first : ours.further).push(dt);
      (k === 0 ? ours.visionFirst : ours.visionFurther).push(result.graphRuns.vision ?? 0);
      addStages(
        ours,
        k === 0 ? 'first:' : 'further:',
        k === 0 ? { preprocess, ...result.timingsMs } : result.timingsMs,
      );
    };
    const sideTheirs = async (k: number) => {
      const v = tjs.runs.vision;
      const stages: Stages = {};
      const t = performance.now();
      let best: Best;
      if (k === 0) {
        state = await tjsFirstClick(tjs, scene, clicks[0], stages);
        best = state.best;
      } else {
        best = await tjsFurtherClick(tjs, state!, clicks[k], stages);
      }
      const dt = performance.now() - t;
      results.theirs.push(best);
      if (!record) return;
      (k === 0 ? theirs.first : theirs.further).push(dt);
      (k === 0 ? theirs.visionFirst : theirs.visionFurther).push(tjs.runs.vision - v);
      addStages(theirs, k === 0 ? 'first:' : 'further:', stages);
    };
    for (let k = 0; k <= FURTHER; k++) {
      if (oursFirst) {
        await sideOurs(k);
        await sideTheirs(k);
      } else {
        await sideTheirs(k);
        await sideOurs(k);
      }
    }
    // The model card's one-call flow for one further click (once per round: each encodes the image again).
    const v = tjs.runs.vision;
    const t = performance.now();
    const oneCall = await tjsOneCall(tjs, state!.image, clicks[1]);
    if (record) {
      theirs.oneCall.push(performance.now() - t);
      theirs.visionOneCall.push(tjs.runs.vision - v);
    }
    // A further click post-processing only the best candidate (once per round).
    const tb = performance.now();
    const bestOnly = await tjsFurtherClick(tjs, state!, clicks[2], {}, true);
    if (record) theirs.bestOnly.push(performance.now() - tb);
    if (r === 0) {
      // Their model on our pixel_values, for the agreement check.
      const pixels = preprocessImage(scene, inputSize, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);
      const inputs = { ...state!.inputs, pixel_values: new Tensor('float32', pixels, [1, 3, inputSize, inputSize]) };
      const embeddings = await tjs.model.get_image_embeddings(inputs);
      for (const [k, mine] of results.ours.entries()) {
        const same = await tjsFurtherClick(tjs, { ...state!, inputs, embeddings }, clicks[k], {});
        agreements.push(agreement(mine, results.theirs[k], same, scene));
      }
      oneCallIou = maskIou(oneCall.mask, results.theirs[1].mask);
      bestOnlyIou = maskIou(bestOnly.mask, results.theirs[2].mask);
    }
  };

  // Warm-up rounds (first-run allocations, JIT) on both sides, then the measured ones.
  for (let r = 0; r < WARMUP; r++) await round(r, false);
  for (let r = 0; r < ROUNDS; r++) await round(r, true);

  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const runs = (o: number[], t: number[]) => `${+mean(o).toFixed(2)} / ${+mean(t).toFixed(2)}`;
  const [oF, tF, oC, tC, t1, tB] = [
    ours.first,
    theirs.first,
    ours.further,
    theirs.further,
    theirs.oneCall,
    theirs.bestOnly,
  ].map(median);
  console.log(
    `\n## ${label} ${scene.width}×${scene.height} — medians of ${ROUNDS} rounds, ${FURTHER} further clicks each`,
  );
  console.log('| click | ours | transformers.js | ours / theirs | vision runs per click (ours / theirs) |');
  console.log('|---|---|---|---|---|');
  console.log(
    `| first on a new image | ${ms(oF)} | ${ms(tF)} | **${(oF / tF).toFixed(2)}** | ` +
      `${runs(ours.visionFirst, theirs.visionFirst)} |`,
  );
  console.log(
    `| further, same image (embedding reused) | ${ms(oC)} | ${ms(tC)} | **${(oC / tC).toFixed(2)}** | ` +
      `${runs(ours.visionFurther, theirs.visionFurther)} |`,
  );
  console.log(
    `| further, theirs by the model card's one-call flow | ${ms(oC)} | ${ms(t1)} | ${(oC / t1).toFixed(2)} | ` +
      `${runs(ours.visionFurther, theirs.visionOneCall)} |`,
  );
  console.log(
    `| further, theirs post-processing only the best candidate | ${ms(oC)} | ${ms(tB)} | ${(oC / tB).toFixed(2)} | ` +
      `${runs(ours.visionFurther, theirs.visionFurther)} |`,
  );
  console.log(
    `embedding reuse — a further click costs ${((100 * oC) / oF).toFixed(0)} % of the first (ours), ` +
      `${((100 * tC) / tF).toFixed(0)} % (transformers.js)`,
  );
  const stageLine = (s: Samples) =>
    Object.entries(s.stages)
      .map(([k, v]) => `${k} ${median(v).toFixed(2)}`)
      .join(', ');
  console.log(`stages, ours (ms): ${stageLine(ours)}`);
  console.log(`stages, transformers.js (ms): ${stageLine(theirs)}`);
  const a = agreements;
  const stat = (xs: number[]) => `min ${Math.min(...xs).toFixed(4)}, median ${median(xs).toFixed(4)}`;
  console.log(
    `same mask? best candidates of ${a.length} clicks, ours vs transformers.js: mask IoU ${stat(a.map((x) => x.iou))}; ` +
      `with their decoder's logits upsampled in one bilinear pass like ours: ${stat(a.map((x) => x.iouSamePost))}; ` +
      `and their model fed our pixel_values too: ${stat(a.map((x) => x.iouSameInputs))}; ` +
      `predicted IoU max |Δ| ${Math.max(...a.map((x) => x.dScore).filter((x) => !Number.isNaN(x))).toExponential(1)}; ` +
      `same candidate chosen ${a.filter((x) => x.sameChoice).length}/${a.length}; ` +
      `transformers.js's one-call flow vs its reuse flow: IoU ${oneCallIou.toFixed(4)}, ` +
      `best candidate only vs all three: IoU ${bestOnlyIou.toFixed(4)}`,
  );
  // Pre-processing differs (ours antialiases like torchvision, the reference; theirs is sharp's affine bilinear).
  const mine = preprocessImage(scene, inputSize, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);
  const inputs = await tjs.processor(new RawImage(scene.data, scene.width, scene.height, 4));
  const px = inputs.pixel_values.data as Float32Array;
  let maxDiff = 0;
  for (let i = 0; i < px.length; i++) maxDiff = Math.max(maxDiff, Math.abs(px[i] - mine[i]));
  console.log(`pixel_values max |ours − transformers.js| ${maxDiff.toFixed(3)} (of a range of 2)`);
  return { first: oF / tF, further: oC / tC };
}

const root = mkdtempSync(join(tmpdir(), 'sam3-tjs-bench-'));
try {
  const engine = createEngine({ createRuntime: () => createNodeRuntime(), store: new MemoryByteStore() });
  await engine.init();
  const pack = await engine.openPack(await nodePackDirectory(SAM3_TINY_PACK_DIR));
  const tjs = await openTjs(root, pack.inputSize);
  console.log(
    `# Clicks: our engine vs transformers.js ${env.version} (Sam3TrackerModel + Sam2Processor), ` +
      `same graphs (tests/fixtures/sam3-tiny, input ${pack.inputSize}²), onnxruntime-node CPU on both sides`,
  );
  const shapes = renderScene(SHAPES_SAMPLE);
  const hd = renderScene(
    randomScene(11, 1920, 1080, 8, ['red', 'green', 'blue', 'yellow'], { minSize: 120, maxSize: 360 }),
  );
  const ratios = [
    await benchImage('shapes.png', shapes, engine, tjs, pack.inputSize),
    await benchImage('a 1080p frame', hd, engine, tjs, pack.inputSize),
  ];
  console.log(
    `\nclick latency ours / transformers.js (target ≤ 0.7): ` +
      ratios.map((r) => `first ${r.first.toFixed(2)}, further ${r.further.toFixed(2)}`).join(' | '),
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
