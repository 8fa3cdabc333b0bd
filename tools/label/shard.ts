/**
 * Which part of a folder one `npm run label` process labels: `--shard i/n` (1-based), or `--shard auto` /
 * `--shard auto/n`, where the index comes from the scheduler running the process — a Slurm job array
 * (`SLURM_ARRAY_TASK_ID` with `SLURM_ARRAY_TASK_MIN/MAX/STEP` or `SLURM_ARRAY_TASK_COUNT`) or a Kubernetes Indexed
 * Job (`JOB_COMPLETION_INDEX`, 0-based; Kubernetes does not tell a pod the Job's completions, so the count is given
 * once, as `auto/n`). With the count given, a Slurm array that is not the whole split (one shard submitted again,
 * `sbatch --array=2`) is read as 0-based task ids. Shard i takes every n-th image from the i-th of the sorted list, so the shards are disjoint
 * and together are the folder.
 */

export type Shard = [index: number, count: number];

export type ShardEnv = Readonly<Record<string, string | undefined>>;

const int = (v: string | undefined): number | null => (v !== undefined && /^\d+$/.test(v.trim()) ? Number(v) : null);

/** Parses `--shard`; throws an Error whose message says what to write instead. */
export function parseShard(value: string, env: ShardEnv = process.env): Shard {
  const auto = /^auto(?:\/(\d+))?$/.exec(value);
  if (auto) return shardFromScheduler(env, auto[1] !== undefined ? Number(auto[1]) : null);
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const shard: Shard = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  if (!m || shard[1] < 1 || shard[0] < 1 || shard[0] > shard[1]) {
    throw new Error(`--shard ${value}: use i/n with 1 ≤ i ≤ n (e.g. --shard 2/4), or auto under Slurm or Kubernetes`);
  }
  return shard;
}

function shardFromScheduler(env: ShardEnv, given: number | null): Shard {
  if (given !== null && given < 1) throw new Error(`--shard auto/${given}: the count must be at least 1`);
  const agree = (count: number, from: string): Shard['1'] => {
    if (given !== null && given !== count) {
      throw new Error(`--shard auto/${given}, but ${from} says there are ${count} shards; give one count (or none).`);
    }
    return count;
  };
  const slurmId = int(env.SLURM_ARRAY_TASK_ID);
  if (slurmId !== null) {
    const min = int(env.SLURM_ARRAY_TASK_MIN);
    const max = int(env.SLURM_ARRAY_TASK_MAX);
    const step = int(env.SLURM_ARRAY_TASK_STEP) ?? 1;
    const listed = int(env.SLURM_ARRAY_TASK_COUNT);
    if (min === null || max === null || step < 1) {
      if (listed === null) throw new Error('--shard auto: SLURM_ARRAY_TASK_ID is set but not the array’s range.');
      // Only the count: Slurm's arrays start where --array says; 0-based is sbatch's own example (--array=0-15).
      if (slurmId >= listed) throw new Error(`--shard auto: SLURM_ARRAY_TASK_ID ${slurmId} ≥ its count ${listed}.`);
      return [slurmId + 1, agree(listed, 'SLURM_ARRAY_TASK_COUNT')];
    }
    const count = Math.floor((max - min) / step) + 1;
    if (given !== null && count !== given) {
      // A part of the array submitted again (`sbatch --array=2` to re-run one shard): the task id is the shard's
      // 0-based index, as in the array the scripts in tools/cluster/slurm submit (--array=0-(n-1)).
      if (slurmId >= given) {
        throw new Error(
          `--shard auto/${given}: Slurm array task ${slurmId} is not a shard of ${given} (submit shards as --array=0-${given - 1}).`,
        );
      }
      return [slurmId + 1, given];
    }
    if ((slurmId - min) % step !== 0 || slurmId < min || slurmId > max || (listed !== null && listed !== count)) {
      throw new Error(
        `--shard auto: the Slurm array (${min}-${max}${step > 1 ? `:${step}` : ''}, task ${slurmId}) is not a plain ` +
          `range; submit it as --array=0-${count - 1}.`,
      );
    }
    return [(slurmId - min) / step + 1, agree(count, 'the Slurm array')];
  }
  const k8s = int(env.JOB_COMPLETION_INDEX);
  if (k8s !== null) {
    if (given === null) {
      throw new Error(
        '--shard auto: Kubernetes gives each pod its index (JOB_COMPLETION_INDEX) but not the Job’s completions; ' +
          'write the count once, as --shard auto/N with N = completions.',
      );
    }
    if (k8s >= given) throw new Error(`--shard auto/${given}: JOB_COMPLETION_INDEX ${k8s} is not below ${given}.`);
    return [k8s + 1, given];
  }
  if (given === 1) return [1, 1];
  throw new Error(
    '--shard auto: no Slurm array task (SLURM_ARRAY_TASK_ID) or Kubernetes completion index (JOB_COMPLETION_INDEX) ' +
      'in the environment; use --shard i/n to choose a shard by hand.',
  );
}

/** Shard i of n: every n-th item from the i-th. */
export function shardOf<T>(items: readonly T[], [i, n]: Shard): T[] {
  return items.filter((_, k) => k % n === i - 1);
}

/**
 * The zip a shard writes (its progress file is `<zip>.progress.jsonl`): `dataset.zip` → `dataset.shard-2-of-4.zip`,
 * so the tasks of one array, given one command line, never write the same files, and a task re-run alone resumes
 * its own shard. One shard (n = 1) keeps the name.
 */
export function shardOutPath(out: string, [i, n]: Shard): string {
  if (n === 1) return out;
  const width = String(n).length;
  const tag = `shard-${String(i).padStart(width, '0')}-of-${n}`;
  return /\.zip$/i.test(out) ? out.replace(/\.zip$/i, `.${tag}.zip`) : `${out}.${tag}.zip`;
}
