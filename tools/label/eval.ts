/**
 * npm run eval -- --gt gt.json --pred pred.json [--full] [--all-images]
 *
 * Prints SAM 3's image metrics (cgF1, cgF1@0.5/@0.75, pmF1, IL_MCC, positive macro F1, image-level rates) and COCO
 * mask AP/AR as JSON, with per-phrase numbers and the ten worst images (`--full`: every image and the
 * precision–recall curves). Predictions: a COCO results list in the ground truth's ids, or a COCO dataset (such as
 * `npm run label`'s coco.json) matched by file and category names. A dataset's images are the ones scored (a partial
 * run's labels are not counted against images nobody labelled), as in the app; `--all-images` scores every
 * ground-truth image. The report's `imageSet` says which.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ilMccExplanation } from '../../workers/eval/cgf1';
import { evaluatePredictions, EvalInputError, type EvalReport } from '../../workers/eval/evaluate';

export function compactReport(r: EvalReport, full: boolean) {
  const round = (x: number | null) => (x === null ? null : Math.round(x * 1e6) / 1e6);
  const base = {
    cgF1: round(r.cgF1),
    'cgF1@0.5': round(r['cgF1@0.5']),
    'cgF1@0.75': round(r['cgF1@0.75']),
    pmF1: round(r.pmF1),
    IL_MCC: round(r.IL_MCC),
    ...(r.ilMccUndefined ? { IL_MCC_note: ilMccExplanation(r.ilMccUndefined, 'all') } : {}),
    positiveMacroF1: round(r.positiveMacroF1),
    imageLevel: Object.fromEntries(Object.entries(r.imageLevel).map(([k, v]) => [k, round(v)])),
    coco: Object.fromEntries(Object.entries(r.coco).map(([k, v]) => [k, round(v)])),
    counts: r.counts,
    imageSet: r.imageSet,
    evaluatedCategories: r.evaluatedCategories,
    unmatched: r.unmatched,
    perPhrase: r.perPhrase.map((p) => ({
      name: p.name,
      gtInstances: p.gtInstances,
      predictions: p.predictions,
      cgF1: round(p.metrics.cgF1),
      pmF1: round(p.metrics.pmF1),
      IL_MCC: round(p.metrics.ilMcc),
      ...(p.metrics.ilMccUndefined ? { IL_MCC_note: ilMccExplanation(p.metrics.ilMccUndefined) } : {}),
      AP: round(p.ap),
    })),
  };
  return full ? { ...base, perImage: r.perImage, pr: r.pr } : { ...base, worstImages: r.perImage.slice(0, 10) };
}

export const EVAL_USAGE = `usage: npm run eval -- --gt gt.json --pred pred.json [--full] [--all-images]

Prints SAM 3's image metrics (cgF1, pmF1, IL_MCC, …) and COCO mask AP/AR as JSON.
  --gt FILE     ground truth: a COCO instances file
  --pred FILE   predictions: a COCO results list in the ground truth's ids, or a COCO dataset
                (such as npm run label's coco.json) matched by file and category names
  --full        every image and the precision–recall curves (default: the ten worst images)
  --all-images  score every ground-truth image (default: the images the predictions cover, as the app does)
  -h, --help    this text
`;

export function main(argv: string[]): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        gt: { type: 'string' },
        pred: { type: 'string' },
        full: { type: 'boolean', default: false },
        'all-images': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    // node:util's message ("Unknown option '--x'. To specify a positional argument …") without its advice.
    process.stderr.write(`${(err as Error).message.replace(/\. To specify a positional.*$/s, '.')}\n\n${EVAL_USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(EVAL_USAGE);
    return 0;
  }
  if (!values.gt || !values.pred) {
    process.stderr.write(`missing ${!values.gt ? '--gt' : '--pred'}\n\n${EVAL_USAGE}`);
    return 2;
  }
  let gt, pred;
  try {
    gt = JSON.parse(readFileSync(values.gt, 'utf8'));
    pred = JSON.parse(readFileSync(values.pred, 'utf8'));
  } catch (err) {
    process.stderr.write(`Could not read the JSON files: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  try {
    const report = evaluatePredictions(gt, pred, { images: values['all-images'] ? 'all' : 'predicted' });
    process.stdout.write(JSON.stringify(compactReport(report, values.full), null, 2) + '\n');
    return 0;
  } catch (err) {
    if (err instanceof EvalInputError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main(process.argv.slice(2));
