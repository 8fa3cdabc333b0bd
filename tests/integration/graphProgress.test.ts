/**
 * A request says which graph runs, graph by graph (the status line of a minutes-long first request on WASM reads
 * these): on the real engine with the demo pack, the events arrive in the order the graphs run, each start before its
 * finish, numbered "k of n" over the graphs the caches lack — and a request cancelled while a graph runs reports that
 * graph's finish and nothing after it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoEngine } from '../helpers/demoPackEngine';
import { renderScene, SHAPES_SAMPLE } from '../../tools/scenes/scene';
import type { GraphProgressEvent } from '../../workers/protocol/progress';
import type { ObjectPrompt, SegmentRequest } from '../../workers/protocol/prompts';

const request = (
  imageId: string,
  phrases: string[],
  objects: ObjectPrompt[] = [],
  threshold = 0.5,
): SegmentRequest => ({
  imageId,
  concepts: phrases.map((phrase) => ({ id: phrase, phrase, boxes: [] })),
  objects,
  scoreThreshold: threshold,
});

/** Each event as "start vision 1/3" / "done vision 1/3", with the phrase a text or detector graph serves. */
const line = (e: GraphProgressEvent) =>
  `${e.status === 'graph-start' ? 'start' : 'done'} ${e.graph}${e.phrase ? ` "${e.phrase}"` : ''} ${e.index}/${e.total}`;

function recorder() {
  const events: GraphProgressEvent[] = [];
  return { events, lines: () => events.map(line), onProgress: (e: GraphProgressEvent) => void events.push(e) };
}

test('a first request, a keystroke, a click and a threshold change report their graphs in the order they run', async () => {
  const engine = await demoEngine();
  const image = await engine.openImage({ kind: 'rgba', name: 'shapes.png', image: renderScene(SHAPES_SAMPLE) });

  const first = recorder();
  const result = await engine.segment(request(image.imageId, ['red']), {}, first.onProgress);
  assert.ok(result.instances.length > 0);
  assert.deepEqual(first.lines(), [
    'start vision 1/3',
    'done vision 1/3',
    'start text "red" 2/3',
    'done text "red" 2/3',
    'start detector "red" 3/3',
    'done detector "red" 3/3',
  ]);
  for (const e of first.events) if (e.status === 'graph-done') assert.ok(e.ms >= 0 && Number.isFinite(e.ms));

  // A keystroke adds a phrase: its text and detector graphs only; "red" and the image come from the caches.
  const keystroke = recorder();
  await engine.segment(request(image.imageId, ['red', 'blue']), {}, keystroke.onProgress);
  assert.deepEqual(keystroke.lines(), [
    'start text "blue" 1/2',
    'done text "blue" 1/2',
    'start detector "blue" 2/2',
    'done detector "blue" 2/2',
  ]);

  // A click refines an object through the tracker's decoder (the dual vision graph's tracker neck is cached).
  const click: ObjectPrompt = {
    id: 'o1',
    points: [{ id: 'p1', xyPx: [120, 120], polarity: 'positive' }],
    candidate: 0,
  };
  const clicked = recorder();
  await engine.segment(request(image.imageId, ['red', 'blue'], [click]), {}, clicked.onProgress);
  assert.deepEqual(clicked.lines(), ['start tracker 1/1', 'done tracker 1/1']);

  // A threshold change runs no graph and says nothing.
  const threshold = recorder();
  await engine.segment(request(image.imageId, ['red', 'blue'], [click], 0.3), {}, threshold.onProgress);
  assert.deepEqual(threshold.lines(), []);
});

test('cancelled while the vision graph runs: that graph finishes, nothing after it runs or is reported', async () => {
  const engine = await demoEngine();
  const image = await engine.openImage({ kind: 'rgba', name: 'shapes.png', image: renderScene(SHAPES_SAMPLE) });
  const seen = recorder();
  const before = (await engine.stats()).graphRuns;
  const pending = engine.segment(request(image.imageId, ['red', 'blue']), { requestId: 'slow-first' }, (e) => {
    seen.onProgress(e);
    if (e.status === 'graph-start' && e.graph === 'vision') void engine.cancel('slow-first');
  });
  await assert.rejects(pending, (e: { code: string }) => e.code === 'cancelled');
  assert.deepEqual(seen.lines(), ['start vision 1/5', 'done vision 1/5']);
  const after = (await engine.stats()).graphRuns;
  assert.equal(after.vision - before.vision, 1);
  assert.equal(after.text, before.text, 'no text graph ran');
  assert.equal(after.detector, before.detector, 'no detector ran');
  // What the vision graph made is kept: the same request afterwards needs only text and detector graphs.
  const again = recorder();
  await engine.segment(request(image.imageId, ['red', 'blue']), {}, again.onProgress);
  assert.deepEqual(
    again.events.filter((e) => e.status === 'graph-start').map((e) => e.graph),
    ['text', 'detector', 'text', 'detector'],
  );
});
