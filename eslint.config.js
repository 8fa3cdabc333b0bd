import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const ortImports = [
  {
    group: ['onnxruntime-web', 'onnxruntime-web/*', 'onnxruntime-node', 'onnxruntime-common'],
    message: 'Only workers/ort/** may import onnxruntime.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist',
      'node_modules',
      'public',
      'test-results',
      'playwright-report',
      'tools/export',
      '.bench',
      '.tmp',
      '.gpu',
      '.gl',
      '.whl',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.worker, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: ortImports }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // The UI talks to the engine only through the worker's protocol types (and the worker entry URL).
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...ortImports,
            {
              regex: '^(\\.\\./)+workers/(?!protocol(/|$)|engine\\.worker(\\?worker)?$)',
              message: 'The UI imports only workers/protocol (types) and the worker entry.',
            },
          ],
        },
      ],
    },
  },
  {
    // The folder workspace also runs the shared batch, dataset and evaluation code (in its dataset worker).
    files: ['src/batch/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...ortImports,
            {
              regex: '^(\\.\\./)+workers/(?!protocol(/|$)|batch/|dataset/|eval/)',
              message: 'The folder workspace imports only workers/protocol, batch, dataset and eval.',
            },
          ],
        },
      ],
    },
  },
  // The worker's layers (ARCHITECTURE.md): each folder imports only the folders listed for it, so the data flows
  // one way and there are no import cycles. Tests may reach further (helpers, fixtures).
  ...Object.entries({
    protocol: [],
    core: [],
    adapters: ['protocol'],
    packs: ['protocol', 'core'],
    graphs: ['protocol', 'core', 'ort', 'adapters', 'packs'],
    tracking: ['protocol', 'core', 'adapters'],
    pipelines: ['protocol', 'core', 'ort', 'adapters', 'graphs', 'tracking'],
    media: ['protocol', 'core', 'engine'],
    // Metrics are pure; the batch runner and dataset writers use the engine only through its protocol.
    eval: ['core'],
    batch: ['protocol', 'core', 'dataset'],
    dataset: ['protocol', 'core', 'batch'],
    engine: ['protocol', 'core', 'ort', 'adapters', 'packs', 'graphs', 'tracking', 'pipelines'],
  }).map(([layer, allowed]) => ({
    files: [`workers/${layer}/**/*.ts`],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...ortImports,
            {
              regex: `^\\.\\./(?!(${[layer, ...allowed].join('|')})(/|$))`,
              message: `workers/${layer} imports only ${allowed.length ? allowed.join(', ') : 'itself'} (ARCHITECTURE.md).`,
            },
            { regex: '(^|/)src/', message: 'The worker never imports the UI.' },
          ],
        },
      ],
    },
  })),
  {
    files: ['workers/ort/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
