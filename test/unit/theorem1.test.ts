import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateSmoothness, smoothnessEstimate } from '../../src/engine/smoothness';
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
  // With the exact gradient (d > 2: differences of ∇f, no loss calls at all), the same L.
  let lossCalls = 0;
  const counted = (x: Float64Array) => (lossCalls++, q4(x));
  const grad = (x: Float64Array, out: Float64Array) => c.forEach((ci, i) => (out[i] = ci * x[i]));
  assert.ok(Math.abs(estimateSmoothness(counted, cfg({}, 4), grad) - 7) < 1e-6);
  assert.equal(lossCalls, 0);
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

test('issue 10 §3: Figure 3’s L = 445,300 is the kink at x = ±3 on the start region’s edge; inside, max |f″| ≈ 7,936', async () => {
  const { figure3 } = await import('../../examples/paper-figure3');
  const { smoothnessEstimate } = await import('../../src/engine/smoothness');
  const { smoothnessText } = await import('../../src/view/theorem1');
  const config = cfg({ domain: { low: [-3], high: [3] }, init: { low: [-3], high: [3] } }, 1);
  const s = smoothnessEstimate((x) => figure3(x[0]), config);
  // Reference for the edge: the second difference at step h = 3e-4 across the jump J of f′ at 3 is
  // J/h + O(1); f′(3⁺) = 6 (the continuation f(3) + x² − 9), f′(3⁻) from a one-sided difference.
  const e = 1e-7;
  const J = 6 - (figure3(3) - figure3(3 - e)) / e;
  assert.ok(Math.abs(s.L - 445300) < 500, String(s.L));
  assert.ok(Math.abs(s.L - Math.abs(J) / 3e-4) < 0.01 * s.L, `${s.L} vs J/h = ${Math.abs(J) / 3e-4}`);
  assert.equal(s.edgeKink, true);
  assert.equal(Math.abs(s.at[0]), 3);
  // Inside: the spline's largest |f″| at its knots (every 0.006), by a second difference of step 1e-5.
  let inner = 0;
  for (let k = 1; k < 1000; k++) {
    const x = -3 + 0.006 * k;
    if (x >= 3 - 1e-9) break;
    const h = 1e-5;
    inner = Math.max(inner, Math.abs((figure3(x + h) - 2 * figure3(x) + figure3(x - h)) / (h * h)));
  }
  assert.ok(Math.abs(inner - 7936) < 10, String(inner));
  // The estimator's grid (step 0.003) and difference step (3e-4) average f″ near the knot: within 2%.
  assert.ok(Math.abs(s.interior! - inner) < 0.02 * inner, `${s.interior} vs ${inner}`);
  assert.match(
    smoothnessText(s.L, s),
    /^L ≈ 4\.45e5 \(at −?3, a kink on the start region's edge; inside the region L ≈ 7[89]\d\d, at 2\.99\)$/,
  );
  // A smooth loss whose largest |f″| is on the edge is no kink: x⁴ on [−1, 1], L = 12 at ±1.
  const quartic = smoothnessEstimate((x) => x[0] ** 4, cfg({ domain: { low: [-1], high: [1] }, init: { low: [-1], high: [1] } }, 1));
  assert.ok(Math.abs(quartic.L - 12) < 1e-4 && quartic.edgeKink === false && Math.abs(quartic.at[0]) === 1);
  assert.equal(smoothnessText(quartic.L, quartic), 'L ≈ 12 (at −1)');
});

test('issue 10 §3: Theorem 3 on the sphere — c′ = 2, so the step is too big exactly when η > 1 (|1 − 2η| > 1)', async () => {
  const { theorem3 } = await import('../../src/engine/theorem3');
  const { computeLandscape } = await import('../../src/engine/landscape');
  const { theorem3Text } = await import('../../src/view/theorem1');
  // Two stages, η = 0.4 then 1.2; checkpoints at steps 0 and 5 (stage 1) and 10, 15 (stage 2).
  const config = cfg(
    {
      resolution: 41,
      domain: { low: [-2, -2], high: [2, 2] },
      init: { low: [-2, -2], high: [2, 2] },
      stages: [
        { lr: 0.4, radius: 0, steps: 10, noise: 'none' },
        { lr: 1.2, radius: 0, steps: 10, noise: 'none' },
      ],
    },
    2,
  );
  const landscape = computeLandscape(sphere, config);
  const sgd = method({
    checkpointSteps: [0, 5, 10, 15],
    checkpoints: [
      [
        [1, 1],
        [0.2, 0],
        [0.5, -0.5],
        [-1, 0.25],
      ],
      [
        [2, 0],
        [0, 0.1],
        [0.1, 0.1],
        [0, 0],
      ],
    ],
    divergedMask: [false, false],
  });
  const r = theorem3(sphere, undefined, config, landscape, [0, 0], sgd);
  assert.ok(Math.abs(r.cPrime - 2) < 1e-8, String(r.cPrime));
  assert.equal(r.checked, 8);
  // η = 1.2 > 2·2‖x‖²/(2‖x‖)² = 1 at steps 10 and 15 wherever x ≠ x* (x = 0 has nothing to leave).
  assert.deepEqual(r.steps, [10, 15]);
  assert.deepEqual(r.counts, [2, 1]);
  assert.equal(r.tooBig, 3);
  assert.deepEqual(r.region, { low: [-1, -0.5], high: [0.5, 0.25] });
  assert.ok(Math.abs(r.distMin! - Math.SQRT2 * 0.1) < 1e-12 && Math.abs(r.distMax! - Math.hypot(1, 0.25)) < 1e-12);
  // Independent: one GD step x − 2ηx moves away from 0 exactly at the flagged checkpoints.
  const away = sgd.checkpoints.flatMap((cps) =>
    cps.filter((x, c) => {
      const eta = sgd.checkpointSteps[c] < 10 ? 0.4 : 1.2;
      return Math.hypot(...x.map((v) => v - 2 * eta * v)) > Math.hypot(...x) + 1e-12;
    }),
  );
  assert.equal(away.length, r.tooBig);
  assert.equal(
    theorem3Text(r),
    'Theorem 3 (step too big): η > 2c′‖x_t − x*‖²/‖∇f(x_t)‖² (c′ ≈ 2) at 3 of 8 checkpoints, at steps 10–15 (2 checkpoints) ' +
      'for x_t in [−1, 0.5] × [−0.5, 0.25], 0.141–1.03 from x*: there one full gradient step moves farther from x*.',
  );
  // The same from the trial workers' kept arrays (x_t flat, ‖∇f(x_t)‖² by trial and checkpoint; NaN: not reached).
  const flat = sgd.checkpoints.flatMap((cps) => cps.flat());
  const g2 = sgd.checkpoints.flatMap((cps) => cps.map(([a, b]) => 4 * (a * a + b * b)));
  const kept = theorem3(sphere, undefined, config, landscape, [0, 0], {
    ...sgd,
    checkpoints: [],
    checkpointX: Float64Array.from(flat),
    checkpointGrad2: Float64Array.from(g2),
  });
  assert.deepEqual(kept, r);
  const calm = theorem3(
    sphere,
    undefined,
    { ...config, stages: [config.stages[0], { ...config.stages[1], lr: 0.9 }] },
    landscape,
    [0, 0],
    sgd,
  );
  assert.equal(calm.tooBig, 0);
  assert.match(theorem3Text(calm), /at none of the 8 checkpoints/);
  // Every trial diverged: nothing is checked, and the words say so instead of "none of the 0".
  const gone = theorem3(sphere, undefined, config, landscape, [0, 0], { ...sgd, divergedMask: [true, true] });
  assert.equal(gone.checked, 0);
  assert.match(theorem3Text(gone), /^Theorem 3 \(step too big\): not checked: no checkpoint is left/);
  assert.doesNotMatch(theorem3Text(gone), /none of the 0/);
});

test('estimateSmoothness 2-D: seven loss calls a point, or four calls of an analytic gradient (a finite sum’s per-example ones), both on the closed-form Hessian', async () => {
  const { analyticGradient } = await import('../../src/engine/differences');
  const { finiteSumGradient, finiteSumLoss } = await import('../../src/engine/finiteSum');
  // f = x⁴ + xy + y²: ∇²f = [[12x², 1], [1, 2]], its spectral norm (a + c)/2 + √(((a − c)/2)² + 1).
  const f = (x: Float64Array) => x[0] ** 4 + x[0] * x[1] + x[1] ** 2;
  const df = (x: Float64Array, out: Float64Array) => {
    out[0] = 4 * x[0] ** 3 + x[1];
    out[1] = x[0] + 2 * x[1];
  };
  const n = 11;
  const config = cfg({ resolution: n, init: { low: [-1, -2], high: [0.5, 2] }, domain: { low: [-1, -2], high: [0.5, 2] } }, 2);
  const norm = (x: number) => {
    const a = 12 * x * x;
    return (a + 2) / 2 + Math.hypot((a - 2) / 2, 1);
  };
  // The largest over the 11 grid abscissae in [−1, 0.5]: at x = −1 (a corner: checked for a kink, not one).
  const exact = Math.max(...Array.from({ length: n }, (_, i) => norm(-1 + (1.5 * i) / (n - 1))));
  let calls = 0;
  const counted = (x: Float64Array) => (calls++, f(x));
  const byLoss = smoothnessEstimate(counted, config);
  assert.ok(Math.abs(byLoss.L - exact) < 1e-5 * exact, `${byLoss.L} vs ${exact}`);
  assert.deepEqual(byLoss.at, [-1, -2]);
  assert.equal(byLoss.edgeKink, false);
  // 7 per grid point, and 7 more for the kink check at the boundary point.
  assert.equal(calls, 7 * n * n + 7);
  calls = 0;
  let gradCalls = 0;
  const byGrad = smoothnessEstimate(counted, config, (x, out) => (gradCalls++, df(x, out)));
  assert.ok(Math.abs(byGrad.L - exact) < 1e-7 * exact, `${byGrad.L} vs ${exact}`);
  assert.equal(calls, 0);
  assert.equal(gradCalls, 4 * n * n + 4);
  // A finite sum: with per-example gradients it takes them; without, central differences per
  // example are no cheaper than f's own, so the loss's seven-point rule runs.
  const T = [0.5, -1, 2];
  const withGrad = {
    n: 3,
    example: (w: Float64Array, i: number) => (w[0] - T[i]) ** 4 / 4 + w[0] * w[1] * T[i] + w[1] ** 2,
    exampleGradient: (w: Float64Array, i: number, out: Float64Array) => {
      out[0] = (w[0] - T[i]) ** 3 + w[1] * T[i];
      out[1] = w[0] * T[i] + 2 * w[1];
    },
  };
  const lossG = finiteSumLoss(withGrad);
  const gradG = finiteSumGradient(withGrad, 0);
  assert.equal(analyticGradient(lossG, gradG), gradG);
  const { exampleGradient: _drop, ...noGrad } = withGrad;
  const lossN = finiteSumLoss(noGrad);
  assert.equal(analyticGradient(lossN, finiteSumGradient(noGrad, 0)), undefined);
  assert.equal(analyticGradient(f, undefined), undefined);
  // The mean Hessian [[mean 3(x − tᵢ)², mean tᵢ], [mean tᵢ, 2]], by hand at each grid abscissa.
  const hessNorm = (x: number) => {
    const a = T.reduce((s, t) => s + 3 * (x - t) ** 2, 0) / 3;
    const b = T.reduce((s, t) => s + t, 0) / 3;
    return Math.abs((a + 2) / 2) + Math.hypot((a - 2) / 2, b);
  };
  const exactFs = Math.max(...Array.from({ length: n }, (_, i) => hessNorm(-1 + (1.5 * i) / (n - 1))));
  const a = smoothnessEstimate(lossG, config, gradG).L;
  const b = smoothnessEstimate(lossN, config, finiteSumGradient(noGrad, 0)).L;
  assert.ok(Math.abs(a - exactFs) < 1e-7 * exactFs, `${a} vs ${exactFs}`);
  assert.ok(Math.abs(b - exactFs) < 1e-5 * exactFs, `${b} vs ${exactFs}`);
});
