/** Export the overlay (image + masks + labels) at the display image's size as a PNG. */
import { buildOverlayScene } from './overlayScene';
import { renderOverlay } from '../draw/renderOverlay';
import { appStore, pushError } from '../store/appStore';
import { selectCurrentResult } from '../store/selectors';
import { baseName, downloadBlob } from '../actions/download';

export async function exportPng(): Promise<boolean> {
  const s = appStore.getState();
  const image = s.image;
  if (!image?.display) return false;
  const canvas = document.createElement('canvas');
  canvas.width = image.displayWidth;
  canvas.height = image.displayHeight;
  const ctx = canvas.getContext('2d');
  if (!ctx) return false;
  const scene = buildOverlayScene({
    width: image.displayWidth,
    height: image.displayHeight,
    dpr: 1,
    view: { scale: 1, offsetX: 0, offsetY: 0 },
    image,
    result: selectCurrentResult(s),
    hoveredId: null,
  });
  renderOverlay(ctx, scene);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) {
    pushError('ui', 'The browser could not encode the PNG.', 'Exporting PNG');
    return false;
  }
  downloadBlob(blob, `${baseName(image.name)}-sam3.png`);
  return true;
}
