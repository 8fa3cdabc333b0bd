/**
 * `--shard auto` under the schedulers people run: Slurm job arrays (0- or 1-based, stepped, count only) and
 * Kubernetes Indexed Jobs (index from the pod, count given once); the per-shard output names; refusals that say
 * what to write instead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseShard, shardOf, shardOutPath } from './shard';

test('Slurm arrays: 0-based, 1-based and stepped ranges map to shards 1…n', () => {
  const slurm = (id: number, min: number, max: number, extra: Record<string, string> = {}) => ({
    SLURM_ARRAY_TASK_ID: String(id),
    SLURM_ARRAY_TASK_MIN: String(min),
    SLURM_ARRAY_TASK_MAX: String(max),
    ...extra,
  });
  assert.deepEqual(parseShard('auto', slurm(0, 0, 3)), [1, 4]);
  assert.deepEqual(parseShard('auto', slurm(3, 0, 3, { SLURM_ARRAY_TASK_COUNT: '4' })), [4, 4]);
  assert.deepEqual(parseShard('auto', slurm(2, 1, 4)), [2, 4]);
  assert.deepEqual(parseShard('auto', slurm(8, 0, 12, { SLURM_ARRAY_TASK_STEP: '4' })), [3, 4]);
  assert.deepEqual(parseShard('auto/4', slurm(1, 0, 3)), [2, 4]);
  assert.deepEqual(parseShard('auto', { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '3' }), [3, 3]);
  // One shard submitted again alone (sbatch --array=2): with the count given, the id is the 0-based index.
  assert.deepEqual(parseShard('auto/4', slurm(2, 2, 2, { SLURM_ARRAY_TASK_COUNT: '1' })), [3, 4]);
  assert.throws(() => parseShard('auto/4', slurm(4, 4, 4)), /task 4 is not a shard of 4/);
  assert.throws(
    () => parseShard('auto/4', { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '3' }),
    /auto\/4, but SLURM_ARRAY_TASK_COUNT says there are 3 shards/,
  );
  assert.throws(
    () => parseShard('auto', slurm(5, 1, 9, { SLURM_ARRAY_TASK_COUNT: '3' })),
    /not a plain range; submit it as --array=0-8/,
  );
});

test('Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX with the count given once', () => {
  assert.deepEqual(parseShard('auto/4', { JOB_COMPLETION_INDEX: '0' }), [1, 4]);
  assert.deepEqual(parseShard('auto/4', { JOB_COMPLETION_INDEX: '3' }), [4, 4]);
  assert.throws(() => parseShard('auto', { JOB_COMPLETION_INDEX: '1' }), /--shard auto\/N with N = completions/);
  assert.throws(() => parseShard('auto/4', { JOB_COMPLETION_INDEX: '4' }), /JOB_COMPLETION_INDEX 4 is not below 4/);
});

test('no scheduler: auto is refused with the way out; i/n is checked', () => {
  assert.throws(() => parseShard('auto', {}), /use --shard i\/n to choose a shard by hand/);
  assert.deepEqual(parseShard('auto/1', {}), [1, 1]);
  assert.deepEqual(parseShard('2/4', {}), [2, 4]);
  for (const bad of ['0/4', '5/4', '2-4', 'x']) assert.throws(() => parseShard(bad, {}), /use i\/n with 1 ≤ i ≤ n/);
});

test('each shard writes its own zip and progress file; the shards partition the list', () => {
  assert.equal(shardOutPath('/d/dataset.zip', [2, 4]), '/d/dataset.shard-2-of-4.zip');
  assert.equal(shardOutPath('/d/dataset.zip', [7, 12]), '/d/dataset.shard-07-of-12.zip');
  assert.equal(shardOutPath('/d/out', [1, 2]), '/d/out.shard-1-of-2.zip');
  assert.equal(shardOutPath('/d/dataset.zip', [1, 1]), '/d/dataset.zip');
  const items = Array.from({ length: 11 }, (_, i) => i);
  const parts = [1, 2, 3, 4].map((i) => shardOf(items, [i, 4]));
  assert.deepEqual(
    parts.flat().sort((a, b) => a - b),
    items,
  );
  assert.deepEqual(parts[1], [1, 5, 9]);
});
