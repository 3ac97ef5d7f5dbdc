// Lint: typescript-eslint's recommended rules plus the layer boundaries of docs/architecture.md.
// The per-runtime tsconfigs (tsconfig.*.json) enforce the same boundaries through the types.
import tseslint from 'typescript-eslint';

const node = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'url', 'util'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-artifacts/**', '**/*.mjs', 'examples/paper-figure3-data.ts'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // The engine is pure maths: no vscode, no Node, no DOM-side code, no runner/extension/webview.
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['vscode'],
          patterns: [
            { group: node, message: 'The engine runs in Node, workers, the CLI and tests alike: no Node modules.' },
            {
              group: ['**/runner/**', '**/extension/**', '**/cli/**', '**/webview/**', '**/protocol/**'],
              message: 'The engine imports only itself.',
            },
          ],
        },
      ],
    },
  },
  {
    // View text: pure words and numbers for the webviews and the CLI alike (no DOM, no Node).
    files: ['src/view/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['vscode'],
          patterns: [
            {
              group: [...node, '**/runner/**', '**/extension/**', '**/cli/**', '**/webview/**'],
              message: 'View text imports the engine and protocol types only.',
            },
          ],
        },
      ],
    },
  },
  {
    // Protocols are types shared by both sides of a boundary.
    files: ['src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['vscode'],
          patterns: [
            {
              group: [...node, '**/runner/**', '**/extension/**', '**/cli/**', '**/webview/**'],
              message: 'Protocols import engine types only.',
            },
          ],
        },
      ],
    },
  },
  {
    // Runner and CLI: Node, never vscode or the extension.
    files: ['src/runner/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['vscode'],
          patterns: [
            { group: ['**/extension/**', '**/webview/**'], message: 'The runner and CLI never depend on the extension or webviews.' },
          ],
        },
      ],
    },
  },
  {
    // Webviews are browser code: no vscode API module, no Node, no host code.
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['vscode'],
          patterns: [
            { group: node, message: 'Webviews run in the browser.' },
            {
              group: ['**/src/runner/**', '**/src/extension/**', '**/src/cli/**'],
              message: 'Webviews talk to the host only through src/protocol.',
            },
          ],
        },
      ],
    },
  },
  {
    // The host's logic (run service, state, store, view model, settings) is unit-tested without
    // vscode: only the thin vscode layer of src/extension may import it.
    files: ['src/extension/**/*.ts'],
    ignores: [
      'src/extension/{extension,controller,pickers,sweepCommands,vscodePorts,panel,sidebarView,sweepPanel,stateChannel,webviewHtml,codeLens,examples}.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'vscode',
              message: 'Only the vscode layer (controller.ts, pickers.ts, sweepCommands.ts, vscodePorts.ts, the providers) imports vscode.',
            },
          ],
        },
      ],
    },
  },
);
