/**
 * The folder as a grid of thumbnails with each image's status and instance count. Only the rows in view are in the
 * DOM (a folder of thousands stays light); thumbnails come from IndexedDB as object URLs, a few hundred at most.
 */
import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { loadThumb } from './batchDb';
import type { ImageSummary } from './batchStore';
import { selectImage } from './reviewActions';
import { useBatchStore } from './useBatchStore';

const TILE = 112;
const GAP = 8;
const urls = new Map<string, string>();

async function thumbUrl(key: string, version: number): Promise<string | null> {
  const id = `${key}@${version}`;
  const hit = urls.get(id);
  if (hit) return hit;
  const blob = await loadThumb(key);
  if (!blob) return null;
  const url = URL.createObjectURL(blob);
  urls.set(id, url);
  if (urls.size > 400) {
    const [oldest, u] = urls.entries().next().value!;
    URL.revokeObjectURL(u);
    urls.delete(oldest);
  }
  return url;
}

const Tile = memo(function Tile({ image, selected }: { image: ImageSummary; selected: boolean }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    if (image.status === 'done') void thumbUrl(image.key, image.thumbVersion).then((u) => live && setUrl(u));
    return () => {
      live = false;
    };
  }, [image.key, image.status, image.thumbVersion]);
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
      {url ? <img src={url} alt="" draggable={false} /> : <span className="batch-tile__name">{image.name}</span>}
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
  useEffect(() => {
    const el = ref.current;
    if (!el || at < 0) return;
    const y = Math.floor(at / cols) * (TILE + GAP);
    if (y < el.scrollTop || y + TILE > el.scrollTop + el.clientHeight) el.scrollTop = y - GAP;
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
