/**
 * Finite-sum losses f(w) = (1/n) Σᵢ ℓ(w, eᵢ): the engine's mean loss and gradients against closed
 * forms of least squares, discovery of the trailing example parameter, and the worker path (the
 * real bundle and worker) on examples/least-squares.ts against its normal equations.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allIndices, batchGradient, exampleGradients, finiteSumGradient, finiteSumLoss, type FiniteSum } from '../../src/engine/finiteSum';
import { discoverLosses, lossShapeText } from '../../src/runner/discover';
import { ExperimentRunner } from '../../src/runner/pool';
import { prepareRun } from '../../src/runner/prepare';
import { RunFailure } from '../../src/runner/failure';
import { ConfigError } from '../../src/engine/config';

/** Linear regression ℓ(w, (t, y)) = ½(w₀ + w₁t − y)² on a handful of examples. */
const T = [-1, -0.5, 0, 0.25, 1.5];
const Y = [0.3, -1, 2, 0.5, 4];
const regression = (withGradient: boolean): FiniteSum => ({
  n: T.length,
  example: (w, i) => 0.5 * (w[0] + w[1] * T[i] - Y[i]) ** 2,
  ...(withGradient
    ? {
        exampleGradient: (w: Float64Array, i: number, out: Float64Array) => {
          const r = w[0] + w[1] * T[i] - Y[i];
          out[0] = r;
          out[1] = r * T[i];
        },
      }
    : {}),
});
/** By hand: f(w) = (1/n) Σ ½ rᵢ², ∇f = (1/n) Σ rᵢ (1, tᵢ). */
const fByHand = (w: number[]) => T.reduce((s, t, i) => s + 0.5 * (w[0] + w[1] * t - Y[i]) ** 2, 0) / T.length;
const gradByHand = (w: number[]) => {
  const g = [0, 0];
  T.forEach((t, i) => {
    const r = w[0] + w[1] * t - Y[i];
    g[0] += r / T.length;
    g[1] += (r * t) / T.length;
  });
  return g;
};

test('the loss is the mean over the examples, and carries them', () => {
  const fs = regression(false);
  const f = finiteSumLoss(fs);
  for (const w of [
    [0, 0],
    [1.5, -2],
    [-3, 0.7],
  ]) {
    assert.ok(Math.abs(f(Float64Array.from(w)) - fByHand(w)) <= 1e-14 * Math.max(1, fByHand(w)));
  }
  assert.equal(f.finiteSum, fs);
});

test('gradients: the user per-example gradient exactly, central differences per example to 1e-8', () => {
  for (const w of [
    [0, 0],
    [1.5, -2],
    [-3, 0.7],
  ]) {
    const exact = gradByHand(w);
    const out = new Float64Array(2);
    finiteSumGradient(regression(true), 0)(Float64Array.from(w), out);
    assert.ok(Math.abs(out[0] - exact[0]) < 1e-14 && Math.abs(out[1] - exact[1]) < 1e-14, `user gradient at ${w}`);
    finiteSumGradient(regression(false), 0)(Float64Array.from(w), out);
    // ℓ is quadratic: central differences are exact but for rounding (~ε|ℓ|/h).
    assert.ok(Math.abs(out[0] - exact[0]) < 1e-8 && Math.abs(out[1] - exact[1]) < 1e-8, `differences at ${w}: ${out} vs ${exact}`);
    const rows = exampleGradients(regression(true), w, 0);
    T.forEach((t, i) => {
      const r = w[0] + w[1] * t - Y[i];
      assert.deepEqual(Array.from(rows[i]), [r, r * t]);
    });
  }
});

test('a batch of every example in index order is the full gradient bit for bit', () => {
  const fs = regression(false);
  const w = Float64Array.from([0.4, -1.1]);
  const full = new Float64Array(2);
  finiteSumGradient(fs, 0)(w, full);
  const batch = new Float64Array(2);
  batchGradient(fs, w, allIndices(fs.n), 0, fs.n, batch, new Float64Array(2), 0);
  assert.deepEqual(batch, full);
  // A batch of two: the mean of those two by hand.
  batchGradient(regression(true), w, [0, 3, 1], 1, 2, batch, new Float64Array(2), 0);
  const r3 = 0.4 - 1.1 * T[3] - Y[3];
  const r1 = 0.4 - 1.1 * T[1] - Y[1];
  assert.ok(Math.abs(batch[0] - (r3 + r1) / 2) < 1e-15);
  assert.ok(Math.abs(batch[1] - (r3 * T[3] + r1 * T[1]) / 2) < 1e-15);
});

test('discovery: a trailing example parameter with <name>Options.data; n from an array literal', () => {
  const src = [
    'interface P { t: number; y: number }',
    'export function ls(w0: number, w1: number, e: P) { return (w0 + w1 * e.t - e.y) ** 2; }',
    'export const lsOptions = { data: [{ t: 0, y: 1 }, { t: 1, y: 2 }, { t: 2, y: 2 }] };',
    'export const net = (w: number[], e: [number, number]) => w[0] * e[0];',
    'export const netOptions = { data: makeData, dim: 7 };',
    'function makeData() { return [[1, 2]]; }',
    'export function plain(x: number, y: number) { return x * y; }',
    'export const plainOptions = { dim: 2 };',
  ].join('\n');
  const l = Object.fromEntries(discoverLosses(src, 'f.ts').map((x) => [x.name, x]));
  assert.deepEqual([l.ls.argStyle, l.ls.dim, l.ls.params, l.ls.examples], ['scalars', 2, ['w0', 'w1'], { param: 'e', n: 3 }]);
  assert.deepEqual([l.net.argStyle, l.net.dim, l.net.params, l.net.examples], ['array', 7, ['w'], { param: 'e', n: null }]);
  assert.equal(l.plain.examples, undefined);
  assert.equal(lossShapeText(l.ls), 'finite sum, n = 3, d = 2');
  assert.equal(lossShapeText(l.net), 'finite sum, n = from the data, d = 7 (array)');
  assert.equal(lossShapeText(l.plain), '2-D');
});

const workerScript = join(__dirname, '..', '..', 'dist', 'worker.js');
const dir = mkdtempSync(join(tmpdir(), 'sgd-finite-sum-'));
const bundleDir = join(dir, 'bundles');
const runner = new ExperimentRunner({ workerScript, workers: 1 });
after(() => runner.dispose());

test('examples/least-squares.ts through the worker: n counted, f the mean, GD heads to the solution of the normal equations', async () => {
  const src = join(__dirname, '..', '..', 'examples', 'least-squares.ts');
  const input = { trials: 4, steps: 50, resolution: 41, xStar: [0, 0], compareGd: true, noise: 'none' as const };
  const prep = await prepareRun(runner, src, input, { bundleDir });
  assert.equal(prep.info.examples, 44);
  assert.equal(prep.config.dim, 2);
  // leastSquares(w0, w1, e): two numbers and the example, settled by the loaded module alone (no
  // static discovery); its line from the bundle's source map.
  assert.equal(prep.discovered, undefined);
  assert.deepEqual([prep.loss.argStyle, prep.loss.line], ['scalars', 36]);
  const result = await runner.run(prep.loss, prep.config);
  // The normal equations of the file's 44 points (rebuilt here by the file's own recipe).
  const { leastSquaresOptions } = await import('../../examples/least-squares');
  const pts = (leastSquaresOptions.data as () => Array<{ t: number; y: number }>)();
  const n = pts.length;
  const st = pts.reduce((s, p) => s + p.t, 0);
  const stt = pts.reduce((s, p) => s + p.t * p.t, 0);
  const sy = pts.reduce((s, p) => s + p.y, 0);
  const sty = pts.reduce((s, p) => s + p.t * p.y, 0);
  const det = n * stt - st * st;
  const w = [(stt * sy - st * sty) / det, (n * sty - st * sy) / det];
  // GD with lr 0.1 for 50 steps from anywhere contracts toward w; f on the grid is the mean loss.
  const fAt = (a: number, b: number) => pts.reduce((s, p) => s + 0.5 * (a + b * p.t - p.y) ** 2, 0) / n;
  const f = result.landscape.f as number[][];
  const [ix, iy] = [7, 29];
  const want = fAt(result.landscape.x[ix], result.landscape.y![iy]);
  assert.ok(Math.abs(f[iy][ix] - want) <= 1e-12 * want, `f on the grid ${f[iy][ix]} vs ${want}`);
  const gdFinal = result.gd!.finals[0];
  // GD on this quadratic converges geometrically; after 50 steps it is near w (the contraction of
  // the slow direction is 1 − η·λ_min, λ_min of (1/n)[[n, Σt], [Σt, Σt²]]).
  const a = 1;
  const b = st / n;
  const c = stt / n;
  const lmin = (a + c - Math.sqrt((a - c) ** 2 + 4 * b * b)) / 2;
  const bound = Math.hypot(result.gd!.starts[0][0] - w[0], result.gd!.starts[0][1] - w[1]) * (1 - 0.1 * lmin) ** 50;
  assert.ok(Math.hypot(gdFinal[0] - w[0], gdFinal[1] - w[1]) <= bound * 1.0001 + 1e-12, `GD final ${gdFinal} vs w ${w}`);
});

test('a finite sum whose data is not an array, or whose data disappears at run time, is a clear error', async () => {
  const bad = join(dir, 'bad.ts');
  writeFileSync(
    bad,
    ['export function f(w: number, e: number) { return (w - e) ** 2; }', 'export const fOptions = { data: () => 42 };'].join('\n'),
  );
  await assert.rejects(
    prepareRun(runner, bad, { trials: 2, steps: 5 }, { bundleDir }),
    (e: unknown) =>
      e instanceof RunFailure &&
      /fOptions\.data must be an array of examples, or a function returning one; it returned number 42/.test(e.message),
  );
  const gone = join(dir, 'gone.ts');
  writeFileSync(
    gone,
    ['export function f(w: number, e: number) { return (w - e) ** 2; }', 'export const fOptions = { data: undefined };'].join('\n'),
  );
  await assert.rejects(
    prepareRun(runner, gone, { trials: 2, steps: 5 }, { bundleDir }),
    (e: unknown) => e instanceof ConfigError && /fOptions\.data is undefined when .* runs/.test(e.message),
  );
});

test('minibatch SGD through the worker pool: the same batches and finals on 1 and 2 workers', async () => {
  const src = join(__dirname, '..', '..', 'examples', 'least-squares.ts');
  const input = { trials: 8, steps: 120, resolution: 21, lr: 0.1, noise: 'minibatch' as const, batchSize: 4, sampling: 'shuffle' as const };
  const two = new ExperimentRunner({ workerScript, workers: 2 });
  try {
    const p1 = await prepareRun(runner, src, input, { bundleDir });
    const a = await runner.run(p1.loss, p1.config);
    const p2 = await prepareRun(two, src, input, { bundleDir });
    const b = await two.run(p2.loss, p2.config);
    assert.deepEqual(p2.config, p1.config);
    assert.equal(p1.config.stages[0].radius, 0);
    assert.deepEqual(b.finals, a.finals);
    assert.deepEqual(b.sgd.checkpoints, a.sgd.checkpoints);
    // Minibatch noise is real noise: the trials do not all end where GD does.
    assert.notDeepEqual(a.finals, a.gd!.finals);
  } finally {
    two.dispose();
  }
});
