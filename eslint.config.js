import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/** The product (src/, workers/) never reaches into the tools, tests, end-to-end tests or benchmarks. */
const outsideProduct = [
  { regex: '^(\\.\\./)+(tools|tests|e2e|bench)/', message: 'Product code imports no tool, test or benchmark code.' },
];

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
                ...outsideProduct,
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
    // The only importer of onnxruntime (its own rule below allows it); the rest is pure core code.
    ort: ['core'],
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
            ...(layer === 'ort' ? [] : ortImports),
            {
              regex: `^\\.\\./(?!(${[layer, ...allowed].join('|')})(/|$))`,
              message: `workers/${layer} imports only ${allowed.length ? allowed.join(', ') : 'itself'} (ARCHITECTURE.md).`,
            },
            { regex: '(^|/)src/', message: 'The worker never imports the UI.' },
            ...outsideProduct,
          ],
        },
      ],
    },
  })),
  // Outside the product: the tools (each tool folder imports only the shared scenes, and the product's worker code),
  // benchmarks, end-to-end tests and Node tests. Nothing imports a benchmark; the product imports none of them.
  ...Object.entries({
    scenes: [],
    'video-fixtures': ['scenes'],
    'demo-pack': ['scenes'],
    label: ['scenes'],
  }).map(([tool, allowed]) => ({
    files: [`tools/${tool}/**/*.ts`],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...ortImports,
            {
              regex: `^\\.\\./(?!(${[tool, ...allowed].join('|')})(/|$))(?!\\.\\./workers/)`,
              message: `tools/${tool} imports only ${[...allowed, 'the worker code'].join(', ')} (ARCHITECTURE.md).`,
            },
            { regex: '(^|/)(src|e2e|bench|tests)/', message: 'A tool imports no UI, test or benchmark code.' },
          ],
        },
      ],
    },
  })),
  {
    files: ['tests/**/*.ts', 'tools/**/*.test.ts', 'src/**/*.test.ts', 'workers/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)(e2e|bench)/', message: 'Node tests import no end-to-end or benchmark code.' }] },
      ],
    },
  },
  {
    files: ['e2e/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...ortImports,
            { regex: '(^|/)(bench|tests)/', message: 'End-to-end tests import no benchmark or Node-test code.' },
            {
              regex: '(^|/)workers/(?!protocol(/|$))',
              message: 'End-to-end tests talk to the app, not the worker: workers/protocol types only.',
            },
          ],
        },
      ],
    },
  },
);
