/**
 * The metrics against values recorded by pycocotools and scipy when the fixtures were made
 * (tools/eval-fixtures/make_fixtures.py), plus a case worked by hand.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { evaluatePredictions, EvalInputError, type CocoGroundTruth, type CocoResult } from './evaluate';
import { iouMatrix, segmentationToRuns } from './rle';
import { linearSumAssignment } from './assignment';
import { cocoCountsToString, encodeCocoRle } from '../core/rle';
import { evaluatePair, ilMccExplanation, summarizePairs } from './cgf1';
import { compactReport } from '../../tools/label/eval';
import { IOU_THRESHOLDS } from './cocoEval';

const FIXTURES = join(import.meta.dirname, '../../tests/fixtures/eval');
const read = (c: string, f: string) => JSON.parse(readFileSync(join(FIXTURES, c, f), 'utf8'));
const close = (a: number | null, b: number | null, what: string, tol = 1e-9) => {
  if (a === null || b === null) return assert.equal(a, b, what);
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);
};

for (const name of readdirSync(FIXTURES).sort()) {
  describe(`fixture "${name}"`, () => {
    const gt: CocoGroundTruth = read(name, 'gt.json');
    const pred: CocoResult[] = read(name, 'pred.json');
    const expected = read(name, 'expected.json');
    const report = evaluatePredictions(gt, pred);

    test('every ground-truth segmentation (polygons, compressed and uncompressed RLE) rasterises as pycocotools', () => {
      const sizes = new Map(gt.images.map((im) => [im.id, im]));
      for (const a of gt.annotations) {
        const im = sizes.get(a.image_id)!;
        const runs = segmentationToRuns(a.segmentation!, im.height, im.width);
        // Canonical runs: merge empty runs the way pycocotools' encoder would have written them.
        const canonical: number[] = [];
        runs.counts.forEach((c, k) => {
          if (k > 0 && c === 0 && k < runs.counts.length - 1) return;
          canonical.push(c);
        });
        const mask = new Uint8Array(im.width * im.height);
        let p = 0;
        runs.counts.forEach((c, k) => {
          if (k % 2 === 1)
            for (let i = p; i < p + c; i++) mask[(i % im.height) * im.width + Math.floor(i / im.height)] = 1;
          p += c;
        });
        assert.equal(
          encodeCocoRle(mask, im.width, im.height).counts,
          expected.gtRle[String(a.id)],
          `annotation ${a.id}`,
        );
        void cocoCountsToString;
      }
    });

    test('COCO mask AP/AR equal pycocotools (all 12 summary numbers and per-category AP)', () => {
      for (const [k, v] of Object.entries(expected.coco.stats as Record<string, number>)) {
        close(report.coco[k as keyof typeof report.coco], v, k, 1e-12);
      }
      for (const p of report.perPhrase)
        close(p.ap, expected.coco.perCategoryAp[String(p.categoryId)], `AP of ${p.name}`);
      const k0 = report.pr.byPhrase[0];
      assert.deepEqual(
        k0.at50.map((v) => Number(v.toFixed(12))),
        expected.coco.precisionAt50[0].map((v: number) => Number(v.toFixed(12))),
      );
    });

    test('cgF1, pmF1, IL_MCC, cgF1@0.5/0.75, positive macro F1 and image-level rates equal the reference computation', () => {
      const s = expected.sam3;
      close(report.cgF1, s.cgF1, 'cgF1');
      close(report['cgF1@0.5'], s['cgF1@0.5'], 'cgF1@0.5');
      close(report['cgF1@0.75'], s['cgF1@0.75'], 'cgF1@0.75');
      close(report.pmF1, s.pmF1, 'pmF1');
      close(report.IL_MCC, s.IL_MCC, 'IL_MCC');
      close(report.positiveMacroF1, s.positiveMacroF1, 'positive macro F1');
      for (const k of ['precision', 'recall', 'F1', 'FPR'] as const) close(report.imageLevel[k], s.imageLevel[k], k);
      assert.deepEqual(
        { TP: report.counts.ilTp, FP: report.counts.ilFp, TN: report.counts.ilTn, FN: report.counts.ilFn },
        s.il,
      );
    });
  });
}

describe('matching ties and edge cases', () => {
  const gt: CocoGroundTruth = read('edge', 'gt.json');
  const pred: CocoResult[] = read('edge', 'pred.json');
  const expected = read('edge', 'expected.json');

  test('per pair: the same optimal assignment as scipy, also where two assignments tie', () => {
    const h = gt.images[0].height;
    const w = gt.images[0].width;
    for (const pair of expected.sam3.pairs as {
      image_id: number;
      category_id: number;
      match?: number[][];
      tp?: number[];
    }[]) {
      const gts = gt.annotations
        .filter((a) => a.image_id === pair.image_id && a.category_id === pair.category_id)
        .map((a) => ({ runs: segmentationToRuns(a.segmentation!, h, w), iscrowd: Boolean(a.iscrowd) }));
      const dts = pred
        .filter((p) => p.image_id === pair.image_id && p.category_id === pair.category_id)
        .map((p) => ({ runs: segmentationToRuns(p.segmentation, h, w), score: p.score! }));
      const r = evaluatePair({ imageId: pair.image_id, categoryId: pair.category_id, gts, dts });
      assert.deepEqual(r.tp, pair.tp, `TP per τ of image ${pair.image_id}, category ${pair.category_id}`);
    }
  });

  test("the tie really is one: both assignments have the same total IoU, scipy's choice is reproduced", () => {
    const pair = (
      expected.sam3.pairs as { image_id: number; category_id: number; tp: number[]; match: number[][] }[]
    ).find((p) => p.image_id === 5 && p.category_id === 2)!;
    const h = gt.images[0].height;
    const w = gt.images[0].width;
    const g = gt.annotations.filter((a) => a.image_id === 5).map((a) => segmentationToRuns(a.segmentation!, h, w));
    const d = pred.filter((p) => p.image_id === 5).map((p) => segmentationToRuns(p.segmentation, h, w));
    const ious = iouMatrix(d, g, [false, false]);
    assert.equal(ious[0][0] + ious[1][1], ious[0][1] + ious[1][0], 'equal totals');
    const { rows, cols } = linearSumAssignment(ious, true);
    assert.deepEqual(
      rows.map((r, k) => [r, cols[k]]),
      pair.match,
    );
    const other = pair.match[0][1] === 0 ? [ious[0][1], ious[1][0]] : [ious[0][0], ious[1][1]];
    const otherTp = IOU_THRESHOLDS.map((t) => other.filter((v) => v >= t).length);
    assert.notDeepEqual(otherTp, pair.tp, 'the other optimal assignment would change the TP counts');
  });

  test('crowd: a prediction inside a crowd region is ignored by AP but is a false positive for cgF1', () => {
    const report = evaluatePredictions(gt, pred);
    const image6 = report.perImage.find((i) => i.fileName === 'edge_6.png')!;
    assert.deepEqual(image6.falsePhrases, ['bird']);
    assert.equal(image6.fpAt50, 1);
  });

  test('an image with ground truth but no predictions: every phrase missed, F1 0, listed first among the worst', () => {
    const report = evaluatePredictions(gt, pred);
    const image2 = report.perImage.find((i) => i.fileName === 'edge_2.png')!;
    assert.deepEqual(image2.missedPhrases.sort(), ['cat', 'dog']);
    assert.equal(image2.f1, 0);
    assert.equal(report.perImage[0].f1, 0);
  });
});

describe('worked by hand', () => {
  // One 4×1 image row per pair; masks given as column-major runs on a 1×4 image.
  const runs = (bits: number[]) => {
    const counts: number[] = [];
    let v = 0,
      n = 0;
    for (const b of bits) {
      if (b !== v) {
        counts.push(n);
        v = b;
        n = 0;
      }
      n++;
    }
    counts.push(n);
    return { h: 1, w: 4, counts };
  };

  test('two positive pairs, one negative with a false positive, one true negative', () => {
    // Pair A: GT {0,1}, prediction {0,1,2} → IoU 2/3: TP for τ ≤ 0.65, else FP + FN.
    const a = evaluatePair({
      imageId: 1,
      categoryId: 1,
      gts: [{ runs: runs([1, 1, 0, 0]), iscrowd: false }],
      dts: [{ runs: runs([1, 1, 1, 0]), score: 0.9 }],
    });
    // Pair B: GT {3}, no prediction (one below 0.5) → FN at every τ; image-level FN.
    const b = evaluatePair({
      imageId: 1,
      categoryId: 2,
      gts: [{ runs: runs([0, 0, 0, 1]), iscrowd: false }],
      dts: [{ runs: runs([0, 0, 0, 1]), score: 0.3 }],
    });
    // Pair C: no GT, one confident prediction → image-level FP (its FP does not enter pmF1).
    const c = evaluatePair({ imageId: 2, categoryId: 1, gts: [], dts: [{ runs: runs([1, 0, 0, 0]), score: 0.8 }] });
    // Pair D: nothing at all → image-level TN.
    const d = evaluatePair({ imageId: 2, categoryId: 2, gts: [], dts: [] });
    assert.deepEqual([a.il, b.il, c.il, d.il], ['TP', 'FN', 'FP', 'TN']);
    const s = summarizePairs([a, b, c, d]);
    // IL_MCC = (1·1 − 1·1) / √(2·2·2·2) = 0.
    assert.ok(Math.abs(s.ilMcc) < 1e-12);
    assert.equal(s.cgF1, 0);
    // pmF1 at τ = 0.5: TP 1, FP 0, FN 1 → P = 1/1.0001, R = 1/2.0001 → F1 ≈ 2/3.
    const t50 = IOU_THRESHOLDS.indexOf(0.5);
    const p = 1 / (1 + 1e-4);
    const r = 1 / (2 + 1e-4);
    assert.ok(Math.abs(s.pmF1ByThreshold[t50] - (2 * p * r) / (p + r + 1e-4)) < 1e-12);
    // τ = 0.7 > 2/3: TP 0 → pmF1 0. Mean over τ: 4 thresholds (0.50, 0.55, 0.60, 0.65) have F1 ≈ 2/3.
    assert.equal(s.pmF1ByThreshold[IOU_THRESHOLDS.indexOf(0.7)], 0);
    assert.ok(Math.abs(s.pmF1 - (4 / 10) * s.pmF1ByThreshold[t50]) < 1e-12);
    // Positive macro F1: only pair A has both GT and predictions.
    assert.ok(Math.abs(s.positiveMacroF1! - a.localF1!.reduce((x, y) => x + y, 0) / 10) < 1e-12);
  });

  test('a perfect labelling scores cgF1 100 (to the reference epsilons)', () => {
    const pairs = [
      evaluatePair({
        imageId: 1,
        categoryId: 1,
        gts: [{ runs: runs([1, 1, 0, 0]), iscrowd: false }],
        dts: [{ runs: runs([1, 1, 0, 0]), score: 1 }],
      }),
      evaluatePair({ imageId: 2, categoryId: 1, gts: [], dts: [] }),
    ];
    const s = summarizePairs(pairs);
    assert.ok(s.cgF1 > 99.98 && s.cgF1 <= 100, `cgF1 ${s.cgF1}`);
  });
});

describe('input checks', () => {
  const gt: CocoGroundTruth = read('edge', 'gt.json');

  test('predictions on an image of another size are refused with the sizes named', () => {
    const wrong = [{ image_id: 1, category_id: 1, score: 0.9, segmentation: { size: [10, 10], counts: '0`3' } }];
    assert.throws(
      () => evaluatePredictions(gt, wrong as CocoResult[]),
      (e: Error) => e instanceof EvalInputError && /10×10/.test(e.message),
    );
  });

  test('a dataset of predictions is matched by file name and category name; unknown names are listed', () => {
    const preds = read('edge', 'pred.json') as CocoResult[];
    const asDataset = {
      images: gt.images.map((im) => ({ id: im.id + 100, file_name: `some/dir/${im.file_name}` })),
      categories: [
        { id: 7, name: ' Cat ' },
        { id: 8, name: 'dog' },
        { id: 9, name: 'zebra' },
      ],
      annotations: preds
        .filter((p) => p.category_id !== 3)
        .map((p) => ({ ...p, image_id: p.image_id + 100, category_id: p.category_id + 6 })),
    };
    const report = evaluatePredictions(gt, asDataset);
    assert.deepEqual(report.evaluatedCategories, ['cat', 'dog']);
    assert.deepEqual(report.unmatched.groundTruth, ['bird']);
    assert.deepEqual(report.unmatched.predictions, ['zebra']);
    // The same numbers as the results-list form restricted to the two categories.
    const direct = evaluatePredictions(
      {
        ...gt,
        categories: gt.categories.filter((c) => c.id !== 3),
        annotations: gt.annotations.filter((a) => a.category_id !== 3),
      },
      preds.filter((p) => p.category_id !== 3),
    );
    close(report.cgF1, direct.cgF1, 'cgF1');
    close(report.coco.AP, direct.coco.AP, 'AP');
  });

  test('a partial run (a dataset listing some images) scores those images only, as the app does; the report says so', () => {
    const preds = read('edge', 'pred.json') as CocoResult[];
    const listed = gt.images.slice(0, 3);
    const partial = {
      images: listed.map((im) => ({ id: im.id, file_name: im.file_name! })),
      categories: gt.categories,
      annotations: preds.filter((p) => listed.some((im) => im.id === p.image_id)),
    };
    const report = evaluatePredictions(gt, partial);
    assert.deepEqual(report.imageSet, { scored: 3, groundTruth: gt.images.length, rule: 'predicted' });
    assert.equal(report.counts.images, 3);
    // The same numbers as evaluating a ground truth of those three images only.
    const ids = new Set(listed.map((im) => im.id));
    const three = evaluatePredictions(
      { ...gt, images: listed, annotations: gt.annotations.filter((a) => ids.has(a.image_id)) },
      partial.annotations,
    );
    close(report.cgF1, three.cgF1, 'cgF1');
    close(report.coco.AP, three.coco.AP, 'AP');
    // Scoring every ground-truth image counts the unlabelled ones' objects as missed.
    const all = evaluatePredictions(gt, partial, { images: 'all' });
    assert.deepEqual(all.imageSet, { scored: gt.images.length, groundTruth: gt.images.length, rule: 'all' });
    assert.ok(all.coco.AR100 < report.coco.AR100, `recall ${all.coco.AR100} < ${report.coco.AR100}`);
    // A results list names no images of its own: every ground-truth image is scored.
    assert.equal(evaluatePredictions(gt, partial.annotations).imageSet.rule, 'all');
  });
});

describe('a phrase present in every image: cgF1 is 0 by definition, and the report says why', () => {
  const square = [[0, 0, 4, 0, 4, 4, 0, 4]];
  const gt: CocoGroundTruth = {
    images: [1, 2, 3].map((id) => ({ id, file_name: `${id}.png`, width: 8, height: 8 })),
    categories: [
      { id: 1, name: 'red' },
      { id: 2, name: 'blue' },
    ],
    annotations: [
      // "red" in every image; "blue" in image 1 only.
      ...[1, 2, 3].map((image_id) => ({ id: image_id, image_id, category_id: 1, segmentation: square })),
      { id: 4, image_id: 1, category_id: 2, segmentation: square },
    ],
  };
  const perfect: CocoResult[] = gt.annotations.map((a) => ({
    image_id: a.image_id,
    category_id: a.category_id,
    segmentation: square,
    score: 0.9,
  }));

  test('per phrase: the always-present phrase has no negative images, so IL_MCC is undefined (0); the other scores', () => {
    const report = evaluatePredictions(gt, perfect);
    const red = report.perPhrase.find((p) => p.name === 'red')!;
    const blue = report.perPhrase.find((p) => p.name === 'blue')!;
    assert.equal(red.metrics.cgF1, 0, 'perfect masks, yet 0');
    assert.ok(red.metrics.pmF1 > 0.99);
    assert.equal(red.metrics.ilMccUndefined, 'no-negatives');
    assert.match(ilMccExplanation('no-negatives'), /in the ground truth of every scored image/);
    assert.equal(blue.metrics.ilMccUndefined, null);
    assert.ok(blue.metrics.cgF1 > 99);
    assert.equal(report.ilMccUndefined, null, 'over all pairs there are negatives (blue in images 2 and 3)');

    const cli = compactReport(report, false);
    const redRow = cli.perPhrase.find((p) => p.name === 'red')!;
    assert.match(String(redRow.IL_MCC_note), /every scored image/);
    assert.equal('IL_MCC_note' in cli.perPhrase.find((p) => p.name === 'blue')!, false);
    assert.equal('IL_MCC_note' in cli, false);
  });

  test('overall: when every pair is positive, the report and the CLI say so; nothing predicted is named too', () => {
    const redOnly: CocoGroundTruth = {
      ...gt,
      categories: [gt.categories[0]],
      annotations: gt.annotations.filter((a) => a.category_id === 1),
    };
    const report = evaluatePredictions(redOnly, perfect.slice(0, 3));
    assert.equal(report.cgF1, 0);
    assert.equal(report.ilMccUndefined, 'no-negatives');
    assert.match(String(compactReport(report, false).IL_MCC_note), /Every phrase is in the ground truth/);
    const none = evaluatePredictions(gt, [{ image_id: 1, category_id: 1, segmentation: square, score: 0.1 }]);
    assert.equal(none.ilMccUndefined, 'no-predictions');
  });
});
