/**
 * diagnostics.gradientNoise against closed forms written here: least squares, whose per-example
 * gradients rᵢ(1, tᵢ) give Σ by hand; the factor (n − B)/(B(n − 1)) against the covariance of the
 * batch mean over every B-subset (enumerated); tr C along the trials at their recorded checkpoints.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finiteSumGradient, finiteSumLoss, type FiniteSum } from '../../src/engine/finiteSum';
import { kickTest, minibatchCovariance, normalCdf, symmetricEigen } from '../../src/engine/gradientNoise';
import { resolveConfig } from '../../src/engine/config';
import { runExperiment } from '../../src/engine/experiment';

const T = [-1, -0.5, 0, 0.25, 1.5, 0.7];
const Y = [0.3, -1, 2, 0.5, 4, -2];
const n = T.length;
const fs: FiniteSum = {
  n,
  example: (w, i) => 0.5 * (w[0] + w[1] * T[i] - Y[i]) ** 2,
  exampleGradient: (w, i, out) => {
    const r = w[0] + w[1] * T[i] - Y[i];
    out[0] = r;
    out[1] = r * T[i];
  },
};

/** Per-example gradients of least squares at w, by hand. */
const grads = (w: readonly number[]) =>
  T.map((t, i) => {
    const r = w[0] + w[1] * t - Y[i];
    return [r, r * t];
  });

/** C by hand: (n − B)/(B(n − 1)) times the population covariance (divide by n). */
function covarianceByHand(w: readonly number[], B: number): number[][] {
  const g = grads(w);
  const m = [0, 1].map((j) => g.reduce((s, r) => s + r[j], 0) / n);
  const k = (n - B) / (B * (n - 1));
  return [0, 1].map((a) => [0, 1].map((b) => (k * g.reduce((s, r) => s + (r[a] - m[a]) * (r[b] - m[b]), 0)) / n));
}

const close = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-300);

test('the finite-population factor: C is the covariance of the batch mean over all B-subsets, exactly', () => {
  const w = [0.3, -0.8];
  const g = grads(w).map((r) => Float64Array.from(r));
  for (const B of [1, 2, 3, 5, 6]) {
    // Every B-subset is equally likely under uniform sampling without replacement.
    const subsets: number[][] = [];
    const pick = (from: number, chosen: number[]) => {
      if (chosen.length === B) return void subsets.push([...chosen]);
      for (let i = from; i < n; i++) pick(i + 1, [...chosen, i]);
    };
    pick(0, []);
    const means = subsets.map((s) => [0, 1].map((j) => s.reduce((acc, i) => acc + g[i][j], 0) / B));
    const mu = [0, 1].map((j) => means.reduce((acc, m) => acc + m[j], 0) / means.length);
    const exact = [0, 1].map((a) => [0, 1].map((b) => means.reduce((acc, m) => acc + (m[a] - mu[a]) * (m[b] - mu[b]), 0) / means.length));
    const { covariance } = minibatchCovariance(g, B);
    for (let a = 0; a < 2; a++) {
      for (let b = 0; b < 2; b++) {
        if (B === n) assert.equal(covariance[a][b], 0);
        else assert.ok(close(covariance[a][b], exact[a][b], 1e-12), `B ${B} [${a}][${b}]: ${covariance[a][b]} vs ${exact[a][b]}`);
      }
    }
  }
});

test('RESULT diagnostics.gradientNoise: C(x*) by hand to 1e-10, trace, η·√trace, tr C at each checkpoint', () => {
  const xStar = [0.4, 1.1];
  const config = resolveConfig(
    {
      function: 'f',
      trials: 5,
      seed: 'gn',
      xStar,
      resolution: 21,
      sampleTrajectories: 3,
      checkpoints: 6,
      stages: [
        { lr: 0.2, steps: 40, noise: 'minibatch', batchSize: 2 },
        { lr: 0.05, steps: 20, noise: 'minibatch', batchSize: 4, sampling: 'shuffle' },
      ],
    },
    { dim: 2, examples: n },
  );
  const result = runExperiment(finiteSumLoss(fs), finiteSumGradient(fs, 0), config);
  const gn = result.diagnostics.gradientNoise;
  assert.ok(gn, 'gradientNoise is reported');
  assert.deepEqual([gn.at, gn.batchSize, gn.sampling, gn.examples, gn.lr], [xStar, 2, 'uniform', n, 0.2]);
  const C = covarianceByHand(xStar, 2);
  for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) assert.ok(close(gn.covariance[a][b], C[a][b], 1e-10), `C[${a}][${b}]`);
  assert.ok(close(gn.trace, C[0][0] + C[1][1], 1e-10));
  assert.ok(close(gn.equivalentRadius, 0.2 * Math.sqrt(C[0][0] + C[1][1]), 1e-10));
  assert.ok(close(gn.isotropicSigma, 0.2 * Math.sqrt((C[0][0] + C[1][1]) / 2), 1e-10));
  // The eigenvalues of a symmetric 2 × 2 by hand.
  const half = (C[0][0] + C[1][1]) / 2;
  const rad = Math.sqrt(((C[0][0] - C[1][1]) / 2) ** 2 + C[0][1] ** 2);
  assert.ok(gn.spectrum && close(gn.spectrum.eigenvalues[0], half + rad, 1e-10) && close(gn.spectrum.eigenvalues[1], half - rad, 1e-10));
  assert.ok(gn.spectrum.ksDistance > 0 && gn.spectrum.ksDistance < 1);
  // Per checkpoint: the mean, min and max of tr C(x_t) over the sampled trials, with each stage's B.
  const sgd = result.sgd;
  assert.deepEqual(gn.checkpoints.steps, sgd.checkpointSteps);
  assert.equal(gn.checkpoints.trials, 3);
  sgd.checkpointSteps.forEach((step, c) => {
    const B = step < 40 ? 2 : 4;
    const traces = sgd.pathTrials.map((trial) => {
      const Ct = covarianceByHand(sgd.checkpoints[trial][c], B);
      return Ct[0][0] + Ct[1][1];
    });
    const mean = traces.reduce((s, v) => s + v, 0) / traces.length;
    assert.ok(close(gn.checkpoints.traceMean[c], mean, 1e-10), `checkpoint ${c} (step ${step})`);
    assert.ok(close(gn.checkpoints.traceMin[c], Math.min(...traces), 1e-10));
    assert.ok(close(gn.checkpoints.traceMax[c], Math.max(...traces), 1e-10));
  });
});

test('no gradientNoise without minibatch noise', () => {
  const config = resolveConfig(
    { function: 'f', trials: 2, steps: 10, resolution: 11, xStar: [0, 0], radius: 0.1 },
    { dim: 2, examples: n },
  );
  const result = runExperiment(finiteSumLoss(fs), finiteSumGradient(fs, 0), config);
  assert.equal(result.diagnostics.gradientNoise, undefined);
});

test('against the isotropic model: C spectrum by Jacobi, Φ, and the KS distance of the actual kicks', () => {
  const { values, vectors } = symmetricEigen([
    [2, 1],
    [1, 2],
  ]);
  assert.ok(close(values[0], 3, 1e-14) && close(values[1], 1, 1e-14));
  assert.ok(close(Math.abs(vectors[0][0]), Math.SQRT1_2, 1e-14) && close(vectors[0][0], vectors[0][1], 1e-14));
  // A 3 × 3 with known spectrum: Q diag(5, 2, −1) Qᵀ for a rotation Q.
  const c = Math.cos(0.7);
  const s = Math.sin(0.7);
  const Q = [
    [c, -s, 0],
    [s, c, 0],
    [0, 0, 1],
  ];
  const D = [5, 2, -1];
  const M = Q.map((_, i) => Q.map((__, j) => Q[i].reduce((acc, _q, k) => acc + Q[i][k] * D[k] * Q[j][k], 0)));
  const e = symmetricEigen(M);
  e.values.forEach((v, k) => assert.ok(Math.abs(v - [5, 2, -1][k]) < 1e-12, `eigenvalue ${k}: ${v}`));
  assert.ok(Math.abs(normalCdf(1) - 0.8413447460685429) < 2e-7 && Math.abs(normalCdf(-1.96) - 0.0249978951482204) < 2e-7);

  // ℓ(w, e) = ½(w − e)²: with B = 1 the kick is −η(eᵢ − ē) for a uniform i. Two-point data e = ±1:
  // the standardized kicks are ±1 with probability ½ each, KS distance to N(0, 1) is Φ(1) − ½;
  // K = 2000 samples stay within 0.04 of it except with probability 2e^{−2Kε²} < 1e-6 (DKW).
  const sq = (es: number[]): FiniteSum => ({ n: es.length, example: (w, i) => 0.5 * (w[0] - es[i]) ** 2 });
  const twoPoint = Array.from({ length: 10 }, (_, i) => (i % 2 ? 1 : -1));
  const ks2 = kickTest(sq(twoPoint), [0.3], 1, [1], 1, 'ks', 0);
  assert.ok(Math.abs(ks2 - (normalCdf(1) - 0.5)) < 0.04, `two-point KS ${ks2}`);
  // Data at the normal quantiles: the kicks are (nearly) Gaussian, KS within DKW's 0.04 plus 1/n.
  const q: number[] = [];
  for (let i = 0; i < 400; i++) {
    // Bisection for Φ⁻¹((i + ½)/400).
    let lo = -10;
    let hi = 10;
    for (let k = 0; k < 80; k++) {
      const mid = (lo + hi) / 2;
      if (normalCdf(mid) < (i + 0.5) / 400) lo = mid;
      else hi = mid;
    }
    q.push(lo);
  }
  const varQ = q.reduce((acc, v) => acc + v * v, 0) / q.length - (q.reduce((acc, v) => acc + v, 0) / q.length) ** 2;
  const ksN = kickTest(sq(q), [0], 1, [1], varQ, 'ks', 1e-3);
  assert.ok(ksN < 0.045, `normal-quantile KS ${ksN}`);
});
