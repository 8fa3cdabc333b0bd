/**
 * The engine's memory-bank assembly (workers/tracking/memoryBank.ts) against the bank transformers'
 * Sam3TrackerVideoModel built for frame 2 of the tiny goldens: one conditioning block (frame 0, temporal row 6),
 * one recent block (frame 1, row 5), two object pointers with projected sine temporal positions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Goldens, SAM3_TINY_DIR, SAM3_TINY_PACK_DIR, maxAbsDiff } from './fixtures';
import { parseMemoryConstants } from '../../workers/adapters/memoryAdapter';
import { MemoryBank } from '../../workers/tracking/memoryBank';

test('bank of frame 2 assembled by the engine equals the reference inputs of memory attention', () => {
  const g = new Goldens(join(SAM3_TINY_DIR, 'memory'));
  const c = parseMemoryConstants(new Uint8Array(readFileSync(join(SAM3_TINY_PACK_DIR, 'constants.json'))));
  const M = c.memoryDim;
  assert.equal(M, g.index.meta.memoryDim);
  assert.equal(c.hiddenDim, g.index.meta.hiddenDim);
  const spatial = g.get('f2/spatial_memory').data as Float32Array;
  const T = spatial.length / (2 * M);
  const pos = g.get('f0/encoder/torch/memory_pos_enc').data as Float32Array; // image-independent
  const pointers = g.get('f2/pointer_memory').data as Float32Array;
  const C = c.hiddenDim;
  const bank = new MemoryBank({
    maxConditioningFrames: 4,
    maxRecentFrames: 6,
    maxObjectPointers: g.index.meta.maxObjectPointers as number,
  });
  bank.addConditioning({
    frame: 0,
    tokens: g.get('f0/encoder/torch/memory_tokens').data as Float32Array,
    pos,
    pointer: g.get('f0/decoder/torch/object_pointer').data as Float32Array,
  });
  bank.addRecent({ frame: 1, tokens: spatial.slice(T * M), pos, pointer: pointers.slice(C, 2 * C) });
  const m = bank.assemble(2, c, T);
  assert.equal(m.blocks, 2);
  assert.ok(maxAbsDiff(m.spatial, spatial) <= 1e-6, 'spatial_memory');
  const spatialPos = g.get('f2/spatial_memory_position_embeddings').data as Float32Array;
  assert.ok(maxAbsDiff(m.spatialPos, spatialPos) <= 1e-5, 'spatial_memory_position_embeddings');
  assert.ok(maxAbsDiff(m.pointers, pointers) <= 1e-6, 'pointer_memory');
  const pointersPos = g.get('f2/pointer_memory_position_embeddings').data as Float32Array;
  const d = maxAbsDiff(m.pointersPos, pointersPos);
  assert.ok(d <= 1e-5, `pointer_memory_position_embeddings: max |Δ| ${d}`);
});
