/**
 * Turns a loaded pack (manifest + file handles) into runnable graphs: reads what each graph really computes in and
 * how large its weights are (onnxInspect.ts, without reading the weights), chooses each graph's execution provider,
 * creates the sessions one by one (onnxruntime reads each graph's files itself; nothing is kept here afterwards),
 * checks every graph against its contract and builds the tokenizer.
 */
import { GRAPH_ROLES, type ExecutionProviderChoice, type GraphRole, type PackManifest } from '../protocol/manifest';
import type { GraphInfo, PackInfo } from '../protocol/results';
import type { Graph, GraphRuntime, Provider, WebGpuProbe } from '../ort/graphRuntime';
import { visionAdapter, type VisionAdapter } from '../adapters/visionAdapter';
import { textAdapter, type TextAdapter } from '../adapters/textAdapter';
import { detectorAdapter, type DetectorAdapter } from '../adapters/detectorAdapter';
import { ContractError } from '../adapters/contractError';
import {
  memoryAdapter,
  parseMemoryConstants,
  type MemoryAdapter,
  type MemoryConstants,
} from '../adapters/memoryAdapter';
import {
  trackerAdapter,
  trackerVisionAdapter,
  type TrackerAdapter,
  type TrackerVisionAdapter,
} from '../adapters/trackerAdapter';
import { createPhraseTokenizer, type PhraseTokenizer } from './textTokenizer';
import type { LoadedPack } from '../packs/loadPack';
import { inspectOnnx } from '../packs/onnxInspect';
import { baseName } from '../packs/bytes';
import { formatBytes } from '../protocol/formatBytes';

export type Role = GraphRole;
export const ROLES = GRAPH_ROLES;

export interface OpenPack {
  manifest: PackManifest;
  /** Required roles always; `tracker` and `trackerVision` when the pack has them. */
  graphs: Record<'vision' | 'text' | 'detector', Graph> & Partial<Record<Role, Graph>>;
  vision: VisionAdapter;
  text: TextAdapter;
  detector: DetectorAdapter;
  /** Click refinement: the decoder, and where its embeddings come from (dual vision graph or trackerVision). */
  tracker?: { decoder: TrackerAdapter; separateEncoder?: TrackerVisionAdapter };
  /** Video memory graphs and their constants, when the pack has all of them. */
  memory?: { names: MemoryAdapter; constants: MemoryConstants };
  tokenize: PhraseTokenizer;
  info: PackInfo;
}

export interface ProviderDecision {
  provider: Provider;
  reason: string;
}

/** What a graph asks of a WebGPU adapter. */
export interface GraphNeeds {
  /** It computes in float16 somewhere (weights, casts), whatever its inputs and outputs are. */
  float16: boolean;
  /** Bytes of the largest single tensor it holds or makes (weights; activations when the pack states them). */
  largestTensorBytes: number;
}

const NO_NEEDS: GraphNeeds = { float16: false, largestTensorBytes: 0 };

/**
 * Pure: which provider runs a graph, and why. On WebGPU a float16 graph needs the adapter's shader-f16 feature, and
 * its largest tensor must fit the adapter's buffer limits; otherwise it runs on the CPU side (WASM in browsers).
 */
export function chooseProvider(
  runtime: { providers: readonly Provider[] },
  probe: WebGpuProbe,
  manifestChoice: ExecutionProviderChoice | undefined,
  userChoice: ExecutionProviderChoice,
  needs: GraphNeeds = NO_NEEDS,
): ProviderDecision {
  const has = (p: Provider) => runtime.providers.includes(p);
  const cpuSide = runtime.providers.find((p) => p !== 'webgpu');
  if (!has('webgpu') || !cpuSide) {
    const only = cpuSide ?? runtime.providers[0];
    return only === 'wasm'
      ? { provider: 'wasm', reason: `WebGPU unavailable: ${probe.reason}` }
      : { provider: only, reason: 'the only provider here' };
  }
  const cpuName = cpuSide === 'wasm' ? 'WASM' : 'the CPU';
  const fallback = (why: string): ProviderDecision => ({ provider: cpuSide, reason: why });
  if (userChoice === 'wasm') return fallback('WASM chosen in settings');
  if (userChoice === 'webgpu') return { provider: 'webgpu', reason: 'WebGPU chosen in settings' };
  if (manifestChoice === 'wasm') return fallback(`the pack runs this graph on ${cpuName}`);
  if (needs.float16 && !probe.shaderF16) {
    return fallback('this graph computes in float16 and needs shader-f16, which the adapter lacks');
  }
  for (const [limit, value] of [
    ['maxBufferSize', probe.maxBufferSize],
    ['maxStorageBufferBindingSize', probe.maxStorageBufferBindingSize],
  ] as const) {
    if (value !== undefined && needs.largestTensorBytes > value) {
      return fallback(
        `its largest tensor (${formatBytes(needs.largestTensorBytes)}) exceeds the adapter's ${limit} ` +
          `(${formatBytes(value)})`,
      );
    }
  }
  if (manifestChoice === 'webgpu') return { provider: 'webgpu', reason: 'the pack asks for WebGPU' };
  if (probe.adapter?.isFallbackAdapter) {
    return fallback('the WebGPU adapter is a software fallback, slower than WASM');
  }
  return {
    provider: 'webgpu',
    reason: `WebGPU (${probe.adapter?.vendor || 'adapter'} ${probe.adapter?.architecture || ''})`.trim(),
  };
}

export async function openPackGraphs(
  loaded: LoadedPack,
  runtime: GraphRuntime,
  probe: WebGpuProbe,
  userChoice: ExecutionProviderChoice,
  onCompile: (role: Role) => void,
): Promise<OpenPack> {
  const { manifest } = loaded;
  const roles = ROLES.filter((role) => manifest.graphs[role] && loaded.files.graphs[role]);
  const needs = {} as Record<Role, GraphNeeds>;
  for (const role of roles) needs[role] = await graphNeeds(loaded, role);
  const decisions = Object.fromEntries(
    roles.map((role) => [
      role,
      chooseProvider(runtime, probe, manifest.graphs[role]!.executionProvider, userChoice, needs[role]),
    ]),
  ) as Record<Role, ProviderDecision>;
  // Encoder outputs stay on the GPU only when every graph that consumes them runs there too.
  const onGpu = (role: Role) => !decisions[role] || decisions[role].provider === 'webgpu';
  const keepVisionOnDevice = onGpu('vision') && onGpu('detector') && onGpu('tracker');
  const keepTrackerOnDevice = onGpu('trackerVision') && onGpu('tracker');
  const graphs = {} as OpenPack['graphs'];
  try {
    for (const role of roles) {
      onCompile(role);
      const files = loaded.files.graphs[role]!;
      const file = manifest.graphs[role]!.file.path;
      try {
        graphs[role] = await runtime.createGraph({
          name: role,
          model: files.model,
          externalData: files.externalData,
          provider: decisions[role].provider,
          keepOnDevice:
            (role === 'vision' && keepVisionOnDevice) || (role === 'trackerVision' && keepTrackerOnDevice)
              ? ['*']
              : undefined,
        });
      } catch (err) {
        throw new ContractError(
          `${baseName(file)} (the ${role} graph) could not be opened by onnxruntime: it is not a valid ONNX graph ` +
            `for this runtime, or its external data is missing or damaged.`,
          String(err instanceof Error ? err.message : err),
        );
      }
    }
  } catch (err) {
    await releaseGraphs(graphs);
    throw err;
  }
  try {
    const file = (role: Role) => manifest.graphs[role]!.file.path;
    const vision = visionAdapter(manifest.graphs.vision.contract, graphs.vision, file('vision'));
    const text = textAdapter(manifest.graphs.text.contract, graphs.text, file('text'));
    const detector = detectorAdapter(manifest.graphs.detector, graphs.detector, file('detector'));
    let tracker: OpenPack['tracker'];
    if (manifest.graphs.tracker && graphs.tracker) {
      const decoder = trackerAdapter(manifest.graphs.tracker, graphs.tracker, file('tracker'));
      const separateEncoder =
        manifest.graphs.trackerVision && graphs.trackerVision
          ? trackerVisionAdapter(manifest.graphs.trackerVision.contract, graphs.trackerVision, file('trackerVision'))
          : undefined;
      if (!separateEncoder && !vision.tracker) {
        throw new ContractError(
          `The pack has a tracker decoder but no tracker embeddings: its vision graph (${vision.contract}) has only ` +
            'the detector neck and there is no trackerVision graph.',
        );
      }
      tracker = { decoder, separateEncoder };
    }
    const tokenize = createPhraseTokenizer(loaded.files.tokenizer, manifest.tokenizer);
    let memory: OpenPack['memory'];
    if (graphs.memoryDecoder && graphs.memoryAttention && graphs.memoryEncoder) {
      if (!loaded.files.memoryConstants) {
        throw new ContractError('The pack has memory graphs but no memoryConstants file (constants.json).');
      }
      if (!vision.tracker && !tracker?.separateEncoder) {
        throw new ContractError('The pack has memory graphs but no tracker-neck features to feed them.');
      }
      memory = {
        names: memoryAdapter(graphs.memoryDecoder, graphs.memoryAttention, graphs.memoryEncoder, [
          file('memoryDecoder'),
          file('memoryAttention'),
          file('memoryEncoder'),
        ]),
        constants: parseMemoryConstants(loaded.files.memoryConstants),
      };
    }
    const graphInfo = (role: Role): GraphInfo => ({
      role,
      contract: manifest.graphs[role]!.contract,
      executionProvider: graphs[role]!.provider,
      reason: decisions[role].reason,
      bytes:
        loaded.files.graphs[role]!.model.size +
        loaded.files.graphs[role]!.externalData.reduce((sum, e) => sum + e.data.size, 0),
      inputNames: [...graphs[role]!.inputNames],
      outputNames: [...graphs[role]!.outputNames],
    });
    const info: PackInfo = {
      id: manifest.id,
      name: manifest.name,
      description: manifest.description ?? '',
      demo: Boolean(manifest.demo),
      inputSize: manifest.inputSize,
      source: loaded.sourceLabel,
      graphs: roles.map(graphInfo),
    };
    return { manifest, graphs, vision, text, detector, tracker, memory, tokenize, info };
  } catch (err) {
    await releaseGraphs(graphs);
    throw err;
  }
}

/**
 * What one graph asks of the GPU: float16 compute and its largest weight from the file itself; the largest
 * activation only where the pack states it (variant.requires, made by the build step's shape inference).
 */
async function graphNeeds(loaded: LoadedPack, role: Role): Promise<GraphNeeds> {
  const files = loaded.files.graphs[role]!;
  const entry = loaded.manifest.graphs[role]!;
  let scanned = { computesInFloat16: entry.ioDtype === 'float16', largestInitializerBytes: 0 };
  try {
    scanned = await inspectOnnx(files.model);
  } catch {
    // Not parseable here: onnxruntime will say so with the file's name when it opens it.
  }
  const stated = loaded.manifest.variant?.requires;
  return {
    float16: scanned.computesInFloat16 || entry.ioDtype === 'float16',
    largestTensorBytes: Math.max(scanned.largestInitializerBytes, stated?.maxStorageBufferBindingSize ?? 0),
  };
}

export async function releaseGraphs(graphs: Partial<Record<Role, Graph>>): Promise<void> {
  await Promise.all(Object.values(graphs).map((g) => g?.release()));
}
