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
      'dist-cli',
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
    rules: reactHooks.configs.recommended.rules,
  },
  // The UI's folders (ARCHITECTURE.md): each imports only the folders listed for it (and the root modules
  // colors.ts and testHooks.ts), so the data flows one way: views → actions → engine client → store → draw.
  // The UI talks to the engine only through the worker's protocol types and the worker entry; the folder
  // workspace also runs the shared batch, dataset and evaluation code in its dataset worker.
  ...Object.entries({
    security: [],
    draw: [],
    store: ['draw'],
    'engine-client': ['store'],
    actions: ['store', 'engine-client', 'draw', 'security'],
    canvas: ['actions', 'store', 'draw'],
    video: ['actions', 'store', 'engine-client', 'canvas', 'draw'],
    batch: ['actions', 'store', 'engine-client', 'video', 'draw'],
    panels: ['actions', 'store', 'canvas', 'draw', 'video'],
  }).flatMap(([folder, allowed]) =>
    [1, 2, 3].map((depth) => {
      const up = '\\.\\./'.repeat(depth);
      const ok = [folder, ...allowed, 'colors', 'testHooks', '\\.\\.'].join('|');
      const workers =
        folder === 'batch' ? 'protocol(/|$)|batch/|dataset/|eval/' : 'protocol(/|$)|engine\\.worker(\\?worker)?$';
      return {
        files: [`src/${folder}/${'*/'.repeat(depth - 1)}*.{ts,tsx}`],
        ignores: ['**/*.test.ts', '**/*.test.tsx'],
        rules: {
          'no-restricted-imports': [
            'error',
            {
              patterns: [
                ...ortImports,
                {
                  regex: `^${up}(?!(${ok})(/|$))`,
                  message: `src/${folder} imports only ${allowed.length ? allowed.join(', ') : 'itself'} of the UI's folders (ARCHITECTURE.md).`,
                },
                {
                  regex: `^(\\.\\./)+workers/(?!${workers})`,
                  message:
                    'The UI imports only workers/protocol (types) and the worker entry; the folder workspace also workers/batch, dataset and eval.',
                },
              ],
            },
          ],
        },
      };
    }),
  ),
  // The worker's layers (ARCHITECTURE.md): each folder imports only the folders listed for it, so the data flows
  // one way and there are no import cycles. Tests may reach further (helpers, fixtures).
  ...Object.entries({
    protocol: [],
    core: ['protocol'],
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
