import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameStore } from './results/frameStore';
import { deleteTrackFrom, selectUndoableDeletion, undoTrackDeletion } from './trackEdits';
import { videoStore } from './videoStore';

function storeWithTwoTracks(frames: number): FrameStore {
  const store = new FrameStore(frames);
  for (let i = 0; i < frames; i++)
    store.set({
      frameIndex: i,
      timestampMs: i * 100,
      width: 8,
      height: 8,
      displayWidth: 8,
      displayHeight: 8,
      detectorRan: true,
      objects: [1, 2].map((id) => ({
        id,
        conceptId: 'red',
        conceptIndex: 0,
        score: 0.9,
        boxXyxyPx: [0, 0, 2, 2] as [number, number, number, number],
        areaPx: 4,
        mask: { width: 8, height: 8, counts: Uint32Array.from([id, 4, 60 - id]) },
      })),
    });
  return store;
}

test('"Delete from frame" can be undone: the track comes back on every frame, and the panel offers it only then', () => {
  const frames = storeWithTwoTracks(6);
  videoStore.setState({ frames, trackDeletions: [], status: 'ready' });
  assert.equal(deleteTrackFrom(2, 2), 4);
  let s = videoStore.getState();
  assert.deepEqual(s.tracks[2] && [s.tracks[2].firstFrame, s.tracks[2].lastFrame], [0, 1]);
  assert.match(s.message ?? '', /#2 deleted from frame 3 on \(4 frames\)/);
  const offered = selectUndoableDeletion(s)!;
  assert.deepEqual([offered.id, offered.fromFrame], [2, 2]);

  assert.equal(undoTrackDeletion(), true);
  s = videoStore.getState();
  assert.deepEqual([s.tracks[2].firstFrame, s.tracks[2].lastFrame], [0, 5]);
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5].map((i) => frames.idsOn(i)),
    Array.from({ length: 6 }, () => [1, 2]),
  );
  assert.equal(selectUndoableDeletion(s), null, 'nothing left to undo');
  assert.match(s.message ?? '', /#2 restored from frame 3 on/);

  // Another video's results: the old deletion is not offered.
  deleteTrackFrom(1, 0);
  videoStore.setState({ frames: storeWithTwoTracks(3) });
  assert.equal(selectUndoableDeletion(videoStore.getState()), null);
  assert.equal(undoTrackDeletion(), false);
});
