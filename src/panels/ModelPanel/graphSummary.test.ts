import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GraphInfo } from '../../../workers/protocol';
import { groupReasons, providerSummary } from './graphSummary';

const graph = (role: string, executionProvider: GraphInfo['executionProvider'], reason: string): GraphInfo => ({
  role,
  contract: 'c',
  executionProvider,
  reason,
  bytes: 1,
  inputNames: [],
  outputNames: [],
});

test('a reason shared by every graph is stated once; distinct reasons once each, with their graphs', () => {
  const why = 'WebGPU unavailable: no adapter (navigator.gpu.requestAdapter() returned null)';
  const roles = [
    'vision',
    'text',
    'detector',
    'tracker',
    'trackerVision',
    'memoryAttention',
    'memoryEncoder',
    'maskDecoder',
  ];
  const same = roles.map((r) => graph(r, 'wasm', why));
  assert.deepEqual(groupReasons(same), [{ provider: 'WASM', reason: why, roles }]);
  assert.equal(providerSummary(same), '8 graphs on WASM');

  const mixed = [
    graph('vision', 'webgpu', 'WebGPU (apple m3)'),
    graph('text', 'webgpu', 'WebGPU (apple m3)'),
    graph('detector', 'wasm', 'the pack runs this graph on WASM'),
  ];
  assert.deepEqual(
    groupReasons(mixed).map((g) => [g.provider, g.roles]),
    [
      ['WebGPU', ['vision', 'text']],
      ['WASM', ['detector']],
    ],
  );
  assert.equal(providerSummary(mixed), '2 on WebGPU, 1 on WASM');
});
