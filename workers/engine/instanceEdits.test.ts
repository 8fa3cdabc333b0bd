import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConceptPrompt } from '../protocol/prompts';
import type { ConceptSummary } from '../protocol/results';
import { applyInstanceEdits, type EditableInstance } from './instanceEdits';

const concepts: ConceptPrompt[] = [
  { id: 'concept:red', phrase: 'red', boxes: [] },
  { id: 'concept:blue', phrase: 'blue', boxes: [] },
];
const inst = (instanceId: number, c: number, extra: Partial<EditableInstance> = {}) => ({
  instanceId,
  conceptId: concepts[c].id,
  conceptIndex: c,
  phrase: concepts[c].phrase,
  score: 0.9,
  ...extra,
});
const summaries = (red: number, blue: number): ConceptSummary[] => [
  { conceptId: 'concept:red', phrase: 'red', presence: 0.9, count: red },
  { conceptId: 'concept:blue', phrase: 'blue', presence: 0.8, count: blue },
];
const built = () => ({ instances: [inst(1, 0), inst(2, 0), inst(3, 1), inst(7, 0)], concepts: summaries(3, 1) });

test('no edits: the very same result', () => {
  const b = built();
  assert.equal(applyInstanceEdits(b, { concepts }, 'display'), b);
  assert.equal(applyInstanceEdits(b, { concepts, edits: [] }, 'export'), b);
});

test('display: deleted go, hidden stay flagged, moved take the target concept; counts are of what is shown', () => {
  const edits = [
    { instanceId: 2, deleted: true },
    { instanceId: 3, hidden: true },
    { instanceId: 7, conceptId: 'concept:blue' },
    { instanceId: 99, deleted: true }, // not in this result: nothing
  ];
  const r = applyInstanceEdits(built(), { concepts, edits }, 'display');
  assert.deepEqual(
    r.instances.map((i) => [i.instanceId, i.conceptId, i.conceptIndex, i.phrase, i.hidden ?? false]),
    [
      [1, 'concept:red', 0, 'red', false],
      [3, 'concept:blue', 1, 'blue', true],
      [7, 'concept:blue', 1, 'blue', false],
    ],
  );
  assert.deepEqual(
    r.concepts.map((c) => c.count),
    [1, 1],
  );
});

test('export: hidden ones are left out as well; IDs and scores are kept', () => {
  const edits = [
    { instanceId: 1, hidden: true },
    { instanceId: 3, conceptId: 'concept:red' },
  ];
  const r = applyInstanceEdits(built(), { concepts, edits }, 'export');
  assert.deepEqual(
    r.instances.map((i) => [i.instanceId, i.conceptIndex, i.score]),
    [
      [2, 0, 0.9],
      [3, 0, 0.9],
      [7, 0, 0.9],
    ],
  );
});

test('a move to a concept that is not in the request is ignored; objects can be moved to a concept', () => {
  const object = { instanceId: 5, conceptId: 'object:obj-1', conceptIndex: -1, phrase: 'object', score: 0.7 };
  const r = applyInstanceEdits(
    { instances: [inst(1, 0), object], concepts: summaries(1, 0) },
    {
      concepts,
      edits: [
        { instanceId: 1, conceptId: 'concept:gone' },
        { instanceId: 5, conceptId: 'concept:blue' },
      ],
    },
    'display',
  );
  assert.deepEqual(
    r.instances.map((i) => [i.instanceId, i.conceptId, i.conceptIndex]),
    [
      [1, 'concept:red', 0],
      [5, 'concept:blue', 1],
    ],
  );
  assert.deepEqual(
    r.concepts.map((c) => c.count),
    [1, 1],
  );
});
