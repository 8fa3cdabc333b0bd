/** Where the fake-camera clip lives: a fixed path, because Chromium's launch arguments are fixed per project. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function fakeCameraPath(): string {
  return join(tmpdir(), 'sam3-web-fake-camera.y4m');
}
