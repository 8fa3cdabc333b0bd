/**
 * For benchmarks in the browser: serves the production build with `vite preview` on E2E_PORT and opens Debian
 * Chromium (CHROMIUM_PATH), hands a page to `run`, and stops both afterwards. Needs a build (`npx vite build`).
 */
import { spawn } from 'node:child_process';
import { chromium, type Page } from '@playwright/test';

/** Another checkout's build (bench:stalls serves an earlier commit's): its folder and build folder. */
export interface PreviewBuild {
  dir: string;
  outDir: string;
}

export async function withPreviewPage<T>(
  port: number,
  run: (page: Page, baseUrl: string) => Promise<T>,
  build?: PreviewBuild,
): Promise<T> {
  const base = `http://127.0.0.1:${port}`;
  const outDir = build ? ['--outDir', build.outDir] : [];
  // Its own process group, so the server (npx → node) is stopped as a whole at the end.
  const server = spawn('npx', ['vite', 'preview', ...outDir, '--port', String(port), '--strictPort'], {
    cwd: build?.dir,
    stdio: 'ignore',
    detached: true,
  });
  try {
    for (let i = 0; i < 120; i++) {
      try {
        if ((await fetch(base)).ok) break;
      } catch {
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--enable-unsafe-webgpu'],
    });
    try {
      return await run(await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true }), base);
    } finally {
      await browser.close();
    }
  } finally {
    if (server.pid) process.kill(-server.pid);
  }
}
