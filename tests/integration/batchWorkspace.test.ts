/**
 * The folder workspace's actions in Node, on the real engine (demo pack, onnxruntime-node) and IndexedDB
 * (fake-indexeddb): add images, run with a pause, instance counts, a simulated reload that finds everything saved
 * and resumes the pending images, review edits with undo/redo, a fix with a click, an exemplar box that applies to
 * its own image only and keeps that image's review, and a cancelled re-run that loses no image's labels.
 */
import 'fake-indexeddb/auto';
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../workers/engine/engine';
import { createNodeRuntime } from '../../workers/ort/nodeRuntime';
import { MemoryByteStore } from '../../workers/packs/byteStore';
import { decodeRgbaSource } from '../../workers/engine/decodedImage';
import { packFilesSource } from '../helpers/demoPackEngine';
import { decodeImageFile } from '../../tools/label/decodeImageFile';
import { encodePng } from '../../tools/scenes/png';
import { randomScene, renderScene, type Scene } from '../../tools/scenes/scene';
import { connectInProcessEngine, setEngineConnection } from '../../src/engine-client/engineClient';
import { appStore } from '../../src/store/appStore';
import { batchStore, initialBatchState } from '../../src/batch/batchStore';
import { loadImage, resetBatchDbConnection } from '../../src/batch/batchDb';
import { addCollected, loadSavedBatch, openWorkspace, setBatchPhrases } from '../../src/batch/workspaceActions';
import { cancelRun, pauseRun, rerunAll, resumeRun, startRun } from '../../src/batch/runActions';
import {
  addExemplar,
  addFixPrompt,
  commitFix,
  redo,
  selectImage,
  setAnnotationCategory,
  toggleAccept,
  toggleReject,
  undo,
} from '../../src/batch/reviewActions';

const scenes: { name: string; scene: Scene }[] = Array.from({ length: 5 }, (_, i) => ({
  name: `f/s${i}.png`,
  scene: renderScene(
    randomScene(300 + i, 200, 150, 1 + (i % 3), ['red', 'blue'], { minSize: 30, maxSize: 50, gap: 10 }),
  ),
}));
const reds = (s: Scene) => s.shapes.filter((x) => x.colour === 'red').length;
const until = async (cond: () => boolean, ms = 60_000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('folder workspace actions', () => {
  before(async () => {
    const engine = createEngine({
      createRuntime: () => createNodeRuntime(),
      store: new MemoryByteStore(),
      decodeBlob: async (blob, name) =>
        decodeRgbaSource(await decodeImageFile(new Uint8Array(await blob.arrayBuffer()), name)),
    });
    await engine.init();
    const pack = await engine.openPack(packFilesSource());
    setEngineConnection(connectInProcessEngine(engine));
    appStore.setState({ pack });
    await openWorkspace();
    await setBatchPhrases('red');
    await addCollected({
      files: scenes.map(({ name, scene }) => ({
        path: name,
        file: new Blob([encodePng(scene.width, scene.height, scene.data) as BlobPart]),
      })),
      archives: [],
    });
  });

  test('a run paused after two images waits; resumed, it labels every image with the right counts', async () => {
    const running = startRun();
    await until(() => (batchStore.getState().run?.done ?? 0) >= 2);
    pauseRun();
    await until(() => batchStore.getState().run?.state === 'paused');
    const done = batchStore.getState().images.filter((i) => i.status === 'done').length;
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(
      batchStore.getState().images.filter((i) => i.status === 'done').length,
      done,
      'nothing runs while paused',
    );
    resumeRun();
    await running;
    const images = batchStore.getState().images;
    assert.deepEqual(
      images.map((i) => [i.name, i.status, i.count]),
      scenes.map(({ name, scene }) => [name, 'done', reds(scene)]),
    );
  });

  test('after a reload (a fresh store and connection) the batch and its labels come back from IndexedDB', async () => {
    const before = batchStore.getState().images;
    batchStore.setState(initialBatchState());
    resetBatchDbConnection();
    await loadSavedBatch();
    assert.deepEqual(batchStore.getState().images, before);
    assert.deepEqual(batchStore.getState().meta?.phrases, ['red']);
  });

  test('review edits are saved and undoable: reject, change phrase, accept', async () => {
    const key = batchStore.getState().images.find((i) => i.count > 0)!.key;
    await selectImage(key);
    const first = batchStore.getState().current!.annotations[0].key;
    await toggleReject(first);
    assert.equal((await loadImage(key))!.annotations[0].rejected, true);
    await setAnnotationCategory(batchStore.getState().current!.annotations[1]?.key ?? first, 'blue');
    await undo();
    await undo();
    assert.ok(!(await loadImage(key))!.annotations[0].rejected, 'restored');
    await redo();
    assert.equal((await loadImage(key))!.annotations[0].rejected, true);
    await toggleAccept();
    assert.equal((await loadImage(key))!.accepted, true);
    assert.equal(
      batchStore.getState().images.find((i) => i.key === key)!.count,
      batchStore.getState().images.find((i) => i.key === key)!.count,
    );
  });

  test('a click on a blue shape (not a phrase) adds it as an object of the active phrase; undo removes it', async () => {
    const k = scenes.findIndex(({ scene }) => scene.shapes.some((s) => s.colour === 'blue'));
    const key = batchStore.getState().images[k].key;
    await selectImage(key);
    const before = batchStore.getState().current!.annotations.length;
    const blue = scenes[k].scene.shapes.find((s) => s.colour === 'blue')!;
    await addFixPrompt({ point: [(blue.box[0] + blue.box[2]) / 2, (blue.box[1] + blue.box[3]) / 2] });
    const preview = batchStore.getState().fix?.preview;
    assert.ok(preview, 'the click gives a mask');
    assert.ok(
      Math.abs(preview!.bboxXywh[0] - blue.box[0]) <= 3 && Math.abs(preview!.bboxXywh[1] - blue.box[1]) <= 3,
      `box ${preview!.bboxXywh} vs ${blue.box}`,
    );
    await commitFix();
    const after = (await loadImage(key))!.annotations;
    assert.equal(after.length, before + 1);
    assert.deepEqual([after.at(-1)!.source, after.at(-1)!.category], ['click', 'red']);
    await undo();
    assert.equal((await loadImage(key))!.annotations.length, before);
  });

  test('an exemplar box re-runs its own image only (other images keep their labels)', async () => {
    const k = scenes.findIndex(({ scene }) => reds(scene) >= 1);
    const key = batchStore.getState().images[k].key;
    const others = await Promise.all(
      batchStore
        .getState()
        .images.filter((i) => i.key !== key)
        .map((i) => loadImage(i.key)),
    );
    await selectImage(key);
    const red = scenes[k].scene.shapes.find((s) => s.colour === 'red')!;
    await addExemplar(red.box, true);
    const record = (await loadImage(key))!;
    assert.equal(record.exemplars.length, 1);
    assert.equal(
      record.annotations.filter((a) => a.source === 'detector').length,
      reds(scenes[k].scene) - 1,
      'the negative box removes that shape',
    );
    for (const o of others) assert.deepEqual(await loadImage(o!.key), o);
    await undo();
    assert.equal((await loadImage(key))!.exemplars.length, 0);
  });

  test('an exemplar box keeps the image’s review: rejections and phrase changes stay; changed detections un-accept', async () => {
    const k = scenes.findIndex(({ scene }) => reds(scene) >= 2);
    assert.ok(k >= 0, 'a scene with two red shapes');
    const key = batchStore.getState().images[k].key;
    await selectImage(key);
    const [a, b] = batchStore.getState().current!.annotations.filter((x) => x.source === 'detector');
    await toggleReject(a.key);
    await setAnnotationCategory(b.key, 'blue');
    await toggleAccept(); // accepts and moves on
    await selectImage(key);
    assert.equal(batchStore.getState().current!.accepted, true);
    const xyxy = ([x, y, w, h]: number[]): [number, number, number, number] => [x, y, x + w, y + h];

    // A positive box on a shape already found: the same detections, so the review and the acceptance stand.
    await addExemplar(xyxy(b.bboxXywh), false);
    let record = (await loadImage(key))!;
    const of = (k: string) => record.annotations.find((x) => x.key === k);
    assert.equal(record.exemplars.length, 1);
    assert.equal(of(a.key)?.rejected, true, 'the rejected detection stays rejected');
    assert.equal(of(b.key)?.category, 'blue', 'the phrase change stays');
    assert.equal(record.annotations.filter((x) => x.source === 'detector').length, reds(scenes[k].scene));
    assert.equal(record.accepted, true, 'nothing the export holds changed');

    // A negative box on the live detection: it goes, so the image is no longer what was accepted.
    await addExemplar(xyxy(b.bboxXywh), true);
    record = (await loadImage(key))!;
    assert.equal(of(b.key), undefined, 'the negative box removes that detection');
    assert.equal(of(a.key)?.rejected, true, 'the other rejection is kept');
    assert.equal(record.accepted, false);
    assert.equal(batchStore.getState().images[k].accepted, false, 'the tile says so too');
    assert.match(batchStore.getState().message!.text, /1 gone.*no longer accepted/);
    await undo();
    assert.equal((await loadImage(key))!.accepted, true, 'undo gives the acceptance back with the detection');
  });

  test('a cancelled re-run keeps the labels of the images it did not reach', async () => {
    const before = await Promise.all(batchStore.getState().images.map((i) => loadImage(i.key)));
    assert.ok(before.every((r) => r!.status === 'done'));
    batchStore.setState({ run: null });
    const running = rerunAll();
    await until(() => (batchStore.getState().run?.done ?? 0) >= 2);
    cancelRun();
    await running;
    const done = batchStore.getState().run!.done;
    assert.ok(done < before.length, `cancelled after ${done} of ${before.length}`);
    const after = await Promise.all(before.map((r) => loadImage(r!.key)));
    assert.deepEqual(
      after.map((r) => r!.status),
      before.map(() => 'done'),
      'every image is still labelled',
    );
    // The images not reached are exactly as they were (labels, review, acceptance).
    const untouched = after.filter((r, i) => r!.ms === before[i]!.ms);
    assert.equal(untouched.length, before.length - done);
    for (const r of untouched)
      assert.deepEqual(
        r,
        before.find((b) => b!.key === r!.key),
      );
    assert.deepEqual(
      batchStore.getState().images.map((i) => [i.status, i.count]),
      after.map((r) => ['done', r!.annotations.filter((a) => !a.rejected).length]),
    );
    assert.equal(
      batchStore.getState().message?.text,
      `Re-run cancelled after ${done} of ${before.length} images; the other ${before.length - done} keep their earlier labels and review.`,
    );
  });
});
