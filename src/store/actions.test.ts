import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { connectInProcessEngine, setEngineConnection } from '../engine-client/engineClient';
import { createFakeEngine, type FakeEngine, type FakeEngineOptions } from '../../tests/helpers/fakeEngine';
import { openImage } from '../actions/openImage';
import { openPack } from '../actions/openPack';
import { commitPhraseText, conceptsFrom, removeChip, setPhraseText, splitPhrases } from '../actions/setPhrases';
import { setThreshold } from '../actions/setThreshold';
import { cancelCocoExport, exportCoco } from '../actions/exportCoco';
import { cancelSegment } from '../actions/cancelSegment';
import { appStore, resetAppStore } from './appStore';
import {
  segmentProgressText,
  selectIgnoredPhraseCount,
  selectInstances,
  selectNoMatches,
  selectStatus,
} from './selectors';
import { MAX_CONCEPTS } from './promptDocument';
import { SCORE_FLOOR } from '../../workers/protocol/results';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the store says nothing is in flight. */
async function settled(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (selectStatus(appStore.getState()) === 'ready') return;
    await sleep(5);
  }
  throw new Error('store never settled');
}

let fake: FakeEngine;

async function setup(options: FakeEngineOptions = {}): Promise<void> {
  resetAppStore();
  fake = createFakeEngine(options);
  setEngineConnection(connectInProcessEngine(fake));
  assert.equal(await openPack({ kind: 'url', manifestUrl: '/packs/demo/manifest.json' }, 'demo'), true);
  assert.equal(await openImage(new Blob([new Uint8Array(4)], { type: 'image/png' }), 'shapes.png'), true);
  await settled();
}

beforeEach(() => setup());

test('phrases: comma-separated text and chips, trimmed and de-duplicated', () => {
  assert.deepEqual(splitPhrases(' red ,, blue  car ,'), ['red', 'blue car']);
  assert.deepEqual(
    conceptsFrom(['Red'], 'red, blue').map((c) => [c.id, c.phrase, c.boxes.length]),
    [
      ['concept:red', 'Red', 0],
      ['concept:blue', 'blue', 0],
    ],
  );
});

test('typing segments after the debounce; the threshold filters; status goes working → ready', async () => {
  setPhraseText('red');
  assert.equal(selectStatus(appStore.getState()), 'working');
  await settled();
  assert.deepEqual(
    selectInstances(appStore.getState()).map((i) => i.score),
    [0.92, 0.61],
  );
  setThreshold(0.2);
  assert.equal(selectStatus(appStore.getState()), 'working');
  await settled();
  assert.equal(selectInstances(appStore.getState()).length, 3);
  assert.equal(appStore.getState().result?.scoreThreshold, 0.2);
});

test('typing quickly sends one request after the debounce', async () => {
  const before = fake.calls.filter((c) => c.method === 'segment').length;
  for (const t of ['r', 're', 'red']) {
    setPhraseText(t);
    await sleep(10);
  }
  await settled();
  const segments = fake.calls.filter((c) => c.method === 'segment').slice(before);
  assert.equal(segments.length, 1);
});

test('newest wins: a newer request cancels the older one in the engine; its late result never shows', async () => {
  await setup({ segmentDelayMs: (req) => (req.concepts[0]?.phrase === 'red' ? 80 : 5) });
  const cancelsBefore = fake.calls.filter((c) => c.method === 'cancel').length;
  setPhraseText('red');
  await sleep(170); // debounce passed; "red" is in flight (slow)
  setPhraseText('blue'); // newer, fast
  assert.equal(fake.calls.filter((c) => c.method === 'cancel').length, cancelsBefore + 1, 'the engine was told');
  await settled();
  assert.deepEqual(
    selectInstances(appStore.getState()).map((i) => i.conceptId),
    ['concept:blue'],
  );
  await sleep(120); // the stale "red" result has now arrived
  assert.deepEqual(
    selectInstances(appStore.getState()).map((i) => i.conceptId),
    ['concept:blue'],
  );
});

test('Cancel on a long request: the graph running finishes, nothing after it, the previous masks stay, a notice says so', async () => {
  await setup({ segmentDelayMs: (req) => (req.concepts.some((c) => c.phrase === 'blue') ? 300 : 0) });
  setPhraseText('red');
  await settled();
  const before = appStore.getState().result;
  assert.deepEqual(
    selectInstances(appStore.getState()).map((i) => i.conceptId),
    ['concept:red', 'concept:red'],
  );
  setPhraseText('red, blue');
  await sleep(200); // debounce passed; the "blue" detector graph runs
  const running = appStore.getState().segmentProgress!;
  assert.deepEqual(running.running, { graph: 'detector', phrase: 'blue', index: 1 });
  assert.match(
    segmentProgressText(running, running.startedAt + 134_000),
    /^Finding "blue" \(detector graph\)… 1 of 1 graph, 2:14 elapsed$/,
  );
  const cancels = fake.calls.filter((c) => c.method === 'cancel').length;
  cancelSegment();
  assert.equal(fake.calls.filter((c) => c.method === 'cancel').length, cancels + 1, 'the engine was told');
  const cancelling = appStore.getState().segmentProgress!;
  assert.equal(cancelling.cancelling, true);
  assert.match(segmentProgressText(cancelling, cancelling.startedAt), /^Cancelling: the detector graph finishes first/);
  assert.equal(selectStatus(appStore.getState()), 'working', 'working until the engine has stopped');
  await settled();
  const s = appStore.getState();
  assert.equal(s.result, before, 'the previous masks stay');
  assert.equal(s.segmentProgress, null);
  assert.equal(s.phraseText, 'red, blue', 'what was typed stays');
  const notice = s.errors.at(-1)!;
  assert.equal(notice.tone, 'info');
  assert.match(notice.message, /cancelled: the detector graph that was running finished, and nothing after it ran/);
  assert.match(notice.message, /masks shown are the previous ones/);
  // Running it again works: a threshold change sends the whole request.
  setThreshold(0.3);
  await settled();
  assert.ok(selectInstances(appStore.getState()).some((i) => i.conceptId === 'concept:blue'));
});

test('chips: Enter commits, × removes; empty prompt clears the results', async () => {
  setPhraseText('red, blue');
  commitPhraseText();
  assert.deepEqual(appStore.getState().chips, ['red', 'blue']);
  assert.equal(appStore.getState().phraseText, '');
  await settled();
  assert.equal(selectInstances(appStore.getState()).length, 3);
  assert.deepEqual(
    selectInstances(appStore.getState()).map((i) => i.conceptIndex),
    [0, 0, 1],
  );
  removeChip('red');
  removeChip('blue');
  await settled();
  assert.equal(appStore.getState().result, null);
  assert.equal(selectNoMatches(appStore.getState()), false);
});

test('"No matches" when concepts exist but nothing passes', async () => {
  setPhraseText('unicorn');
  await settled();
  assert.equal(selectNoMatches(appStore.getState()), true);
  assert.equal(appStore.getState().result?.concepts[0].presence, 0.04);
});

test('a failed image keeps the previous image and results, and shows the error', async () => {
  setPhraseText('red');
  await settled();
  const { image, result } = appStore.getState();
  assert.equal(await openImage(new Blob(['hello'], { type: 'text/plain' }), 'notes.txt'), false);
  const s = appStore.getState();
  assert.equal(s.image, image);
  assert.equal(s.result, result);
  assert.equal(s.errors.at(-1)?.code, 'decode-failed');
  assert.equal(selectStatus(s), 'ready');
});

test('a failed pack keeps the current pack working', async () => {
  const pack = appStore.getState().pack;
  assert.equal(await openPack({ kind: 'url', manifestUrl: '/broken.json' }, 'broken'), false);
  assert.equal(appStore.getState().pack, pack);
  assert.equal(appStore.getState().errors.at(-1)?.code, 'pack-invalid');
  setPhraseText('blue');
  await settled();
  assert.equal(selectInstances(appStore.getState()).length, 1);
});

test('pack progress events land in the store', () => {
  const files = appStore.getState().packLoad?.files ?? {};
  assert.equal(files['graph.onnx']?.status, 'done');
  assert.equal(files['graph.onnx']?.loaded, 100);
});

test('a new image opens its own session and closes the previous one', async () => {
  const first = appStore.getState().image!.imageId;
  assert.equal(await openImage(new Blob([new Uint8Array(4)], { type: 'image/png' }), 'b.png'), true);
  assert.ok(fake.calls.some((c) => c.method === 'closeImage' && c.arg === first));
  assert.notEqual(appStore.getState().image!.imageId, first);
});

test('a new image clears the old results and re-segments', async () => {
  setPhraseText('red');
  await settled();
  const oldId = appStore.getState().image?.imageId;
  await openImage(new Blob([new Uint8Array(4)], { type: 'image/png' }), 'two.png');
  await settled();
  const s = appStore.getState();
  assert.notEqual(s.image?.imageId, oldId);
  assert.equal(s.result?.imageId, s.image?.imageId);
  assert.equal(selectInstances(s).length, 2);
});

test('a cancelled COCO export downloads nothing, reports no error, and the next export works', async () => {
  await setup({ exportDelayMs: 50 });
  setPhraseText('red');
  await settled();
  const exporting = exportCoco({ download: false });
  assert.equal(appStore.getState().exporting, true);
  cancelCocoExport();
  assert.equal(await exporting, false);
  const s = appStore.getState();
  assert.equal(s.lastExport, null);
  assert.equal(s.exporting, false);
  assert.deepEqual(s.errors, [], 'a cancel is not an error');
  assert.equal(await exportCoco({ download: false }), true);
  assert.deepEqual(
    appStore.getState().lastExport?.categories.map((c) => c.name),
    ['red'],
  );
});

test('COCO export uses the request on screen', async () => {
  setPhraseText('red, blue');
  await settled();
  assert.equal(await exportCoco({ download: false }), true);
  assert.deepEqual(
    appStore.getState().lastExport?.categories.map((c) => c.name),
    ['red', 'blue'],
  );
});

test('5,000 characters of comma-separated words make at most MAX_CONCEPTS concepts; the rest are reported, not run', async () => {
  const words: string[] = [];
  for (let i = 0; words.join(', ').length < 5000; i++) words.push(`word${i}`);
  const text = words.join(', ');
  assert.ok(text.length >= 5000 && words.length > 500, `${words.length} words`);
  setPhraseText(text);
  await sleep(200);
  await settled();
  const s = appStore.getState();
  assert.equal(s.concepts.length, MAX_CONCEPTS);
  assert.deepEqual(
    s.concepts.map((c) => c.phrase),
    words.slice(0, MAX_CONCEPTS),
  );
  assert.equal(selectIgnoredPhraseCount(s), words.length - MAX_CONCEPTS);
  const last = fake.calls.filter((c) => c.method === 'segment').at(-1)!;
  assert.equal((last.arg as { concepts: unknown[] }).concepts.length, MAX_CONCEPTS);
  // Enter makes chips of the first MAX_CONCEPTS; the rest stay typed in the field, nothing is lost.
  commitPhraseText();
  const after = appStore.getState();
  assert.equal(after.chips.length, MAX_CONCEPTS);
  assert.equal(after.phraseText, words.slice(MAX_CONCEPTS).join(', '));
  assert.equal(selectIgnoredPhraseCount(after), words.length - MAX_CONCEPTS);
});

test('the threshold never goes below the floor the engine keeps masks for', async () => {
  setPhraseText('red');
  await sleep(200);
  await settled();
  setThreshold(0);
  await settled();
  assert.equal(appStore.getState().scoreThreshold, SCORE_FLOOR);
  const last = fake.calls.filter((c) => c.method === 'segment').at(-1)!;
  assert.equal((last.arg as { scoreThreshold: number }).scoreThreshold, SCORE_FLOOR);
  setThreshold(1.5);
  assert.equal(appStore.getState().scoreThreshold, 1);
});
