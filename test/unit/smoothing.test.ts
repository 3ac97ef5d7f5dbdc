import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compositeGaussLegendre, gaussHermiteNormal, gaussLegendre } from '../../src/engine/quadrature';
import { makeSmoother, type Smoother } from '../../src/engine/smoothing';
import { centralDifference } from '../../src/engine/differences';
import { besselJ1 } from '../fixtures/bessel';
import { smootherForRun } from '../../src/engine/landscape';
import { resolveConfig } from '../../src/engine/config';
import type { NoiseKind, RunConfigInput } from '../../src/engine/types';
import { figure3 } from '../../examples/paper-figure3';

const TAU = 2 * Math.PI;

const rastrigin = (x: Float64Array) => {
  let s = 10 * x.length;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i] - 10 * Math.cos(TAU * x[i]);
  return s;
};
const styblinskiTang = (x: Float64Array) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += 0.5 * (x[i] ** 4 - 16 * x[i] ** 2 + 5 * x[i]);
  return s;
};
/** paper.md §4: Rastrigin under N(0, σ²I). */
const rastriginGauss = (y: number[], s: number) =>
  10 * y.length + y.reduce((acc, v) => acc + v * v + s * s - 10 * Math.exp(-2 * Math.PI ** 2 * s * s) * Math.cos(TAU * v), 0);
/** paper.md §4: Styblinski–Tang under N(0, σ²I). */
const stGauss = (y: number[], s: number) =>
  0.5 * y.reduce((acc, v) => acc + v ** 4 + 6 * v * v * s * s + 3 * s ** 4 - 16 * (v * v + s * s) + 5 * v, 0);
/** paper.md §4: 2-D Rastrigin under the uniform disk of radius a. */
const rastriginDisk = (y: number[], a: number) =>
  20 + y[0] ** 2 + y[1] ** 2 + (a * a) / 2 - 10 * ((2 * besselJ1(TAU * a)) / (TAU * a)) * (Math.cos(TAU * y[0]) + Math.cos(TAU * y[1]));
/** 2-D Rastrigin under the uniform cube [-a, a]²: each axis is a 1-D window. */
const rastriginCube = (y: number[], a: number) =>
  20 + y.reduce((acc, v) => acc + v * v + (a * a) / 3 - 10 * (Math.sin(TAU * a) / (TAU * a)) * Math.cos(TAU * v), 0);

const POINTS_2D = [
  [0.1, 0.3],
  [1.7, -2.2],
  [0.71, 0],
  [-3.3, 4.1],
  [0, 0],
];

function relErr(got: number, want: number): number {
  return Math.abs(got - want) / Math.max(1, Math.abs(want));
}

test('Gauss–Legendre integrates polynomials of degree 2n − 1 exactly on [-1, 1]', () => {
  for (const n of [1, 2, 3, 7, 20, 64]) {
    const { nodes, weights } = gaussLegendre(n);
    for (let k = 0; k <= 2 * n - 1; k++) {
      const got = weights.reduce((s, w, i) => s + w * nodes[i] ** k, 0);
      const want = k % 2 ? 0 : 2 / (k + 1);
      assert.ok(Math.abs(got - want) < 1e-14, `n=${n} k=${k}: ${got} vs ${want}`);
    }
  }
  const c = compositeGaussLegendre(-0.3, 0.9, 7, 4);
  const got = c.weights.reduce((s, w, i) => s + w * Math.exp(c.nodes[i]), 0);
  assert.ok(Math.abs(got - (Math.exp(0.9) - Math.exp(-0.3))) < 1e-13);
});

test('Gauss–Hermite (standard normal) reproduces E Z^{2k} = (2k − 1)!! up to degree 2n − 1', () => {
  for (const n of [1, 2, 5, 12, 24, 64]) {
    const { nodes, weights } = gaussHermiteNormal(n);
    let dfact = 1;
    for (let k = 0; 2 * k <= 2 * n - 1; k++) {
      if (k > 0) dfact *= 2 * k - 1;
      const got = weights.reduce((s, w, i) => s + w * nodes[i] ** (2 * k), 0);
      assert.ok(Math.abs(got - dfact) < 1e-12 * dfact, `n=${n} k=${k}: ${got} vs ${dfact}`);
      const odd = weights.reduce((s, w, i) => s + w * nodes[i] ** (2 * k + 1), 0);
      if (2 * k + 1 <= 2 * n - 1) assert.ok(Math.abs(odd) < 1e-12 * Math.max(1, dfact * (2 * k + 1)));
    }
  }
});

test('J₁ by its series matches tabulated values', () => {
  assert.ok(Math.abs(besselJ1(1) - 0.44005058574493355) < 1e-16);
  assert.ok(Math.abs(besselJ1(2.5) - 0.4970941024642741) < 1e-15);
  assert.ok(Math.abs(besselJ1(3.8317059702075125)) < 1e-15); // first zero
});

test('Gaussian smoothing of Rastrigin (d = 1, 2) matches 10d + Σ[x² + σ² − 10e^{−2π²σ²}cos 2πx]', () => {
  for (const s of [0.02, 0.15, 0.3, 0.5]) {
    const g1 = makeSmoother(rastrigin, 1, s, 'gaussian');
    const g2 = makeSmoother(rastrigin, 2, s, 'gaussian');
    for (const y of POINTS_2D) {
      assert.ok(relErr(g1(Float64Array.of(y[0])), rastriginGauss([y[0]], s)) < 1e-13, `d=1 σ=${s} y=${y[0]}`);
      assert.ok(relErr(g2(Float64Array.from(y)), rastriginGauss(y, s)) < 1e-13, `d=2 σ=${s} y=${y}`);
    }
  }
  // The 1-D rule (composite Gauss–Legendre against the density) stays exact for wide noise too.
  for (const s of [1, 2]) {
    const g1 = makeSmoother(rastrigin, 1, s, 'gaussian');
    for (const y of POINTS_2D) assert.ok(relErr(g1(Float64Array.of(y[0])), rastriginGauss([y[0]], s)) < 1e-13);
  }
});

test('Gaussian smoothing of Styblinski–Tang (d = 1, 2) matches the closed form', () => {
  for (const s of [0.1, 0.5, 1.3]) {
    const g1 = makeSmoother(styblinskiTang, 1, s, 'gaussian');
    const g2 = makeSmoother(styblinskiTang, 2, s, 'gaussian');
    for (const y of POINTS_2D) {
      assert.ok(relErr(g1(Float64Array.of(y[0])), stGauss([y[0]], s)) < 1e-13, `d=1 σ=${s}`);
      assert.ok(relErr(g2(Float64Array.from(y)), stGauss(y, s)) < 1e-13, `d=2 σ=${s}`);
    }
  }
});

test('uniform disk smoothing of 2-D Rastrigin matches the J₁ formula', () => {
  for (const a of [0.05, 0.15, 0.3, 0.6]) {
    const g = makeSmoother(rastrigin, 2, a, 'uniform');
    for (const y of POINTS_2D) assert.ok(relErr(g(Float64Array.from(y)), rastriginDisk(y, a)) < 1e-13, `a=${a} y=${y}`);
  }
  // Wider disks need more points than the default; the options reach them.
  const wide = makeSmoother(rastrigin, 2, 1.5, 'uniform', { order: 16, angular: 48 });
  for (const y of POINTS_2D) assert.ok(relErr(wide(Float64Array.from(y)), rastriginDisk(y, 1.5)) < 1e-12);
});

test('cube smoothing of 2-D Rastrigin matches the product of 1-D windows', () => {
  for (const a of [0.1, 0.3, 0.6]) {
    const g = makeSmoother(rastrigin, 2, a, 'cube');
    for (const y of POINTS_2D) assert.ok(relErr(g(Float64Array.from(y)), rastriginCube(y, a)) < 1e-13, `a=${a} y=${y}`);
  }
});

test('1-D uniform window of cos(kx) is cos(ky)·sin(ka)/(ka)', () => {
  for (const k of [1, TAU, 10, 37]) {
    const f = (x: Float64Array) => Math.cos(k * x[0]);
    for (const a of [0.05, 0.15, 0.6]) {
      for (const noise of ['uniform', 'cube'] as const) {
        const g = makeSmoother(f, 1, a, noise);
        for (const y of [-2.3, 0, 0.4, 1.1]) {
          const want = (Math.cos(k * y) * Math.sin(k * a)) / (k * a);
          // Default panels are a/25 wide: k·a/25 ≤ 0.9 rad each, so even k = 37 stays near 1e-12.
          assert.ok(Math.abs(g(Float64Array.of(y)) - want) < 1e-11, `k=${k} a=${a} y=${y}`);
        }
      }
    }
  }
});

test('moving average of the spiky Figure 3 spline matches a brute-force fine Simpson rule', () => {
  const f = (x: Float64Array) => figure3(x[0]);
  const config = resolveConfig({ function: 'figure3', domain: { low: [-3], high: [3] }, stages: [{ radius: 0.3 }] } as RunConfigInput, {
    dim: 1,
  });
  const brute = (y: number, a: number) => {
    // Simpson is exact on each cubic piece; only the ~2a/0.006 knots inside the window (f'''
    // jumps) leave an O(h⁴) error, with h = 2a/40000 far below 1e-12 here.
    const n = 40_000;
    const h = (2 * a) / n;
    let s = figure3(y - a) + figure3(y + a);
    for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * figure3(y - a + i * h);
    return (s * h) / 3 / (2 * a);
  };
  for (const a of [0.15, 0.3, 0.6]) {
    const g = smootherForRun(f, config, a, 'uniform');
    for (const y of [-2.31, -1.05, 0, 0.4937, 2.2]) {
      const got = g(Float64Array.of(y));
      assert.ok(Math.abs(got - brute(y, a)) < 1e-8, `a=${a} y=${y}: ${got} vs ${brute(y, a)}`);
    }
  }
  // A window across x = ±3, where the spline meets its x² continuation with a kink (slope jump
  // ≈ 94), converges only like h² for any fixed rule: 0.006-wide panels leave ~1e-4.
  const g = smootherForRun(f, config, 0.3, 'uniform');
  for (const y of [-2.9, 2.85]) assert.ok(Math.abs(g(Float64Array.of(y)) - brute(y, 0.3)) < 2e-4);
});

/** Central differences of g itself, step h, for checking the exact-identity gradients. */
function fdOfSmoother(g: Smoother, y: Float64Array, h = 1e-5): number[] {
  const out = new Float64Array(y.length);
  const yy = Float64Array.from(y);
  centralDifference(g, yy, out, h);
  return Array.from(out);
}

test('exact gradient identities agree with central differences of g and with the closed forms', () => {
  const cases: Array<[number, NoiseKind, number]> = [
    [1, 'uniform', 0.3],
    [1, 'gaussian', 0.25],
    [1, 'cube', 0.2],
    [2, 'uniform', 0.3],
    [2, 'gaussian', 0.25],
    [2, 'cube', 0.2],
  ];
  const out = new Float64Array(2);
  for (const [d, noise, a] of cases) {
    const g = makeSmoother(rastrigin, d, a, noise);
    assert.equal(g.exactGradient, true);
    for (const p of POINTS_2D) {
      const y = Float64Array.from(p.slice(0, d));
      const grad = out.subarray(0, d);
      g.gradient(y, grad);
      const fd = fdOfSmoother(g, y);
      for (let j = 0; j < d; j++)
        assert.ok(Math.abs(grad[j] - fd[j]) < 1e-6 * Math.max(1, Math.abs(fd[j])), `${noise} d=${d} y=${p}: ${grad[j]} vs ${fd[j]}`);
    }
  }
  // Closed form: ∂/∂y of the Gaussian-smoothed Rastrigin is 2y + 20π e^{−2π²σ²} sin 2πy.
  const s = 0.25;
  const g = makeSmoother(rastrigin, 2, s, 'gaussian');
  for (const p of POINTS_2D) {
    g.gradient(Float64Array.from(p), out);
    for (let j = 0; j < 2; j++) {
      const want = 2 * p[j] + 20 * Math.PI * Math.exp(-2 * Math.PI ** 2 * s * s) * Math.sin(TAU * p[j]);
      assert.ok(Math.abs(out[j] - want) < 1e-11, `${out[j]} vs ${want}`);
    }
  }
});

test('d > 2 rules are seeded Monte Carlo with antithetic pairs: deterministic, and exact on odd parts', () => {
  const lin = (x: Float64Array) => 3 * x[0] - x[1] + 0.5 * x[4];
  for (const noise of ['uniform', 'gaussian', 'cube'] as const) {
    const g = makeSmoother(lin, 5, 0.7, noise, { seed: 's' });
    const y = Float64Array.of(0.3, -1, 2, 0, 4);
    assert.equal(g.exactGradient, false);
    assert.equal(g.evaluations, 512);
    assert.ok(Math.abs(g(y) - lin(y)) < 1e-13);
    assert.equal(g(y), makeSmoother(lin, 5, 0.7, noise, { seed: 's' })(y));
  }
  // Uniform-ball samples stay in the ball: g of an indicator of the ball is exactly 1.
  const inBall = (x: Float64Array) => (Math.hypot(...x) <= 0.7 + 1e-12 ? 1 : 0);
  assert.equal(makeSmoother(inBall, 4, 0.7, 'uniform')(new Float64Array(4)), 1);
});

test("noise 'none' and radius 0 give g = f", () => {
  const y = Float64Array.of(0.37, -1.2);
  assert.equal(makeSmoother(rastrigin, 2, 0.3, 'none')(y), rastrigin(y));
  assert.equal(makeSmoother(rastrigin, 2, 0, 'uniform')(y), rastrigin(y));
});

test('centralDifference restores its input bit for bit; error ≈ ε·|f|/h', () => {
  const x = Float64Array.of(0.1, -3.7, 12.25);
  const before = Array.from(x);
  const out = new Float64Array(3);
  centralDifference(styblinskiTang, x, out);
  assert.deepEqual(Array.from(x), before);
  for (let i = 0; i < 3; i++) {
    const want = 0.5 * (4 * before[i] ** 3 - 32 * before[i] + 5);
    // |f| ≈ 1.1e4 here, so rounding alone allows ~1e-7 absolute at h = 1e-5.
    assert.ok(Math.abs(out[i] - want) < 1e-7 + 1e-9 * Math.abs(want), `${out[i]} vs ${want}`);
  }
});

test('centralDifference near large values: 1e8 + ‖x‖² to ~1e-5 (the plain step 1e-5 leaves 7e-4); moderate losses cost 2d evaluations as before', () => {
  let calls = 0;
  const big = (x: Float64Array) => {
    calls++;
    return 1e8 + x[0] * x[0] + x[1] * x[1];
  };
  const out = new Float64Array(2);
  let worst = 0;
  for (const p of POINTS_2D) {
    const x = Float64Array.from(p);
    centralDifference(big, x, out);
    assert.deepEqual(Array.from(x), p);
    for (let i = 0; i < 2; i++) worst = Math.max(worst, Math.abs(out[i] - 2 * p[i]));
  }
  assert.ok(worst < 2e-5, `error ${worst}`);
  calls = 0;
  centralDifference((x) => (calls++, rastrigin(x)), Float64Array.of(0.3, -1.2), out);
  assert.equal(calls, 4);
});
