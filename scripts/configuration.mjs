// package.json's `contributes.configuration` (and the settings held back in untrusted
// workspaces) come from the settings table, src/engine/settingsSchema.ts, through
// src/engine/settingsJsonSchema.ts.
//
//   node scripts/configuration.mjs           check: exit 1 with a diff when package.json differs
//   node scripts/configuration.mjs --write   rewrite those parts of package.json from the table
//
// The build (scripts/build.mjs) runs the check, so package.json cannot drift from the table.
import * as esbuild from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkgPath = `${root}package.json`;

/** The table module, bundled in memory (it is TypeScript). */
async function loadSchema() {
  const out = await esbuild.build({
    entryPoints: [`${root}src/engine/settingsJsonSchema.ts`],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    logLevel: 'warning',
  });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
}

/** package.json as the table says it should be. */
export async function expectedPackage(pkg) {
  const schema = await loadSchema();
  const next = structuredClone(pkg);
  next.contributes.configuration = schema.vscodeConfiguration();
  next.capabilities.untrustedWorkspaces.restrictedConfigurations = schema.VSCODE_SETTINGS.filter((s) => s.restricted).map(
    (s) => `${schema.SETTINGS_SECTION}.${s.key}`,
  );
  return next;
}

/** A line diff (longest common subsequence) with two lines of context. */
export function lineDiff(a, b) {
  const x = a.split('\n');
  const y = b.split('\n');
  const n = x.length;
  const m = y.length;
  const lcs = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) ops.push([' ', x[i++], j++]);
    else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) ops.push(['+', y[j++]]);
    else ops.push(['-', x[i++]]);
  }
  const keep = ops.map((op, k) => op[0] !== ' ' || ops.slice(Math.max(0, k - 2), k + 3).some((o) => o[0] !== ' '));
  const lines = [];
  ops.forEach((op, k) => {
    if (keep[k]) lines.push(`${op[0]} ${op[1]}`);
    else if (keep[k - 1]) lines.push('  …');
  });
  return lines.join('\n');
}

/** '' when package.json matches the table, else a diff (- package.json, + the table). */
export async function configurationDiff() {
  const text = readFileSync(pkgPath, 'utf8');
  const want = `${JSON.stringify(await expectedPackage(JSON.parse(text)), null, 2)}\n`;
  return text === want ? '' : lineDiff(text, want);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--write')) {
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
    writeFileSync(pkgPath, `${JSON.stringify(await expectedPackage(pkg), null, 2)}\n`);
    console.log('package.json: contributes.configuration written from src/engine/settingsSchema.ts');
  } else {
    const diff = await configurationDiff();
    if (diff) {
      console.error(
        `package.json differs from the settings table (src/engine/settingsSchema.ts); run \`npm run configuration\` to rewrite it:\n${diff}`,
      );
      process.exit(1);
    }
  }
}
