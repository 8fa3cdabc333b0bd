/**
 * Why a video cannot be decoded, in words that are true: a damaged H.264 configuration (avcC) is called damaged —
 * not "this browser cannot decode H.264, re-encode it as H.264" (issue 17) — a codec the browser lacks is told to
 * be re-encoded to another codec, and a profile it lacks to a common profile of the same codec.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { avcConfigProblem, avcProfileName, judgeUndecodable, undecodableMessage } from './decoderConfig';

/** The avcC record of a clip Chromium's encoder made (High profile, level 2.0, one SPS and one PPS). */
const GOOD = Uint8Array.from(
  Buffer.from('01640c14ffe1001267640c14ac191a8141f26e021a020f08846a01000468ce3c80fdf8f800', 'hex'),
);
const damaged = (edit: (b: Uint8Array) => void) => {
  const b = GOOD.slice();
  edit(b);
  return b;
};

test('a well-formed avcC has no problem; each kind of damage is named', () => {
  assert.equal(avcConfigProblem(GOOD), null);
  assert.equal(avcProfileName(GOOD), 'High profile, level 2.0');
  assert.equal(avcConfigProblem(GOOD.map(() => 0xff)), 'its version is 255, not 1');
  assert.equal(avcConfigProblem(new Uint8Array(GOOD.length)), 'its version is 0, not 1');
  assert.equal(avcConfigProblem(GOOD.subarray(0, 4)), 'the record is 4 bytes, too short to hold one');
  assert.equal(avcConfigProblem(damaged((b) => (b[1] = 7))), 'it names profile 7, which H.264 does not have');
  assert.equal(avcConfigProblem(damaged((b) => (b[5] = 0xe0))), 'it holds no sequence parameter set');
  assert.equal(
    avcConfigProblem(damaged((b) => (b[6] = 0x7f))),
    'a sequence parameter set runs past the end of the record',
  );
  assert.equal(avcConfigProblem(damaged((b) => (b[8] = 0x68))), 'a sequence parameter set is not one (NAL type 8)');
  assert.equal(
    avcConfigProblem(damaged((b) => (b[3] = 0x28))),
    'its sequence parameter set disagrees with it on the profile or level',
  );
  assert.equal(avcConfigProblem(GOOD.subarray(0, 26)), 'it holds no picture parameter set');
});

test('a damaged H.264 configuration is called damaged, never "cannot decode H.264, re-encode it as H.264"', () => {
  const why = judgeUndecodable('avc', { description: GOOD.map(() => 0xff) }, true);
  assert.deepEqual(why, { kind: 'damaged', detail: 'its version is 255, not 1' });
  const text = undecodableMessage('broken.mp4', 'avc', 'H.264', why);
  assert.equal(
    text,
    '“broken.mp4” is H.264 video, but its decoder configuration (the avcC record) is damaged (its version is 255, ' +
      'not 1), so the decoder cannot be set up for its stream. The file is corrupt (this browser does decode H.264): ' +
      'export it again from its source.',
  );
  assert.doesNotMatch(text, /cannot decode|Re-encode/);
  assert.deepEqual(judgeUndecodable('avc', {}, true), { kind: 'damaged', detail: 'it is missing' });
  assert.deepEqual(judgeUndecodable('vp9', null, true), { kind: 'damaged', detail: null });
});

test('a codec the browser lacks: re-encode to another codec; a profile it lacks: to a common profile', () => {
  assert.equal(
    undecodableMessage('x.mp4', 'hevc', 'H.265/HEVC', judgeUndecodable('hevc', { codec: 'hvc1' } as never, false)),
    '“x.mp4” uses H.265/HEVC video, which this browser cannot decode. Re-encode it as H.264 (MP4) or VP9 (WebM), ' +
      'or open it in a browser that decodes H.265/HEVC.',
  );
  assert.equal(
    undecodableMessage('x.mp4', 'avc', 'H.264', judgeUndecodable('avc', { description: GOOD }, false)),
    '“x.mp4” uses H.264 video, which this browser cannot decode. Re-encode it as VP9 (WebM) or AV1, or open it in ' +
      'a browser that decodes H.264.',
  );
  const hi444 = damaged((b) => {
    b[1] = 244;
    b[9] = 244;
  });
  assert.equal(
    undecodableMessage('x.mp4', 'avc', 'H.264', judgeUndecodable('avc', { description: hi444 }, true)),
    '“x.mp4” uses H.264 (High 4:4:4 Predictive profile, level 2.0) in a form this browser cannot decode. ' +
      'Re-encode it as H.264 High profile (MP4) or VP9 (WebM).',
  );
});
