/**
 * Writes the fake-camera clip: `npx tsx tools/video-fixtures/make.ts [out.y4m]`
 * (default: the path the Playwright `video` project passes to Chromium, see fakeCameraPath).
 */
import { writeFileSync } from 'node:fs';
import { LIVE_CLIP } from './clips.ts';
import { fakeCameraPath } from './paths.ts';
import { clipToY4m } from './y4m.ts';

const out = process.argv[2] ?? fakeCameraPath();
writeFileSync(out, Buffer.concat(clipToY4m(LIVE_CLIP)));
console.log(
  `wrote ${out} (${LIVE_CLIP.frameCount} frames, ${LIVE_CLIP.width}×${LIVE_CLIP.height} at ${LIVE_CLIP.fps} fps)`,
);
