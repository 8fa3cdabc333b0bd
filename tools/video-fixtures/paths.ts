/** Where the fake-camera clip lives: a fixed path, because Chromium's launch arguments are fixed per project
 * (one per preview port, so checkouts testing side by side do not share it). */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function fakeCameraPath(): string {
  return join(tmpdir(), `sam3-web-fake-camera-${process.env.E2E_PORT ?? 4173}.y4m`);
}
