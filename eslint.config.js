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
    ignores: ['dist', 'node_modules', 'public', 'test-results', 'playwright-report', 'tools/export', '.bench', '.tmp'],
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
  {
    files: ['workers/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...ortImports,
            { regex: '^\\.\\./(?!core)', message: 'workers/core is pure: it imports only workers/core.' },
          ],
        },
      ],
    },
  },
  {
    files: ['workers/**/*.ts'],
    ignores: ['workers/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...ortImports, { regex: '(^|/)src/', message: 'The worker never imports the UI.' }] },
      ],
    },
  },
  {
    // Evaluation metrics are pure (the eval CLI, the batch UI's evaluation worker and tests import them).
    files: ['workers/eval/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...ortImports,
            { regex: '^\\.\\./(?!core/|eval/)', message: 'workers/eval is pure: it imports only workers/core.' },
          ],
        },
      ],
    },
  },
  {
    // The batch runner and the dataset writers are shared by the app and the CLI: no engine internals, no UI.
    files: ['workers/batch/**/*.ts', 'workers/dataset/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...ortImports,
            {
              regex: '^\\.\\./(?!core/|protocol(/|$)|batch/|dataset/)',
              message: 'workers/batch and workers/dataset use the engine only through workers/protocol.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['workers/ort/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
