/**
 * Evaluation against a COCO ground truth: SAM 3's metrics (cgF1, pmF1, IL_MCC, …) and COCO mask AP, per phrase,
 * a precision–recall plot, and the worst images (a click opens one in review).
 */
import { ilMccExplanation } from '../../workers/eval/cgf1';
import type { EvalReport } from '../../workers/eval/evaluate';
import { cancelDatasetJob, evaluateAgainst } from './datasetActions';
import { selectImage } from './reviewActions';
import { batchStore } from './batchStore';
import { useBatchStore } from './useBatchStore';
import { categoryHue } from './format';

const f = (x: number | null, digits = 3) => (x === null || x < 0 ? '—' : x.toFixed(digits));

function PrPlot({ report }: { report: EvalReport }) {
  const W = 220,
    H = 150,
    P = 24;
  const path = (ys: number[]) =>
    ys
      .map((y, i) => (y < 0 ? null : `${P + report.pr.recall[i] * (W - P - 6)},${H - P - y * (H - P - 6)}`))
      .filter(Boolean)
      .join(' ');
  return (
    <svg
      className="pr-plot"
      width={W}
      height={H}
      role="img"
      aria-label="Precision–recall at IoU 0.5"
      data-testid="pr-plot"
    >
      <line x1={P} y1={H - P} x2={W - 4} y2={H - P} stroke="currentColor" strokeOpacity={0.4} />
      <line x1={P} y1={4} x2={P} y2={H - P} stroke="currentColor" strokeOpacity={0.4} />
      <text x={W / 2} y={H - 6} fontSize={10} textAnchor="middle">
        recall
      </text>
      <text x={8} y={H / 2} fontSize={10} textAnchor="middle" transform={`rotate(-90 8 ${H / 2})`}>
        precision
      </text>
      {report.pr.byPhrase.map((c, k) => (
        <polyline
          key={c.name}
          points={path(c.at50)}
          fill="none"
          stroke={`hsl(${categoryHue(k)} 70% 50%)`}
          strokeWidth={1}
          strokeOpacity={0.7}
        />
      ))}
      <polyline points={path(report.pr.all.at50)} fill="none" stroke="currentColor" strokeWidth={2} />
    </svg>
  );
}

export function EvalPanel() {
  const report = useBatchStore((s) => s.report);
  return (
    <section className="panel batch-panel" data-testid="batch-eval">
      <h2 className="panel__title">Evaluate against ground truth</h2>
      <LoadGroundTruth />
      <p className="panel__note">
        Categories are matched to phrases by name; images by file name. Scores use the current labels (rejections
        applied).
      </p>
      {report && <EvalReportView report={report} />}
    </section>
  );
}

/** Picks the ground-truth file and runs the evaluation (cancellable). */
function LoadGroundTruth() {
  const evaluating = useBatchStore((s) => s.evaluating);
  return (
    <>
      <label className="button button--secondary">
        {evaluating ? 'Evaluating…' : 'Load COCO ground truth…'}
        <input
          type="file"
          hidden
          accept=".json,application/json"
          data-testid="batch-gt-input"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void evaluateAgainst(file);
            e.target.value = '';
          }}
        />
      </label>
      {evaluating && (
        <button
          type="button"
          className="button button--secondary"
          data-testid="batch-eval-cancel"
          onClick={cancelDatasetJob}
        >
          Cancel
        </button>
      )}
    </>
  );
}

function EvalReportView({ report }: { report: EvalReport }) {
  return (
    <div data-testid="batch-report">
      <p className="panel__note" data-testid="eval-image-set">
        {report.imageSet.rule === 'predicted'
          ? `Scored on the ${report.imageSet.scored} of ${report.imageSet.groundTruth} ground-truth images labelled in this folder (as npm run eval scores this folder's export).`
          : `Scored on all ${report.imageSet.groundTruth} ground-truth images.`}
      </p>
      <Metrics report={report} />
      {report.ilMccUndefined && (
        <p className="panel__note" data-testid="cgf1-note">
          cgF1 is 0: {ilMccExplanation(report.ilMccUndefined, 'all')}
        </p>
      )}
      {(report.unmatched.groundTruth.length > 0 || report.unmatched.predictions.length > 0) && (
        <p className="panel__note">
          Not evaluated:{' '}
          {[
            ...report.unmatched.groundTruth.map((n) => `${n} (ground truth only)`),
            ...report.unmatched.predictions.map((n) => `${n} (labels only)`),
          ].join(', ')}
        </p>
      )}
      <PerPhrase report={report} />
      <PrPlot report={report} />
      <WorstImages report={report} />
      <button type="button" className="button button--secondary" onClick={() => batchStore.setState({ report: null })}>
        Clear
      </button>
    </div>
  );
}

/** SAM 3's metrics beside COCO mask AP. */
function Metrics({ report }: { report: EvalReport }) {
  return (
    <table className="metrics">
      <tbody>
        <tr>
          <th title="100 × pmF1 × IL_MCC, mean over IoU 0.50–0.95 (SAM 3)">cgF1</th>
          <td data-testid="metric-cgF1">{f(report.cgF1, 2)}</td>
          <th>AP</th>
          <td data-testid="metric-AP">{f(report.coco.AP)}</td>
        </tr>
        <tr>
          <th>cgF1@0.5</th>
          <td>{f(report['cgF1@0.5'], 2)}</td>
          <th>AP50</th>
          <td>{f(report.coco.AP50)}</td>
        </tr>
        <tr>
          <th>cgF1@0.75</th>
          <td>{f(report['cgF1@0.75'], 2)}</td>
          <th>AP75</th>
          <td>{f(report.coco.AP75)}</td>
        </tr>
        <tr>
          <th title="positive micro F1">pmF1</th>
          <td>{f(report.pmF1)}</td>
          <th title="image-level Matthews correlation">IL_MCC</th>
          <td data-testid="metric-IL_MCC">{f(report.IL_MCC)}</td>
        </tr>
        <tr>
          <th>pos. macro F1</th>
          <td>{f(report.positiveMacroF1)}</td>
          <th>pairs</th>
          <td>
            {report.counts.pairs} ({report.counts.positivePairs}+)
          </td>
        </tr>
      </tbody>
    </table>
  );
}

function PerPhrase({ report }: { report: EvalReport }) {
  // Phrases whose cgF1 is 0 by definition (IL_MCC undefined) are marked, and why is said under the table, once
  // per reason (the overall note covers the case where every phrase shares it).
  const undefinedOnes = report.perPhrase.filter((p) => p.metrics.ilMccUndefined);
  const reasons = [...new Set(undefinedOnes.map((p) => p.metrics.ilMccUndefined!))];
  const sameAsOverall = reasons.length === 1 && report.ilMccUndefined !== null;
  return (
    <>
      <PhraseTable report={report} />
      {!sameAsOverall &&
        reasons.map((reason) => (
          <p key={reason} className="panel__note" data-testid="cgf1-phrase-note">
            *{' '}
            {undefinedOnes
              .filter((p) => p.metrics.ilMccUndefined === reason)
              .map((p) => p.name)
              .join(', ')}
            : cgF1 is 0 — {ilMccExplanation(reason)}
          </p>
        ))}
    </>
  );
}

function PhraseTable({ report }: { report: EvalReport }) {
  return (
    <table className="metrics metrics--phrases">
      <thead>
        <tr>
          <th>phrase</th>
          <th>GT</th>
          <th>cgF1</th>
          <th>IL_MCC</th>
          <th>AP</th>
        </tr>
      </thead>
      <tbody>
        {report.perPhrase.map((p) => (
          <tr key={p.categoryId}>
            <td>{p.name}</td>
            <td>{p.gtInstances}</td>
            <td title={p.metrics.ilMccUndefined ? ilMccExplanation(p.metrics.ilMccUndefined) : undefined}>
              {f(p.metrics.cgF1, 1)}
              {p.metrics.ilMccUndefined ? ' *' : ''}
            </td>
            <td>{f(p.metrics.ilMcc, 2)}</td>
            <td>{f(p.ap, 2)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The ten worst images; a click opens one in review. */
function WorstImages({ report }: { report: EvalReport }) {
  const images = useBatchStore((s) => s.images);
  const open = (name: string) => {
    const base = name.split('/').pop();
    const hit = images.find((i) => i.name === name) ?? images.find((i) => i.name.split('/').pop() === base);
    if (hit) void selectImage(hit.key);
  };
  return (
    <>
      <h3 className="panel__subtitle">Worst images</h3>
      <ol className="worst" data-testid="worst-images">
        {report.perImage.slice(0, 10).map((im) => (
          <li key={im.imageId}>
            <button
              type="button"
              className="link"
              onClick={() => open(im.fileName)}
              title={`TP ${im.tpAt50} · FP ${im.fpAt50} · FN ${im.fnAt50} at IoU 0.5`}
            >
              {im.fileName}
            </button>{' '}
            F1 {im.f1.toFixed(2)}
            {im.missedPhrases.length ? ` · missed ${im.missedPhrases.join(', ')}` : ''}
            {im.falsePhrases.length ? ` · false ${im.falsePhrases.join(', ')}` : ''}
          </li>
        ))}
      </ol>
    </>
  );
}
