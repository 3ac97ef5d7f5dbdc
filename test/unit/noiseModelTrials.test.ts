/**
 * Which noise model the minibatch trials followed, in any d (src/engine/noiseModelTrials.ts),
 * against oracles written here: the Cholesky factor reproduces Σ; on a flat loss (∇f = 0) one step
 * moves a trial by exactly minus its kick, so the kicks' sample covariance must match Σ within its
 * own sampling error (Var of an entry: (ΣᵢᵢΣⱼⱼ + Σᵢⱼ²)/N for Gaussian kicks); with B = n there is
 * no noise and both models run GD, whose finals the engine's GD trials give independently (d = 3).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finiteSumGradient, finiteSumLoss, type FiniteSum } from '../../src/engine/finiteSum';
import { choleskyFactor, gaussianModelFinals } from '../../src/engine/noiseModelTrials';
import { resolveConfig } from '../../src/engine/config';
import { runExperiment } from '../../src/engine/experiment';
import { noiseModelTrialsText } from '../../src/view/gradientNoise';

function product(L: number[][]): number[][] {
  return L.map((ri) => L.map((rj) => ri.reduce((s, v, k) => s + v * rj[k], 0)));
}

test('Cholesky factor: L Lᵀ = Σ for a positive definite and a rank-2 semi-definite Σ', () => {
  const A = [
    [2, 0.3, -0.4, 0.1],
    [0.5, 1.5, 0.2, -0.7],
    [-0.3, 0.6, 1.1, 0.4],
    [0.9, -0.2, 0.3, 0.8],
  ];
  // Σ = A Aᵀ (definite) and Σ₂ = u uᵀ + v vᵀ (rank 2 in 4-D).
  const S = product(A);
  const u = [1, -2, 0.5, 3];
  const v = [0.2, 1, -1, 0.4];
  const S2 = u.map((ui, i) => u.map((uj, j) => ui * uj + v[i] * v[j]));
  for (const M of [S, S2]) {
    const L = choleskyFactor(M);
    L.forEach((row, i) => row.forEach((x, j) => j > i && assert.equal(x, 0, 'lower triangular')));
    const back = product(L);
    M.forEach((row, i) => row.forEach((x, j) => assert.ok(Math.abs(back[i][j] - x) < 1e-12 * 10, `(${i},${j}): ${back[i][j]} vs ${x}`)));
  }
});

test("a later minibatch stage kicks with its own η and B: η_t²·C_B with C_B ∝ (n − B)/(B(n − 1)), relative to the first minibatch stage's given covariance", () => {
  // Flat loss: a trial moves by minus its kicks only, and the kicks' normal draws are the same in every config.
  const flat: FiniteSum = { n: 5, example: () => 0, exampleGradient: (_w, _i, out) => out.fill(0) };
  const Sigma = [
    [0.04, 0.01],
    [0.01, 0.09],
  ];
  const starts = [
    [0, 0],
    [1, -1],
    [0.5, 0.25],
  ];
  const first = { lr: 0.1, steps: 3, noise: 'minibatch' as const, batchSize: 2 };
  const run = (stages: object[]) =>
    gaussianModelFinals(
      flat,
      resolveConfig(
        { function: 'flat', dim: 2, trials: 3, seed: 'stages', xStar: [0, 0], init: { low: [-1, -1], high: [1, 1] }, stages },
        { dim: 2, examples: 5 },
      ),
      { starts },
      Sigma,
      'test',
    ).finals;
  const one = run([first]);
  const same = run([first, { ...first, steps: 4 }]);
  const slower = run([first, { ...first, steps: 4, lr: 0.01 }]);
  const bigger = run([first, { ...first, steps: 4, batchSize: 4 }]);
  // c(B) = (n − B)/(B(n − 1)): c(2) = 3/8, c(4) = 1/16.
  const batchRatio = Math.sqrt(1 / 16 / (3 / 8));
  let moved = 0;
  starts.forEach((_, t) =>
    [0, 1].forEach((j) => {
      const second = same[t][j] - one[t][j];
      moved = Math.max(moved, Math.abs(second));
      const close = (got: number, want: number, what: string) =>
        assert.ok(Math.abs(got - want) < 1e-12, `${what} trial ${t}, ${j}: ${got} vs ${want}`);
      close(slower[t][j] - one[t][j], 0.1 * second, 'η/10:');
      close(bigger[t][j] - one[t][j], batchRatio * second, 'B = 4:');
    }),
  );
  assert.ok(moved > 0.01, `the second stage moved the trials (${moved})`);
});

test('Gaussian kicks of a given covariance: on a flat loss one step moves each trial by minus its kick, sample covariance within sampling error', () => {
  const d = 4;
  const flat: FiniteSum = {
    n: 5,
    example: () => 0,
    exampleGradient: (_w, _i, out) => out.fill(0),
  };
  const N = 4000;
  const config = resolveConfig(
    {
      function: 'flat',
      dim: d,
      trials: N,
      seed: 'kicks',
      xStar: [0, 0, 0, 0],
      init: { low: [-1, -1, -1, -1], high: [1, 1, 1, 1] },
      stages: [{ lr: 0.1, steps: 1, noise: 'minibatch', batchSize: 2 }],
    },
    { dim: d, examples: 5 },
  );
  const Sigma = [
    [0.04, 0.01, 0, -0.005],
    [0.01, 0.09, 0.02, 0],
    [0, 0.02, 0.01, 0.001],
    [-0.005, 0, 0.001, 0.25],
  ];
  const starts = Array.from({ length: N }, (_, t) => [t % 3, -1, 0.5, (t % 7) / 7]);
  const { finals, diverged } = gaussianModelFinals(flat, config, { starts }, Sigma, 'test');
  assert.ok(diverged.every((x) => !x));
  const kicks = finals.map((f, t) => f.map((v, j) => starts[t][j] - v));
  const mean = Array.from({ length: d }, (_, j) => kicks.reduce((s, k) => s + k[j], 0) / N);
  for (let i = 0; i < d; i++) {
    // The mean is 0 within 4.5 standard errors √(Σᵢᵢ/N).
    assert.ok(Math.abs(mean[i]) < 4.5 * Math.sqrt(Sigma[i][i] / N), `mean ${i}: ${mean[i]}`);
    for (let j = 0; j < d; j++) {
      const c = kicks.reduce((s, k) => s + k[i] * k[j], 0) / N;
      const se = Math.sqrt((Sigma[i][i] * Sigma[j][j] + Sigma[i][j] ** 2) / N);
      assert.ok(Math.abs(c - Sigma[i][j]) < 4.5 * se, `cov (${i},${j}): ${c} vs ${Sigma[i][j]} (se ${se})`);
    }
  }
});

test('d = 3, B = n: no noise, both Gaussian models run GD step for step, and the model trials are in the result', () => {
  // f(w) = (1/n) Σ ½(w·aᵢ − yᵢ)² in 3-D.
  const a = [
    [1, 0.2, -0.5],
    [0.3, 1, 0.1],
    [-0.4, 0.6, 1],
    [0.8, -0.3, 0.2],
    [0.1, 0.9, -0.7],
    [-1, 0.4, 0.5],
  ];
  const y = [0.5, -1, 2, 0.3, 1.2, -0.4];
  const fs: FiniteSum = {
    n: a.length,
    example: (w, i) => 0.5 * (w[0] * a[i][0] + w[1] * a[i][1] + w[2] * a[i][2] - y[i]) ** 2,
    exampleGradient: (w, i, out) => {
      const r = w[0] * a[i][0] + w[1] * a[i][1] + w[2] * a[i][2] - y[i];
      for (let j = 0; j < 3; j++) out[j] = r * a[i][j];
    },
  };
  const run = (batchSize: number) =>
    runExperiment(
      finiteSumLoss(fs),
      finiteSumGradient(fs, 0),
      resolveConfig(
        {
          function: 'ls3',
          dim: 3,
          trials: 10,
          seed: 'mt3',
          resolution: 11,
          init: { low: [-1, -1, -1], high: [1, 1, 1] },
          domain: { low: [-3, -3, -3], high: [3, 3, 3] },
          stages: [{ lr: 0.2, steps: 40, noise: 'minibatch', batchSize }],
        },
        { dim: 3, examples: a.length },
      ),
    );
  const full = run(a.length);
  const mt = full.diagnostics.gradientNoise!.modelTrials!;
  assert.ok(mt, 'model trials for d = 3');
  assert.equal(full.diagnostics.gradientNoise!.landscapes, undefined, 'the 2-D landscapes are 2-D only');
  const gd = full.gd!;
  for (const finals of [mt.anisotropicFinals, mt.isotropicFinals]) {
    assert.equal(finals.length, 10);
    finals.forEach((p, t) => {
      assert.equal(p.length, 3);
      p.forEach((v, j) => assert.ok(Math.abs(v - gd.finals[t][j]) < 1e-12, `trial ${t}: ${p} vs ${gd.finals[t]}`));
    });
  }
  assert.equal(mt.anisotropic, full.diagnostics.successGd);
  assert.equal(mt.isotropic, full.diagnostics.successGd);
  assert.equal(mt.minibatch, full.diagnostics.successSgd);
  // With noise: finals differ between the models and from GD, and every count is out of the trials.
  const noisy = run(2).diagnostics.gradientNoise!.modelTrials!;
  assert.notDeepEqual(noisy.anisotropicFinals, noisy.isotropicFinals);
  for (const k of ['minibatch', 'anisotropic', 'isotropic'] as const) assert.ok(noisy[k] >= 0 && noisy[k] <= 10);
});

test('the verdict in words: counts apart beyond two binomial standard errors of their difference', () => {
  const base = { trials: 100, anisotropicFinals: [], isotropicFinals: [] };
  assert.match(
    noiseModelTrialsText({ ...base, minibatch: 50, anisotropic: 52, isotropic: 48 }),
    /do not differ in success beyond sampling error/,
  );
  assert.match(
    noiseModelTrialsText({ ...base, minibatch: 80, anisotropic: 78, isotropic: 40 }),
    /followed the measured \(anisotropic\) model/,
  );
  assert.match(noiseModelTrialsText({ ...base, minibatch: 42, anisotropic: 78, isotropic: 40 }), /followed the isotropic model/);
  assert.match(noiseModelTrialsText({ ...base, minibatch: 56, anisotropic: 57, isotropic: 55 }), /match both within it/);
  // The model's covariance is C(x*) at every step (gaussianModelFinals takes one fixed covariance), and the words say so.
  assert.match(
    noiseModelTrialsText({ ...base, minibatch: 56, anisotropic: 57, isotropic: 55 }),
    /Gaussian kicks N\(0, η²C\(x\*\)\) of the covariance measured at x\* — the same at every step, not C at the iterate —/,
  );
});
