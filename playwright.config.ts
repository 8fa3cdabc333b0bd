import { defineConfig } from '@playwright/test';
import path from 'node:path';
import { fakeCameraPath } from './tools/video-fixtures/paths.ts';

/** Port of the preview server; E2E_PORT lets several checkouts run their end-to-end tests side by side. */
const PORT = Number(process.env.E2E_PORT ?? 4173);

/** The fake camera's clip, written by e2e/video.setup.ts (outside test-results/, which Playwright empties). */
const FAKE_CAMERA_Y4M = fakeCameraPath();

const chromiumArgs = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-gpu',
  '--enable-unsafe-webgpu',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
];

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  outputDir: path.resolve('test-results'),
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
    viewport: { width: 1280, height: 800 },
    // A click or fill that cannot happen fails within a minute instead of using up the whole test's time.
    actionTimeout: 60_000,
  },
  projects: [
    { name: 'wasm', testIgnore: /(webgpu\.spec|video\.spec|video\.setup)\.ts/ },
    { name: 'webgpu', testMatch: /webgpu\.spec\.ts/ },
    { name: 'video-setup', testMatch: /video\.setup\.ts/ },
    {
      name: 'video',
      testMatch: /video\.spec\.ts/,
      dependencies: ['video-setup'],
      use: {
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [...chromiumArgs, `--use-file-for-fake-video-capture=${FAKE_CAMERA_Y4M}`],
        },
      },
    },
  ],
  webServer: {
    command: `npx vite preview --port ${PORT}`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !process.env.CI,
  },
});
