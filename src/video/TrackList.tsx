/**
 * One row per track ID: its colour, concept (renamable), first and last frame, and — for a file — a timeline strip of
 * where the ID is present (an edit marks the frame it is re-running); a click on the strip jumps there. "Delete from here" removes the track from the shown
 * frame on (undoable); "Remove frames" takes it off a range of frames and "Merge into" gives its frames another ID (both
 * undoable with Undo in the file bar). A track the tracker removed says why.
 */
import { useState } from 'react';
import { rgbCss } from '../colors';
import { scrubTo } from './fileActions';
import { renameTrack, trackLabel } from './exportActions';
import { mergeTrackInto, removeTrackOnFrames } from './trackEdits';
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
  const edit = useVideoStore((s) => s.edit);
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
            data-editing={edit?.objectIds.includes(t.id) ?? false}
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
            {mode === 'video' && frameCount > 0 && (
              <Timeline
                track={t}
                frameCount={frameCount}
                rerunning={edit?.objectIds.includes(t.id) ? edit.current : null}
              />
            )}
            {mode === 'video' && processed && <TrackTools track={t} tracks={rows} shownFrame={shownFrame} />}
            {mode === 'video' && processed && (
              <button
                type="button"
                className="button button--small button--secondary"
                data-testid="track-delete-from"
                title={`Delete #${t.id} from frame ${shownFrame + 1} on`}
                onClick={() => removeTrackOnFrames(t.id, shownFrame, frameCount - 1)}
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
function Timeline({
  track,
  frameCount,
  rerunning,
}: {
  track: TrackInfo;
  frameCount: number;
  /** The frame an edit of this track is re-running now (marked on the strip). */
  rerunning: number | null;
}) {
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
      {rerunning !== null && (
        <span
          className="track-timeline__rerun"
          data-testid="track-rerun-frame"
          data-frame={rerunning}
          title={`Re-running frame ${rerunning + 1}`}
          style={{ left: pct(rerunning), width: pct(1) }}
        />
      )}
    </div>
  );
}

/** Remove a track over a frame range, or merge it into another ID (processed file; each one undo step). */
function TrackTools({
  track,
  tracks,
  shownFrame,
}: {
  track: TrackInfo;
  tracks: readonly TrackInfo[];
  shownFrame: number;
}) {
  const [range, setRange] = useState<[number, number] | null>(null);
  const others = tracks.filter((o) => o.id !== track.id);
  return (
    <>
      {range ? (
        <span className="track-row__range" data-testid="track-remove-form">
          frames
          <input
            type="number"
            className="video-field__number"
            data-testid="track-remove-from"
            aria-label={`First frame to remove #${track.id} from`}
            min={1}
            value={range[0] + 1}
            onChange={(e) => setRange([e.currentTarget.valueAsNumber - 1, range[1]])}
          />
          –
          <input
            type="number"
            className="video-field__number"
            data-testid="track-remove-to"
            aria-label={`Last frame to remove #${track.id} from`}
            min={1}
            value={range[1] + 1}
            onChange={(e) => setRange([range[0], e.currentTarget.valueAsNumber - 1])}
          />
          <button
            type="button"
            className="button button--small button--danger"
            data-testid="track-remove-apply"
            disabled={!Number.isFinite(range[0]) || !Number.isFinite(range[1])}
            onClick={() => {
              removeTrackOnFrames(track.id, range[0], range[1]);
              setRange(null);
            }}
          >
            Remove
          </button>
          <button type="button" className="button button--small button--secondary" onClick={() => setRange(null)}>
            Keep
          </button>
        </span>
      ) : (
        <button
          type="button"
          className="button button--small button--secondary"
          data-testid="track-remove-range"
          title={`Remove #${track.id} from a range of frames`}
          onClick={() => setRange([Math.min(shownFrame, track.lastFrame), Math.min(shownFrame, track.lastFrame)])}
        >
          Remove frames…
        </button>
      )}
      {others.length > 0 && (
        <select
          className="track-row__merge"
          data-testid="track-merge"
          aria-label={`Merge #${track.id} into another track`}
          value=""
          onChange={(e) => {
            const keep = Number(e.currentTarget.value);
            if (keep > 0) mergeTrackInto(track.id, keep);
          }}
        >
          <option value="">Merge into…</option>
          {others.map((o) => (
            <option key={o.id} value={o.id}>
              #{o.id}
            </option>
          ))}
        </select>
      )}
    </>
  );
}
