/**
 * A worker thread of `npm run label`'s read-ahead (decodeAhead.ts): reads one image file and decodes it to RGBA
 * (decodeImageFile: PNG, JPEG, EXIF orientation), so the engine's thread never waits for a JavaScript inflate or a
 * JPEG decode. The pixels are transferred, not copied.
 */
import { parentPort } from 'node:worker_threads';
import { decodeImageFile, readImageFile } from './decodeImageFile';

export interface DecodeTask {
  id: number;
  path: string;
  name: string;
}

export type DecodeReply =
  { id: number; width: number; height: number; data: Uint8Array; ms: number } | { id: number; error: string };

parentPort?.on('message', async ({ id, path, name }: DecodeTask) => {
  const t0 = performance.now();
  let reply: DecodeReply;
  try {
    const image = await decodeImageFile(await readImageFile(path, name), name);
    const view = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
    // A view into a larger (or pooled) buffer is copied out: only a whole ArrayBuffer can be transferred.
    const data = view.byteOffset === 0 && view.byteLength === view.buffer.byteLength ? view : view.slice();
    reply = { id, width: image.width, height: image.height, data, ms: performance.now() - t0 };
    parentPort!.postMessage(reply, [data.buffer as ArrayBuffer]);
    return;
  } catch (err) {
    reply = { id, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort!.postMessage(reply);
});
