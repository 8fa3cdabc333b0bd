/** The model panel's catalogue, read the way the UI reads it: what it claims about each real pack. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CatalogueEntry, PackManifest } from '../../workers/protocol';
import { CATALOGUE } from '../../workers/packs/catalogue';
import { describeRevision, packFacts } from '../../src/store/packFacts';
import { connectAllowed } from '../../src/security/csp';

test('the catalogue claims no check it cannot make: unknown sizes are unverified, unpinned revisions are marked', () => {
  const entries = CATALOGUE as CatalogueEntry[];
  assert.ok(entries.length > 0);
  for (const e of entries) {
    const facts = packFacts(e.manifest as PackManifest);
    const noneKnown = facts.files.every((f) => f.check === 'none');
    assert.equal(noneKnown, true, `${e.id}: no size or sha256 is on record for any file`);
    assert.equal(facts.knownBytes, null);
    assert.equal(facts.verified, false);
    assert.ok(facts.sources.length > 0);
    for (const s of facts.sources) {
      const said = describeRevision(s);
      if (!s.pinned) assert.match(said, /unpinned/, said);
    }
    // The description says so too, and never that a hash is checked.
    assert.match(e.description, /no SHA-256 is verified/);
  }
  const dual = packFacts(entries.find((e) => e.id === 'sam3-dual-q4f16-usls-v2')!.manifest!);
  assert.deepEqual(
    dual.sources.map((s) => [s.repo, s.revision, s.pinned]),
    [
      ['danilobukvic/sam3-text-onnx', 'fe8f8e1', true],
      ['parodiniccolo/sam3-dual-webgpu', 'main', false],
      ['jamjamjon/assets', 'sam3', false],
    ],
  );
});

test('every catalogue file is on a host the Content-Security-Policy allows', () => {
  for (const e of CATALOGUE) {
    for (const f of [e.manifest!.tokenizer.file, ...Object.values(e.manifest!.graphs).map((g) => g!.file)]) {
      assert.ok(connectAllowed(f.path, 'http://127.0.0.1:4173'), f.path);
    }
  }
});
