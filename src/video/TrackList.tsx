/**
 * One row per track ID: its colour, concept (renamable), first and last frame, and — for a file — a timeline strip of
 * where the ID is present; a click on the strip jumps there. "Delete from here" removes the track from the shown
 * frame on. A track the tracker removed says why.
 */
import { useState } from 'react';
import { rgbCss } from '../colors';
import { scrubTo } from './fileActions';
import { deleteTrackFrom, renameTrack, trackLabel } from './exportActions';
import { sortedTracks, trackColor, type TrackInfo } from './videoModel';
import { useVideoStore } from './videoStore';

const REASONS = {
  unconfirmed: 'removed: not confirmed',
  duplicate: 'removed: duplicate',
  'negative-box': 'removed by a negative box',
};

export function TrackList() {
  const tracks = useVideoStore((s) => s.tracks);
  const latest = useVideoStore((s) => s.latest);
  const labels = useVideoStore((s) => s.trackLabels);
  const mode = useVideoStore((s) => s.mode);
  const frameCount = useVideoStore((s) => s.meta?.frameCount ?? 0);
  const processed = useVideoStore((s) => s.status === 'ready' || s.status === 'cancelled');
  const shownFrame = useVideoStore((s) => s.playback.frameIndex);
  const rows = sortedTracks(tracks);
  const live = new Set(latest?.objects.map((o) => o.id) ?? []);
  void labels; // re-render on renames (trackLabel reads the store)
  return (
    <section className="panel instance-panel" aria-label="Tracks">
      <h2 className="panel__title">
        Tracks <span className="panel__count">{rows.length}</span>
      </h2>
      {rows.length === 0 && <p className="muted">Type a phrase; every matching object gets an ID that it keeps.</p>}
      <ul className="instance-list" data-testid="track-list">
        {rows.map((t) => (
          <li
            key={t.id}
            className="instance-row track-row"
            data-testid="track-row"
            data-track-id={t.id}
            data-first-frame={t.firstFrame}
            data-last-frame={t.lastFrame}
            data-visible={live.has(t.id)}
            data-removed={t.removed?.reason ?? ''}
          >
            <span
              className="instance-row__swatch"
              style={{ background: rgbCss(trackColor(t.conceptIndex, t.id).fill) }}
            />
            <span className="instance-row__id">#{t.id}</span>
            <TrackName track={t} />
            <span className="muted" data-testid="track-frames">
              {/* 1-based, as the frame counter, the scrubber and every message say. */}
              frames {t.firstFrame + 1}–{t.lastFrame + 1}
              {t.removed ? ` · ${REASONS[t.removed.reason]}` : ''}
            </span>
            {mode === 'video' && frameCount > 0 && <Timeline track={t} frameCount={frameCount} />}
            {mode === 'video' && processed && (
              <button
                type="button"
                className="button button--small button--secondary"
                data-testid="track-delete-from"
                title={`Delete #${t.id} from frame ${shownFrame + 1} on`}
                onClick={() => deleteTrackFrom(t.id, shownFrame)}
              >
                Delete from frame {shownFrame + 1}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function TrackName({ track }: { track: TrackInfo }) {
  const [editing, setEditing] = useState(false);
  const label = trackLabel({ id: track.id, conceptId: track.conceptId });
  if (editing)
    return (
      <input
        className="track-row__rename"
        data-testid="track-rename-input"
        defaultValue={label}
        autoFocus
        aria-label={`New concept for #${track.id}`}
        onBlur={(e) => {
          renameTrack(track.id, e.currentTarget.value);
          setEditing(false);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.currentTarget.blur();
          if (e.key === 'Escape') setEditing(false);
        }}
      />
    );
  return (
    <button
      type="button"
      className="instance-row__phrase track-row__name"
      data-testid="track-rename"
      title="Rename this track's concept (shown and exported)"
      onClick={() => setEditing(true)}
    >
      {label}
    </button>
  );
}

/** Where the ID is present over the whole file; a click jumps to that frame. */
function Timeline({ track, frameCount }: { track: TrackInfo; frameCount: number }) {
  const color = rgbCss(trackColor(track.conceptIndex, track.id).fill);
  const pct = (f: number) => `${(f / frameCount) * 100}%`;
  return (
    <div
      className="track-timeline"
      data-testid="track-timeline"
      data-spans={track.spans.map(([a, b]) => `${a}-${b}`).join(',')}
      role="slider"
      aria-label={`Timeline of #${track.id}: click to jump`}
      aria-valuemin={1}
      aria-valuemax={frameCount}
      aria-valuenow={track.firstFrame + 1}
      tabIndex={0}
      onClick={(e) => {
        const r = e.currentTarget.getBoundingClientRect();
        const f = Math.floor(((e.clientX - r.left) / r.width) * frameCount);
        void scrubTo(Math.max(0, Math.min(frameCount - 1, f)));
      }}
    >
      {track.spans.map(([a, b]) => (
        <span
          key={a}
          className="track-timeline__span"
          style={{ left: pct(a), width: pct(b - a + 1), background: color }}
        />
      ))}
    </div>
  );
}
