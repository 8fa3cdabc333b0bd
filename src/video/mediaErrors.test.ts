import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeCameraError, describeVideoError, looksLikeVideo, MEDIA_ERR_SRC_NOT_SUPPORTED } from './mediaErrors';

test('camera errors say what happened: permission denied vs no camera', () => {
  assert.match(describeCameraError({ name: 'NotAllowedError' }), /permission was denied/i);
  assert.match(describeCameraError({ name: 'NotFoundError' }), /no camera found/i);
  assert.match(describeCameraError({ name: 'OverconstrainedError' }), /no camera found/i);
  assert.match(describeCameraError({ name: 'NotReadableError' }), /in use/i);
});

test('an unsupported codec names the file and what would work', () => {
  const m = describeVideoError(MEDIA_ERR_SRC_NOT_SUPPORTED, 'clip.mkv');
  assert.match(m, /clip\.mkv/);
  assert.match(m, /MP4.*WebM/);
  assert.equal(looksLikeVideo({ name: 'a.webm', type: '' }), true);
  assert.equal(looksLikeVideo({ name: 'a.png', type: 'image/png' }), false);
});
