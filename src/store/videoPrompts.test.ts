import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClickPoint, ConceptPrompt, ExemplarBox } from '../../workers/protocol';
import { editDocument } from '../actions/editDocument';
import { redo, undo } from '../actions/undoRedo';
import { appStore, resetAppStore } from './appStore';
import { removeConcept, type PromptDocument } from './promptDocument';
import {
  addVideoBox,
  addVideoClick,
  conceptForVideoBox,
  firstChangedFrame,
  framePromptSet,
  promptsInForce,
  pruneToScope,
  removeVideoPoint,
  removeVideoPrompt,
  runInputs,
  type VideoPrompt,
  type VideoPromptOrigin,
} from './videoPrompts';

const red: ConceptPrompt = { id: 'concept:red', phrase: 'red', boxes: [] };
const imageBox: ExemplarBox = { id: 'img-box', xyxyPx: [0, 0, 9, 9], polarity: 'positive' };
const box = (id: string, polarity: 'positive' | 'negative' = 'negative'): ExemplarBox => ({
  id,
  xyxyPx: [10, 10, 50, 50],
  polarity,
});
const pt = (id: string, polarity: 'positive' | 'negative' = 'positive'): ClickPoint => ({
  id,
  xyPx: [20, 30],
  polarity,
});
const file = (fromFrame: number): VideoPromptOrigin => ({ scope: 'file:1', session: null, fromFrame });
const live = (session: string, fromFrame: number): VideoPromptOrigin => ({ scope: 'webcam:1', session, fromFrame });

test('a box is sent with its concept from its frame on; the still image boxes never are', () => {
  const prompts = addVideoBox([], file(12), red.id, box('b1'));
  const concepts = [{ ...red, boxes: [imageBox] }];
  const before = framePromptSet(concepts, prompts, { scope: 'file:1', session: null, frameIndex: 11 });
  assert.deepEqual(before.concepts, [{ ...red, boxes: [] }]);
  assert.deepEqual(before.objects, []);
  for (const frameIndex of [12, 13, 39]) {
    const at = framePromptSet(concepts, prompts, { scope: 'file:1', session: null, frameIndex });
    assert.deepEqual(at.concepts, [{ ...red, boxes: [box('b1')] }], `frame ${frameIndex}`);
  }
  // Another source: nothing of it is sent.
  const other = framePromptSet(concepts, prompts, { scope: 'file:2', session: null, frameIndex: 20 });
  assert.deepEqual(other.concepts, [{ ...red, boxes: [] }]);
});

test('box-only concepts of the video follow the phrases; boxes of a removed phrase are not sent', () => {
  let prompts = addVideoBox([], file(0), 'visual-x', box('b1', 'positive'));
  prompts = addVideoBox(prompts, file(0), 'concept:blue', box('b2'));
  const set = framePromptSet([red], prompts, { scope: 'file:1', session: null, frameIndex: 3 });
  assert.deepEqual(set.concepts, [red, { id: 'visual-x', phrase: '', boxes: [box('b1', 'positive')] }]);
  // Image-mode box-only concepts (phrase '') are not video concepts.
  const withImageVisual = framePromptSet([red, { id: 'visual-img', phrase: '', boxes: [imageBox] }], [], {
    scope: 'file:1',
    session: null,
    frameIndex: 0,
  });
  assert.deepEqual(withImageVisual.concepts, [red]);
});

test('clicks: on a track they name it, are sent from their frame on, and merge per track and frame', () => {
  let r = addVideoClick([], file(5), pt('p1'), 2, null)!;
  assert.equal(r.prompts.length, 1);
  r = addVideoClick(r.prompts, file(5), pt('p2', 'negative'), 2, null)!;
  assert.equal(r.prompts.length, 1, 'same track, same frame: one object');
  const obj = r.prompts[0];
  assert.ok(obj.kind === 'object');
  assert.equal(obj.object.trackId, 2);
  assert.deepEqual(
    obj.object.points.map((p) => p.id),
    ['p1', 'p2'],
  );
  r = addVideoClick(r.prompts, file(9), pt('p3'), 2, null)!;
  assert.equal(r.prompts.length, 2, 'another frame: another object prompt');
  assert.deepEqual(framePromptSet([red], r.prompts, { scope: 'file:1', session: null, frameIndex: 4 }).objects, []);
  assert.equal(framePromptSet([red], r.prompts, { scope: 'file:1', session: null, frameIndex: 5 }).objects.length, 1);
  assert.equal(framePromptSet([red], r.prompts, { scope: 'file:1', session: null, frameIndex: 9 }).objects.length, 2);
});

test('clicks on the background: positive = a new object, negative = the selected one of that frame, else nothing', () => {
  const a = addVideoClick([], file(3), pt('p1'), null, null)!;
  const obj = a.prompts[0];
  assert.ok(obj.kind === 'object');
  assert.equal(obj.object.trackId, undefined);
  assert.equal(addVideoClick(a.prompts, file(3), pt('p2', 'negative'), null, null), null);
  assert.equal(addVideoClick(a.prompts, file(4), pt('p2', 'negative'), null, a.objectId), null);
  const b = addVideoClick(a.prompts, file(3), pt('p2', 'negative'), null, a.objectId)!;
  assert.equal(b.prompts.length, 1);
  const merged = b.prompts[0];
  assert.ok(merged.kind === 'object');
  assert.equal(merged.object.points.length, 2);
});

test('live: after a session restart prompts apply from the first frame and clicks no longer name a track', () => {
  let prompts: VideoPrompt[] = addVideoClick([], live('s1', 40), pt('p1'), 3, null)!.prompts;
  prompts = addVideoBox(prompts, live('s1', 40), red.id, box('b1'));
  const same = framePromptSet([red], prompts, { scope: 'webcam:1', session: 's1', frameIndex: 39 });
  assert.deepEqual(same.objects, []);
  const sent = framePromptSet([red], prompts, { scope: 'webcam:1', session: 's1', frameIndex: 41 });
  assert.equal(sent.objects[0].trackId, 3);
  assert.equal(sent.concepts[0].boxes.length, 1);
  const restarted = framePromptSet([red], prompts, { scope: 'webcam:1', session: 's2', frameIndex: 0 });
  assert.equal(restarted.objects.length, 1);
  assert.equal('trackId' in restarted.objects[0], false);
  assert.equal(restarted.concepts[0].boxes.length, 1);
});

test('removing points, prompts and other sources', () => {
  const r = addVideoClick([], file(1), pt('p1'), 1, null)!;
  const two = addVideoClick(r.prompts, file(1), pt('p2'), 1, null)!.prompts;
  const one = removeVideoPoint(two, 'p1');
  assert.equal(one.length, 1);
  assert.equal(removeVideoPoint(one, 'p2').length, 0);
  assert.equal(removeVideoPoint(one, 'nope'), one);
  const withBox = addVideoBox(two, { scope: 'file:2', session: null, fromFrame: 0 }, red.id, box('b9'));
  assert.equal(removeVideoPrompt(withBox, 'b9').length, 1);
  assert.deepEqual(
    pruneToScope(withBox, 'file:2').map((p) => p.id),
    ['b9'],
  );
  assert.equal(promptsInForce(withBox, { scope: null, session: null, frameIndex: 5 }).length, 0);
});

test('the concept a video box goes to', () => {
  const blue: ConceptPrompt = { id: 'concept:blue', phrase: 'blue', boxes: [] };
  assert.equal(conceptForVideoBox([red, blue], 'concept:blue', [], 'file:1'), 'concept:blue');
  assert.equal(conceptForVideoBox([red, blue], null, [], 'file:1'), 'concept:red');
  const prompts = addVideoBox([], file(0), 'visual-v', box('b1'));
  assert.equal(conceptForVideoBox([], null, prompts, 'file:1'), 'visual-v');
  assert.match(conceptForVideoBox([], null, prompts, 'file:2'), /^visual-/);
  assert.notEqual(conceptForVideoBox([], null, prompts, 'file:2'), 'visual-v');
});

test('removing a concept drops its video boxes', () => {
  const doc: PromptDocument = {
    chips: ['red'],
    phraseText: '',
    concepts: [red],
    objects: [],
    scoreThreshold: 0.5,
    videoPrompts: addVideoBox([], file(0), red.id, box('b1')),
    edits: [],
  };
  assert.deepEqual(removeConcept(doc, red.id).videoPrompts, []);
});

test('re-run: the first frame the prompts change since the last run', () => {
  const base = addVideoBox([], file(12), red.id, box('b1'));
  const last = runInputs('file:1', [red], base, 0.5, 1);
  assert.equal(firstChangedFrame(null, last), null);
  assert.equal(firstChangedFrame(last, runInputs('file:1', [red], base, 0.5, 1)), null);
  const added = addVideoClick(base, file(20), pt('p1'), 2, null)!.prompts;
  assert.equal(firstChangedFrame(last, runInputs('file:1', [red], added, 0.5, 1)), 20);
  assert.equal(firstChangedFrame(last, runInputs('file:1', [red], [], 0.5, 1)), 12, 'a removed prompt');
  assert.equal(firstChangedFrame(last, runInputs('file:1', [red], base, 0.6, 1)), 0, 'threshold');
  assert.equal(firstChangedFrame(last, runInputs('file:1', [], base, 0.5, 1)), 0, 'phrases');
  assert.equal(firstChangedFrame(last, runInputs('file:1', [red], base, 0.5, 2)), 0, 'detector interval');
  assert.equal(firstChangedFrame(last, runInputs('file:2', [red], base, 0.5, 1)), null, 'another file');
});

test('undo/redo restore video prompts; they never re-segment the still image', () => {
  resetAppStore();
  const snapshot = () => appStore.getState().videoPrompts;
  assert.ok(
    editDocument((d) => ({ ...d, videoPrompts: addVideoBox(d.videoPrompts, file(3), red.id, box('b1')) }), {
      capture: 'record',
    }),
  );
  assert.ok(
    editDocument((d) => ({ ...d, videoPrompts: addVideoClick(d.videoPrompts, file(5), pt('p1'), 1, null)!.prompts }), {
      capture: 'record',
    }),
  );
  assert.equal(snapshot().length, 2);
  assert.equal(appStore.getState().segmentPending, false);
  assert.ok(undo());
  assert.deepEqual(
    snapshot().map((p) => p.id),
    ['b1'],
  );
  assert.ok(undo());
  assert.equal(snapshot().length, 0);
  assert.ok(redo());
  assert.ok(redo());
  assert.equal(snapshot().length, 2);
});
