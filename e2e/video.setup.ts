/**
 * Setup project of the `video` Playwright project: writes the fake-camera clip (y4m) to the fixed path that the
 * project's Chromium launch arguments name (`--use-file-for-fake-video-capture`). Deterministic and idempotent.
 */
import { test as setup } from '@playwright/test';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { LIVE_CLIP } from '../tools/video-fixtures/clips';
import { fakeCameraPath } from '../tools/video-fixtures/paths';
import { clipToY4m } from '../tools/video-fixtures/y4m';

setup('write the fake-camera y4m clip', () => {
  const path = fakeCameraPath();
  const bytes = Buffer.concat(clipToY4m(LIVE_CLIP));
  if (existsSync(path) && readFileSync(path).equals(bytes)) return;
  writeFileSync(path, bytes);
});
