/**
 * Why a video track cannot be decoded, told apart so the message is true: the browser does not decode the codec
 * at all (re-encode to another one), it decodes the codec but not this profile (re-encode within it), or the
 * file's own decoder configuration is damaged (the file is corrupt: re-encoding to the same codec is not the
 * cure). An H.264 track's configuration is its `avcC` record (ISO/IEC 14496-15 §5.3.3.1), checked here byte by
 * byte; for every codec, a configuration mediabunny cannot even build is damaged. Pure, but for `probeFamily`.
 */

export type Undecodable =
  /** The browser decodes no stream of this codec. */
  | { kind: 'codec' }
  /** It decodes the codec, but not this profile (or level, or bit depth). */
  | { kind: 'profile'; profile: string | null }
  /** The file's decoder configuration is damaged; `detail` says how, when known. */
  | { kind: 'damaged'; detail: string | null }
  /** The configuration looked right, but the decoder rejected the stream before its first frame. */
  | { kind: 'first-frame'; error: string };

/** A configuration of each codec family that every decoder of that family supports (the probe). */
export const REFERENCE_CODEC: Record<string, string> = {
  avc: 'avc1.42E01E',
  hevc: 'hvc1.1.6.L93.B0',
  vp8: 'vp8',
  vp9: 'vp09.00.10.08',
  av1: 'av01.0.04M.08',
};

/** Whether this browser decodes the codec family at all (a plain stream of it at this size). */
export async function probeFamily(codec: string, width: number, height: number): Promise<boolean | null> {
  const reference = REFERENCE_CODEC[codec];
  if (!reference || typeof VideoDecoder === 'undefined') return null;
  try {
    const r = await VideoDecoder.isConfigSupported({ codec: reference, codedWidth: width, codedHeight: height });
    return r.supported === true;
  } catch {
    return null;
  }
}

const H264_PROFILES: Record<number, string> = {
  66: 'Baseline',
  77: 'Main',
  88: 'Extended',
  100: 'High',
  110: 'High 10',
  122: 'High 4:2:2',
  244: 'High 4:4:4 Predictive',
  44: 'CAVLC 4:4:4 Intra',
  83: 'Scalable Baseline',
  86: 'Scalable High',
  118: 'Multiview High',
  128: 'Stereo High',
  138: 'Multiview Depth High',
  139: 'Enhanced Multiview Depth High',
  134: 'MFC High',
  135: 'MFC Depth High',
};

/** "High profile, level 4.1" from an avcC record (null when it is too short to say). */
export function avcProfileName(avcC: Uint8Array): string | null {
  if (avcC.length < 4) return null;
  const name = H264_PROFILES[avcC[1]];
  return `${name ?? `profile ${avcC[1]}`}${name ? ' profile' : ''}, level ${(avcC[3] / 10).toFixed(1)}`;
}

/**
 * What is wrong with an avcC record, or null when it is well formed: version 1, a known profile, 4-byte or shorter
 * NAL lengths, at least one sequence parameter set (NAL type 7) whose profile and level agree with the record's, at
 * least one picture parameter set (NAL type 8), every length inside the record.
 */
export function avcConfigProblem(avcC: Uint8Array): string | null {
  if (avcC.length < 7) return `the record is ${avcC.length} bytes, too short to hold one`;
  if (avcC[0] !== 1) return `its version is ${avcC[0]}, not 1`;
  if (!(avcC[1] in H264_PROFILES)) return `it names profile ${avcC[1]}, which H.264 does not have`;
  if ((avcC[4] & 0xfc) !== 0xfc) return 'its reserved bits are not set';
  let p = 5;
  const sets = (type: number, count: number, what: string): string | null => {
    if (count === 0) return `it holds no ${what}`;
    for (let k = 0; k < count; k++) {
      if (p + 2 > avcC.length) return `its ${what} list breaks off`;
      const len = (avcC[p] << 8) | avcC[p + 1];
      p += 2;
      if (len === 0 || p + len > avcC.length) return `a ${what} runs past the end of the record`;
      if ((avcC[p] & 0x1f) !== type) return `a ${what} is not one (NAL type ${avcC[p] & 0x1f})`;
      if (type === 7 && len >= 4 && (avcC[p + 1] !== avcC[1] || avcC[p + 3] !== avcC[3])) {
        return 'its sequence parameter set disagrees with it on the profile or level';
      }
      p += len;
    }
    return null;
  };
  const spsCount = avcC[5] & 0x1f;
  p = 6;
  const sps = sets(7, spsCount, 'sequence parameter set');
  if (sps) return sps;
  if (p >= avcC.length) return 'it holds no picture parameter set';
  const ppsCount = avcC[p++];
  return sets(8, ppsCount, 'picture parameter set');
}

/** The track's configuration bytes (`VideoDecoderConfig.description`) as a Uint8Array, if it has any. */
export function descriptionBytes(description: AllowSharedBufferSource | undefined): Uint8Array | null {
  if (!description) return null;
  if (description instanceof ArrayBuffer || description instanceof SharedArrayBuffer) {
    return new Uint8Array(description);
  }
  return new Uint8Array(description.buffer, description.byteOffset, description.byteLength);
}

/**
 * The verdict for a track the browser said it cannot decode: `config` is what mediabunny built from the file (null
 * when it could not), `familyDecodes` whether the browser decodes the codec at all (null: unknown).
 */
export function judgeUndecodable(
  codec: string,
  config: { description?: AllowSharedBufferSource } | null,
  familyDecodes: boolean | null,
): Undecodable {
  if (!config) return { kind: 'damaged', detail: null };
  if (codec === 'avc') {
    const avcC = descriptionBytes(config.description);
    // MP4/MOV/MKV carry the configuration out of band: a missing record is a damaged one.
    const problem = avcC ? avcConfigProblem(avcC) : 'it is missing';
    if (problem) return { kind: 'damaged', detail: problem };
    if (familyDecodes === false) return { kind: 'codec' };
    return { kind: 'profile', profile: avcProfileName(avcC!) };
  }
  return familyDecodes === false ? { kind: 'codec' } : { kind: 'profile', profile: null };
}

const OTHER_CODECS: Record<string, string> = {
  avc: 'VP9 (WebM) or AV1',
  vp9: 'H.264 (MP4)',
  vp8: 'H.264 (MP4) or VP9 (WebM)',
  av1: 'H.264 (MP4) or VP9 (WebM)',
  hevc: 'H.264 (MP4) or VP9 (WebM)',
};

/** The message for a track that cannot be decoded; `label` is the codec's name ("H.264"). */
export function undecodableMessage(name: string, codec: string, label: string, why: Undecodable): string {
  const corrupt = `The file is corrupt (this browser does decode ${label}): export it again from its source.`;
  switch (why.kind) {
    case 'damaged':
      return (
        `“${name}” is ${label} video, but its decoder configuration${codec === 'avc' ? ' (the avcC record)' : ''} ` +
        `is damaged${why.detail ? ` (${why.detail})` : ''}, so the decoder cannot be set up for its stream. ${corrupt}`
      );
    case 'first-frame':
      return (
        `“${name}” is ${label} video, but the decoder rejected its stream at the first frame (${why.error}): its ` +
        `decoder configuration or first key frame is damaged. ${corrupt}`
      );
    case 'profile':
      return (
        `“${name}” uses ${label}${why.profile ? ` (${why.profile})` : ''} in a form this browser cannot decode. ` +
        `Re-encode it as ${codec === 'avc' ? 'H.264 High profile' : 'H.264'} (MP4) or VP9 (WebM).`
      );
    case 'codec':
      return (
        `“${name}” uses ${label} video, which this browser cannot decode. Re-encode it as ` +
        `${OTHER_CODECS[codec] ?? 'H.264 (MP4) or VP9 (WebM)'}, or open it in a browser that decodes ${label}.`
      );
  }
}
