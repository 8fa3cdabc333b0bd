/**
 * Test builds only (`vite build --mode e2e`: workers/engine.worker.ts loads this module only then): every graph run
 * waits a delay the page sets first (`window.__sam3.slowGraphs(ms)`, e2e/page/hooks.ts), so an end-to-end test can
 * watch a long request's progress and cancel it on the tiny demo pack, whose graphs take milliseconds. The delay
 * comes over a BroadcastChannel (the page and its worker share the origin). Structural types only: end-to-end code
 * imports no worker internals.
 */
export const SLOW_GRAPHS_CHANNEL = 'sam3-e2e-slow-graphs';

let delayMs = 0;
let listening = false;

function listen(): void {
  if (listening) return;
  listening = true;
  const channel = new BroadcastChannel(SLOW_GRAPHS_CHANNEL);
  channel.onmessage = (e: MessageEvent<{ delayMs?: unknown }>) => {
    if (typeof e.data?.delayMs !== 'number') return;
    delayMs = e.data.delayMs;
    channel.postMessage({ ack: delayMs });
  };
}

interface RunsGraphs<G extends { run(...args: never[]): Promise<unknown> }> {
  createGraph(spec: never): Promise<G>;
}

/** The runtime with each graph's `run` preceded by the page's delay (none until the page asks for one). */
export function slowGraphs<G extends { run(...args: never[]): Promise<unknown> }, R extends RunsGraphs<G>>(
  runtime: R,
): R {
  listen();
  return {
    ...runtime,
    async createGraph(spec: never) {
      const graph = await runtime.createGraph(spec);
      return {
        ...graph,
        async run(...args: never[]) {
          if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
          return graph.run(...args);
        },
      };
    },
  };
}
