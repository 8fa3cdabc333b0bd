/** The model panel's words for where graphs run: a summary line, and each distinct reason once. */
import type { GraphInfo } from '../../../workers/protocol';

export const EP_NAMES: Record<GraphInfo['executionProvider'], string> = { webgpu: 'WebGPU', wasm: 'WASM', cpu: 'CPU' };

/** "8 graphs on WASM" or "3 on WebGPU, 2 on WASM". */
export function providerSummary(graphs: readonly GraphInfo[]): string {
  const counts = new Map<string, number>();
  for (const g of graphs)
    counts.set(EP_NAMES[g.executionProvider], (counts.get(EP_NAMES[g.executionProvider]) ?? 0) + 1);
  const parts = [...counts].map(([ep, n]) => `${n} on ${ep}`);
  return parts.length === 1
    ? `${graphs.length} graph${graphs.length === 1 ? '' : 's'} on ${[...counts.keys()][0]}`
    : parts.join(', ');
}

/** Each distinct (provider, reason) once, with the graphs it applies to: a shared reason is not repeated per graph. */
export function groupReasons(graphs: readonly GraphInfo[]): { provider: string; reason: string; roles: string[] }[] {
  const groups: { provider: string; reason: string; roles: string[] }[] = [];
  for (const g of graphs) {
    const provider = EP_NAMES[g.executionProvider];
    const group = groups.find((x) => x.provider === provider && x.reason === g.reason);
    if (group) group.roles.push(g.role);
    else groups.push({ provider, reason: g.reason, roles: [g.role] });
  }
  return groups;
}
