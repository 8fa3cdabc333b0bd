import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { manifestFiles, validateManifest } from './manifestValidate';
import { sampleManifest } from '../../tests/helpers/manifestTestData';
import { PackError } from './packError';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function invalidWith(mutate: (m: Json) => void, pattern: RegExp): void {
  const m = structuredClone(sampleManifest()) as Json;
  mutate(m);
  assert.throws(
    () => validateManifest(m),
    (e: unknown) => e instanceof PackError && e.code === 'pack-invalid' && pattern.test(e.message),
  );
}

describe('validateManifest', () => {
  test('accepts a valid manifest and returns an equal, clean copy', () => {
    const m = sampleManifest();
    const out = validateManifest({ ...structuredClone(m), extra: 'ignored' });
    assert.deepEqual(out, m);
    assert.equal(manifestFiles(out).length, 6);
  });

  test('rejects what is not a manifest', () => {
    assert.throws(() => validateManifest(null), /the manifest must be an object/);
    assert.throws(() => validateManifest([]), /the manifest must be an object/);
    invalidWith((m) => (m.format = 'onnx'), /format must be 'sam3-web-pack'/);
    invalidWith((m) => (m.version = 2), /version must be 1/);
  });

  test('names: id and name', () => {
    invalidWith((m) => delete m.id, /^Invalid pack manifest: id must be a non-empty string$/);
    invalidWith((m) => (m.id = 'has space'), /id must be letters/);
    invalidWith((m) => (m.name = ''), /name must be a non-empty string/);
    invalidWith((m) => (m.description = 3), /description must be a non-empty string/);
    invalidWith((m) => (m.demo = 'yes'), /demo must be true or false/);
  });

  test('a variant states its precision, build steps and what the GPU must offer', () => {
    const variant = {
      precision: 'q4f16',
      transforms: ['fold-shapes', 'fused-attention', 'q4f16', 'chunked-external-data'],
      requires: { shaderF16: true, maxBufferSize: 84_934_656, maxStorageBufferBindingSize: 84_934_656 },
      baseId: 'sam3-fp32',
    };
    const out = validateManifest({ ...structuredClone(sampleManifest()), variant });
    assert.deepEqual(out.variant, variant);
    const withVariant = (mutate: (v: Json) => void) => (m: Json) => {
      m.variant = structuredClone(variant);
      mutate(m.variant);
    };
    invalidWith(
      withVariant((v) => (v.precision = 'int3')),
      /variant\.precision must be one of 'fp32', 'fp16'/,
    );
    invalidWith(
      withVariant((v) => (v.transforms = [''])),
      /variant\.transforms\[0\] must be a non-empty string/,
    );
    invalidWith(
      withVariant((v) => delete v.requires),
      /variant\.requires must be an object/,
    );
    invalidWith(
      withVariant((v) => (v.requires.shaderF16 = 1)),
      /variant\.requires\.shaderF16 must be true or false/,
    );
    invalidWith(
      withVariant((v) => (v.requires.maxBufferSize = -1)),
      /variant\.requires\.maxBufferSize must be/,
    );
  });

  test('image geometry and normalisation', () => {
    invalidWith((m) => (m.inputSize = 1000), /inputSize must be a positive multiple of 14/);
    invalidWith((m) => (m.inputSize = 0), /inputSize must be a positive multiple of 14/);
    invalidWith((m) => (m.inputSize = 1008.5), /inputSize must be a positive multiple of 14/);
    invalidWith((m) => (m.image.mean = [0.5, 0.5]), /image\.mean must be an array of 3 numbers/);
    invalidWith((m) => (m.image.mean[1] = 'x'), /image\.mean\[1\] must be a finite number/);
    invalidWith((m) => (m.image.std[2] = 0), /image\.std\[2\] must be greater than 0/);
    invalidWith((m) => (m.image.resize = 'letterbox'), /image\.resize must be one of 'stretch'/);
  });

  test('tokenizer fields', () => {
    invalidWith((m) => delete m.tokenizer, /tokenizer must be an object/);
    invalidWith((m) => (m.tokenizer.contextLength = 0), /tokenizer\.contextLength must be an integer of at least 2/);
    invalidWith((m) => (m.tokenizer.padding = 'left'), /tokenizer\.padding must be one of 'eot', 'zero'/);
    invalidWith((m) => (m.tokenizer.eotId = -1), /tokenizer\.eotId must be a non-negative integer/);
    invalidWith((m) => delete m.tokenizer.file, /tokenizer\.file must be an object/);
  });

  test('each graph contract must be known for its role', () => {
    invalidWith(
      (m) => (m.graphs.vision.contract = 'usls-v2-text'),
      /graphs\.vision\.contract must be one of 'usls-v2-vision', 'dual-encoder'/,
    );
    invalidWith((m) => (m.graphs.text.contract = 'meta-text'), /graphs\.text\.contract must be one of/);
    invalidWith(
      (m) => (m.graphs.detector.contract = 'danilobukvic-decoder'),
      /graphs\.detector\.contract must be one of 'usls-v2-decoder'/,
    );
    invalidWith((m) => delete m.graphs.text, /graphs\.text must be an object/);
    invalidWith(
      (m) => (m.graphs.text.executionProvider = 'cuda'),
      /graphs\.text\.executionProvider must be one of 'auto', 'webgpu', 'wasm'/,
    );
    invalidWith(
      (m) => (m.graphs.vision.ioDtype = 'int8'),
      /graphs\.vision\.ioDtype must be one of 'float32', 'float16'/,
    );
  });

  test("the tracker embeddings' top level: raw or + no_memory_embedding", () => {
    const m = structuredClone(sampleManifest()) as Json;
    m.graphs.vision.trackerTopLevel = 'plus-no-memory';
    assert.equal(validateManifest(m).graphs.vision.trackerTopLevel, 'plus-no-memory');
    assert.equal(validateManifest(sampleManifest()).graphs.vision.trackerTopLevel, undefined);
    invalidWith(
      (m) => (m.graphs.vision.trackerTopLevel = 'with-no-memory'),
      /graphs\.vision\.trackerTopLevel must be one of 'raw', 'plus-no-memory'/,
    );
  });

  test('detector fields', () => {
    invalidWith(
      (m) => (m.graphs.detector.queries = 0),
      /^Invalid pack manifest: graphs\.detector\.queries must be a positive integer$/,
    );
    invalidWith((m) => (m.graphs.detector.queries = 2.5), /graphs\.detector\.queries must be a positive integer/);
    invalidWith(
      (m) => (m.graphs.detector.boxInput = 'xyxy-px'),
      /graphs\.detector\.boxInput must be one of 'cxcywh-norm'/,
    );
    invalidWith((m) => (m.graphs.detector.boxPadLabel = '-10'), /graphs\.detector\.boxPadLabel must be an integer/);
    invalidWith((m) => (m.graphs.detector.boxOutput = 'xywh'), /graphs\.detector\.boxOutput must be one of/);
    invalidWith((m) => (m.graphs.detector.maskOutput = 'bool'), /graphs\.detector\.maskOutput must be one of/);
    invalidWith((m) => delete m.graphs.detector.presence, /graphs\.detector\.presence must be true or false/);
    invalidWith(
      (m) => (m.graphs.detector.textMaskPolarity = 'valid'),
      /graphs\.detector\.textMaskPolarity must be one of/,
    );
  });

  test('file references: path, size, sha256', () => {
    invalidWith((m) => (m.graphs.text.file.path = ''), /graphs\.text\.file\.path must be a non-empty string/);
    invalidWith(
      (m) => (m.graphs.text.file.size = -1),
      /graphs\.text\.file\.size must be a positive integer: the exact size in bytes/,
    );
    invalidWith((m) => (m.graphs.text.file.size = 1.5), /graphs\.text\.file\.size must be a positive integer/);
    invalidWith((m) => (m.graphs.text.file.size = '100'), /graphs\.text\.file\.size must be a positive integer/);
    invalidWith((m) => (m.graphs.text.file.size = 0), /graphs\.text\.file\.size must be a positive integer/);
    invalidWith(
      (m) => (m.graphs.detector.file.sha256 = 'A'.repeat(64)),
      /graphs\.detector\.file\.sha256 must be 64 lower-case hexadecimal/,
    );
    invalidWith((m) => (m.graphs.detector.file.sha256 = 'abc'), /graphs\.detector\.file\.sha256 must be 64/);
  });

  test('size 0 (unknown) is accepted only when allowed', () => {
    const m = structuredClone(sampleManifest());
    m.graphs.text.file.size = 0;
    assert.equal(validateManifest(m, { allowUnknownSizes: true }).graphs.text.file.size, 0);
    assert.throws(() => validateManifest(m), /graphs\.text\.file\.size must be a positive integer/);
  });

  test('external data: chunks and locations', () => {
    invalidWith((m) => (m.graphs.vision.externalData = {}), /graphs\.vision\.externalData must be an array/);
    invalidWith(
      (m) => (m.graphs.vision.externalData[0].chunks = []),
      /graphs\.vision\.externalData\[0\]\.chunks must be an array with at least 1/,
    );
    invalidWith(
      (m) => delete m.graphs.vision.externalData[0].location,
      /graphs\.vision\.externalData\[0\]\.location must be a non-empty string/,
    );
    invalidWith(
      (m) => (m.graphs.vision.externalData[0].chunks[1].size = -5),
      /graphs\.vision\.externalData\[0\]\.chunks\[1\]\.size must be/,
    );
    invalidWith(
      (m) => m.graphs.vision.externalData.push(structuredClone(m.graphs.vision.externalData[0])),
      /graphs\.vision\.externalData\[1\]\.location must be unique/,
    );
  });

  test('the error detail says what was found', () => {
    const m = structuredClone(sampleManifest()) as Json;
    m.graphs.detector.queries = 'many';
    try {
      validateManifest(m);
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof PackError);
      assert.equal(e.detail, 'got "many"');
    }
  });
});
