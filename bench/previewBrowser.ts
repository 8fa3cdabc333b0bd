/**
 * For benchmarks in the browser: serves the production build with `vite preview` on E2E_PORT and opens Debian
 * Chromium (CHROMIUM_PATH), hands a page to `run`, and stops both afterwards. Needs a build (`npx vite build`).
 */
import { spawn } from 'node:child_process';
import { chromium, type Page } from '@playwright/test';

export async function withPreviewPage<T>(port: number, run: (page: Page, baseUrl: string) => Promise<T>): Promise<T> {
  const base = `http://127.0.0.1:${port}`;
  // Its own process group, so the server (npx → node) is stopped as a whole at the end.
  const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], {
    stdio: 'ignore',
    detached: true,
  });
  try {
    for (let i = 0; i < 60; i++) {
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
      return await run(await browser.newPage({ viewport: { width: 1280, height: 800 } }), base);
    } finally {
      await browser.close();
    }
  } finally {
    if (server.pid) process.kill(-server.pid);
  }
}
