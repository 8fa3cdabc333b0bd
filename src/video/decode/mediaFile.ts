/**
 * Opens a video file with mediabunny (MP4, MOV, WebM, MKV demuxed in JS; frames decoded by WebCodecs): the video
 * track, its codec, size and rotation, and the frame table from the container's packets (exact timestamps, VFR
 * included). Every failure becomes a `VideoOpenError` with a message a person can act on.
 */
import {
  ALL_FORMATS,
  BlobSource,
  EncodedPacketSink,
  Input,
  UnsupportedInputFormatError,
  VideoSampleSink,
  type InputVideoTrack,
} from 'mediabunny';
import { VideoOpenError } from '../mediaSources';
import { judgeUndecodable, probeFamily, undecodableMessage, type Undecodable } from './decoderConfig';
import { averageFps, buildFrameTable, expectedFrameCount, type FrameTable } from './frameTable';

export interface MediaFile {
  name: string;
  input: Input;
  track: InputVideoTrack;
  /** mediabunny's codec name (`avc`, `hevc`, `vp8`, `vp9`, `av1`, …). */
  codec: string;
  /** Container family (`mp4`, `mov`, `webm`, `mkv`). */
  container: 'mp4' | 'mov' | 'webm' | 'mkv' | 'other';
  /** Display size (after rotation and pixel aspect ratio). */
  width: number;
  height: number;
  rotation: number;
  table: FrameTable;
  fps: number;
  /** Frames the file's metadata promises (more than `table` holds only for a truncated file). */
  expectedFrames: number;
}

/** Whether this browser has WebCodecs video decoding (otherwise file mode steps a <video> element). */
export function hasWebCodecs(): boolean {
  return typeof VideoDecoder !== 'undefined' && typeof VideoFrame !== 'undefined';
}

const READABLE = 'MP4, MOV, WebM or MKV';
const CONTAINERS: Record<string, MediaFile['container']> = {
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'video/x-matroska': 'mkv',
};

export async function openMediaFile(file: File): Promise<MediaFile> {
  if (file.size === 0) throw new VideoOpenError(`“${file.name}” is empty (0 bytes).`);
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  try {
    const format = await input.getFormat();
    const track = await input.getPrimaryVideoTrack();
    if (!track) {
      const tracks = await input.getTracks();
      throw new VideoOpenError(
        tracks.length === 0
          ? `“${file.name}” holds no tracks: it is empty, truncated or damaged.`
          : `“${file.name}” has no video track (only ${tracks.map((t) => t.type).join(', ')}).`,
      );
    }
    const codec = await track.getCodec();
    if (!codec) {
      throw new VideoOpenError(
        `“${file.name}” uses a video codec this app does not know. Re-encode it as H.264 (MP4) or VP9 (WebM).`,
      );
    }
    if (!(await track.canDecode())) {
      // Told apart: a codec the browser lacks, a profile it lacks, or the file's own damaged configuration.
      const config = await track.getDecoderConfig().catch(() => null);
      const family = await probeFamily(codec, await track.getCodedWidth(), await track.getCodedHeight());
      const why = judgeUndecodable(codec, config, family);
      throw new VideoOpenError(undecodableMessage(file.name, codec, codecLabel(codec), why));
    }
    const packets: { timestamp: number; duration: number }[] = [];
    for await (const p of new EncodedPacketSink(track).packets(undefined, undefined, { metadataOnly: true }))
      packets.push({ timestamp: p.timestamp, duration: p.duration });
    if (packets.length === 0) {
      throw new VideoOpenError(`“${file.name}” ends before its first frame: the file is empty, truncated or damaged.`);
    }
    const table = buildFrameTable(packets);
    await decodeFirstFrame(file.name, codec, track, table.timestampsS[0]);
    const fps = averageFps(table);
    const n = table.timestampsS.length;
    const lastEnd = table.timestampsS[n - 1] + table.durationsS[n - 1];
    const metadataDuration = await input.getDurationFromMetadata().catch(() => null);
    const mime = format.mimeType;
    return {
      name: file.name,
      input,
      track,
      codec,
      container: CONTAINERS[mime] ?? 'other',
      width: await track.getDisplayWidth(),
      height: await track.getDisplayHeight(),
      rotation: await track.getRotation(),
      table,
      fps,
      expectedFrames: expectedFrameCount(n, lastEnd, metadataDuration, fps),
    };
  } catch (err) {
    input.dispose();
    if (err instanceof VideoOpenError) throw err;
    if (err instanceof UnsupportedInputFormatError) {
      throw new VideoOpenError(`“${file.name}” is not a video file this app can read (${READABLE}).`);
    }
    throw new VideoOpenError(`“${file.name}” could not be read as a video (${READABLE}): ${String(err)}`);
  }
}

/**
 * Decodes the first frame once: a configuration that looks right but that the decoder rejects (a damaged parameter
 * set, a damaged first key frame) is reported when the file is opened, in words, not as "Error during flush".
 */
async function decodeFirstFrame(name: string, codec: string, track: InputVideoTrack, at: number): Promise<void> {
  try {
    const sample = await new VideoSampleSink(track).getSample(at);
    sample?.close();
  } catch (err) {
    // A damaged configuration the browser still accepted (no parameter sets, say) is named as such.
    const config = await track.getDecoderConfig().catch(() => null);
    const judged = judgeUndecodable(codec, config, true);
    const why: Undecodable = judged.kind === 'damaged' ? judged : { kind: 'first-frame', error: String(err) };
    throw new VideoOpenError(undecodableMessage(name, codec, codecLabel(codec), why));
  }
}

export function codecLabel(codec: string): string {
  const names: Record<string, string> = { avc: 'H.264', hevc: 'H.265/HEVC', vp8: 'VP8', vp9: 'VP9', av1: 'AV1' };
  return names[codec] ?? codec.toUpperCase();
}
