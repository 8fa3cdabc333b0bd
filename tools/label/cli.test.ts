/**
 * The command lines as a person (or a scheduler) meets them, run as processes: help for `label`, `label merge`
 * and `eval` without a stack trace, unknown options answered with the usage, and `label`'s exit status — 3 when the
 * zip was written but an image failed, so a Slurm or Kubernetes job is not reported as a success.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomScene, renderScene } from '../scenes/scene';
import { encodePng } from '../scenes/png';
import { DEMO_PACK_DIR } from '../../tests/helpers/demoPackEngine';
import { makeTestFolder } from '../cluster/makeTestFolder';

const root = join(import.meta.dirname, '../..');
let dir: string;

function cli(script: 'label' | 'eval', args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', `tools/label/${script}.ts`, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const noStack = (text: string) => assert.doesNotMatch(text, /^\s+at /m, 'no stack trace');

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sam3-cli-'));
  mkdirSync(join(dir, 'in'));
  for (let i = 0; i < 2; i++) {
    const s = renderScene(randomScene(70 + i, 160, 120, 2, ['red', 'blue'], { minSize: 24, maxSize: 40, gap: 8 }));
    writeFileSync(join(dir, 'in', `ok${i}.png`), encodePng(s.width, s.height, s.data));
  }
  writeFileSync(join(dir, 'in', 'truncated.png'), new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 0, 0]));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('label --help and -h print the usage and exit 0; an unknown option gets the usage and exit 2', () => {
  for (const flag of ['--help', '-h']) {
    const r = cli('label', [flag]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /usage: npm run label -- --pack DIR --images DIR/);
    assert.match(r.stdout, /--shard auto/);
    assert.match(r.stdout, /exit status: 0 done/);
  }
  const bad = cli('label', ['--bogus']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Unknown option '--bogus'/);
  assert.match(bad.stderr, /usage: npm run label/);
  noStack(bad.stderr);
  const merge = cli('label', ['merge', '--help']);
  assert.equal(merge.code, 0);
  assert.match(merge.stdout, /usage: npm run label -- merge OUT\.zip \[SHARD\.zip…\]/);
});

test('eval --help prints the usage without a stack trace; a bad option exits 2', () => {
  const r = cli('eval', ['--help']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /usage: npm run eval -- --gt gt\.json --pred pred\.json/);
  noStack(r.stdout + r.stderr);
  const bad = cli('eval', ['--gt']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /usage: npm run eval/);
  noStack(bad.stderr);
});

test('label exits 3 when the zip is written but an image failed, and names the device it ran on', () => {
  const out = join(dir, 'out.zip');
  const r = cli('label', [
    '--pack',
    DEMO_PACK_DIR,
    '--images',
    join(dir, 'in'),
    '--phrases',
    'red, blue',
    '--out',
    out,
    '--device',
    'cpu',
  ]);
  assert.equal(r.code, 3, r.stderr);
  assert.ok(existsSync(out));
  const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
  assert.deepEqual([summary.labelled, summary.failed, summary.device], [2, 1, 'cpu']);
  assert.match(r.stderr, /Device: cpu — onnxruntime-node CPU execution provider/);
  assert.match(r.stderr, /truncated\.png.*not a readable PNG/);
  assert.match(r.stderr, /1 failed \(see .*out\.zip\.progress\.jsonl\)/);
});

test('SIGTERM (scancel, a pod evicted) stops after the current image with exit 143; the same command resumes', async () => {
  const images = join(dir, 'many');
  makeTestFolder(images, 12);
  const out = join(dir, 'term.zip');
  const argv = ['--import', 'tsx', 'tools/label/label.ts', '--pack', DEMO_PACK_DIR, '--images', images];
  argv.push('--phrases', 'red', '--out', out, '--device', 'cpu', '--no-images');
  const child = spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const progress = `${out}.progress.jsonl`;
  const labelled = () => (existsSync(progress) ? readFileSync(progress, 'utf8').trim().split('\n').length - 1 : 0);
  while (labelled() < 1) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  assert.equal(code, 143, stderr);
  assert.match(stderr, /SIGTERM: stopping after the current image/);
  assert.ok(!existsSync(out), 'no zip from a stopped run');
  const done = labelled();
  assert.ok(done >= 1 && done < 12, `${done} images in the progress file`);
  const again = spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8', timeout: 120_000 });
  assert.equal(again.status, 0, again.stderr);
  const summary = JSON.parse(again.stdout.trim().split('\n').at(-1)!);
  assert.deepEqual([summary.skipped, summary.labelled], [done, 12 - done]);
});
