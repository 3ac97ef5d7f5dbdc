import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateSmoothness } from '../../src/engine/smoothness';
import { theorem1 } from '../../src/engine/theorem1';
import { runTrials } from '../../src/engine/sgd';
import { cfg, method, sphere } from '../fixtures/diagnostics';

test('estimateSmoothness: the Hessian spectral norm of quadratics (1-D, 2-D, power iteration for d > 2)', () => {
  assert.ok(Math.abs(estimateSmoothness(sphere, cfg({}, 1)) - 2) < 1e-5);
  const q2 = (x: Float64Array) => x[0] ** 2 + 3 * x[0] * x[1] + x[1] ** 2; // eigenvalues 5, −1
  assert.ok(Math.abs(estimateSmoothness(q2, cfg({ resolution: 11 }, 2)) - 5) < 1e-5);
  const c = [1, 2, 3, -7];
  const q4 = (x: Float64Array) => 0.5 * c.reduce((s, ci, i) => s + ci * x[i] * x[i], 0);
  assert.ok(Math.abs(estimateSmoothness(q4, cfg({}, 4)) - 7) < 1e-4);
});

test('Theorem 1 arithmetic on a hand-computed case', () => {
  // η = 0.01, a = 0.01, L = 10, c = 2: λ = 0.04 − 0.01 = 0.03, b = 1e-4·1.1² = 1.21e-4,
  // median ‖y0 − x*‖ = 2, T1 = ln(0.03·4/1.21e-4)/0.03 = 229.98…, ball = √(20b/λ) = 0.28402…,
  // lr bound min{1/20, 2/100, 1/4} = 0.02 > η.
  const config = cfg({ stages: [{ lr: 0.01, radius: 0.01, steps: 1000, noise: 'uniform' }] }, 1);
  const sgd = method({ starts: [[1], [2], [-3]], stageFinals: [[[0.05], [0.5], [-0.1]]] });
  const t = theorem1(config, 0, 10, 2, [0], sgd);
  assert.ok(Math.abs(t.lambda - 0.03) < 1e-15);
  assert.ok(Math.abs(t.b - 1.21e-4) < 1e-18);
  assert.ok(Math.abs(t.T1 - Math.log(0.12 / 1.21e-4) / 0.03) < 1e-9);
  assert.ok(Math.abs(t.T1 - 229.982) < 1e-3);
  assert.ok(Math.abs(t.ballRadius - Math.sqrt((20 * 1.21e-4) / 0.03)) < 1e-15);
  assert.ok(Math.abs(t.ballRadius - 0.284019) < 1e-6);
  assert.equal(t.lrBound, 0.02);
  assert.equal(t.conditionHolds, true);
  assert.equal(t.observedInside, 2 / 3);
  assert.equal(t.outcome, 'predicted');
  assert.equal(t.steps, 1000);

  // c ≤ 0: the theorem does not apply, nothing is predicted.
  const neg = theorem1(config, 0, 10, -0.5, [0], sgd);
  assert.equal(neg.conditionHolds, false);
  assert.ok(Number.isNaN(neg.T1) && Number.isNaN(neg.ballRadius) && Number.isNaN(neg.observedInside));
  assert.equal(neg.outcome, 'c-not-positive');
  assert.equal(theorem1(config, 0, 10, NaN, [0], sgd).outcome, 'c-unknown');

  // η too big for L: λ = 0.04 − 0.01·L² ≤ 0 at L = 2 with η = 1 … use L = 30: λ = 0.04 − 0.09 < 0.
  const big = theorem1(config, 0, 30, 2, [0], sgd);
  assert.ok(big.lambda < 0 && Number.isNaN(big.T1));
  assert.equal(big.outcome, 'lr-too-large');
  // η = 0.06, L = 6, c = 2: λ = 0.24 − 0.1296 > 0 but η ≥ min{1/12, 2/36, 1/4} = 0.0556: a
  // prediction, not a guarantee.
  const over = theorem1(cfg({ stages: [{ lr: 0.06, radius: 0.01, steps: 10, noise: 'uniform' }] }, 1), 0, 6, 2, [0], sgd);
  assert.ok(over.lambda > 0 && over.outcome === 'predicted' && !over.conditionHolds);

  // 2-D cube: the noise bound is the half-diagonal a√2, so b = 2a²(1 + ηL)².
  const cube = cfg({ stages: [{ lr: 0.01, radius: 0.01, steps: 10, noise: 'cube' }] }, 2);
  const t2 = theorem1(cube, 0, 10, 2, [0, 0], method({ starts: [[1, 0]], stageFinals: [[[0, 0]]] }));
  assert.ok(Math.abs(t2.b - 2 * 1.21e-4) < 1e-18);
});

test('Theorem 1 takes a restarting stage’s starts from the same draws SGD used', () => {
  const config = cfg(
    {
      trials: 7,
      stages: [
        { lr: 0.05, radius: 0.1, steps: 20, noise: 'uniform' },
        { lr: 0.05, radius: 0.05, steps: 20, noise: 'uniform', init: { low: [1], high: [2] } },
      ],
    },
    1,
  );
  const sgd = runTrials(sphere, undefined, config, 'sgd', 0, 7);
  const t = theorem1(config, 1, 2, 2, [0], sgd);
  // All starts lie in [1, 2], so log(λ‖y0‖²/b)/λ with ‖y0‖ ∈ [1, 2].
  const lo = Math.log((t.lambda * 1) / t.b) / t.lambda;
  const hi = Math.log((t.lambda * 4) / t.b) / t.lambda;
  assert.ok(t.T1 >= lo && t.T1 <= hi);
});
