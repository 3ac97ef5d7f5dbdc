/**
 * The measured noise against the isotropic model as landscapes (src/engine/noiseLandscapes.ts) and
 * the QQ plot of the kicks, against closed forms written here: least squares is a quadratic with
 * Hessian H = (1/n) Σ (1, tᵢ)(1, tᵢ)ᵀ, so g under N(0, Σ) is f + ½ tr(HΣ) and the two landscapes
 * differ by the constant ½ tr(H(Σ_C − Σ_iso)) with the same c(y); with B = n there is no noise, and
 * the Gaussian models' trials are GD's, step for step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finiteSumGradient, finiteSumLoss, type FiniteSum } from '../../src/engine/finiteSum';
import { normalQuantile, qqAgainstNormal } from '../../src/engine/gradientNoise';
import { resolveConfig } from '../../src/engine/config';
import { runExperiment } from '../../src/engine/experiment';

const T = [-1, -0.5, 0, 0.25, 1.5, 0.7, -0.2, 0.9];
const Y = [0.3, -1, 2, 0.5, 4, -2, 1, 0.2];
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
const H = [
  [1, T.reduce((s, t) => s + t, 0) / n],
  [T.reduce((s, t) => s + t, 0) / n, T.reduce((s, t) => s + t * t, 0) / n],
];

function run(batchSize: number) {
  const config = resolveConfig(
    {
      function: 'f',
      trials: 12,
      seed: 'nl',
      xStar: [0.5, 0.5],
      resolution: 31,
      init: { low: [-1, -1], high: [2, 2] },
      domain: { low: [-2, -2], high: [3, 3] },
      stages: [{ lr: 0.2, steps: 60, noise: 'minibatch', batchSize }],
    },
    { dim: 2, examples: n },
  );
  return runExperiment(finiteSumLoss(fs), finiteSumGradient(fs, 0), config);
}

test('least squares: the two smoothed landscapes differ by ½ tr(H(Σ_C − Σ_iso)) everywhere, with one c(y)', () => {
  const result = run(2);
  const gn = result.diagnostics.gradientNoise!;
  const nl = gn.landscapes!;
  assert.ok(nl, 'landscapes are reported in 2-D');
  const eta2 = 0.2 * 0.2;
  const Sc = gn.covariance.map((r) => r.map((v) => eta2 * v));
  const s2 = (eta2 * (gn.covariance[0][0] + gn.covariance[1][1])) / 2;
  assert.deepEqual(nl.anisotropic.covariance, Sc);
  const iso = nl.isotropic.covariance;
  assert.ok(Math.abs(iso[0][0] - s2) < 1e-15 && Math.abs(iso[1][1] - s2) < 1e-15 && iso[0][1] === 0 && iso[1][0] === 0);
  const half = (S: number[][]) => 0.5 * (H[0][0] * S[0][0] + 2 * H[0][1] * S[0][1] + H[1][1] * S[1][1]);
  const shift =
    half(Sc) -
    half([
      [s2, 0],
      [0, s2],
    ]);
  assert.ok(Math.abs(shift) > 1e-4, `the models differ here (${shift})`);
  const L = result.landscape;
  const f = L.f as number[][];
  for (let iy = 0; iy < L.y!.length; iy++) {
    for (let ix = 0; ix < L.x.length; ix++) {
      assert.ok(Math.abs(nl.anisotropic.values[iy][ix] - f[iy][ix] - half(Sc)) < 1e-9, `g_C at ${ix}, ${iy}`);
      assert.ok(Math.abs(nl.anisotropic.values[iy][ix] - nl.isotropic.values[iy][ix] - shift) < 1e-9);
      const ca = nl.anisotropic.convexity[iy][ix];
      const ci = nl.isotropic.convexity[iy][ix];
      assert.ok((Number.isNaN(ca) && Number.isNaN(ci)) || Math.abs(ca - ci) < 1e-6 * Math.max(1, Math.abs(ca)), `c at ${ix}, ${iy}`);
    }
  }
  assert.ok(Math.abs(nl.disagreement.maxAbs - Math.abs(shift)) < 1e-9);
  assert.equal(nl.disagreement.cSignDiffers, 0);
  // c(y) of a quadratic under any Gaussian: ∇g = ∇f, the mean of the per-example gradients (by hand).
  for (let iy = 0; iy < L.y!.length; iy += 5) {
    for (let ix = 0; ix < L.x.length; ix += 5) {
      const y = [L.x[ix], L.y![iy]];
      const g = [0, 0];
      T.forEach((t, i) => {
        const r = y[0] + y[1] * t - Y[i];
        g[0] += r / n;
        g[1] += (r * t) / n;
      });
      const v = [0.5 - y[0], 0.5 - y[1]];
      const n2 = v[0] * v[0] + v[1] * v[1];
      if (n2 === 0) continue;
      const want = -(g[0] * v[0] + g[1] * v[1]) / n2;
      assert.ok(Math.abs(nl.anisotropic.convexity[iy][ix] - want) < 1e-7 * Math.max(1, Math.abs(want)), `c at ${y}`);
    }
  }
  assert.ok(Number.isFinite(nl.anisotropic.c) && Math.abs(nl.anisotropic.c - nl.isotropic.c) < 1e-7);
  const mt = gn.modelTrials!;
  assert.equal(mt.trials, 12);
  assert.equal(mt.minibatch, result.diagnostics.successSgd);
  assert.equal(mt.anisotropicFinals.length, 12);
});

test('B = n: no noise, and both Gaussian models run GD step for step', () => {
  const result = run(n);
  const nl = result.diagnostics.gradientNoise!.landscapes!;
  const mt = result.diagnostics.gradientNoise!.modelTrials!;
  assert.equal(nl.disagreement.maxAbs, 0);
  const gd = result.gd!;
  for (const finals of [mt.anisotropicFinals, mt.isotropicFinals]) {
    finals.forEach((p, t) => {
      assert.ok(
        Math.abs(p[0] - gd.finals[t][0]) < 1e-12 && Math.abs(p[1] - gd.finals[t][1]) < 1e-12,
        `trial ${t}: ${p} vs ${gd.finals[t]}`,
      );
    });
  }
  assert.equal(mt.anisotropic, result.diagnostics.successGd);
});

test('QQ: Φ⁻¹ against known values; normal quantile data lies on y = x', () => {
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-8);
  assert.ok(Math.abs(normalQuantile(0.5)) < 1e-15);
  assert.ok(Math.abs(normalQuantile(0.001) + 3.090232306167813) < 1e-7);
  assert.ok(Math.abs(normalQuantile(0.8413447460685429) - 1) < 1e-8);
  assert.ok(Math.abs(normalQuantile(0.3) + normalQuantile(0.7)) < 1e-12);
  // 9999 samples at the normal's own quantiles: every QQ point within one sample spacing of the diagonal.
  const z = Array.from({ length: 9999 }, (_, i) => normalQuantile((i + 1) / 10000));
  const { normal, kicks } = qqAgainstNormal(z);
  assert.equal(normal.length, 99);
  normal.forEach((x, k) => assert.ok(Math.abs(kicks[k] - x) < 0.01, `QQ point ${k}: ${kicks[k]} vs ${x}`));
  // A scaled law: the QQ line's slope is the scale.
  const twice = qqAgainstNormal(z.map((v) => 2 * v));
  twice.normal.forEach((x, k) => assert.ok(Math.abs(twice.kicks[k] - 2 * x) < 0.02));
});
