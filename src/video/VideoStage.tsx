/**
 * The video stage: hosts the session's <video> element (under the canvas) and one canvas that redraws the current
 * camera/file frame plus the shown frame's masks on every animation frame, so the preview stays smooth whatever
 * rate results arrive at. Drop a video file here in file mode.
 */
import { useLayoutEffect, useMemo, useRef, useState, type DragEvent, type RefObject } from 'react';
import { fitView, IDENTITY_VIEW } from '../draw/coords';
import { renderOverlay } from '../draw/renderOverlay';
import { useAppStore } from '../store/useAppStore';
import { openFirstVideoFile } from './fileActions';
import { useVideoPointer } from './useVideoPointer';
import { buildVideoScene, frameMasks } from './videoOverlay';
import { requestMaskBitmaps } from '../actions/maskPixels';
import { onMaskBitmaps } from '../draw/maskSources';
import { appStore } from '../store/appStore';
import { VideoPromptLayer } from './VideoPromptLayer';
import { trackLabel } from './exportActions';
import { stagePicture, type StagePicture } from './picture';
import { videoElement } from './videoSession';
import { selectCanPrompt, selectShownFrame, useVideoStore, videoStore, type VideoState } from './videoStore';

/** Frames played next: their masks are asked of the worker's painter ahead, so playback never waits for them. */
const PAINT_AHEAD = 6;

function upcomingMasks(s: VideoState) {
  if (s.mode !== 'video' || !s.playback.playing) return [];
  const out = [];
  for (let i = 1; i <= PAINT_AHEAD; i++) out.push(...frameMasks(s.frames.get(s.playback.frameIndex + i)));
  return out;
}

export function VideoStage() {
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const mediaHostRef = useRef<HTMLDivElement>(null);
  const [dragging, setDragging] = useState(false);
  const mode = useVideoStore((s) => s.mode);
  const canPrompt = useVideoStore(selectCanPrompt);
  const tool = useAppStore((s) => s.tool);
  const size = useStageSize(wrapRef);
  const view = useMemo(
    () =>
      size.mediaWidth > 0 && size.mediaHeight > 0
        ? fitView(size.mediaWidth, size.mediaHeight, size.width, size.height)
        : { ...IDENTITY_VIEW },
    [size],
  );
  const pointer = useVideoPointer(view);
  useDrawLoop(wrapRef, canvasRef, mediaHostRef);

  const onDragOver = (e: DragEvent) => {
    if (mode !== 'video') return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };
  const onDrop = (e: DragEvent) => {
    if (mode !== 'video') return;
    e.preventDefault();
    setDragging(false);
    openFirstVideoFile(e.dataTransfer.files);
  };

  return (
    <section
      className={`stage video-stage${dragging ? ' stage--dragging' : ''}`}
      data-testid="video-stage"
      aria-label={mode === 'webcam' ? 'Webcam preview with masks' : 'Video stage: drop a video file here'}
      onDragEnter={onDragOver}
      onDragOver={onDragOver}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <div ref={wrapRef} className="overlay-wrap video-stage__wrap" onContextMenu={pointer.onContextMenu}>
        <div ref={mediaHostRef} className="video-stage__media-host" aria-hidden="true" />
        <canvas
          ref={canvasRef}
          data-testid="video-canvas"
          data-tool={tool}
          data-can-prompt={canPrompt}
          data-media-width={size.mediaWidth}
          data-media-height={size.mediaHeight}
          className={`overlay-canvas video-stage__canvas${canPrompt ? ` overlay-canvas--${tool}` : ''}`}
          {...pointer}
        />
        {size.mediaWidth > 0 && <VideoPromptLayer view={view} />}
      </div>
      {dragging && <div className="stage__drop-hint">Drop to open</div>}
    </section>
  );
}

interface StageSize {
  width: number;
  height: number;
  mediaWidth: number;
  mediaHeight: number;
}

/** The stage's size and the picture's, for the prompt layer and pointer mapping (the draw loop measures its own). */
function useStageSize(wrapRef: RefObject<HTMLDivElement | null>): StageSize {
  const [size, setSize] = useState<StageSize>({ width: 0, height: 0, mediaWidth: 0, mediaHeight: 0 });
  useLayoutEffect(() => {
    const wrap = wrapRef.current;
    if (!wrap) return;
    const media = videoElement();
    const measure = () => {
      const r = wrap.getBoundingClientRect();
      const picture = stagePicture();
      const next = {
        width: Math.floor(r.width),
        height: Math.floor(r.height),
        mediaWidth: picture?.width ?? 0,
        mediaHeight: picture?.height ?? 0,
      };
      setSize((prev) =>
        prev.width === next.width &&
        prev.height === next.height &&
        prev.mediaWidth === next.mediaWidth &&
        prev.mediaHeight === next.mediaHeight
          ? prev
          : next,
      );
    };
    measure();
    // A decoded picture (WebCodecs) changes size without element events: check when frames change.
    const unsubscribe = videoStore.subscribe((s, prev) => {
      if (s.frameVersion !== prev.frameVersion || s.meta !== prev.meta) measure();
    });
    const ro = new ResizeObserver(measure);
    ro.observe(wrap);
    media.addEventListener('loadedmetadata', measure);
    media.addEventListener('resize', measure);
    return () => {
      unsubscribe();
      ro.disconnect();
      media.removeEventListener('loadedmetadata', measure);
      media.removeEventListener('resize', measure);
    };
  }, [wrapRef]);
  return size;
}

/**
 * Mounts the shared media element and draws the picture with the shown frame's masks — on an animation frame where
 * something shown changed (a new picture or result, the size, arrived mask bitmaps), or every frame while the
 * picture is the live <video> element. Sizes come from a ResizeObserver, so drawing never forces a layout.
 */
function useDrawLoop(
  wrapRef: RefObject<HTMLDivElement | null>,
  canvasRef: RefObject<HTMLCanvasElement | null>,
  mediaHostRef: RefObject<HTMLDivElement | null>,
): void {
  useLayoutEffect(() => {
    const host = mediaHostRef.current;
    const wrap = wrapRef.current;
    const canvas = canvasRef.current;
    if (!host || !wrap || !canvas) return;
    const media = videoElement();
    host.append(media);
    let size = { width: 0, height: 0 };
    const ro = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1].contentRect;
      size = { width: Math.floor(box.width), height: Math.floor(box.height) };
    });
    ro.observe(wrap);
    let arrived = 0;
    const stopListening = onMaskBitmaps(() => arrived++);
    let last: unknown[] = [];
    let frame = 0;
    const draw = () => {
      frame = requestAnimationFrame(draw);
      const s = videoStore.getState();
      const picture = stagePicture();
      const key = [
        size.width,
        size.height,
        window.devicePixelRatio,
        picture?.source,
        s.frameVersion,
        s.tracks,
        s.mode,
        s.status,
        appStore.getState().concepts,
        arrived,
      ];
      const live = picture?.source instanceof HTMLVideoElement;
      if (!live && key.length === last.length && key.every((v, i) => v === last[i])) return;
      last = key;
      drawStage(canvas, size, s, picture);
    };
    frame = requestAnimationFrame(draw);
    return () => {
      cancelAnimationFrame(frame);
      ro.disconnect();
      stopListening();
      media.remove();
    };
  }, [wrapRef, canvasRef, mediaHostRef]);
}

function drawStage(
  canvas: HTMLCanvasElement,
  { width, height }: { width: number; height: number },
  s: VideoState,
  picture: StagePicture | null,
): void {
  if (width === 0 || height === 0) return;
  const dpr = window.devicePixelRatio || 1;
  const bw = Math.round(width * dpr);
  const bh = Math.round(height * dpr);
  if (canvas.width !== bw) canvas.width = bw;
  if (canvas.height !== bh) canvas.height = bh;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const placeholder =
    s.mode === 'webcam'
      ? s.status === 'opening'
        ? 'Starting the camera…'
        : 'No camera picture'
      : 'Drop or pick a video (MP4, MOV, WebM, MKV)';
  const { scene, missing } = buildVideoScene({
    width,
    height,
    dpr,
    picture,
    frame: selectShownFrame(s),
    tracks: s.tracks,
    labelOf: trackLabel,
    placeholder,
  });
  renderOverlay(ctx, scene);
  requestMaskBitmaps([...missing, ...upcomingMasks(s)]);
}
