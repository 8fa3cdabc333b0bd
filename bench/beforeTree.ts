/**
 * An earlier commit of this repository, checked out into a temp folder (`git archive`, node_modules linked), so a
 * benchmark can run the code before a change beside the code after it, in one run. Built there only when asked.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');

/** The commit before issue 16 (image sessions, one cancel path, pixels in the worker). */
export const DEFAULT_BEFORE = '19cc4fb';

export function beforeTree(ref: string, options: { build?: boolean } = {}): { dir: string; sha: string } {
  const sha = execSync(`git rev-parse --short ${ref}`, { cwd: ROOT }).toString().trim();
  const dir = join(tmpdir(), `sam3-before-${sha}`);
  if (!existsSync(join(dir, 'package.json'))) {
    mkdirSync(dir, { recursive: true });
    execSync(`git archive ${sha} | tar -x -C ${dir}`, { cwd: ROOT, stdio: 'inherit', shell: '/bin/bash' });
  }
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  if (options.build && !existsSync(join(dir, 'dist', 'index.html'))) {
    execSync('npx vite build --logLevel warn', { cwd: dir, stdio: 'inherit' });
  }
  return { dir, sha };
}
