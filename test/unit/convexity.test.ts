import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSmoother } from '../../src/engine/smoothing';
import { computeLandscape, linspace } from '../../src/engine/landscape';
import { convexityMap, onePointConvexity } from '../../src/engine/convexity';
import { figure3 } from '../../examples/paper-figure3';
import type { NoiseKind } from '../../src/engine/types';
import { K, TAU, cOfSigma, cfg, rastrigin1, sphere } from '../fixtures/diagnostics';

test('the constant 1.364919141… and the threshold σ ≈ 0.4363522 of paper.md §4', () => {
  assert.ok(Math.abs(K - 1.364919141) < 1e-9);
  const threshold = Math.sqrt(Math.log(10 * Math.PI * K) / (2 * Math.PI ** 2));
  assert.ok(Math.abs(threshold - 0.4363522) < 1e-7, String(threshold));
});

test('sphere: c(y) ≡ 2 toward x* for uniform, Gaussian and cube noise, any radius and dimension', () => {
  const xStars: Record<number, number[]> = { 1: [0.4], 2: [0, 0], 3: [1, -2, 0.5], 6: [0, 0, 0, 0, 0, 0] };
  for (const d of [1, 2, 3, 6]) {
    const xs = Float64Array.from(xStars[d]);
    const shifted = (x: Float64Array) => {
      let s = 0;
      for (let i = 0; i < d; i++) s += (x[i] - xs[i]) ** 2;
      return s;
    };
    for (const noise of ['uniform', 'gaussian', 'cube'] as NoiseKind[]) {
      for (const a of [0.05, 0.4, 2]) {
        const g = makeSmoother(shifted, d, a, noise);
        // Exact identities are exact to rounding; difference rules (d > 2) to ~ε·g/h.
        const tol = g.exactGradient ? 1e-11 : 1e-6;
        for (let k = 0; k < 12; k++) {
          const y = Float64Array.from({ length: d }, (_, j) => xs[j] + 3 * Math.sin(1.7 * k + j) + (k === 0 ? 1e-3 : 0));
          const c = onePointConvexity(g, y, xs);
          assert.ok(Math.abs(c - 2) < tol, `d=${d} ${noise} a=${a}: c=${c}`);
        }
        assert.ok(Number.isNaN(onePointConvexity(g, xs, xs)));
      }
    }
  }
});

test('1-D Rastrigin, Gaussian noise: inf_y c(y) = 2 − 20π e^{−2π²σ²}·1.364919141…', () => {
  const xs = Float64Array.of(0);
  for (const s of [0.2, 0.3, 0.4, 0.43, 0.4363522, 0.44, 0.5]) {
    const g = makeSmoother(rastrigin1, 1, s, 'gaussian');
    const c = (y: number) => onePointConvexity(g, Float64Array.of(y), xs);
    // Golden-section search on the bracket of the minimiser y* = u*/2π ≈ 0.7151.
    let lo = 0.6;
    let hi = 0.85;
    const r = (Math.sqrt(5) - 1) / 2;
    for (let i = 0; i < 80; i++) {
      const m1 = hi - r * (hi - lo);
      const m2 = lo + r * (hi - lo);
      if (c(m1) < c(m2)) hi = m2;
      else lo = m1;
    }
    const inf = c((lo + hi) / 2);
    assert.ok(Math.abs(inf - cOfSigma(s)) < 1e-10, `σ=${s}: ${inf} vs ${cOfSigma(s)}`);
    // Pointwise: c(y) = 2 + 20π e^{−2π²σ²} sin(2πy)/y, and c is even in y.
    for (const y of [-2.2, -0.7, 0.13, 0.9, 2.6]) {
      const want = 2 + (20 * Math.PI * Math.exp(-2 * Math.PI ** 2 * s * s) * Math.sin(TAU * y)) / y;
      assert.ok(Math.abs(c(y) - want) < 1e-10);
    }
  }
  const g43 = makeSmoother(rastrigin1, 1, 0.43, 'gaussian');
  const g44 = makeSmoother(rastrigin1, 1, 0.44, 'gaussian');
  assert.ok(onePointConvexity(g43, Float64Array.of(0.715), xs) < 0);
  assert.ok(onePointConvexity(g44, Float64Array.of(0.715), xs) > 0);
});

test("the convexity map's c on a fine grid agrees with c(σ), and its values with the closed form", () => {
  for (const s of [0.3, 0.43, 0.44]) {
    const config = cfg(
      { stages: [{ lr: 0.01, radius: s, steps: 10, noise: 'gaussian' }], domain: { low: [-3], high: [3] }, resolution: 1201 },
      1,
    );
    // The map reads only the grid geometry of the landscape.
    const landscape = { x: linspace(-3, 3, 1201), f: [], smoothed: [] };
    const map = convexityMap(rastrigin1, config, landscape, [0], s, 'gaussian');
    const values = map.values as number[];
    assert.equal(values.length, 1201);
    const A = 20 * Math.PI * Math.exp(-2 * Math.PI ** 2 * s * s);
    // x* = 0 is grid point 600: the 0/0 there is the limit g″(0) = 2 + 2πA of c(y) = 2 + A sin(2πy)/y.
    assert.ok(Math.abs(values[600] - (2 + TAU * A)) < 1e-6, String(values[600]));
    for (const i of [0, 333, 599, 601, 838, 1200]) {
      const y = landscape.x[i];
      assert.ok(Math.abs(values[i] - (2 + (A * Math.sin(TAU * y)) / y)) < 1e-10);
    }
    // The grid point 0.715 sits 1.4e-4 from y* = 0.71514, so the grid infimum is within 1e-5 of c(σ).
    assert.ok(map.c >= cOfSigma(s) - 1e-10 && map.c - cOfSigma(s) < 1e-5, `σ=${s}: ${map.c} vs ${cOfSigma(s)}`);
    assert.equal(Math.sign(map.c), Math.sign(cOfSigma(s)));
    assert.ok(Math.abs(Math.abs(map.argInf[0]) - 0.715) < 1e-12);
  }
});

test('2-D convexity map of the sphere: 2 everywhere, x* by its limit λ_min(∇²g) = 2; x* off g’s minimiser is reported', () => {
  const config = cfg(
    {
      stages: [{ lr: 0.01, radius: 0.4, steps: 10, noise: 'uniform' }],
      domain: { low: [-2, -1], high: [2, 1] },
      init: { low: [-1, -1], high: [1, 1] },
      resolution: 21,
    },
    2,
  );
  const landscape = computeLandscape(sphere, config);
  const map = convexityMap(sphere, config, landscape, [0, 0], 0.4, 'uniform');
  const values = map.values as number[][];
  assert.equal(values.length, 21);
  assert.equal(values[0].length, 21);
  for (let iy = 0; iy < 21; iy++) {
    for (let ix = 0; ix < 21; ix++) assert.ok(Math.abs(values[iy][ix] - 2) < 1e-9, `${iy} ${ix}: ${values[iy][ix]}`);
  }
  assert.ok(Math.abs(map.c - 2) < 1e-9);
  assert.equal(map.positiveFraction, 1);
  assert.equal(map.xStarCheck?.minimises, true);
  // Minimiser m = (0.3, 0) off x*: c(y) = 2(1 − ⟨m, y⟩/‖y‖²) < 0 inside the disk on [0, m], e.g. −1
  // at y = (0.2, 0), and unbounded below near x*. g = ‖y − m‖² + a²/2 is lower at the grid points
  // (0.2, 0) and (0.4, 0) than at x* by 0.09 − 0.01 = 0.08, so x* is not a minimiser and c is capped
  // by the mean-value bound −0.08/0.2² = −2.
  const offF = (x: Float64Array) => (x[0] - 0.3) ** 2 + x[1] ** 2;
  const off = convexityMap(offF, config, computeLandscape(offF, config), [0, 0], 0.4, 'uniform');
  assert.ok(Math.abs((off.values as number[][])[10][11] - -1) < 1e-9); // x[11] = 0.2, y[10] = 0
  assert.equal(off.xStarCheck?.minimises, false);
  assert.ok(Math.abs(off.xStarCheck!.g - off.xStarCheck!.gMin - 0.08) < 1e-9);
  assert.ok(Math.abs(off.c - -2) < 1e-9, String(off.c));
});

test('Figure 3 f with x* = 0: g is lower beside x* at both windows, so c < 0; the 0.6 window still points to x* beyond 0.6', () => {
  const f = (x: Float64Array) => figure3(x[0]);
  const config = cfg({ domain: { low: [-3], high: [3] }, xStar: [0], stages: [{ radius: 0.15 }, { radius: 0.6 }] }, 1);
  const landscape = computeLandscape(f, config);
  const narrow = convexityMap(f, config, landscape, [0], 0.15, 'uniform');
  const wide = convexityMap(f, config, landscape, [0], 0.6, 'uniform');
  // Brute-force window averages (Simpson on 0.6e-4 steps, 20,000 panels) as the reference for g.
  const g = (x: number, a: number) => {
    const n = 20000;
    const h = (2 * a) / n;
    let s = figure3(x - a) + figure3(x + a);
    for (let k = 1; k < n; k++) s += (k % 2 ? 4 : 2) * figure3(x - a + k * h);
    return (s * h) / 3 / (2 * a);
  };
  for (const [map, a] of [
    [narrow, 0.15],
    [wide, 0.6],
  ] as const) {
    const check = map.xStarCheck!;
    assert.equal(check.minimises, false);
    assert.ok(Math.abs(check.g - g(0, a)) < 1e-8 && Math.abs(check.gMin - g(check.argMin[0], a)) < 1e-8);
    assert.ok(g(check.argMin[0], a) < g(0, a) - 0.03, `${a}: ${g(check.argMin[0], a)} vs ${g(0, a)}`);
    assert.ok(map.c <= -(g(0, a) - g(check.argMin[0], a)) / check.argMin[0] ** 2 + 1e-9, `${a}: ${map.c}`);
  }
  const outside = (map: typeof wide, r: number) => landscape.x.every((y, i) => Math.abs(y) <= r || (map.values as number[])[i] > 0);
  assert.ok(outside(wide, 0.6) && !outside(narrow, 0.6));
  assert.ok(narrow.positiveFraction < 0.9, String(narrow.positiveFraction));
});

test('2-D c map of f (no noise) takes a finite sum’s per-example gradients instead of four calls of f a point: c(y) = (y − x*)ᵀH(y − x*)/‖y − x*‖²', async () => {
  const { finiteSumGradient, finiteSumLoss } = await import('../../src/engine/finiteSum');
  // Least squares ℓ = ½(w₀ + w₁tᵢ − yᵢ)²: H = mean (1, tᵢ)(1, tᵢ)ᵀ, x* its minimiser (normal equations).
  const T = [-1, 0, 0.5, 2];
  const Y = [1, 0.5, -0.5, 2];
  const n = T.length;
  const mt = T.reduce((s, t) => s + t, 0) / n;
  const mtt = T.reduce((s, t) => s + t * t, 0) / n;
  const my = Y.reduce((s, y) => s + y, 0) / n;
  const mty = T.reduce((s, t, i) => s + t * Y[i], 0) / n;
  const w1 = (mty - mt * my) / (mtt - mt * mt);
  const xStar = [my - w1 * mt, w1];
  let exampleCalls = 0;
  const fs = {
    n,
    example: (w: Float64Array, i: number) => (exampleCalls++, 0.5 * (w[0] + w[1] * T[i] - Y[i]) ** 2),
    exampleGradient: (w: Float64Array, i: number, out: Float64Array) => {
      const r = w[0] + w[1] * T[i] - Y[i];
      out[0] = r;
      out[1] = r * T[i];
    },
  };
  const loss = finiteSumLoss(fs);
  const config = cfg(
    { stages: [{ lr: 0.1, radius: 0, steps: 10, noise: 'none' }], domain: { low: [-2, -2], high: [2, 2] }, resolution: 21 },
    2,
  );
  const landscape = computeLandscape(loss, config);
  exampleCalls = 0;
  const map = convexityMap(loss, config, landscape, xStar, 0, 'none', finiteSumGradient(fs, 0));
  // g(x*) off the grid: one call of f (n examples); no differences of f for ∇f.
  assert.ok(exampleCalls <= n, `${exampleCalls} example calls`);
  const values = map.values as number[][];
  for (let iy = 0; iy < 21; iy++) {
    for (let ix = 0; ix < 21; ix++) {
      const v0 = landscape.x[ix] - xStar[0];
      const v1 = landscape.y![iy] - xStar[1];
      const c = (v0 * v0 + 2 * mt * v0 * v1 + mtt * v1 * v1) / (v0 * v0 + v1 * v1);
      assert.ok(Math.abs(values[iy][ix] - c) < 1e-12, `${iy} ${ix}: ${values[iy][ix]} vs ${c}`);
    }
  }
  // Without per-example gradients: central differences of f, to their own accuracy.
  const { exampleGradient: _drop, ...plain } = fs;
  const fd = convexityMap(finiteSumLoss(plain), config, landscape, xStar, 0, 'none', finiteSumGradient(plain, 0));
  assert.ok(exampleCalls > 4 * 21 * 21 * n);
  const fdValues = fd.values as number[][];
  for (let iy = 0; iy < 21; iy++) for (let ix = 0; ix < 21; ix++) assert.ok(Math.abs(fdValues[iy][ix] - values[iy][ix]) < 1e-7);
});
