/** One row per track ID: its colour, concept, and the first and last frame it was seen on. */
import { rgbCss } from '../colors';
import { useAppStore } from '../store/useAppStore';
import { sortedTracks, trackColor } from './videoModel';
import { useVideoStore } from './videoStore';

export function TrackList() {
  const tracks = useVideoStore((s) => s.tracks);
  const latest = useVideoStore((s) => s.latest);
  const concepts = useAppStore((s) => s.concepts);
  const phraseOf = new Map(concepts.map((c) => [c.id, c.phrase]));
  const rows = sortedTracks(tracks);
  const live = new Set(latest?.objects.map((o) => o.id) ?? []);
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
            className="instance-row"
            data-testid="track-row"
            data-track-id={t.id}
            data-first-frame={t.firstFrame}
            data-last-frame={t.lastFrame}
            data-visible={live.has(t.id)}
          >
            <span
              className="instance-row__swatch"
              style={{ background: rgbCss(trackColor(t.conceptIndex, t.id).fill) }}
            />
            <span className="instance-row__id">#{t.id}</span>
            <span className="instance-row__phrase">{phraseOf.get(t.conceptId) ?? t.conceptId}</span>
            <span className="muted">
              frames {t.firstFrame}–{t.lastFrame}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
