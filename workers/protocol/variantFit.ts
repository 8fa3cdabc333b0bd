/**
 * Whether this device can run a pack, decided from the pack's stated needs (manifest `variant.requires`, file sizes)
 * and the adapter's facts — before any byte of it is downloaded. Pure, so the model panel (UI) and the engine (which
 * refuses a download that cannot run) share one rule.
 *
 * - WebGPU runs a variant when the adapter has shader-f16 (if the variant computes in float16) and its buffer limits
 *   reach the variant's largest tensor.
 * - WASM runs a pack when the WebAssembly heap its first request needs (`wasmHeapEstimate`: the weights as they sit in
 *   the heap plus the activations at the pack's input size) fits the 4 GiB a tab's wasm32 memory can grow to, and
 *   every file fits one ArrayBuffer (≈ 2 GB in Chrome); slowly.
 */
import { formatBytes } from './formatBytes';
import type { ExecutionProviderChoice, PackManifest, PackVariant } from './manifest';

export interface AdapterFacts {
  available: boolean;
  shaderF16: boolean;
  maxBufferSize?: number;
  maxStorageBufferBindingSize?: number;
}

/** wasm32 addresses 4 GiB: the most WebAssembly memory one tab's onnxruntime can grow to. */
export const WASM_HEAP_LIMIT_BYTES = 4 * 2 ** 30;
/**
 * Activations and the runtime's own memory of a first request (vision + text + detector) at a 1008² input, beyond the
 * weights. Measured with onnxruntime-web's WASM build in Node on the full-size q4f16 pack (1008², 2 threads): the heap
 * peaked at 2.31 GB with 0.62 GB of weights.
 */
export const WASM_ACTIVATION_BYTES_AT_1008 = 2.31e9 - 0.62e9;
/** The largest ArrayBuffer Chrome makes (0x7fe00000). */
export const MAX_ARRAY_BUFFER_BYTES = 0x7fe00000;

export type PackFit =
  { runs: 'webgpu'; message: string } | { runs: 'wasm'; message: string } | { runs: 'no'; message: string };

/** Why WebGPU cannot run a variant on this adapter, or null when it can. */
export function webGpuGap(requires: PackVariant['requires'], gpu: AdapterFacts): string | null {
  if (!gpu.available) return 'this browser offers no WebGPU adapter';
  if (requires.shaderF16 && !gpu.shaderF16) return 'it computes in float16 and the adapter lacks shader-f16';
  if (gpu.maxBufferSize !== undefined && requires.maxBufferSize > gpu.maxBufferSize) {
    return `it needs a ${formatBytes(requires.maxBufferSize)} buffer and the adapter allows ${formatBytes(gpu.maxBufferSize)}`;
  }
  if (
    gpu.maxStorageBufferBindingSize !== undefined &&
    requires.maxStorageBufferBindingSize > gpu.maxStorageBufferBindingSize
  ) {
    return (
      `it binds ${formatBytes(requires.maxStorageBufferBindingSize)} at once and the adapter allows ` +
      `${formatBytes(gpu.maxStorageBufferBindingSize)}`
    );
  }
  return null;
}

/** Total bytes of a pack's graph files and the largest single file (0 where sizes are unknown). */
export function packBytes(manifest: PackManifest): { total: number; largestFile: number } {
  let total = 0;
  let largestFile = 0;
  for (const entry of Object.values(manifest.graphs)) {
    if (!entry) continue;
    for (const ref of [entry.file, ...(entry.externalData ?? []).flatMap((e) => e.chunks)]) {
      total += ref.size;
      largestFile = Math.max(largestFile, ref.size);
    }
  }
  return { total, largestFile };
}

/**
 * How much WebAssembly memory a pack's first request needs: every graph's weights as they sit in the heap (all graphs
 * are opened with the pack) plus an activation allowance that grows with the input's area, (inputSize / 1008)² of the
 * measured 1008² figure. A float16 pack counts its weights twice: onnxruntime's CPU kernels compute in float32 and
 * widen float16 weights when the session is made. 4- and 8-bit packs keep their MatMulNBits weights packed; what they
 * widen besides is inside the measured allowance (it was measured on q4f16).
 */
export function wasmHeapEstimate(manifest: PackManifest): { weights: number; activations: number; total: number } {
  const files = packBytes(manifest).total;
  const weights = manifest.variant?.precision === 'fp16' ? 2 * files : files;
  const activations = WASM_ACTIVATION_BYTES_AT_1008 * (manifest.inputSize / 1008) ** 2;
  return { weights, activations, total: weights + activations };
}

/** What this device would run a pack on, and what to tell the person. */
export function packFit(manifest: PackManifest, gpu: AdapterFacts, choice: ExecutionProviderChoice = 'auto'): PackFit {
  const name = manifest.variant ? `${manifest.name} (${manifest.variant.precision})` : manifest.name;
  const gap = manifest.variant ? webGpuGap(manifest.variant.requires, gpu) : gpu.available ? null : 'no WebGPU';
  if (choice !== 'wasm' && gap === null) return { runs: 'webgpu', message: `${name} runs on this GPU (WebGPU).` };
  const { largestFile } = packBytes(manifest);
  const heap = wasmHeapEstimate(manifest).total;
  const wasmProblem =
    heap > WASM_HEAP_LIMIT_BYTES
      ? `it needs about ${formatBytes(heap)} of WebAssembly memory; a browser tab gets at most ` +
        `${formatBytes(WASM_HEAP_LIMIT_BYTES)} (wasm32's 4 GiB)`
      : largestFile > MAX_ARRAY_BUFFER_BYTES
        ? `its largest file (${formatBytes(largestFile)}) is over the browser's 2 GB limit for one buffer`
        : null;
  const why = choice === 'wasm' ? 'WASM was chosen' : `this GPU cannot run it: ${gap}`;
  if (wasmProblem) {
    return {
      runs: 'no',
      message:
        `${name} cannot run here: ${why}, and on WASM ${wasmProblem}. ` +
        'Choose a smaller variant (q4f16 needs the least memory; fp32 needs no shader-f16).',
    };
  }
  return {
    runs: 'wasm',
    message:
      `${name}: ${why}. It would run on WASM (CPU), much more slowly` +
      (manifest.variant?.precision === 'fp16' || manifest.variant?.precision === 'q4f16'
        ? '; a float32 variant runs on more GPUs.'
        : '.'),
  };
}

/**
 * Whether a download of this pack may start: never when it cannot run here at all, and not when a variant made for
 * WebGPU would fall back to WASM on a device that has WebGPU (the person should choose another variant, or choose
 * WASM explicitly). One rule for the model panel (before the button is pressed) and the engine (before any byte).
 */
export function downloadVerdict(
  manifest: PackManifest,
  gpu: AdapterFacts,
  choice: ExecutionProviderChoice = 'auto',
): PackFit & { allowed: boolean } {
  const fit = packFit(manifest, gpu, choice);
  if (fit.runs === 'no') return { ...fit, allowed: false };
  if (fit.runs === 'wasm' && manifest.variant && choice === 'auto' && gpu.available) {
    return {
      ...fit,
      allowed: false,
      message: `${fit.message} To run it on WASM anyway, choose WASM (open the app with ?ep=wasm).`,
    };
  }
  return { ...fit, allowed: true };
}
