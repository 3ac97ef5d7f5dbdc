/**
 * d > 2 slices recomputed through the x* found from the finals (engine/diagnostics.ts
 * `slicesThroughXStar`, `finishRun`), against oracles written here: least squares in 3-D, whose
 * minimum is the normal equations' solution, whose minibatch covariance C(x*) is the closed form
 * (n − B)/(B(n − 1))·Σ of the per-example gradients rᵢaᵢ, and whose c(y) toward x* along any line is
 * (y − x*)ᵀH(y − x*)/‖y − x*‖² from the exact gradient H(y − x*).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finiteSumGradient, finiteSumLoss, type FiniteSum } from '../../src/engine/finiteSum';
import { resolveConfig } from '../../src/engine/config';
import { runExperiment } from '../../src/engine/experiment';
import { inBox } from '../../src/engine/geometry';
import type { Box } from '../../src/engine/types';

const A = [
  [1, 0.2, -0.5],
  [0.3, 1, 0.1],
  [-0.4, 0.6, 1],
  [0.8, -0.3, 0.2],
  [0.1, 0.9, -0.7],
  [-1, 0.4, 0.5],
  [0.5, 0.5, 0.5],
];
const W0 = [3, -2, 2.5];
const Y = A.map((a, i) => a[0] * W0[0] + a[1] * W0[1] + a[2] * W0[2] + 0.1 * Math.sin(3 * i));
const n = A.length;
const fs: FiniteSum = {
  n,
  example: (w, i) => 0.5 * (w[0] * A[i][0] + w[1] * A[i][1] + w[2] * A[i][2] - Y[i]) ** 2,
  exampleGradient: (w, i, out) => {
    const r = w[0] * A[i][0] + w[1] * A[i][1] + w[2] * A[i][2] - Y[i];
    for (let j = 0; j < 3; j++) out[j] = r * A[i][j];
  },
};
const f = (w: number[]) => A.reduce((s, _, i) => s + fs.example(Float64Array.from(w), i), 0) / n;
/** H = (1/n) Σ aᵢaᵢᵀ; x* solves H x = (1/n) Σ yᵢaᵢ (Cramer's rule). */
const H = [0, 1, 2].map((j) => [0, 1, 2].map((k) => A.reduce((s, a) => s + a[j] * a[k], 0) / n));
const b = [0, 1, 2].map((j) => A.reduce((s, a, i) => s + a[j] * Y[i], 0) / n);
const det3 = (m: number[][]) =>
  m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
  m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
  m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
const X_STAR = [0, 1, 2].map((c) => det3(H.map((row, j) => row.map((v, k) => (k === c ? b[j] : v)))) / det3(H));

const B = 2;
function run(init: Box) {
  const config = resolveConfig(
    {
      function: 'ls3',
      dim: 3,
      trials: 8,
      seed: 'slices',
      resolution: 21,
      slices: 3,
      init,
      domain: { low: [-6, -6, -6], high: [6, 6, 6] },
      stages: [{ lr: 0.2, steps: 300, noise: 'minibatch', batchSize: B }],
    },
    { dim: 3, examples: n },
  );
  return runExperiment(finiteSumLoss(fs), finiteSumGradient(fs, 0), config);
}

function check(init: Box, region: 'init' | 'domain') {
  const r = run(init);
  const d = r.diagnostics;
  assert.equal(d.xStarSource, 'descent');
  d.xStar.forEach((v, j) => assert.ok(Math.abs(v - X_STAR[j]) < 1e-6, `x*[${j}] = ${v}, normal equations ${X_STAR[j]}`));
  const L = r.landscape;
  assert.deepEqual(L.origin, d.xStar, 'the slices pass through the x* found from the finals');
  assert.equal(L.sliceSource, 'noise-eigenvectors');

  // C(x*) in closed form; each slice direction is a unit eigenvector of it, largest first.
  const x = d.xStar;
  const g = A.map((a, i) => {
    const res = a[0] * x[0] + a[1] * x[1] + a[2] * x[2] - Y[i];
    return a.map((v) => res * v);
  });
  const mean = [0, 1, 2].map((j) => g.reduce((s, gi) => s + gi[j], 0) / n);
  const factor = (n - B) / (B * (n - 1));
  const C = [0, 1, 2].map((j) => [0, 1, 2].map((k) => (factor * g.reduce((s, gi) => s + (gi[j] - mean[j]) * (gi[k] - mean[k]), 0)) / n));
  const norm = Math.hypot(...C.flat());
  const rayleigh: number[] = [];
  for (const u of L.directions!) {
    assert.ok(Math.abs(Math.hypot(...u) - 1) < 1e-12);
    const Cu = C.map((row) => row.reduce((s, v, k) => s + v * u[k], 0));
    const lambda = Cu.reduce((s, v, k) => s + v * u[k], 0);
    rayleigh.push(lambda);
    Cu.forEach((v, k) => assert.ok(Math.abs(v - lambda * u[k]) < 1e-9 * norm, `C u = λ u (${v} vs ${lambda * u[k]})`));
  }
  assert.ok(rayleigh[0] >= rayleigh[1] && rayleigh[1] >= rayleigh[2], `eigenvalues descending: ${rayleigh}`);

  // f on the slices, and c over their points in the region, from the exact gradient.
  const box = region === 'init' ? init : r.config.domain;
  let meets = false;
  let cMin = Infinity;
  L.directions!.forEach((u, s) => {
    L.x.forEach((t, i) => {
      const y = x.map((v, j) => v + t * u[j]);
      const fv = (L.f as number[][])[s][i];
      assert.ok(Math.abs(fv - f(y)) <= 1e-12 * Math.max(1, Math.abs(f(y))), `f on slice ${s} at t = ${t}`);
      if (inBox(y, init)) meets = true;
      if (t === 0 || !inBox(y, box)) return;
      const e = y.map((v, j) => v - x[j]);
      const He = H.map((row) => row.reduce((s2, v, k) => s2 + v * e[k], 0));
      cMin = Math.min(cMin, He.reduce((s2, v, k) => s2 + v * e[k], 0) / e.reduce((s2, v) => s2 + v * v, 0));
    });
  });
  assert.equal(meets, region === 'init', `a slice point lies in the start box: ${meets}`);
  assert.equal(d.convexity[0].region, region === 'domain' ? 'domain' : undefined);
  assert.ok(Number.isFinite(cMin) && Math.abs(d.c - cMin) < 1e-5 * Math.max(1, Math.abs(cMin)), `c = ${d.c}, closed form ${cMin}`);
}

test('d = 3, x* found by descent: slices through it along C(x*)’s eigenvectors, c over their points in the start box', () => {
  check({ low: [-5, -5, -5], high: [5, 5, 5] }, 'init');
});

test('d = 3, the slices through x* miss a small start box far from it: c over their points in the domain, said so', () => {
  check({ low: [-5, 4, -5], high: [-4, 5, -4] }, 'domain');
});
