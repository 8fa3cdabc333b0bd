/**
 * Turns a loaded pack (manifest + bytes) into runnable graphs: chooses each graph's execution provider,
 * creates the sessions, checks every graph against its contract and builds the tokenizer.
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

/** Pure: which provider runs a graph, and why. `float16` graphs need the adapter's shader-f16 feature on WebGPU. */
export function chooseProvider(
  runtime: { providers: readonly Provider[] },
  probe: WebGpuProbe,
  manifestChoice: ExecutionProviderChoice | undefined,
  userChoice: ExecutionProviderChoice,
  float16 = false,
): ProviderDecision {
  const has = (p: Provider) => runtime.providers.includes(p);
  if (!has('webgpu') && !has('wasm')) return { provider: runtime.providers[0], reason: 'the only provider here' };
  const fallback = (why: string): ProviderDecision => ({ provider: 'wasm', reason: why });
  if (userChoice === 'wasm') return fallback('WASM chosen in settings');
  if (userChoice === 'webgpu') {
    return has('webgpu')
      ? { provider: 'webgpu', reason: 'WebGPU chosen in settings' }
      : fallback(`WebGPU chosen but unavailable: ${probe.reason}`);
  }
  if (manifestChoice === 'wasm') return fallback('the pack runs this graph on WASM');
  if (!has('webgpu')) return fallback(`WebGPU unavailable: ${probe.reason}`);
  if (float16 && !probe.shaderF16) return fallback('this float16 graph needs shader-f16, which the adapter lacks');
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
  const decisions = Object.fromEntries(
    roles.map((role) => {
      const entry = manifest.graphs[role]!;
      return [role, chooseProvider(runtime, probe, entry.executionProvider, userChoice, entry.ioDtype === 'float16')];
    }),
  ) as Record<Role, ProviderDecision>;
  // Encoder outputs stay on the GPU only when every graph that consumes them runs there too.
  const onGpu = (role: Role) => !decisions[role] || decisions[role].provider === 'webgpu';
  const keepVisionOnDevice = onGpu('vision') && onGpu('detector') && onGpu('tracker');
  const keepTrackerOnDevice = onGpu('trackerVision') && onGpu('tracker');
  const graphs = {} as OpenPack['graphs'];
  let opening: Role = roles[0];
  try {
    for (const role of roles) {
      opening = role;
      onCompile(role);
      const files = loaded.files.graphs[role]!;
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
    }
  } catch (err) {
    await releaseGraphs(graphs);
    throw graphOpenError(opening, manifest.graphs[opening]!.file.path, err);
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
        loaded.files.graphs[role]!.model.byteLength +
        loaded.files.graphs[role]!.externalData.reduce((sum, e) => sum + e.data.byteLength, 0),
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

/** A graph onnxruntime would not open: the message names the role and file; onnxruntime's text is the detail. */
export function graphOpenError(role: Role, path: string, err: unknown): Error {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return err as Error; // already ours (a lost GPU, a contract): keep it
  const raw = err instanceof Error ? err.message : String(err);
  const file = path.split('/').pop() || path;
  return Object.assign(
    new Error(
      `The ${role} graph “${file}” could not be opened: it is not a valid ONNX model for onnxruntime (damaged, or ` +
        `another file under that name). onnxruntime said: ${raw.split('\n')[0].slice(0, 200)}`,
    ),
    { code: 'pack-invalid', detail: raw },
  );
}

export async function releaseGraphs(graphs: Partial<Record<Role, Graph>>): Promise<void> {
  await Promise.all(Object.values(graphs).map((g) => g?.release()));
}
