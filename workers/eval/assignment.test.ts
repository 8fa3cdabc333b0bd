/** The assignment solver: optimal totals against brute force, and scipy's answers on ties. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearSumAssignment } from './assignment';

function permutations(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n, k - 1)) for (let j = 0; j < n; j++) if (!p.includes(j)) out.push([...p, j]);
  return out;
}

test('random rectangular matrices: the total equals the brute-force optimum, each row and column used once', () => {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let trial = 0; trial < 200; trial++) {
    const nr = 1 + Math.floor(rand() * 5);
    const nc = 1 + Math.floor(rand() * 5);
    const m = Array.from({ length: nr }, () => Array.from({ length: nc }, () => Math.round(rand() * 10) / 10));
    const { rows, cols } = linearSumAssignment(m, true);
    assert.equal(rows.length, Math.min(nr, nc));
    assert.equal(new Set(cols).size, cols.length);
    const total = rows.reduce((s, r, k) => s + m[r][cols[k]], 0);
    const best =
      nr <= nc
        ? Math.max(...permutations(nc, nr).map((p) => p.reduce((s, c, r) => s + m[r][c], 0)))
        : Math.max(...permutations(nr, nc).map((p) => p.reduce((s, r, c) => s + m[r][c], 0)));
    assert.ok(Math.abs(total - best) < 1e-9, `trial ${trial}: ${total} vs ${best}`);
    assert.deepEqual(
      rows,
      [...rows].sort((a, b) => a - b),
    );
  }
});

test('ties resolve as scipy does: a constant matrix gives the identity; a tall one is solved transposed', () => {
  assert.deepEqual(
    linearSumAssignment([
      [1, 1, 1],
      [1, 1, 1],
      [1, 1, 1],
    ]),
    { rows: [0, 1, 2], cols: [0, 1, 2] },
  );
  // scipy.optimize.linear_sum_assignment(-np.array([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]])) → ([0, 1], [0, 1]).
  assert.deepEqual(
    linearSumAssignment(
      [
        [0.5, 0.5],
        [0.5, 0.5],
        [0.5, 0.5],
      ],
      true,
    ),
    { rows: [0, 1], cols: [0, 1] },
  );
  assert.deepEqual(linearSumAssignment([], true), { rows: [], cols: [] });
});
