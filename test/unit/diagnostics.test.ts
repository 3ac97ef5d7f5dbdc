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
