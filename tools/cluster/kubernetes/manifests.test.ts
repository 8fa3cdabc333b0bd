/**
 * The Kubernetes recipe without a cluster: the manifests parsed (yaml) and checked for what the command line relies
 * on — an Indexed Job whose container arguments the CLI's own parser accepts, every completion index mapping to a
 * distinct shard of `completions` (so `--shard auto/N` agrees with the Job), the exit codes of the pod failure
 * policy being the CLI's, one ReadWriteMany volume shared by both Jobs with the output on it, and the merge reading
 * where the shards are written. The container's entry (the Dockerfile's ENTRYPOINT over `npm run build:cli`'s bundle)
 * is built and run as a pod would run it: help, then one shard of a generated folder from JOB_COMPLETION_INDEX.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse } from 'yaml';
import { EXIT, parseLabelArgs } from '../../label/label';
import { makeTestFolder } from '../makeTestFolder';

const here = import.meta.dirname;
const root = join(here, '../../..');
const load = (name: string) => parse(readFileSync(join(here, name), 'utf8'));

interface Container {
  name: string;
  image: string;
  args: string[];
  volumeMounts: { name: string; mountPath: string }[];
}
const podOf = (job: ReturnType<typeof load>) => job.spec.template.spec;
const containerOf = (job: ReturnType<typeof load>): Container => podOf(job).containers[0];
const claimOf = (job: ReturnType<typeof load>, volume: string) =>
  podOf(job).volumes.find((v: { name: string }) => v.name === volume)?.persistentVolumeClaim?.claimName;
const mountedUnder = (c: Container, path: string) =>
  c.volumeMounts.find((m) => path === m.mountPath || path.startsWith(m.mountPath + '/'));

mkdirSync(join(root, '.tmp'), { recursive: true });
const scratch = mkdtempSync(join(root, '.tmp', 'k8s-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('label-job.yaml: an Indexed Job whose every index is a distinct shard of `completions` for the CLI', () => {
  const job = load('label-job.yaml');
  assert.equal(job.apiVersion, 'batch/v1');
  assert.equal(job.kind, 'Job');
  assert.equal(job.spec.completionMode, 'Indexed');
  const { completions, parallelism } = job.spec;
  assert.ok(Number.isInteger(completions) && completions >= 1);
  assert.ok(parallelism >= 1 && parallelism <= completions);
  assert.equal(podOf(job).restartPolicy, 'Never'); // podFailurePolicy requires it
  const c = containerOf(job);
  const shards = Array.from({ length: completions }, (_, k) =>
    parseLabelArgs(c.args, { JOB_COMPLETION_INDEX: String(k) })!,
  );
  assert.deepEqual(
    shards.map((a) => a.shard),
    shards.map((_, k) => [k + 1, completions]),
  );
  assert.equal(new Set(shards.map((a) => a.out)).size, completions, 'each pod writes its own zip');
  assert.throws(() => parseLabelArgs(c.args, { JOB_COMPLETION_INDEX: String(completions) }), /not below/);
  // Pack, images and output live on the mounted volume, a claim of data-pvc.yaml's ReadWriteMany volume.
  const a = shards[0];
  for (const path of [a.pack, a.images, a.out]) assert.ok(mountedUnder(c, path), `${path} is on a mounted volume`);
  const pvc = load('data-pvc.yaml');
  assert.equal(pvc.kind, 'PersistentVolumeClaim');
  assert.deepEqual(pvc.spec.accessModes, ['ReadWriteMany']);
  assert.equal(claimOf(job, mountedUnder(c, a.out)!.name), pvc.metadata.name);
  // The failure policy speaks the CLI's exit codes.
  const rules = job.spec.podFailurePolicy.rules as {
    action: string;
    onExitCodes?: { containerName: string; values: number[] };
  }[];
  const actionFor = (code: number) => rules.find((r) => r.onExitCodes?.values.includes(code))?.action;
  assert.equal(actionFor(EXIT.usage), 'FailJob');
  assert.equal(actionFor(EXIT.imagesFailed), 'FailIndex');
  assert.equal(actionFor(EXIT.terminated), undefined, 'a pod stopped by SIGTERM is retried and resumes');
  for (const r of rules) if (r.onExitCodes) assert.equal(r.onExitCodes.containerName, c.name);
  assert.ok(job.spec.backoffLimitPerIndex >= 1, 'FailIndex needs backoffLimitPerIndex');
});

test('merge-job.yaml merges what the labelling pods write, from the same volume and image', () => {
  const label = load('label-job.yaml');
  const merge = load('merge-job.yaml');
  assert.equal(merge.kind, 'Job');
  assert.equal(merge.spec.completionMode ?? 'NonIndexed', 'NonIndexed');
  const [l, m] = [containerOf(label), containerOf(merge)];
  assert.equal(m.image, l.image);
  assert.equal(m.args[0], 'merge');
  const out = l.args[l.args.indexOf('--out') + 1];
  assert.equal(m.args[1], out, 'the merged zip is the name the shards derive theirs from');
  assert.equal(m.args.length, 2, 'the shards are found beside it');
  const mount = mountedUnder(m, out)!;
  assert.equal(claimOf(merge, mount.name), claimOf(label, mountedUnder(l, out)!.name));
  assert.equal(posix.dirname(out).startsWith(mount.mountPath), true);
});

test('the container entry (Dockerfile over npm run build:cli) runs one shard from JOB_COMPLETION_INDEX', () => {
  const dockerfile = readFileSync(join(here, '../Dockerfile'), 'utf8');
  assert.match(dockerfile, /RUN npm run -s build:cli/);
  assert.match(dockerfile, /COPY --from=build \/app \/app/);
  const entry = /^ENTRYPOINT \["node", "\/app\/(\w+\.mjs)"\]$/m.exec(dockerfile)?.[1];
  assert.equal(entry, 'label.mjs');
  // Build the bundle as the image does (into a scratch folder inside the checkout, where onnxruntime-node resolves).
  const script = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts['build:cli'] as string;
  assert.match(script, /--outdir=dist-cli/);
  const out = join(scratch, 'app');
  const build = spawnSync(script.replace('--outdir=dist-cli', `--outdir=${out}`), {
    cwd: root,
    shell: true,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}` },
  });
  assert.equal(build.status, 0, build.stderr);
  const help = spawnSync(process.execPath, [join(out, entry!), '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /--shard auto\[\/n\]/);
  // A pod: index 1 of 2 over a generated folder, through the decoding worker of the bundle.
  const images = join(scratch, 'images');
  mkdirSync(images);
  makeTestFolder(images, 4);
  const pod = spawnSync(
    process.execPath,
    [
      join(out, entry!),
      ...['--pack', join(root, 'public/packs/demo'), '--images', images, '--phrases', 'red, blue'],
      ...['--out', join(scratch, 'dataset.zip'), '--shard', 'auto/2', '--device', 'cpu'],
    ],
    { encoding: 'utf8', env: { ...process.env, JOB_COMPLETION_INDEX: '1' } },
  );
  assert.equal(pod.status, EXIT.done, pod.stderr);
  const summary = JSON.parse(pod.stdout.trim().split('\n').at(-1)!);
  assert.deepEqual([summary.shard, summary.labelled], [[2, 2], 2]);
  assert.equal(summary.zip, join(scratch, 'dataset.shard-2-of-2.zip'));
});
