/** The command-line contract: RUN.json in, RESULT.json out, exit codes (needs `npm run build`). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'sgd-cli-'));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });

test('run writes RESULT.json with the documented fields', () => {
  const cfg = join(dir, 'run.json');
  const out = join(dir, 'result.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      function: 'rastrigin',
      seed: 3,
      trials: 8,
      resolution: 21,
      stages: [
        { lr: 0.005, radius: 0.5, steps: 200, noise: 'uniform' },
        { lr: 0.002, radius: 0.1, steps: 100, noise: 'gaussian' },
      ],
    }),
  );
  const r = run('run', 'examples/rastrigin.ts', '--config', cfg, '--out', out, '--quiet');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /function rastrigin \(dim 2\), 8 trials/);
  const res = JSON.parse(readFileSync(out, 'utf8'));
  // Version 3: each method's trials once, in `methods`; no copies beside them.
  assert.equal(res.version, 3);
  assert.deepEqual(
    res.methods.map((m: { name: string; role?: string }) => [m.name, m.role]),
    [
      ['SGD', 'sgd'],
      ['GD', 'gd'],
    ],
  );
  for (const k of ['sgd', 'gd', 'finals']) assert.equal(k in res, false, `no top-level ${k}`);
  assert.equal(res.methods[0].finals.length, 8);
  assert.equal(res.methods[0].finals[0].length, 2);
  assert.equal(typeof res.diverged, 'number');
  assert.deepEqual(res.landscape.x.length, 21);
  assert.deepEqual(res.landscape.y.length, 21);
  assert.equal(res.landscape.f.length, 21);
  assert.equal(res.landscape.f[0].length, 21);
  assert.deepEqual(
    res.landscape.smoothed.map((s: { radius: number }) => s.radius),
    [0.5, 0.1],
  );
  assert.equal(res.landscape.smoothed[0].values.length, 21);
  assert.deepEqual(res.diagnostics.xStar, [0, 0]);
  assert.equal(typeof res.diagnostics.c, 'number');
  for (const k of ['trialsMs', 'gdMs', 'landscapeMs', 'diagnosticsMs', 'totalMs']) assert.equal(typeof res.timing[k], 'number');
  assert.equal(res.config.seed, '3');
  // Same seed, same numbers.
  const out2 = join(dir, 'result2.json');
  assert.equal(run('run', 'examples/rastrigin.ts', '--config', cfg, '--out', out2, '--quiet', '--workers', '1').status, 0);
  assert.deepEqual(JSON.parse(readFileSync(out2, 'utf8')).methods, res.methods);
});

test('bad settings exit 2 naming the setting; a throwing loss exits 1 naming file and line', () => {
  const cfg = join(dir, 'bad.json');
  writeFileSync(cfg, JSON.stringify({ function: 'figure3', stages: [{ radius: -0.1 }] }));
  const r = run('run', 'examples/paper-figure3.ts', '--config', cfg);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /invalid setting stages\[0\]\.radius: must be a number in \[0, 1000000\], got -0\.1/);
  const t = run('run', 'examples/faulty.ts', '--function', 'throwsNearOrigin', '--trials', '3');
  assert.equal(t.status, 1);
  assert.match(t.stderr, /throwsNearOrigin threw at x = \[0\]: boom: undefined near the origin .*faulty\.ts:9\)/);
  const hung = run('run', 'examples/faulty.ts', '--function', 'neverReturns', '--stall-seconds', '1');
  assert.equal(hung.status, 1);
  assert.match(hung.stderr, /neverReturns did not return within 1 s at x ≈ \[0\].*faulty\.ts:15\)/);
  const several = run('run', 'examples/rastrigin.ts');
  assert.equal(several.status, 2);
  assert.match(several.stderr, /choose one of: rastrigin, rastrigin1d, rastriginN/);
  assert.equal(run('--help').status, 0);
  assert.equal(run('frobnicate', 'x').status, 2);
});

test('run of a loss of k ≥ 2 numbers never loads the TypeScript compiler; its line comes from the bundle', () => {
  // Reports at exit whether dist/typescript.js (the compiler, loaded on first use) was loaded.
  const hook = join(dir, 'hook.cjs');
  writeFileSync(
    hook,
    "process.on('exit', () => process.stderr.write(`[typescript: ${Object.keys(require.cache).some((k) => k.endsWith('typescript.js'))}]`));\n",
  );
  const traced = (...args: string[]) => spawnSync(process.execPath, ['-r', hook, cli, ...args], { encoding: 'utf8', cwd: root });
  const two = traced('run', 'examples/sphere.ts', '--trials', '2', '--quiet');
  assert.equal(two.status, 0, two.stderr);
  assert.match(two.stderr, /\[typescript: false\]/);
  // One parameter: a number or an array, which only its type says: the compiler reads it.
  const one = traced('run', 'examples/paper-figure3.ts', '--trials', '2', '--quiet');
  assert.equal(one.status, 0, one.stderr);
  assert.match(one.stderr, /\[typescript: true\]/);
  // A failure without a stack (a returned string) names the declaration's line, read from the
  // bundle's source map: line 4 of this file, after a comment and a helper.
  const loss = join(dir, 'strings.ts');
  writeFileSync(
    loss,
    '// a loss that returns text\nconst half = (v: number) => v / 2;\n\nexport function words(x: number, y: number): number {\n  return `${half(x) + y}` as unknown as number;\n}\n',
  );
  const bad = traced('run', loss, '--trials', '2');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /words must return a number; .*strings\.ts:4\)/);
  assert.match(bad.stderr, /\[typescript: false\]/);
  // A default value leaves fn.length short (2 for three parameters): the compiler counts them, 3-D.
  const defaults = join(dir, 'defaults.ts');
  writeFileSync(defaults, 'export function bowl3(x: number, y: number, z = 0.5): number {\n  return x * x + y * y + z * z;\n}\n');
  const three = traced('run', defaults, '--trials', '2');
  assert.equal(three.status, 0, three.stderr);
  assert.match(three.stdout, /function bowl3 \(dim 3\)/);
  assert.match(three.stderr, /\[typescript: true\]/);
});
