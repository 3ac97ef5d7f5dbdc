// One build, one output per runtime: the extension host (Node, `vscode` external), the trial
// worker (Node worker_threads), the CLI (Node, with a shebang) and each webview (browser).
import * as esbuild from 'esbuild';
import { mkdirSync, copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { configurationDiff } from './configuration.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const node = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // esbuild ships a native binary, so it is a runtime dependency and never bundled.
  external: ['vscode', 'esbuild'],
};

// The CLI loads the TypeScript compiler lazily: 'typescript' resolves to a stand-in that requires
// dist/typescript.js (its own bundle) on first use, so commands that never read a loss file's
// exports start without parsing 10 MB.
const lazyTypescript = {
  name: 'lazy-typescript',
  setup(build) {
    build.onResolve({ filter: /^typescript$/ }, () => ({ path: join(process.cwd(), 'scripts', 'lazy-typescript.cjs') }));
    build.onResolve({ filter: /^\.\/typescript\.js$/ }, () => ({ path: './typescript.js', external: true }));
  },
};

const builds = [
  { ...node, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { worker: 'src/runner/worker.ts' }, outdir: 'dist' },
  {
    ...node,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [lazyTypescript],
  },
  { ...node, entryPoints: { typescript: 'scripts/typescript-entry.cjs' }, outdir: 'dist' },
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: {
      panel: 'webview/panel/main.ts',
      sidebar: 'webview/sidebar/main.ts',
      sweep: 'webview/sweep/main.ts',
      // three.js and the 3-D view: loaded by the panel only when a 2-D run's 3-D card is shown.
      surface3d: 'webview/surface3d/main.ts',
    },
    outdir: 'dist/webview',
  },
];

// package.json's settings schema must be the one the settings table generates.
const drift = await configurationDiff();
if (drift) {
  console.error(`package.json differs from the settings table (src/engine/settingsSchema.ts); run \`npm run configuration\`:\n${drift}`);
  process.exit(1);
}

mkdirSync('dist/webview', { recursive: true });
for (const f of readdirSync('media')) {
  if (f.endsWith('.css')) copyFileSync(join('media', f), join('dist/webview', f));
}

if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  const t0 = Date.now();
  await Promise.all(builds.map((b) => esbuild.build(b)));
  console.log(`built dist/ in ${Date.now() - t0} ms`);
}
