/** A valid manifest for tests (sizes and hashes are placeholders unless a test sets them). */
import type { PackManifest } from '../../workers/protocol/manifest';

export function sampleManifest(): PackManifest {
  return {
    format: 'sam3-web-pack',
    version: 1,
    id: 'test-pack',
    name: 'Test pack',
    description: 'for tests',
    license: 'Apache-2.0',
    inputSize: 1008,
    image: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], resize: 'stretch' },
    tokenizer: {
      file: { path: 'tokenizer.json', size: 10 },
      contextLength: 32,
      padding: 'eot',
      sotId: 49406,
      eotId: 49407,
    },
    graphs: {
      vision: {
        contract: 'dual-encoder',
        file: { path: 'vision.onnx', size: 100 },
        externalData: [
          {
            location: 'vision.onnx.data',
            chunks: [
              { path: 'vision.onnx.data', size: 50 },
              { path: 'vision.onnx.data_1', size: 50 },
            ],
          },
        ],
        ioDtype: 'float32',
      },
      text: { contract: 'danilobukvic-text', file: { path: 'text.onnx', size: 100 }, executionProvider: 'auto' },
      detector: {
        contract: 'usls-v2-decoder',
        file: { path: 'detector.onnx', size: 100, sha256: 'a'.repeat(64) },
        executionProvider: 'wasm',
        queries: 200,
        boxInput: 'cxcywh-norm',
        boxPadLabel: -10,
        boxOutput: 'xyxy-norm',
        maskOutput: 'logits',
        presence: true,
        textMaskPolarity: 'true-is-valid',
      },
    },
  };
}
