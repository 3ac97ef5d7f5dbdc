import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeLandscape } from '../../src/engine/landscape';
import { computeDiagnostics } from '../../src/engine/diagnostics';
import { runTrials } from '../../src/engine/sgd';
import { cOfSigma, cfg, rastrigin1, sphere } from '../fixtures/diagnostics';

test('computeDiagnostics on the sphere: x* from the smoothed minimum, c = 2, Theorem 1 and success counts', () => {
  const config = cfg(
    { trials: 20, checkpoints: 5, probeSamples: 2, resolution: 201, stages: [{ lr: 0.1, radius: 0.05, steps: 200, noise: 'uniform' }] },
    1,
  );
  const landscape = computeLandscape(sphere, config);
  const sgd = runTrials(sphere, undefined, config, 'sgd', 0, config.trials);
  const gd = runTrials(sphere, undefined, config, 'gd', 0, config.trials);
  const diag = computeDiagnostics(sphere, undefined, config, landscape, [sgd, gd]);
  assert.equal(diag.xStarSource, 'smoothed-minimum');
  assert.ok(Math.abs(diag.xStar[0]) < 1e-12);
  assert.ok(Math.abs(diag.c - 2) < 1e-12);
  assert.ok(Math.abs(diag.L - 2) < 1e-5);
  const [t] = diag.theorem1;
  // λ = 2·0.1·2 − 0.01·4 = 0.36, b = 0.05²·1.2² = 0.0036, ball √(20b/λ) = √0.2.
  assert.ok(Math.abs(t.lambda - 0.36) < 1e-5 && Math.abs(t.ballRadius - Math.sqrt(0.2)) < 1e-5);
  assert.equal(t.conditionHolds, true);
  assert.equal(t.observedInside, 1);
  // 5% of the diameter 7.2 of the default domain [-3.6, 3.6] (the start box grown by 10% each side)
  // is 0.36, below the ball √0.2.
  assert.ok(Math.abs(diag.successRadius - 0.36) < 1e-12);
  assert.equal(diag.successSgd, 20);
  assert.equal(diag.successGd, 20);
  assert.equal(
    diag.histogram.sgd.reduce((a, b) => a + b, 0),
    20,
  );
  assert.equal(diag.trajectory.steps.length, 5);
  assert.equal(computeDiagnostics(sphere, undefined, config, landscape, [sgd, gd], [0.5]).xStarSource, 'user');
  const withStar = { ...config, xStar: [0.5] };
  assert.equal(computeDiagnostics(sphere, undefined, withStar, landscape, [sgd, gd]).xStarSource, 'config');
});

test('a stage restarting in its own box is judged on that box (Corollary 2): Rastrigin σ = 0.3', () => {
  const config = cfg(
    {
      trials: 4,
      compareGd: false,
      checkpoints: 3,
      probeSamples: 1,
      resolution: 1201, // 0.715 is a grid point of [-3, 3]
      domain: { low: [-3], high: [3] },
      xStar: [0],
      stages: [
        { lr: 0.01, radius: 0.3, steps: 20, noise: 'gaussian' },
        { lr: 0.01, radius: 0.3, steps: 20, noise: 'gaussian', init: { low: [-0.5], high: [0.5] } },
      ],
    },
    1,
  );
  const landscape = computeLandscape(rastrigin1, config);
  const sgd = runTrials(rastrigin1, undefined, config, 'sgd', 0, 4);
  const diag = computeDiagnostics(rastrigin1, undefined, config, landscape, [sgd]);
  assert.equal(diag.theorem1.length, 2);
  // On [-3, 3] the infimum is c(σ) < 0 (at |y| ≈ 0.715); on [-0.5, 0.5] minus the ball of radius
  // 0.3 it is c(y) = 2 + A sin(2πy)/y at |y| = 0.5 − a hair, i.e. 2 + A·sin(2π·0.5)/0.5 = 2.
  assert.ok(Math.abs(diag.theorem1[0].c - cOfSigma(0.3)) < 1e-5);
  assert.ok(Math.abs(diag.theorem1[1].c - 2) < 1e-9, String(diag.theorem1[1].c));
  assert.equal(diag.c, diag.convexity[0].c);
});

// Issue 10 §2: c covers every grid point where trials run; x* not minimising g is reported first.
// For f = p x² + q cos 5x under the window [−a, a]: g(y) = p(y² + a²/3) + q s cos 5y with
// s = sin 5a / 5a, so with x* = 0 c(y) = g′(y)/y = 2p − 5qs·sin(5y)/y, whose infimum over y ≠ 0
// is the limit at 0, g″(0) = 2p − 25qs (sin(5y)/y ≤ 5).
const wiggle = (p: number, q: number) => (x: Float64Array) => p * x[0] * x[0] + q * Math.cos(5 * x[0]);
const sinc = (a: number) => Math.sin(5 * a) / (5 * a);

test('issue 10: x² + 0.15 cos 5x, window 0.3, x* = 0 is a local maximum of g: said first, c = g″(0) < 0', () => {
  const f = wiggle(1, 0.15);
  const config = cfg(
    {
      trials: 40,
      init: { low: [-3], high: [3] },
      domain: { low: [-3], high: [3] },
      resolution: 601,
      xStar: [0],
      compareGd: false,
      stages: [{ lr: 0.005, radius: 0.3, steps: 300, noise: 'uniform' }],
    },
    1,
  );
  const landscape = computeLandscape(f, config);
  const sgd = runTrials(f, undefined, config, 'sgd', 0, config.trials);
  const diag = computeDiagnostics(f, undefined, config, landscape, [sgd]);
  const s = sinc(0.3);
  const g = (y: number) => y * y + 0.03 + 0.15 * s * Math.cos(5 * y);
  const cOf = (y: number) => 2 - (0.75 * s * Math.sin(5 * y)) / y;
  const map = diag.convexity[0];
  const values = map.values as number[];
  // The numbers: c(0.01) = −0.493, g(0) = 0.1297 > g(±0.22) = 0.1236.
  assert.ok(Math.abs(values[301] - cOf(0.01)) < 1e-9 && Math.abs(cOf(0.01) - -0.493) < 5e-4, String(values[301]));
  assert.ok(Math.abs(g(0) - 0.1297) < 1e-4 && Math.abs(g(0.22) - 0.1236) < 1e-4);
  const check = map.xStarCheck!;
  assert.equal(check.minimises, false);
  assert.ok(Math.abs(check.g - g(0)) < 1e-10);
  assert.ok(Math.abs(check.gMin - g(check.argMin[0])) < 1e-10);
  // The true minimiser of g: 2y = 0.75 s sin 5y, by bisection on (0.1, 0.4).
  let lo = 0.1;
  let hi = 0.4;
  for (let k = 0; k < 60; k++) {
    const m = (lo + hi) / 2;
    if (2 * m - 0.75 * s * Math.sin(5 * m) < 0) lo = m;
    else hi = m;
  }
  assert.ok(Math.abs(Math.abs(check.argMin[0]) - lo) <= 0.01, `${check.argMin[0]} vs ${lo}`);
  // c: at x* the limit g″(0) = 2 − 3.75 s = −0.4938, the infimum of c(y) over [−3, 3].
  const limit = 2 - 3.75 * s;
  assert.ok(Math.abs(values[300] - limit) < 1e-6, String(values[300]));
  assert.ok(Math.abs(diag.c - limit) < 1e-6 && Math.abs(limit - -0.4938) < 1e-4, String(diag.c));
  const [t] = diag.theorem1;
  assert.equal(t.outcome, 'x-star-not-minimiser');
  assert.equal(t.conditionHolds, false);
  assert.ok(Number.isNaN(t.T1) && Number.isNaN(t.ballRadius));
});

test('issue 10: x²/2 + 0.05 cos 5x at η = 0.05, window 0.3: c = 1 − 1.25 s = 0.169, so η > c/L² = 0.0333', () => {
  const f = wiggle(0.5, 0.05);
  const config = cfg(
    {
      trials: 10,
      compareGd: false,
      init: { low: [-3], high: [3] },
      domain: { low: [-3], high: [3] },
      resolution: 601,
      xStar: [0],
      stages: [{ lr: 0.05, radius: 0.3, steps: 100, noise: 'uniform' }],
    },
    1,
  );
  const landscape = computeLandscape(f, config);
  const sgd = runTrials(f, undefined, config, 'sgd', 0, config.trials);
  const diag = computeDiagnostics(f, undefined, config, landscape, [sgd]);
  const s = sinc(0.3);
  const c = 1 - 1.25 * s;
  assert.ok(Math.abs(c - 0.169) < 1e-3);
  assert.equal(diag.convexity[0].xStarCheck?.minimises, true);
  assert.ok(Math.abs(diag.c - c) < 1e-6, String(diag.c));
  const [t] = diag.theorem1;
  // L = max |f″| = 1 + 1.25 = 2.25 (sampled on the grid: within 1e-4); bound min{1/2L, c/L², 1/2c}.
  assert.ok(Math.abs(t.L - 2.25) < 1e-4, String(t.L));
  const bound = Math.min(1 / (2 * 2.25), c / 2.25 ** 2, 1 / (2 * c));
  assert.ok(Math.abs(t.lrBound - bound) < 1e-5 && Math.abs(bound - 0.0333) < 1e-4, String(t.lrBound));
  assert.equal(t.conditionHolds, false);
});

test('issue 10: a stage without noise gets c of f itself (radius 0), not NaN', () => {
  const config = cfg(
    {
      trials: 5,
      compareGd: false,
      resolution: 601,
      domain: { low: [-3], high: [3] },
      init: { low: [-3], high: [3] },
      xStar: [0],
      stages: [
        { lr: 0.01, radius: 0, steps: 10, noise: 'none' },
        { lr: 0.01, radius: 0.3, steps: 10, noise: 'uniform' },
      ],
    },
    1,
  );
  const run = (f: (x: Float64Array) => number) =>
    computeDiagnostics(f, undefined, config, computeLandscape(f, config), [runTrials(f, undefined, config, 'sgd', 0, 5)]);
  const sph = run(sphere);
  assert.deepEqual(
    sph.convexity.map((m) => [m.radius, m.noise]),
    [
      [0, 'none'],
      [0.3, 'uniform'],
    ],
  );
  assert.ok(Math.abs(sph.c - 2) < 1e-6 && Math.abs(sph.convexity[1].c - 2) < 1e-9, String(sph.c));
  // f = x² + 0.15 cos 5x itself: c(y) = 2 − 0.75 sin(5y)/y, infimum f″(0) = 2 − 3.75 = −1.75; f(0)
  // = 0.15 is above f(0.4) = 0.16 + 0.15 cos 2.
  const bump = run(wiggle(1, 0.15));
  const map = bump.convexity[0];
  assert.ok(Math.abs((map.values as number[])[420] - (2 - (0.75 * Math.sin(5 * 1.2)) / 1.2)) < 1e-6);
  assert.ok(Math.abs(bump.c - -1.75) < 1e-4, String(bump.c));
  assert.equal(map.xStarCheck?.minimises, false);
  assert.ok(map.xStarCheck!.gMin <= 0.16 + 0.15 * Math.cos(2) + 1e-12);
  assert.equal(bump.theorem1.length, 1); // Theorem 1 needs noise: the radius-0 stage has none
});
