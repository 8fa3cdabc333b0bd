/**
 * Zoom and pan of the image stage (interaction state, never recorded in the history). Every change goes through
 * coords.ts and is clamped there; null zoom means "fit to view". Pointer mapping stays the one view transform, so
 * every tool keeps working at any zoom.
 */
import { actualSizeAt, clampView, panBy, zoomAt, type ViewTransform } from '../draw/coords';
import { appStore, type AppState } from '../store/appStore';
import { selectImageView } from '../store/selectors';

/** Factor of one zoom step (buttons, + and − keys). */
export const ZOOM_STEP = 1.25;

function setView(next: (view: ViewTransform, s: AppState) => ViewTransform): boolean {
  const s = appStore.getState();
  const image = s.image;
  if (!image?.display || s.stageSize.width === 0 || s.stageSize.height === 0) return false;
  const zoom = clampView(next(selectImageView(s), s), image.displayWidth, image.displayHeight, s.stageSize);
  appStore.setState({ zoom });
  return true;
}

const centre = (s: AppState): [number, number] => [s.stageSize.width / 2, s.stageSize.height / 2];

/** Zooms by `factor` about a canvas point (CSS px; default the stage's centre). */
export function zoomStage(factor: number, at?: [number, number]): boolean {
  return setView((v, s) => zoomAt(v, factor, ...(at ?? centre(s))));
}

export function panStage(dx: number, dy: number): boolean {
  return setView((v) => panBy(v, dx, dy));
}

/** One original image pixel per CSS pixel, about the stage's centre. */
export function actualSizeStage(): boolean {
  return setView((v, s) => actualSizeAt(v, s.image!, s.image!, ...centre(s)));
}

export function fitStage(): boolean {
  if (appStore.getState().zoom === null) return false;
  appStore.setState({ zoom: null });
  return true;
}

/** The canvas measured its size. */
export function setStageSize(width: number, height: number): void {
  const s = appStore.getState().stageSize;
  if (s.width !== width || s.height !== height) appStore.setState({ stageSize: { width, height } });
}
