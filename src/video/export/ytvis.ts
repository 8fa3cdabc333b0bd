/**
 * Masklets as YouTube-VIS results, the format TrackEval's `YouTubeVIS` dataset reads for a tracker (and the one
 * SAM 3's pHOTA evaluation feeds it, reference.md §11): a JSON list with one entry per track —
 * `{video_id, category_id, score, segmentations}` where `segmentations[t]` is the track's pycocotools RLE on frame t
 * or null, one slot per frame of the video. The `id`, `category_name`, `bboxes` and `areas` fields are extra (TrackEval
 * ignores them). The ground truth it is scored against must use the same `video_id` and category names. Pure.
 */
import { Categories, cocoRleOf } from '../masklets';
import type { CocoRle, CompactFrame } from '../videoModel';

export interface YtvisTrack {
  video_id: number;
  id: number;
  category_id: number;
  category_name: string;
  /** Mean score over the frames the track is present on. */
  score: number;
  segmentations: (CocoRle | null)[];
  bboxes: ([number, number, number, number] | null)[];
  areas: (number | null)[];
}

export interface YtvisVideoInfo {
  name: string;
  width: number;
  height: number;
  frameCount: number;
}

export function buildYtvisResults(
  video: YtvisVideoInfo,
  frames: Iterable<CompactFrame | undefined>,
  phrases: ReadonlyMap<string, string>,
  labels: Readonly<Record<number, string>> = {},
  videoId = 1,
): YtvisTrack[] {
  const categories = new Categories(phrases, labels);
  const tracks = new Map<number, YtvisTrack & { scoreSum: number; present: number }>();
  const n = video.frameCount;
  const round2 = (v: number) => Math.round(v * 100) / 100;
  for (const f of frames) {
    if (!f || f.frameIndex < 0 || f.frameIndex >= n) continue;
    for (const o of f.objects) {
      let t = tracks.get(o.id);
      if (!t) {
        const category_id = categories.of(o);
        t = {
          video_id: videoId,
          id: o.id,
          category_id,
          category_name: categories.list[category_id - 1].name,
          score: 0,
          segmentations: new Array<CocoRle | null>(n).fill(null),
          bboxes: new Array<[number, number, number, number] | null>(n).fill(null),
          areas: new Array<number | null>(n).fill(null),
          scoreSum: 0,
          present: 0,
        };
        tracks.set(o.id, t);
      }
      const [x1, y1, x2, y2] = o.boxXyxyPx;
      t.segmentations[f.frameIndex] = cocoRleOf(o);
      t.bboxes[f.frameIndex] = [round2(x1), round2(y1), round2(x2 - x1), round2(y2 - y1)];
      t.areas[f.frameIndex] = o.areaPx;
      t.scoreSum += o.score;
      t.present++;
    }
  }
  return [...tracks.values()]
    .sort((a, b) => a.id - b.id)
    .map(({ scoreSum, present, ...t }) => ({ ...t, score: Math.round((scoreSum / Math.max(1, present)) * 1e4) / 1e4 }));
}
