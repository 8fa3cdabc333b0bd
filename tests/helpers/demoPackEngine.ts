/** Shared set-up for integration tests and benchmarks: the real engine on onnxruntime-node with the demo pack. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine, type Engine } from '../../workers/engine/engine';
import { createNodeRuntime } from '../../workers/ort/nodeRuntime';
import { MemoryByteStore } from '../../workers/packs/byteStore';
import type { PackSource } from '../../workers/protocol/api';

export const DEMO_PACK_DIR = join(import.meta.dirname, '../../public/packs/demo');

export function packFilesSource(dir = DEMO_PACK_DIR, replace: Record<string, Uint8Array> = {}): PackSource {
  return {
    kind: 'files',
    files: readdirSync(dir).map((name) => {
      const bytes = replace[name] ?? new Uint8Array(readFileSync(join(dir, name)));
      return {
        path: `demo/${name}`,
        data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      };
    }),
  };
}

export async function demoEngine(): Promise<Engine> {
  const engine = createEngine({ createRuntime: () => createNodeRuntime(), store: new MemoryByteStore() });
  await engine.init();
  await engine.openPack(packFilesSource());
  return engine;
}
