/** Memory measures for the full-size benchmark (Node). */

/** This process's peak resident memory (bytes). */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/**
 * onnxruntime-web's WASM heap, the memory a browser tab's 32-bit heap must hold: WebAssembly memories created from
 * now on (onnxruntime-web's module, with or without threads: imported or exported) are remembered, and the returned
 * function gives the largest one's size. A WASM memory only grows, so its size at the end is its peak. Must be
 * called before onnxruntime-web is first imported.
 */
export function watchWasmHeap(): () => number {
  const memories = new Set<WebAssembly.Memory>();
  const collect = (o: unknown, depth = 0) => {
    if (o instanceof WebAssembly.Memory) memories.add(o);
    else if (o && typeof o === 'object' && depth < 2) for (const v of Object.values(o)) collect(v, depth + 1);
  };
  const instantiate = WebAssembly.instantiate.bind(WebAssembly);
  (WebAssembly as { instantiate: unknown }).instantiate = async (source: unknown, imports?: WebAssembly.Imports) => {
    collect(imports);
    const r = await (instantiate as (s: unknown, i?: WebAssembly.Imports) => Promise<unknown>)(source, imports);
    const instance = (r as { instance?: WebAssembly.Instance }).instance ?? (r as WebAssembly.Instance);
    collect(instance.exports);
    return r;
  };
  return () => Math.max(0, ...[...memories].map((m) => m.buffer.byteLength));
}
