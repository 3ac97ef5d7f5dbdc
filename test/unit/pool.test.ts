/**
 * The worker pool against real worker threads (dist/worker.js, which `npm run test:unit` builds first):
 * same numbers on any number of workers and in-process, and every failure of the user's code
 * ends in a clear RunFailure while the pool keeps working.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExperimentRunner } from '../../src/runner/pool';
import { RunFailure } from '../../src/runner/failure';
import { prepareRun } from '../../src/runner/prepare';
import { BundleFailure } from '../../src/runner/bundle';
import { runExperiment } from '../../src/engine/experiment';
import { figure3 } from '../../examples/paper-figure3';

const workerScript = join(__dirname, '..', '..', 'dist', 'worker.js');
const dir = mkdtempSync(join(tmpdir(), 'sgd-pool-'));
const bundleDir = join(dir, 'bundles');
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const runners: ExperimentRunner[] = [];
const runner = (opts = {}) => {
  const r = new ExperimentRunner({ workerScript, ...opts });
  runners.push(r);
  return r;
};
after(() => runners.forEach((r) => r.dispose()));

const failure = async (p: Promise<unknown>): Promise<RunFailure> => {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RunFailure, `expected RunFailure, got ${e}`);
    return e;
  }
  assert.fail('expected the run to fail');
};

test('same numbers on 1, 2 and 3 workers and in-process, diagnostics included (Figure 5 summed in the trial chunks)', async () => {
  const input = {
    function: 'figure3',
    trials: 12,
    seed: 's',
    resolution: 61,
    stages: [{ lr: 0.01, radius: 0.3, steps: 300, noise: 'uniform' as const }],
  };
  const src = join(__dirname, '..', '..', 'examples', 'paper-figure3.ts');
  const r1 = runner({ workers: 1 });
  const r2 = runner({ workers: 2 });
  const p1 = await prepareRun(r1, src, input, { bundleDir });
  const a = await r1.run(p1.loss, p1.config);
  const p2 = await prepareRun(r2, src, input, { bundleDir });
  const b = await r2.run(p2.loss, p2.config);
  const r3 = runner({ workers: 3 });
  const p3 = await prepareRun(r3, src, input, { bundleDir });
  const c = await r3.run(p3.loss, p3.config);
  assert.deepEqual(b.finals, a.finals);
  assert.deepEqual(b.gd!.finals, a.gd!.finals);
  assert.deepEqual(b.landscape, a.landscape);
  const local = runExperiment((x) => figure3(x[0]), undefined, p1.config);
  assert.deepEqual(local.finals, a.finals);
  assert.deepEqual(local.landscape.smoothed, a.landscape.smoothed);
  // Figure 5 and Theorem 3 come from sums over trial chunks (1, 2 or 3 of them, or one pass):
  // the same numbers bit for bit; the result keeps the sampled trials' checkpoints only, GD's none.
  for (const other of [b, c, local]) {
    assert.deepEqual(other.diagnostics, a.diagnostics);
    assert.deepEqual(other.sgd, a.sgd);
    assert.deepEqual(other.gd, a.gd);
  }
  assert.ok(a.diagnostics.trajectory.innerMean.every(Number.isFinite) && a.diagnostics.trajectory.probeMean.every(Number.isFinite));
  assert.equal(a.version, 3);
  assert.equal(a.sgd.checkpoints.length, a.sgd.pathTrials.length);
  assert.deepEqual(a.gd!.checkpoints, []);
  assert.equal('figure5' in a.sgd || 'checkpointX' in a.sgd || 'checkpointGrad2' in a.sgd, false, 'the sums stay out of the result');
  assert.equal(a.diagnostics.xStarSource, 'user');
  assert.deepEqual(a.config.xStar, [0]);
});

test('a loss that throws names the function, its file and line, and the input', async () => {
  const src = file(
    'throws.ts',
    ['export function bad(x: number): number {', '  if (x > -10) {', "    throw new Error('kaput');", '  }', '  return x;', '}', ''].join(
      '\n',
    ),
  );
  const r = runner({ workers: 1 });
  // Preparing only loads the module; the run calls the loss first at the init box's centre, 0.
  const p = await prepareRun(r, src, { function: 'bad' }, { bundleDir });
  const f = await failure(r.run(p.loss, p.config));
  assert.equal(f.detail.kind, 'throw');
  assert.equal(f.detail.file, src);
  assert.equal(f.detail.line, 3);
  assert.match(f.detail.message, /bad threw at x = \[0\]: kaput/);
  assert.deepEqual(f.detail.input, [0]);
});

test('NaN and ±Infinity mark trials diverged; the run completes', async () => {
  const src = file('nan.ts', 'export function edges(x: number) { return x < -2 ? NaN : x > 2.2 ? Infinity : x * x; }\n');
  const r = runner();
  const p = await prepareRun(
    r,
    src,
    { trials: 60, init: { low: [-2.5], high: [2.5] }, stages: [{ lr: 0.05, radius: 0.05, steps: 200 }] },
    { bundleDir },
  );
  const res = await r.run(p.loss, p.config);
  // Exactly the trials that start where f is not finite diverge; the rest reach 0.
  const bad = res.sgd.starts.map((s) => s[0] < -2 || s[0] > 2.2);
  assert.ok(bad.some(Boolean));
  assert.deepEqual(res.sgd.divergedMask, bad);
  assert.equal(res.diverged, bad.filter(Boolean).length);
  for (let k = 0; k < 60; k++) if (!bad[k]) assert.ok(Math.abs(res.finals[k][0]) < 0.2);
});

test('a loss that never returns is stopped at the stall limit with its input; the pool still works', async () => {
  const src = file('hang.ts', 'export function hang(x: number): number {\n  if (x < 1) { for (;;) {} }\n  return x * x;\n}\n');
  const r = runner({ workers: 1, stallMs: 700 });
  const p = await prepareRun(
    r,
    src,
    { init: { low: [2], high: [3] }, domain: { low: [-3], high: [3] }, stages: [{ lr: 0.1, noise: 'none', steps: 100 }] },
    { bundleDir },
  );
  // How soon after the stall limit it is stopped is measured by `npm run bench`, not timed here.
  const f = await failure(r.run(p.loss, p.config));
  assert.equal(f.detail.kind, 'timeout');
  // The landscape rows go first, so the hang is met at the domain's first grid point, -3.
  assert.match(f.detail.message, /^hang did not return within 0\.7 s at x ≈ \[-3\]; the worker was stopped .*hang\.ts:1\)$/);
  assert.deepEqual(f.detail.input, [-3]);
  assert.equal(f.detail.line, 1);
  const ok = file('fine.ts', 'export function fine(x: number) { return x * x; }\n');
  const q = await prepareRun(r, ok, { trials: 5, stages: [{ steps: 50 }] }, { bundleDir });
  const res = await r.run(q.loss, q.config);
  assert.equal(res.finals.length, 5);
});

test("a worker thread's slow start does not count against the stall limit", async () => {
  // A worker script that takes 1.5 s to start (as on a loaded machine) before loading the real one.
  const slowStart = file(
    'slow-start-worker.js',
    `Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);\nrequire(${JSON.stringify(workerScript)});\n`,
  );
  const r = new ExperimentRunner({ workerScript: slowStart, workers: 1, stallMs: 500 });
  runners.push(r);
  const ok = file('quick.ts', 'export function quick(x: number) { return x * x; }\n');
  const p = await prepareRun(r, ok, { trials: 3, resolution: 5, stages: [{ steps: 20 }] }, { bundleDir });
  const res = await r.run(p.loss, p.config);
  assert.equal(res.finals.length, 3);
});

test('a loss that eats memory ends in a clear error, not a crash', async () => {
  const src = file(
    'mem.ts',
    'const hoard: number[][] = [];\nexport function mem(x: number): number {\n  for (;;) hoard.push(new Array(1e6).fill(x));\n}\n',
  );
  const r = runner({ workers: 1, memoryLimitMb: 64, stallMs: 60_000 });
  // Loading the module allocates nothing; the first call (at the init centre, in the run) does
  // (no suggested defaults: sampling f's curvature would meet it first).
  const p = await prepareRun(r, src, {}, { bundleDir, suggest: false });
  const f = await failure(r.run(p.loss, p.config));
  assert.equal(f.detail.kind, 'memory');
  assert.match(
    f.detail.message,
    /^mem ran out of memory at x ≈ \[-?\d.*\]: it needs more than the worker heap limit of 64 MB .*mem\.ts:2\)$/,
  );
});

test('a syntax error is a BundleFailure with file and line; cancel and bad exports are clear', async () => {
  const src = file('syntax.ts', 'export function f(x: number) {\n  return x *;\n}\n');
  const r = runner({ workers: 1 });
  await assert.rejects(prepareRun(r, src, {}, { bundleDir }), (e: unknown) => {
    assert.ok(e instanceof BundleFailure);
    assert.equal(e.messages[0].line, 2);
    assert.equal(e.messages[0].file, src);
    return true;
  });
  const ok = file(
    'slow.ts',
    'export function slow(x: number) { let s = 0; for (let i = 0; i < 2000; i++) s += Math.sin(x + i); return x * x + s * 1e-9; }\n',
  );
  const p = await prepareRun(r, ok, { trials: 50, stages: [{ steps: 20000 }] }, { bundleDir });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 300);
  const f = await failure(r.run(p.loss, p.config, { signal: ac.signal }));
  assert.equal(f.detail.kind, 'cancelled');
  const strings = file('str.ts', "export function s(x: number): number { return 'nope' as unknown as number; }\n");
  const q = await prepareRun(r, strings, {}, { bundleDir });
  const g = await failure(r.run(q.loss, q.config));
  assert.equal(g.detail.kind, 'invalid');
  assert.match(g.detail.message, /s must return a number; at x = \[0\] it returned the string "nope"/);
});

test('inspect is its own message: a module whose top level hangs is stopped when the caller aborts', async () => {
  const { bundleLossFile } = await import('../../src/runner/bundle');
  const src = file('hangs-on-load.ts', 'for (;;) {}\nexport function f(x: number) { return x; }\n');
  const { bundlePath } = await bundleLossFile(src, { outDir: bundleDir });
  const r = runner({ workers: 1, stallMs: 60_000 });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 200);
  const f = await failure(r.inspect({ bundlePath, exportName: 'f', argStyle: 'scalars', dim: 1, sourceFile: src }, ac.signal));
  assert.equal(f.detail.kind, 'cancelled'); // not 'timeout': the 60 s stall limit never came into it
  const ok = file('fine2.ts', 'export function fine(x: number) { return x * x; }\nexport const fineOptions = { dim: 1 };\n');
  const q = await prepareRun(r, ok, {}, { bundleDir });
  // Its line in fine2.ts from the bundle's source map (1-based).
  assert.deepEqual(q.info.functions, [{ name: 'fine', length: 1, line: 1, plain: true }]);
  assert.deepEqual(q.info.options, { dim: 1 });
});

test('partial results: landscape and trial chunks stream in order, throttled; final numbers unchanged', async () => {
  const input = {
    function: 'figure3',
    trials: 64,
    seed: 'p',
    resolution: 21,
    sampleTrajectories: 4,
    stages: [{ lr: 0.01, radius: 0.3, steps: 40000, noise: 'uniform' as const }],
  };
  const src = join(__dirname, '..', '..', 'examples', 'paper-figure3.ts');
  const r2 = runner({ workers: 2 });
  const p2 = await prepareRun(r2, src, input, { bundleDir });
  const seen: Array<{ at: number; p: import('../../src/runner/pool').RunPartial }> = [];
  const intervalMs = 100;
  const b = await r2.run(p2.loss, p2.config, { partialIntervalMs: intervalMs, onPartial: (p) => seen.push({ at: performance.now(), p }) });
  const atEnd = seen.length;
  assert.ok(seen.length >= 2, `several partial updates (${seen.length})`);
  for (let i = 1; i < seen.length; i++) {
    assert.ok(seen[i]!.at - seen[i - 1]!.at >= intervalMs - 5, `updates ${i - 1} and ${i} are ${seen[i]!.at - seen[i - 1]!.at} ms apart`);
    assert.ok(seen[i]!.p.trialsDone >= seen[i - 1]!.p.trialsDone, 'trials done never go back');
  }
  const finalKey = b.finals.map((y) => y.join(','));
  for (const { p } of seen) {
    if (p.landscape) assert.deepEqual(p.landscape, b.landscape, 'the partial landscape is the final one');
    if (!p.sgd) continue;
    assert.equal(p.sgd.finals.length, p.trialsDone);
    // The finals so far are the final run's, in trial order (a subsequence of them).
    let j = 0;
    for (const y of p.sgd.finals) {
      const k = y.join(',');
      while (j < finalKey.length && finalKey[j] !== k) j++;
      assert.ok(j < finalKey.length, 'a partial final iterate is one of the final ones, in order');
      j++;
    }
    for (let i = 1; i < p.sgd.pathTrials.length; i++)
      assert.ok(p.sgd.pathTrials[i]! > p.sgd.pathTrials[i - 1]!, 'sampled paths in trial order');
  }
  assert.ok(
    seen.some(({ p }) => p.sgd && p.sgd.finals.length > 0 && p.trialsDone < input.trials),
    'finals of a part of the trials were reported before the end',
  );
  assert.ok(
    seen.some(({ p }) => p.landscape),
    `the landscape was reported: ${JSON.stringify(seen.map(({ at, p }) => [Math.round(at), p.trialsDone, !!p.landscape]))}`,
  );
  await new Promise((r) => setTimeout(r, 3 * intervalMs));
  assert.equal(seen.length, atEnd, 'nothing is reported after the run settles');
  // 4 chunks on 1 worker, 8 on 2, one in-process: the same numbers.
  const r1 = runner({ workers: 1 });
  const p1 = await prepareRun(r1, src, input, { bundleDir });
  const a = await r1.run(p1.loss, p1.config);
  assert.deepEqual(b.finals, a.finals);
  assert.deepEqual(b.sgd.paths, a.sgd.paths);
  assert.deepEqual(b.gd!.finals, a.gd!.finals);
  const local = runExperiment((x) => figure3(x[0]), undefined, p1.config);
  assert.deepEqual(local.finals, b.finals);
  assert.deepEqual(local.diagnostics.c, b.diagnostics.c);
});

test("runs do not leak into each other: a loss that changes a global leaves the next file's run alone", async () => {
  // log.ts uses Math.log; patch.ts replaces it (as a careless loss file might) when it loads.
  const logSrc = file('uses-log.ts', 'export function lg(x: number): number {\n  return Math.log(2 + x * x);\n}\n');
  const patchSrc = file('patch.ts', 'Math.log = Math.log2;\nexport function patched(x: number): number {\n  return x * x;\n}\n');
  const input = { trials: 4, seed: 'iso', resolution: 5, stages: [{ steps: 20 }] };
  const fresh = runner({ workers: 1 });
  const pf = await prepareRun(fresh, logSrc, input, { bundleDir });
  const expected = await fresh.run(pf.loss, pf.config);
  const shared = runner({ workers: 1 });
  const pp = await prepareRun(shared, patchSrc, input, { bundleDir });
  await shared.run(pp.loss, pp.config);
  const pl = await prepareRun(shared, logSrc, input, { bundleDir });
  const got = await shared.run(pl.loss, pl.config);
  assert.deepEqual(got.landscape.f, expected.landscape.f);
  assert.deepEqual(got.finals, expected.finals);
  // And no worker thread is left once a run has ended.
  assert.equal(shared.workerCount, 0);
});

test('prestart: the workers start before any job, the run takes them, and a run of a global-changing loss never reaches the next', async () => {
  const logSrc = file('uses-log2.ts', 'export function lg(x: number): number {\n  return Math.log(2 + x * x);\n}\n');
  const patchSrc = file('patch2.ts', 'Math.log = Math.log2;\nexport function patched(x: number): number {\n  return x * x;\n}\n');
  const input = { trials: 4, seed: 'warm', resolution: 5, stages: [{ steps: 20 }] };
  const cold = runner({ workers: 2 });
  const pc = await prepareRun(cold, logSrc, input, { bundleDir });
  const expected = await cold.run(pc.loss, pc.config);
  const warm = runner({ workers: 2 });
  warm.prestart();
  assert.equal(warm.workerCount, 2);
  warm.prestart(); // at most `workers` in all
  assert.equal(warm.workerCount, 2);
  const pp = await prepareRun(warm, patchSrc, input, { bundleDir });
  await warm.run(pp.loss, pp.config);
  warm.prestart();
  const pl = await prepareRun(warm, logSrc, input, { bundleDir });
  const got = await warm.run(pl.loss, pl.config);
  assert.deepEqual(got.landscape.f, expected.landscape.f);
  assert.deepEqual(got.finals, expected.finals);
  assert.equal(warm.workerCount, 0);
});

test('an unnamed run: the only export of k ≥ 2 numbers is taken as loaded; one of one parameter still goes by its type', async () => {
  const r = runner({ workers: 1 });
  const two = file('only-two.ts', '// a bowl\n\nexport function bowl2(x: number, y: number): number {\n  return x * x + y * y;\n}\n');
  const p = await prepareRun(r, two, { trials: 2, steps: 10, resolution: 5 }, { bundleDir, suggest: false });
  assert.deepEqual([p.config.function, p.loss.argStyle, p.config.dim, p.loss.line, p.discovered], ['bowl2', 'scalars', 2, 3, undefined]);
  // One parameter typed as a string: the static discovery's message, as before.
  const str = file('only-string.ts', 'export function label(s: string): number {\n  return s.length;\n}\n');
  await assert.rejects(prepareRun(r, str, {}, { bundleDir }), /exports no loss functions/);
  // One parameter typed as an array: the static discovery says so.
  const arr = file(
    'only-array.ts',
    'export function norm(v: number[]): number {\n  return Math.hypot(...v);\n}\nexport const normOptions = { dim: 3 };\n',
  );
  const q = await prepareRun(r, arr, { trials: 2, steps: 10, resolution: 5 }, { bundleDir, suggest: false });
  assert.deepEqual([q.config.function, q.loss.argStyle, q.config.dim, q.loss.line], ['norm', 'array', 3, 1]);
});

test('keepWarm: fresh workers wait for the next run, and a run that changes only what the landscape does not read reuses it', async () => {
  const src = file(
    'rast-kept.ts',
    'export function rast(x: number, y: number): number {\n  return 20 + x * x - 10 * Math.cos(2 * Math.PI * x) + y * y - 10 * Math.cos(2 * Math.PI * y);\n}\n',
  );
  const input = (seed: string, radius = 0.3) => ({
    seed,
    trials: 6,
    resolution: 21,
    init: { low: [-2, -2], high: [2, 2] },
    stages: [{ lr: 0.002, radius, steps: 50, noise: 'uniform' as const }],
  });
  const strip = (r: { timing?: unknown; startedAt?: unknown }) => ({ ...r, timing: undefined, startedAt: undefined });
  const warm = runner({ workers: 2, keepWarm: true });
  const a = await prepareRun(warm, src, input('a'), { bundleDir });
  const first = await warm.run(a.loss, a.config);
  assert.ok(first.timing.landscapeMs > 0);
  assert.equal(warm.workerCount, 2, 'two fresh workers wait for the next run');
  // Another seed: the landscape is reused (no landscape task ran), the rest is this seed's.
  const b = await prepareRun(warm, src, input('b'), { bundleDir });
  const partials: unknown[] = [];
  const second = await warm.run(b.loss, b.config, { onPartial: (p) => partials.push(p.landscape), partialIntervalMs: 0 });
  assert.equal(second.timing.landscapeMs, 0);
  assert.ok(
    partials.some((l) => l !== undefined),
    'the kept landscape is reported as a partial result',
  );
  const cold = runner({ workers: 2 });
  const c = await prepareRun(cold, src, input('b'), { bundleDir });
  const expected = await cold.run(c.loss, c.config);
  assert.deepEqual(strip(second), strip(expected), 'same result as a runner that computed its landscape');
  assert.notDeepEqual(second.finals, first.finals);
  // The results do not share the kept landscape: changing one leaves the next run's alone.
  (second.landscape.f as number[][])[0][0] = -1;
  const third = await warm.run(b.loss, b.config);
  assert.deepEqual(strip(third), strip(expected));
  // Another radius: computed again.
  const d = await prepareRun(warm, src, input('b', 0.4), { bundleDir });
  const fourth = await warm.run(d.loss, d.config);
  assert.ok(fourth.timing.landscapeMs > 0);
  assert.equal(fourth.landscape.smoothed[0].radius, 0.4);
});
