/**
 * The interactive loop through the actions and the fake engine: boxes, clicks, candidates, and undo/redo of every
 * prompt action to the exact previous document.
 */
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { connectInProcessEngine, setEngineConnection } from '../engine-client/engineClient';
import { createFakeEngine, type FakeEngine } from '../../tests/helpers/fakeEngine';
import { openImage } from '../actions/openImage';
import { openPack } from '../actions/openPack';
import { commitPhraseText, endPhraseTyping, removeChip, setPhraseText } from '../actions/setPhrases';
import { commitThreshold, setThreshold } from '../actions/setThreshold';
import { addExemplarBox, removeExemplarBox } from '../actions/exemplarBoxes';
import { clickAt, cycleCandidate, removeClickObject, removeClickPoint } from '../actions/clickPoints';
import { beginGesture, endGesture, removeConceptPrompt, selectConcept } from '../actions/tools';
import { redo, undo } from '../actions/undoRedo';
import { commandForKey, runCommand } from '../actions/shortcuts';
import { clearAll, deleteInstance, moveInstance, selectInstance, setInstanceHidden } from '../actions/instanceEdits';
import { editInstance } from './promptDocument';
import { appStore, resetAppStore } from './appStore';
import { selectCandidateInfo, selectDocument, selectInstances, selectStatus } from './selectors';
import type { PromptDocument } from './promptDocument';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function settled(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (selectStatus(appStore.getState()) === 'ready') return;
    await sleep(5);
  }
  throw new Error('store never settled');
}

let fake: FakeEngine;
const doc = (): PromptDocument => structuredClone(selectDocument(appStore.getState()));
const segments = () => fake.calls.filter((c) => c.method === 'segment').length;

beforeEach(async () => {
  resetAppStore();
  fake = createFakeEngine();
  setEngineConnection(connectInProcessEngine(fake));
  await openPack({ kind: 'url', manifestUrl: '/packs/demo/manifest.json' }, 'demo');
  await openImage(new Blob([new Uint8Array(4)], { type: 'image/png' }), 'shapes.png');
  await settled();
});

/** Runs `action`, then checks undo restores the exact document before it and redo the one after. */
async function checkUndoRedo(name: string, action: () => void): Promise<void> {
  const before = doc();
  action();
  await settled();
  const after = doc();
  assert.notDeepEqual(after, before, `${name}: changed the document`);
  assert.equal(undo(), true, `${name}: undo`);
  await settled();
  assert.deepEqual(doc(), before, `${name}: undo restores the exact previous prompts`);
  assert.equal(redo(), true, `${name}: redo`);
  await settled();
  assert.deepEqual(doc(), after, `${name}: redo re-applies`);
}

test('every prompt action undoes to the exact previous prompts and redoes', async () => {
  await checkUndoRedo('typing', () => {
    for (const t of ['r', 're', 'red']) setPhraseText(t);
  });
  await checkUndoRedo('chip (Enter)', () => commitPhraseText());
  await checkUndoRedo('positive box', () => addExemplarBox([1, 1, 12, 9], 'positive'));
  await checkUndoRedo('negative box', () => addExemplarBox([19, 3, 31, 13], 'negative'));
  const boxId = appStore.getState().concepts[0].boxes[0].id;
  await checkUndoRedo('remove box', () => removeExemplarBox(boxId));
  const red = selectInstances(appStore.getState())[0];
  await checkUndoRedo('click on an instance', () => clickAt([5, 5], 'positive', red));
  const obj = selectInstances(appStore.getState()).find((i) => i.source === 'object')!;
  await checkUndoRedo('negative click on the object', () => clickAt([6, 6], 'negative', obj));
  await checkUndoRedo('click on the background', () => clickAt([35, 2], 'positive', null));
  await checkUndoRedo('cycle candidate', () => cycleCandidate(1));
  const pointId = appStore.getState().objects[0].points[1].id;
  await checkUndoRedo('remove point', () => removeClickPoint(pointId));
  await checkUndoRedo('remove object', () => removeClickObject(appStore.getState().objects[1].id));
  await checkUndoRedo('threshold drag', () => {
    setThreshold(0.4);
    setThreshold(0.3);
    setThreshold(0.2);
    commitThreshold();
  });
  await checkUndoRedo('remove chip', () => removeChip('red'));
});

test('a negative box drops the detection under it and keeps the other; undo brings it back', async () => {
  setPhraseText('red');
  await settled();
  assert.equal(selectInstances(appStore.getState()).length, 2);
  const n = segments();
  assert.equal(addExemplarBox([0, 0, 12, 10], 'negative'), true);
  await settled();
  assert.equal(segments(), n + 1);
  const left = selectInstances(appStore.getState());
  assert.deepEqual(
    left.map((i) => i.boxXyxyPx),
    [[20, 4, 30, 12]],
  );
  const req = fake.calls.at(-1)!.arg as { concepts: { boxes: { polarity: string; xyxyPx: number[] }[] }[] };
  assert.deepEqual(
    req.concepts[0].boxes.map((b) => [b.polarity, b.xyxyPx]),
    [['negative', [0, 0, 12, 10]]],
  );
  undo();
  await settled();
  assert.equal(selectInstances(appStore.getState()).length, 2);
});

test('a box with no phrase makes a box-only concept; tiny boxes are ignored; removing the last box removes it', async () => {
  assert.equal(addExemplarBox([3, 3, 4, 4], 'positive'), false);
  assert.equal(addExemplarBox([10, 2, 2, 8], 'positive'), true);
  const [c] = appStore.getState().concepts;
  assert.equal(c.phrase, '');
  assert.deepEqual(c.boxes[0].xyxyPx, [2, 2, 10, 8]);
  assert.equal(appStore.getState().activeConceptId, c.id);
  // Typing a phrase keeps the box-only concept after the phrase concepts.
  setPhraseText('blue');
  endPhraseTyping();
  assert.deepEqual(
    appStore.getState().concepts.map((x) => x.phrase),
    ['blue', ''],
  );
  removeExemplarBox(c.boxes[0].id);
  assert.deepEqual(
    appStore.getState().concepts.map((x) => x.phrase),
    ['blue'],
  );
});

test('boxes go to the active concept; removing a concept removes its phrase and boxes', async () => {
  setPhraseText('red, blue');
  endPhraseTyping();
  selectConcept('concept:blue');
  addExemplarBox([12, 12, 18, 18], 'positive');
  const s = appStore.getState();
  assert.deepEqual(
    s.concepts.map((c) => c.boxes.length),
    [0, 1],
  );
  removeConceptPrompt('concept:blue');
  assert.equal(appStore.getState().phraseText, 'red');
  assert.deepEqual(
    appStore.getState().concepts.map((c) => c.id),
    ['concept:red'],
  );
  undo();
  assert.deepEqual(appStore.getState().concepts, s.concepts);
});

test('a click on an instance refines it (same ID, becomes an object); candidates cycle', async () => {
  setPhraseText('red');
  await settled();
  const second = selectInstances(appStore.getState())[1];
  clickAt([25, 8], 'positive', second);
  await settled();
  const inst = selectInstances(appStore.getState());
  assert.equal(inst.length, 2);
  assert.equal(inst[1].instanceId, second.instanceId);
  assert.equal(inst[1].source, 'object');
  const [object] = appStore.getState().objects;
  assert.deepEqual(object.refines, { conceptId: 'concept:red', query: 1 });
  assert.deepEqual(selectCandidateInfo(appStore.getState()), {
    objectId: object.id,
    selected: 0,
    count: 3,
    iou: 0.9,
  });
  cycleCandidate(1);
  await settled();
  assert.equal(selectCandidateInfo(appStore.getState())?.selected, 1);
  cycleCandidate(-1);
  cycleCandidate(-1);
  await settled();
  assert.equal(selectCandidateInfo(appStore.getState())?.selected, 2);
  // A second click on the object adds to it.
  clickAt([26, 9], 'negative', selectInstances(appStore.getState())[1]);
  assert.equal(appStore.getState().objects.length, 1);
  assert.equal(appStore.getState().objects[0].points.length, 2);
  assert.equal(appStore.getState().objects[0].candidate, 0);
});

test('undo is refused mid-gesture; typing then Ctrl+Z undoes the whole burst', async () => {
  setPhraseText('r');
  setPhraseText('re');
  setPhraseText('red');
  beginGesture('box', { startPx: [0, 0], endPx: [1, 1], polarity: 'positive' });
  assert.equal(undo(), false);
  endGesture();
  assert.equal(undo(), true);
  assert.equal(appStore.getState().phraseText, '');
  assert.equal(redo(), true);
  assert.equal(appStore.getState().phraseText, 'red');
});

test('shortcut table: Ctrl/Cmd+Z, Shift+Z, Y; letters only outside text fields', () => {
  const k = (
    key: string,
    mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {},
  ) => ({
    key,
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    altKey: false,
    ...mods,
  });
  assert.equal(commandForKey(k('z', { ctrlKey: true }), false, true), 'undo');
  assert.equal(commandForKey(k('Z', { ctrlKey: true, shiftKey: true }), false, false), 'redo');
  assert.equal(commandForKey(k('y', { ctrlKey: true }), false, false), 'redo');
  assert.equal(commandForKey(k('z', { metaKey: true }), true, false), 'undo');
  assert.equal(commandForKey(k('z', { ctrlKey: true }), true, false), null);
  assert.equal(commandForKey(k('c'), false, false), 'next-candidate');
  assert.equal(commandForKey(k('c'), false, true), null);
  assert.equal(commandForKey(k('?', { shiftKey: true }), false, false), 'help');
  assert.equal(commandForKey(k('Escape'), false, true), 'leave-field');
  assert.equal(commandForKey(k('Escape'), false, false), 'escape');
  // In a text field the letters and `?` are text; outside it they are shortcuts.
  for (const key of ['b', 'B', 'p', 'x', 'v', '?', '[', ']', 'Delete']) {
    assert.equal(commandForKey(k(key, { shiftKey: key === '?' || key === 'B' }), false, true), null, key);
  }
  assert.equal(commandForKey(k('p'), false, false), 'tool-click');
  assert.equal(commandForKey(k('x'), false, false), 'toggle-polarity');
  assert.equal(commandForKey(k('b'), false, false), 'tool-box');
});

test('edits of detections: hide, delete, move and clear all are undoable and sent with the request', async () => {
  setPhraseText('red, blue');
  await sleep(200);
  await settled();
  const [r1, r2] = selectInstances(appStore.getState());
  const lastRequest = () =>
    (fake.calls.filter((c) => c.method === 'segment').at(-1)!.arg as { edits?: unknown[] }).edits ?? [];
  await checkUndoRedo('hide', () => setInstanceHidden(r1.instanceId, true));
  assert.deepEqual(lastRequest(), [{ instanceId: r1.instanceId, hidden: true }]);
  await checkUndoRedo('move to blue', () => moveInstance(r2.instanceId, 'concept:blue'));
  await checkUndoRedo('delete', () => deleteInstance(r2.instanceId));
  assert.deepEqual(lastRequest(), [
    { instanceId: r1.instanceId, hidden: true },
    { instanceId: r2.instanceId, deleted: true, conceptId: 'concept:blue' },
  ]);
  await checkUndoRedo('show again', () => setInstanceHidden(r1.instanceId, false));
  assert.deepEqual(doc().edits, [{ instanceId: r2.instanceId, deleted: true, conceptId: 'concept:blue' }]);
  await checkUndoRedo('clear all', () => clearAll());
  assert.deepEqual([appStore.getState().concepts.length, doc().edits.length], [0, 0], 'clear all empties the prompts');
  assert.equal(undo(), true);
  await settled();
  assert.equal(appStore.getState().phraseText, 'red, blue', 'undo brings everything back');

  // Keyboard: a selected detection is hidden with H and deleted with Delete.
  const b = selectInstances(appStore.getState()).find((i) => i.conceptId === 'concept:blue')!;
  selectInstance(b);
  assert.equal(runCommand('toggle-hidden'), true);
  assert.ok(doc().edits.some((e) => e.instanceId === b.instanceId && e.hidden));
  assert.equal(runCommand('delete-object'), true);
  assert.ok(doc().edits.some((e) => e.instanceId === b.instanceId && e.deleted));
  assert.equal(appStore.getState().selectedInstanceId, null);
});

test('editInstance: an edit emptied again leaves the document as it was', () => {
  const d = { ...doc(), edits: [] };
  const hidden = editInstance(d, 4, { hidden: true });
  assert.deepEqual(hidden.edits, [{ instanceId: 4, hidden: true }]);
  assert.deepEqual(editInstance(hidden, 4, { hidden: false }).edits, []);
  assert.equal(editInstance(d, 4, { hidden: false }), d);
});

test('a click that finds nothing is said so and taken back: the previous prompts, masks and undo stack stay', async () => {
  resetAppStore();
  fake = createFakeEngine({ findsNothing: (o) => o.points.some((p) => p.xyPx[0] >= 36) });
  setEngineConnection(connectInProcessEngine(fake));
  await openPack({ kind: 'url', manifestUrl: '/packs/demo/manifest.json' }, 'demo');
  await openImage(new Blob([new Uint8Array(4)], { type: 'image/png' }), 'shapes.png');
  setPhraseText('red');
  await sleep(200);
  await settled();
  endPhraseTyping();
  const before = doc();
  const undoDepth = appStore.getState().history.undo.length;
  const shown = selectInstances(appStore.getState()).map((i) => i.instanceId);

  // A new object from a click on empty background.
  clickAt([37, 3], 'positive', null);
  await settled();
  await sleep(20);
  await settled();
  assert.deepEqual(doc(), before, 'the object made by the click is gone');
  assert.equal(appStore.getState().history.undo.length, undoDepth, 'no undo entry is left for it');
  assert.deepEqual(
    selectInstances(appStore.getState()).map((i) => i.instanceId),
    shown,
  );
  const notice = appStore.getState().errors.at(-1)!;
  assert.equal(notice.tone, 'info');
  assert.match(notice.message, /click at \(37, 3\) found nothing, so it was taken back/);

  // A further click on a refined instance that empties it: the object returns to its previous points.
  const red = selectInstances(appStore.getState())[0];
  clickAt([5, 5], 'positive', red);
  await settled();
  const refined = doc();
  assert.equal(refined.objects.length, 1);
  const obj = selectInstances(appStore.getState()).find((i) => i.source === 'object')!;
  clickAt([38, 5], 'negative', obj);
  await settled();
  await sleep(20);
  await settled();
  assert.deepEqual(doc(), refined, 'the object keeps the points it had');
  assert.ok(selectInstances(appStore.getState()).some((i) => i.objectId === refined.objects[0].id));
  assert.equal(undo(), true);
  await settled();
  assert.deepEqual(doc(), before, 'undo then takes back the click that did find something');
});
