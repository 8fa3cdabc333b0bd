"""Makes the evaluation fixtures in tests/fixtures/eval/ and records the expected metrics.

Each case is a COCO ground truth (gt.json), predictions as a COCO results list (pred.json) and expected.json:
  - COCO mask AP/AR: pycocotools' COCOeval(iouType='segm') summary stats and per-category AP;
  - SAM 3's metrics (shared/sam3/reference.md §11): cgF1, cgF1@0.5/@0.75, pmF1, IL_MCC, positive macro F1,
    image-level precision/recall/F1/FPR, computed here pair by pair with pycocotools' mask IoU and scipy's
    linear_sum_assignment, written independently of the TypeScript code that the tests check;
  - the RLE pycocotools makes of every ground-truth segmentation (polygons included), and per-pair matches.

Run once when the fixtures change (tests never need Python):
  python3 -m venv /tmp/eval-venv && /tmp/eval-venv/bin/pip install pycocotools scipy numpy
  /tmp/eval-venv/bin/python tools/eval-fixtures/make_fixtures.py
"""

import contextlib
import io
import itertools
import json
import os

import numpy as np
import pycocotools.mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval
from scipy.optimize import linear_sum_assignment

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'tests', 'fixtures', 'eval')
IOU_THRS = np.linspace(0.5, 0.95, int(np.round((0.95 - 0.5) / 0.05)) + 1)


def rle_of(mask):
    r = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
    return {'size': [int(r['size'][0]), int(r['size'][1])], 'counts': r['counts'].decode('ascii')}


def disc(h, w, cx, cy, r):
    yy, xx = np.mgrid[0:h, 0:w]
    return ((xx + 0.5 - cx) ** 2 + (yy + 0.5 - cy) ** 2 <= r * r).astype(np.uint8)


def rect(h, w, x0, y0, x1, y1):
    m = np.zeros((h, w), np.uint8)
    m[max(0, y0):max(0, y1), max(0, x0):max(0, x1)] = 1
    return m


def polygon_around(rng, cx, cy, r, n):
    angles = np.sort(rng.uniform(0, 2 * np.pi, n))
    radii = r * rng.uniform(0.6, 1.0, n)
    pts = []
    for a, rr in zip(angles, radii):
        pts += [round(float(cx + rr * np.cos(a)), 2), round(float(cy + rr * np.sin(a)), 2)]
    return pts


def random_shape(rng, h, w):
    kind = rng.integers(0, 3)
    cx, cy = rng.uniform(8, w - 8), rng.uniform(8, h - 8)
    r = rng.uniform(4, min(h, w) / 4)
    if kind == 0:
        return ('mask', disc(h, w, cx, cy, r))
    if kind == 1:
        x0, y0 = int(cx - r), int(cy - r * 0.7)
        return ('mask', rect(h, w, x0, y0, int(cx + r), int(cy + r * 0.7)))
    return ('poly', polygon_around(rng, cx, cy, r, int(rng.integers(3, 9))))


def jitter(rng, mask):
    """A prediction near a ground-truth mask: shifted by a few pixels, sometimes eroded or dilated."""
    dx, dy = rng.integers(-3, 4), rng.integers(-3, 4)
    m = np.roll(np.roll(mask, dy, axis=0), dx, axis=1)
    if rng.random() < 0.3:
        m = m & np.roll(m, 1, axis=1)
    elif rng.random() < 0.3:
        m = m | np.roll(m, 1, axis=0)
    return m.astype(np.uint8)


def gt_mask(ann, h, w):
    seg = ann['segmentation']
    if isinstance(seg, list):
        return mask_utils.decode(mask_utils.merge(mask_utils.frPyObjects(seg, h, w)))
    if isinstance(seg['counts'], list):
        return mask_utils.decode(mask_utils.frPyObjects(seg, h, w))
    return mask_utils.decode({'size': seg['size'], 'counts': seg['counts'].encode('ascii')})


def random_case(seed, n_images, categories, with_polygons=True):
    rng = np.random.default_rng(seed)
    images, anns, preds = [], [], []
    for i in range(n_images):
        h, w = int(rng.integers(40, 90)), int(rng.integers(50, 110))
        images.append({'id': i + 1, 'file_name': f'img_{i + 1:03d}.png', 'height': h, 'width': w})
        for c in range(len(categories)):
            if rng.random() < 0.35:
                continue  # a negative pair
            for _ in range(int(rng.integers(1, 4))):
                kind, shape = random_shape(rng, h, w)
                if kind == 'poly' and not with_polygons:
                    kind, shape = 'mask', mask_utils.decode(mask_utils.merge(mask_utils.frPyObjects([shape], h, w)))
                ann = {'id': len(anns) + 1, 'image_id': i + 1, 'category_id': c + 1, 'iscrowd': 0}
                if kind == 'poly':
                    ann['segmentation'] = [shape]
                    m = gt_mask(ann, h, w)
                else:
                    ann['segmentation'] = rle_of(shape)
                    m = shape
                ann['area'] = float(m.sum())
                if ann['area'] == 0:
                    continue
                anns.append(ann)
                if rng.random() < 0.8:
                    preds.append({'image_id': i + 1, 'category_id': c + 1, 'segmentation': rle_of(jitter(rng, m)),
                                  'score': round(float(rng.uniform(0.3, 1.0)), 4)})
            if rng.random() < 0.3:  # a false positive somewhere
                _, shape = random_shape(rng, h, w)
                if isinstance(shape, list):
                    shape = mask_utils.decode(mask_utils.merge(mask_utils.frPyObjects([shape], h, w)))
                preds.append({'image_id': i + 1, 'category_id': c + 1, 'segmentation': rle_of(shape),
                              'score': round(float(rng.uniform(0.2, 0.95)), 4)})
    cats = [{'id': k + 1, 'name': n} for k, n in enumerate(categories)]
    return {'images': images, 'categories': cats, 'annotations': anns}, preds


def edge_case():
    """Crowd regions, images without predictions, negative pairs with and without false positives, predictions
    below 0.5, duplicate predictions, and a matching tie whose resolution changes TP counts."""
    h, w = 40, 64
    images = [{'id': k, 'file_name': f'edge_{k}.png', 'height': h, 'width': w} for k in range(1, 7)]
    cats = [{'id': 1, 'name': 'cat'}, {'id': 2, 'name': 'dog'}, {'id': 3, 'name': 'bird'}]
    anns, preds = [], []

    def add_gt(img, cat, m, crowd=0, uncompressed=False):
        seg = rle_of(m)
        if uncompressed:
            runs, cur, n = [], 0, 0
            for v in np.asfortranarray(m).ravel(order='F'):
                if v != cur:
                    runs.append(n)
                    cur, n = v, 0
                n += 1
            runs.append(n)
            seg = {'size': [h, w], 'counts': [int(x) for x in runs]}
        anns.append({'id': len(anns) + 1, 'image_id': img, 'category_id': cat, 'segmentation': seg,
                     'area': float(m.sum()), 'iscrowd': crowd})

    def add_dt(img, cat, m, score):
        preds.append({'image_id': img, 'category_id': cat, 'segmentation': rle_of(m), 'score': score})

    # Image 1: a crowd region (uncompressed RLE, as COCO stores crowds) plus one instance; predictions inside
    # the crowd are ignored by AP but count as false positives for cgF1 (crowd ground truth is dropped).
    crowd = rect(h, w, 30, 5, 60, 35)
    add_gt(1, 1, crowd, crowd=1, uncompressed=True)
    add_gt(1, 1, rect(h, w, 2, 2, 20, 20))
    add_dt(1, 1, rect(h, w, 3, 2, 20, 21), 0.9)
    add_dt(1, 1, rect(h, w, 35, 10, 50, 30), 0.8)
    add_dt(1, 1, rect(h, w, 40, 10, 55, 30), 0.7)
    # Image 2: ground truth of two categories and no prediction at all.
    add_gt(2, 1, disc(h, w, 20, 20, 8))
    add_gt(2, 2, disc(h, w, 45, 20, 10))
    # Image 3: a negative pair with a confident false positive, and one with a low-score one (dropped at 0.5).
    add_dt(3, 2, rect(h, w, 10, 10, 30, 30), 0.95)
    add_dt(3, 3, rect(h, w, 10, 10, 30, 30), 0.45)
    # Image 4: duplicate predictions of one object (one TP, one FP) and a score exactly 0.5 (kept: ≥ 0.5).
    add_gt(4, 3, rect(h, w, 5, 5, 25, 25))
    add_dt(4, 3, rect(h, w, 5, 5, 25, 24), 0.6)
    add_dt(4, 3, rect(h, w, 5, 5, 25, 24), 0.6)
    add_gt(4, 1, rect(h, w, 40, 5, 60, 25))
    add_dt(4, 1, rect(h, w, 41, 6, 60, 25), 0.5)
    # Image 5: a matching tie (found by search below): two optimal assignments with equal total IoU that
    # differ in how many matches clear the higher thresholds.
    g1, g2, p1, p2 = tie_masks(h, w)
    add_gt(5, 2, g1)
    add_gt(5, 2, g2)
    add_dt(5, 2, p1, 0.9)
    add_dt(5, 2, p2, 0.8)
    # Image 6: a crowd region that is the only ground truth of its pair, with one prediction on it.
    add_gt(6, 3, rect(h, w, 0, 0, 30, 40), crowd=1)
    add_dt(6, 3, rect(h, w, 2, 2, 28, 38), 0.9)
    return {'images': images, 'categories': cats, 'annotations': anns}, preds


def tie_masks(h, w):
    """Deterministic search for two GT and two predicted masks (unions of column blocks) whose IoU matrix has two
    optimal assignments with exactly equal float totals but different sorted match IoUs."""
    rng = np.random.default_rng(12)
    blocks = [(4 * k, 4 * k + 4) for k in range(w // 4)]
    for _ in range(200000):
        sets = [rng.random(len(blocks)) < 0.35 for _ in range(4)]
        masks = []
        for s in sets:
            m = np.zeros((h, w), np.uint8)
            for on, (a, b) in zip(s, blocks):
                if on:
                    m[:, a:b] = 1
            masks.append(m)
        if any(m.sum() == 0 for m in masks):
            continue
        g = [rle_of(m) for m in masks[:2]]
        d = [rle_of(m) for m in masks[2:]]
        gg = [{'size': x['size'], 'counts': x['counts'].encode()} for x in g]
        dd = [{'size': x['size'], 'counts': x['counts'].encode()} for x in d]
        ious = np.array(mask_utils.iou(dd, gg, [0, 0]))
        a = ious[0, 0] + ious[1, 1]
        b = ious[0, 1] + ious[1, 0]
        if a != b or a == 0:
            continue
        s1 = sorted([ious[0, 0], ious[1, 1]])
        s2 = sorted([ious[0, 1], ious[1, 0]])
        if s1 == s2:
            continue
        if not any(sum(x >= t for x in s1) != sum(x >= t for x in s2) for t in IOU_THRS):
            continue
        return masks
    raise RuntimeError('no tie found')


def cgf1_reference(gt, preds):
    """SAM 3's image metrics per reference.md §11, pair = (image, category), every image × every category."""
    h_of = {im['id']: (im['height'], im['width']) for im in gt['images']}
    pairs = []
    for im in gt['images']:
        for cat in gt['categories']:
            h, w = h_of[im['id']]
            gts = [a for a in gt['annotations'] if a['image_id'] == im['id'] and a['category_id'] == cat['id']]
            gts = [a for a in gts if not a.get('iscrowd', 0)]
            dts = [p for p in preds if p['image_id'] == im['id'] and p['category_id'] == cat['id']]
            dts = [p for p in dts if p['score'] >= 0.5]
            pair = {'image_id': im['id'], 'category_id': cat['id'], 'num_gt': len(gts), 'num_dt': len(dts)}
            if not gts and not dts:
                pair['il'] = 'TN'
                pairs.append(pair)
                continue
            if gts and not dts:
                pair.update(il='FN', tp=[0] * 10, fp=[0] * 10, fn=[len(gts)] * 10, match=[])
                pairs.append(pair)
                continue
            g = [mask_utils.encode(np.asfortranarray(gt_mask(a, h, w))) for a in gts]
            d = [{'size': p['segmentation']['size'], 'counts': p['segmentation']['counts'].encode()} for p in dts]
            ious = np.array(mask_utils.iou(d, g, [0] * len(g))) if g else np.zeros((len(d), 0))
            rows, cols = linear_sum_assignment(-ious) if g else (np.array([], int), np.array([], int))
            scores = ious[rows, cols]
            tp = [int((scores >= t).sum()) for t in IOU_THRS]
            pair.update(il='TP' if gts else 'FP', tp=tp, fp=[len(dts) - x for x in tp],
                        fn=[len(gts) - x for x in tp], match=[[int(r), int(c)] for r, c in zip(rows, cols)])
            pairs.append(pair)
    f1 = lambda tp, fp, fn: (lambda p, r: 2 * p * r / (p + r + 1e-4))(tp / (tp + fp + 1e-4), tp / (tp + fn + 1e-4))
    TP = np.zeros(10)
    FN = np.zeros(10)
    FPpos = np.zeros(10)
    macro = np.zeros(10)
    n_macro = 0
    il = {'TP': 0, 'FP': 0, 'TN': 0, 'FN': 0}
    for p in pairs:
        il[p['il']] += 1
        if 'tp' not in p:
            continue
        TP += p['tp']
        FN += p['fn']
        if p['num_gt'] > 0:
            FPpos += p['fp']
            macro += np.array([f1(a, b, c) for a, b, c in zip(p['tp'], p['fp'], p['fn'])])
            if p['num_dt'] > 0:
                n_macro += 1
    pm = np.array([f1(a, b, c) for a, b, c in zip(TP, FPpos, FN)])
    t, f, n, m = il['TP'], il['FP'], il['TN'], il['FN']
    mcc = (t * n - f * m) / (np.sqrt(float(t + f) * (t + m) * (n + f) * (n + m)) + 1e-6)
    ilr = t / (t + m + 1e-6)
    ilp = t / (t + f + 1e-6)
    i50, i75 = int(np.where(IOU_THRS == 0.5)[0][0]), int(np.where(IOU_THRS == 0.75)[0][0])
    return {
        'cgF1': float(100 * np.mean(pm * mcc)),
        'cgF1@0.5': float(100 * pm[i50] * mcc),
        'cgF1@0.75': float(100 * pm[i75] * mcc),
        'pmF1': float(np.mean(pm)),
        'IL_MCC': float(mcc),
        'positiveMacroF1': float(np.mean(macro / n_macro)) if n_macro else None,
        'imageLevel': {'precision': ilp, 'recall': ilr, 'F1': 2 * ilp * ilr / (ilp + ilr + 1e-6),
                       'FPR': f / (f + n + 1e-6)},
        'il': il,
        'pairs': pairs,
    }


def coco_reference(gt, preds):
    with contextlib.redirect_stdout(io.StringIO()):
        coco_gt = COCO()
        coco_gt.dataset = json.loads(json.dumps(gt))
        coco_gt.createIndex()
        coco_dt = coco_gt.loadRes(json.loads(json.dumps(preds))) if preds else COCO()
        ev = COCOeval(coco_gt, coco_dt, 'segm')
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    names = ['AP', 'AP50', 'AP75', 'APsmall', 'APmedium', 'APlarge', 'AR1', 'AR10', 'AR100', 'ARsmall', 'ARmedium',
             'ARlarge']
    per_cat = {}
    for k, c in enumerate(ev.params.catIds):
        p = ev.eval['precision'][:, :, k, 0, -1]
        per_cat[str(c)] = float(np.mean(p[p > -1])) if (p > -1).any() else -1.0
    pr50 = ev.eval['precision'][0, :, :, 0, -1]  # [R, K] at IoU 0.5
    return {'stats': {n: float(v) for n, v in zip(names, ev.stats)}, 'perCategoryAp': per_cat,
            'precisionAt50': pr50.T.tolist()}


def gt_rles(gt):
    h_of = {im['id']: (im['height'], im['width']) for im in gt['images']}
    out = {}
    for a in gt['annotations']:
        h, w = h_of[a['image_id']]
        out[str(a['id'])] = rle_of(gt_mask(a, h, w))['counts']
    return out


def write_case(name, gt, preds):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    expected = {'coco': coco_reference(gt, preds), 'sam3': cgf1_reference(gt, preds), 'gtRle': gt_rles(gt)}
    for fname, obj in [('gt.json', gt), ('pred.json', preds), ('expected.json', expected)]:
        with open(os.path.join(d, fname), 'w') as f:
            json.dump(obj, f, separators=(',', ':'))
            f.write('\n')
    s = expected['sam3']
    print(f"{name}: AP {expected['coco']['stats']['AP']:.4f} cgF1 {s['cgF1']:.3f} IL_MCC {s['IL_MCC']:.4f} "
          f"pmF1 {s['pmF1']:.4f} pairs {len(s['pairs'])}")


def main():
    write_case('random', *random_case(3, 12, ['red square', 'blue circle', 'green thing']))
    write_case('edge', *edge_case())
    write_case('polygons', *random_case(11, 8, ['shape'], with_polygons=True))
    # No prediction at all: every positive pair is a miss, every negative a true negative.
    gt, _ = random_case(5, 4, ['a', 'b'])
    write_case('empty-predictions', gt, [])


if __name__ == '__main__':
    main()
