/**
 * The host side of a run against REAL worker threads: a worker bundle is built from
 * src/runner/worker.ts into a temp folder, loss files are written there, and each failure the
 * extension promises to handle is provoked.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { ExperimentRunner } from '../../src/runner/pool';
import { prepareRun, runPrepared, type RunRequest } from '../../src/extension/runSession';
import { RunFailure, isCancellation } from '../../src/runner/failure';
import { parseSettings, runnerLimits, type RunInputLayer } from '../../src/extension/settings';

let dir = '';
let workerScript = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sgd-ext-test-'));
  workerScript = join(dir, 'worker.js');
  await esbuild.build({
    entryPoints: [new URL('../../src/runner/worker.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: workerScript,
    sourcemap: 'linked',
    logLevel: 'silent',
  });
  writeFileSync(join(dir, 'good.ts'), ['export function bowl(x: number, y: number): number {', '  return x * x + y * y;', '}'].join('\n'));
  writeFileSync(
    join(dir, 'faulty.ts'),
    [
      'import { square } from "./helper";', // 1
      '', // 2
      'export function throwsNearOrigin(x: number): number {', // 3
      '  if (Math.abs(x) < 0.5) {', // 4
      '    throw new Error(`undefined near the origin`);', // 5
      '  }', // 6
      '  return square(x);', // 7
      '}', // 8
      'export function nanLeft(x: number): number {', // 9
      '  return x < -1 ? NaN : x * x;', // 10
      '}',
      'export function neverReturns(x: number): number {',
      '  let s = x;',
      '  while (true) s = Math.sin(s);',
      '}',
      'export function eatsMemory(x: number): number {',
      '  const hoard: number[][] = [];',
      '  for (;;) hoard.push(new Array(1_000_000).fill(x));',
      '}',
      'export function slowBowl(x: number[]): number {',
      '  let s = 0;',
      '  for (let k = 0; k < 2000; k++) s += Math.sin(k * 1e-9);',
      '  return x[0] * x[0] + x[1] * x[1] + s * 0;',
      '}',
      'export const slowBowlOptions = { dim: 2 };',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'helper.ts'), 'export const square = (x: number): number => x * x;\n');
  writeFileSync(
    join(dir, 'broken.ts'),
    ['export function ok(x: number) {', '  return x;', '}', 'export function bad(x: number) {', '  return x +;', '}'].join('\n'),
  );
  writeFileSync(join(dir, 'typeError.ts'), 'export function f(x: number): number {\n  const s: string = x;\n  return x * x;\n}\n');
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const small: RunInputLayer = {
  trials: 12,
  steps: 200,
  lr: 0.05,
  radius: 0.1,
  resolution: 21,
  checkpoints: 5,
  sampleTrajectories: 2,
  trajectoryPoints: 10,
  probeSamples: 2,
};

function makeRunner(extra: Record<string, unknown> = {}) {
  const settings = parseSettings({ workers: 2, stallSeconds: 1, memoryLimitMb: 64, timeLimitSeconds: 60, ...extra });
  return { settings, runner: new ExperimentRunner({ workerScript, ...runnerLimits(settings) }) };
}

async function run(
  runner: ExperimentRunner,
  settings: ReturnType<typeof parseSettings>,
  file: string,
  exportName: string,
  overrides: RunInputLayer = small,
  signal?: AbortSignal,
) {
  const { readFileSync } = await import('node:fs');
  const request: RunRequest = { file: join(dir, file), exportName, mode: 'run', overrides };
  const prepared = await prepareRun({
    request,
    sourceText: readFileSync(request.file, 'utf8'),
    settings,
    runner,
    bundleDir: join(dir, 'bundles'),
    signal,
  });
  return runPrepared(runner, prepared, { signal });
}

async function problemOf(p: Promise<unknown>): Promise<RunFailure> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RunFailure, `expected RunFailure, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the run to fail');
}

test('a loss that throws: message names the function, the user file:line and the input', async () => {
  const { settings, runner } = makeRunner();
  try {
    const p = await problemOf(
      run(runner, settings, 'faulty.ts', 'throwsNearOrigin', {
        ...small,
        init: { low: [-0.3], high: [0.3] },
        domain: { low: [-3], high: [3] },
      }),
    );
    assert.equal(p.kind, 'throw');
    assert.equal(p.detail.exportName, 'throwsNearOrigin');
    assert.equal(p.detail.file, join(dir, 'faulty.ts'));
    assert.equal(p.detail.line, 5);
    assert.match(p.message, /throwsNearOrigin/);
    assert.match(p.message, /undefined near the origin/);
    assert.ok(p.message.includes(`${join(dir, 'faulty.ts')}:5`), p.message);
    assert.ok(p.detail.input && Math.abs(p.detail.input[0]) < 0.5, `input ${p.detail.input}`);
  } finally {
    runner.dispose();
  }
});

test('a loss that returns NaN: those trials count as diverged, the run succeeds', async () => {
  const { settings, runner } = makeRunner();
  try {
    const r = await run(runner, settings, 'faulty.ts', 'nanLeft', { ...small, trials: 40, init: { low: [-3], high: [3] } });
    const expected = r.sgd.starts.filter((s) => s[0] < -1).length;
    assert.ok(expected > 0 && expected < 40, `starts left of -1: ${expected}`);
    assert.equal(r.sgd.diverged, expected);
    assert.equal(r.diverged, expected);
    assert.equal(r.gd?.diverged, expected);
    r.sgd.divergedMask.forEach((d, k) => assert.equal(d, r.sgd.starts[k][0] < -1, `trial ${k}`));
  } finally {
    runner.dispose();
  }
});

test('a loss that never returns is stopped at the stall limit, the worker replaced, and the next run works', async () => {
  const { settings, runner } = makeRunner({ stallSeconds: 1 });
  try {
    // Stopped by the 1 s stall limit (the message says so), not by the 60 s run limit; how soon
    // after the limit is measured by `npm run bench`.
    const p = await problemOf(run(runner, settings, 'faulty.ts', 'neverReturns'));
    assert.equal(p.kind, 'timeout');
    assert.match(p.message, /neverReturns/);
    assert.match(p.message, /x ≈ \[/);
    assert.match(p.message, /did not return within 1 s/);
    assert.ok(p.detail.input && p.detail.input.length === 1);
    const ok = await run(runner, settings, 'good.ts', 'bowl');
    assert.equal(ok.config.function, 'bowl');
    assert.equal(ok.sgd.finals.length, small.trials);
  } finally {
    runner.dispose();
  }
});

test('a loss that eats memory ends in a clear error, and the next run works', async () => {
  // A stall limit that cannot race the heap limit (filling 64 MB takes seconds on a loaded machine).
  const { settings, runner } = makeRunner({ memoryLimitMb: 64, stallSeconds: 60 });
  try {
    const p = await problemOf(run(runner, settings, 'faulty.ts', 'eatsMemory'));
    assert.equal(p.kind, 'memory');
    assert.match(p.message, /eatsMemory ran out of memory/);
    assert.match(p.message, /64 MB/);
    const ok = await run(runner, settings, 'good.ts', 'bowl');
    assert.equal(ok.sgd.finals.length, small.trials);
  } finally {
    runner.dispose();
  }
});

test('a syntax error is reported at file:line (1-based) before any worker runs', async () => {
  const { settings, runner } = makeRunner();
  try {
    const p = await problemOf(run(runner, settings, 'broken.ts', 'ok'));
    assert.equal(p.kind, 'syntax');
    assert.equal(p.detail.file, join(dir, 'broken.ts'));
    assert.equal(p.detail.line, 5);
    assert.ok(p.message.includes(`${join(dir, 'broken.ts')}:5:`), p.message);
    assert.equal(p.bundleMessages[0].line, 5);
  } finally {
    runner.dispose();
  }
});

test('type errors are not fatal; unknown exports and bad settings are clear errors', async () => {
  const { settings, runner } = makeRunner();
  try {
    const r = await run(runner, settings, 'typeError.ts', 'f');
    assert.equal(r.config.dim, 1);
    const nf = await problemOf(run(runner, settings, 'good.ts', 'nope'));
    assert.equal(nf.kind, 'not-found');
    assert.match(nf.message, /losses found: bowl/);
    const bad = await problemOf(run(runner, settings, 'good.ts', 'bowl', { ...small, trials: 0 }));
    assert.equal(bad.kind, 'config');
    assert.match(bad.message, /trials: must be an integer in \[1, 100000\], got 0/);
  } finally {
    runner.dispose();
  }
});

// The timeout only catches a cancel that does nothing (the run would go on for minutes).
test('cancel stops a run', { timeout: 60_000 }, async () => {
  const { settings, runner } = makeRunner();
  try {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    // 200 × 20000 steps of slowBowl take minutes: a run that ends as 'cancelled' was stopped. How
    // soon after the abort is measured by `npm run bench`.
    const p = await problemOf(run(runner, settings, 'faulty.ts', 'slowBowl', { ...small, trials: 200, steps: 20000 }, ac.signal));
    assert.equal(p.kind, 'cancelled');
    assert.ok(isCancellation(p));
    const ok = await run(runner, settings, 'good.ts', 'bowl');
    assert.equal(ok.sgd.finals.length, small.trials);
  } finally {
    runner.dispose();
  }
});
