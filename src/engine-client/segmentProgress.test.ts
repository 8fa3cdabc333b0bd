import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GraphProgressEvent } from '../../workers/protocol';
import { formatElapsed, segmentProgressText } from '../store/selectors';
import { applyGraphProgress, startSegmentProgress } from './engineEvents';

test('the status line follows a first request graph by graph: which graph, k of n, time elapsed', () => {
  const events: GraphProgressEvent[] = [
    { status: 'graph-start', graph: 'vision', index: 1, total: 3 },
    { status: 'graph-done', graph: 'vision', index: 1, total: 3, ms: 1_101_000 },
    { status: 'graph-start', graph: 'text', index: 2, total: 3, phrase: 'yellow school bus' },
    { status: 'graph-done', graph: 'text', index: 2, total: 3, ms: 2600, phrase: 'yellow school bus' },
    { status: 'graph-start', graph: 'detector', index: 3, total: 3, phrase: 'yellow school bus' },
    { status: 'graph-done', graph: 'detector', index: 3, total: 3, ms: 57_000, phrase: 'yellow school bus' },
  ];
  let p = startSegmentProgress(1000);
  const seen = [segmentProgressText(p, 3000)];
  for (const [k, ev] of events.entries()) {
    p = applyGraphProgress(p, ev);
    seen.push(segmentProgressText(p, 1000 + 134_000 + k * 60_000));
  }
  assert.deepEqual(seen, [
    'Waiting for the model… 0:02 elapsed',
    'Encoding the image (vision graph)… 1 of 3 graphs, 2:14 elapsed',
    'Segmenting… 1 of 3 graphs done, 3:14 elapsed',
    'Encoding "yellow school bus" (text graph)… 2 of 3 graphs, 4:14 elapsed',
    'Segmenting… 2 of 3 graphs done, 5:14 elapsed',
    'Finding "yellow school bus" (detector graph)… 3 of 3 graphs, 6:14 elapsed',
    'Making the masks… 3 of 3 graphs done, 7:14 elapsed',
  ]);
  assert.equal(formatElapsed(3_725_000), '1:02:05');
});
