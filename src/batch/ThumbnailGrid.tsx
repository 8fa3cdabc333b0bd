/**
 * The folder as a grid of thumbnails with each image's status and instance count. Only the rows in view are in the
 * DOM (a folder of thousands stays light). Thumbnails (JPEGs the worker made) come from IndexedDB and are decoded
 * off the main thread (`createImageBitmap`), a few hundred kept at most, and drawn into each tile's small canvas —
 * an object URL per thumbnail cost the main thread a synchronous registration each (up to 100 ms measured).
 */
import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { loadThumb } from './batchDb';
import type { ImageSummary } from './batchStore';
import { selectImage } from './reviewActions';
import { useBatchStore } from './useBatchStore';

const TILE = 112;
const GAP = 8;
const MAX_THUMBS = 300;
const thumbs = new Map<string, Promise<ImageBitmap | null>>();

function thumbBitmap(key: string, version: number): Promise<ImageBitmap | null> {
  const id = `${key}@${version}`;
  let hit = thumbs.get(id);
  if (hit) return hit;
  hit = loadThumb(key).then((blob) => (blob ? createImageBitmap(blob).catch(() => null) : null));
  thumbs.set(id, hit);
  while (thumbs.size > MAX_THUMBS) {
    const [oldest, bitmap] = thumbs.entries().next().value!;
    thumbs.delete(oldest);
    void bitmap.then((b) => b?.close());
  }
  return hit;
}

function Thumbnail({ image }: { image: ImageSummary }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [shown, setShown] = useState(false);
  useEffect(() => {
    let live = true;
    void thumbBitmap(image.key, image.thumbVersion).then((bitmap) => {
      const c = ref.current;
      if (!live || !c || !bitmap || bitmap.width === 0) return;
      c.width = bitmap.width;
      c.height = bitmap.height;
      c.getContext('2d')?.drawImage(bitmap, 0, 0);
      setShown(true);
    });
    return () => {
      live = false;
    };
  }, [image.key, image.thumbVersion]);
  return (
    <>
      <canvas ref={ref} className="batch-tile__thumb" data-testid="batch-thumb" data-shown={shown} />
      {!shown && <span className="batch-tile__name">{image.name}</span>}
    </>
  );
}

const Tile = memo(function Tile({ image, selected }: { image: ImageSummary; selected: boolean }) {
  const status = image.status === 'done' ? (image.accepted ? 'accepted' : 'labelled') : image.status;
  return (
    <button
      type="button"
      className={`batch-tile batch-tile--${status}${selected ? ' batch-tile--selected' : ''}`}
      data-testid="batch-tile"
      data-status={status}
      data-count={image.status === 'done' ? image.count : ''}
      title={`${image.name} — ${status}${image.error ? `: ${image.error}` : ''}`}
      onClick={() => void selectImage(image.key)}
    >
      {image.status === 'done' ? <Thumbnail image={image} /> : <span className="batch-tile__name">{image.name}</span>}
      <span className="batch-tile__status">
        {status === 'accepted' ? '✓' : status === 'failed' ? '!' : status === 'pending' ? '…' : ''}
      </span>
      {image.status === 'done' && <span className="batch-tile__count">{image.count}</span>}
    </button>
  );
});

export function ThumbnailGrid() {
  const images = useBatchStore((s) => s.images);
  const currentKey = useBatchStore((s) => s.currentKey);
  const ref = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 600, width: 300 });
  useLayoutEffect(() => {
    const el = ref.current!;
    const update = () => setView({ top: el.scrollTop, height: el.clientHeight, width: el.clientWidth });
    update();
    const ro = new ResizeObserver(update);
    ro.observe(el);
    el.addEventListener('scroll', update, { passive: true });
    return () => {
      ro.disconnect();
      el.removeEventListener('scroll', update);
    };
  }, []);
  // Keep the current image in view when stepping with the keyboard.
  const cols = Math.max(1, Math.floor((view.width - GAP) / (TILE + GAP)));
  const at = images.findIndex((i) => i.key === currentKey);
  // From the scroll state kept above, not the element: reading its layout right after a change forced a layout.
  useEffect(() => {
    const el = ref.current;
    if (!el || at < 0) return;
    const y = Math.floor(at / cols) * (TILE + GAP);
    if (y < view.top || y + TILE > view.top + view.height) el.scrollTop = y - GAP;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only a new current image moves the grid
  }, [at, cols]);
  const rows = Math.ceil(images.length / cols);
  const first = Math.max(0, Math.floor(view.top / (TILE + GAP)) - 1);
  const last = Math.min(rows, Math.ceil((view.top + view.height) / (TILE + GAP)) + 1);
  const visible = images.slice(first * cols, last * cols);
  const counts = {
    done: images.filter((i) => i.status === 'done').length,
    accepted: images.filter((i) => i.accepted).length,
    failed: images.filter((i) => i.status === 'failed').length,
  };
  return (
    <div className="batch-grid-panel">
      <div className="batch-grid__summary" data-testid="batch-summary">
        {images.length} images · {counts.done} labelled · {counts.accepted} accepted
        {counts.failed ? ` · ${counts.failed} failed` : ''}
      </div>
      <div className="batch-grid" ref={ref} data-testid="batch-grid">
        <div style={{ height: rows * (TILE + GAP) + GAP, position: 'relative' }}>
          {visible.map((image, k) => {
            const i = first * cols + k;
            return (
              <div
                key={image.key}
                style={{
                  position: 'absolute',
                  left: GAP + (i % cols) * (TILE + GAP),
                  top: GAP + Math.floor(i / cols) * (TILE + GAP),
                  width: TILE,
                  height: TILE,
                }}
              >
                <Tile image={image} selected={image.key === currentKey} />
              </div>
            );
          })}
        </div>
        {images.length === 0 && (
          <p className="batch-grid__empty">Drop a folder, images or a .zip here, or use “Open folder…”.</p>
        )}
      </div>
    </div>
  );
}
