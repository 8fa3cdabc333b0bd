/**
 * Optimal bipartite matching (the linear sum assignment problem) on a dense rectangular cost matrix.
 *
 * SAM 3's cgF1 evaluator matches predictions to ground truth with `scipy.optimize.linear_sum_assignment(-ious)`.
 * When several matchings reach the same total IoU, which one is chosen decides how many pairs clear a higher IoU
 * threshold, so the tie-breaking must be scipy's too. scipy solves it with Crouse's shortest augmenting path
 * method (D. F. Crouse, "On implementing 2D rectangular assignment algorithms", IEEE TAES 2016); this is an
 * implementation of that method with the same conventions:
 *  - a matrix with more rows than columns is solved transposed, and the pairs are returned sorted by row;
 *  - each row is added in order; the columns still to scan are kept in a list filled in reverse column order, and
 *    a scanned column is removed by moving the list's last entry into its place;
 *  - among columns at the same shortest distance the first found wins, unless a later one is unassigned (it
 *    ends the augmenting path at once).
 * No JavaScript library implements this with scipy's tie-breaking, hence hand-written (about 100 lines).
 */

export interface Assignment {
  /** Row indices, ascending. */
  rows: number[];
  /** The column assigned to each row in `rows`. */
  cols: number[];
}

/** Minimum-cost (or maximum with `maximize`) assignment of `min(rows, cols)` pairs. `cost[r][c]`, finite. */
export function linearSumAssignment(cost: readonly (readonly number[])[], maximize = false): Assignment {
  const nRows = cost.length;
  const nCols = nRows ? cost[0].length : 0;
  if (nRows === 0 || nCols === 0) return { rows: [], cols: [] };
  const transpose = nCols < nRows;
  const nr = transpose ? nCols : nRows;
  const nc = transpose ? nRows : nCols;
  const c = new Float64Array(nr * nc);
  for (let i = 0; i < nRows; i++) {
    if (cost[i].length !== nCols) throw new RangeError('cost matrix rows differ in length');
    for (let j = 0; j < nCols; j++) {
      const v = maximize ? -cost[i][j] : cost[i][j];
      if (Number.isNaN(v) || v === -Infinity) throw new RangeError('cost matrix has NaN or -inf entries');
      if (transpose) c[j * nc + i] = v;
      else c[i * nc + j] = v;
    }
  }
  const col4row = solve(nr, nc, c);
  if (!transpose) return { rows: [...col4row.keys()], cols: Array.from(col4row) };
  // Transposed: the solved "rows" are the original columns; report pairs sorted by original row.
  const order = [...col4row.keys()].sort((a, b) => col4row[a] - col4row[b]);
  return { rows: order.map((k) => col4row[k]), cols: order };
}

/** Rows ≤ columns. Returns the column assigned to each row. */
function solve(nr: number, nc: number, cost: Float64Array): Int32Array {
  const u = new Float64Array(nr);
  const v = new Float64Array(nc);
  const shortest = new Float64Array(nc);
  const path = new Int32Array(nc).fill(-1);
  const col4row = new Int32Array(nr).fill(-1);
  const row4col = new Int32Array(nc).fill(-1);
  const scannedRow = new Uint8Array(nr);
  const scannedCol = new Uint8Array(nc);
  const remaining = new Int32Array(nc);

  for (let current = 0; current < nr; current++) {
    // Dijkstra-like search for the shortest augmenting path from `current` to a free column.
    scannedRow.fill(0);
    scannedCol.fill(0);
    shortest.fill(Infinity);
    for (let k = 0; k < nc; k++) remaining[k] = nc - 1 - k;
    let left = nc;
    let minVal = 0;
    let i = current;
    let sink = -1;
    while (sink === -1) {
      scannedRow[i] = 1;
      let best = -1;
      let lowest = Infinity;
      for (let k = 0; k < left; k++) {
        const j = remaining[k];
        const reduced = minVal + cost[i * nc + j] - u[i] - v[j];
        if (reduced < shortest[j]) {
          path[j] = i;
          shortest[j] = reduced;
        }
        if (shortest[j] < lowest || (shortest[j] === lowest && row4col[j] === -1)) {
          lowest = shortest[j];
          best = k;
        }
      }
      minVal = lowest;
      if (minVal === Infinity) throw new RangeError('cost matrix is infeasible');
      const j = remaining[best];
      if (row4col[j] === -1) sink = j;
      else i = row4col[j];
      scannedCol[j] = 1;
      remaining[best] = remaining[--left];
    }
    // Update the dual variables.
    u[current] += minVal;
    for (let r = 0; r < nr; r++) {
      if (scannedRow[r] && r !== current) u[r] += minVal - shortest[col4row[r]];
    }
    for (let j = 0; j < nc; j++) if (scannedCol[j]) v[j] -= minVal - shortest[j];
    // Augment along the path.
    let j = sink;
    for (;;) {
      const r = path[j];
      row4col[j] = r;
      const previous = col4row[r];
      col4row[r] = j;
      j = previous;
      if (r === current) break;
    }
  }
  return col4row;
}
