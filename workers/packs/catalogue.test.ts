import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CATALOGUE, isCatalogueManifest } from './catalogue';
import {
  DETECTOR_CONTRACTS,
  TEXT_CONTRACTS,
  VISION_CONTRACTS,
  manifestFiles,
  validateManifest,
} from './manifestValidate';

test('every catalogue manifest validates (unknown sizes allowed) and uses supported contracts', () => {
  assert.ok(CATALOGUE.length >= 1);
  const ids = new Set<string>();
  for (const entry of CATALOGUE) {
    assert.ok(entry.manifest, `${entry.id} has an inline manifest`);
    const m = validateManifest(structuredClone(entry.manifest), { allowUnknownSizes: true });
    assert.deepEqual(m, entry.manifest, `${entry.id}: validation keeps every field`);
    assert.equal(entry.id, m.id);
    assert.ok(!ids.has(entry.id), `duplicate id ${entry.id}`);
    ids.add(entry.id);
    assert.ok(VISION_CONTRACTS.includes(m.graphs.vision.contract));
    assert.ok(TEXT_CONTRACTS.includes(m.graphs.text.contract));
    assert.ok(DETECTOR_CONTRACTS.includes(m.graphs.detector.contract));
    assert.ok(entry.approxBytes > 100_000_000 && entry.capabilities.length > 0 && entry.description.length > 0);
    for (const { ref } of manifestFiles(m)) {
      assert.match(
        ref.path,
        /^https:\/\/(huggingface\.co\/[^/]+\/[^/]+\/resolve\/[^/]+|github\.com\/[^/]+\/[^/]+\/releases\/download\/[^/]+)\/[^/]+$/,
      );
    }
  }
});

test('unknown sizes are accepted only for the catalogue manifests themselves', () => {
  for (const entry of CATALOGUE) {
    const clone = structuredClone(entry.manifest);
    assert.equal(isCatalogueManifest(clone), true);
    assert.throws(() => validateManifest(clone), /size must be a positive integer/);
    const changed = structuredClone(entry.manifest)!;
    changed.graphs.text.file.path = 'https://example.org/other.onnx';
    assert.equal(isCatalogueManifest(changed), false);
  }
  assert.equal(isCatalogueManifest(null), false);
});
