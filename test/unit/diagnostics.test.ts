import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSmoother } from '../../src/engine/smoothing';
import { computeLandscape, linspace } from '../../src/engine/landscape';
import {
  computeDiagnostics,
  convexityMap,
  estimateSmoothness,
  finalHistogram,
  onePointConvexity,
  theorem1,
  trajectoryDiagnostics,
} from '../../src/engine/diagnostics';
import { resolveConfig } from '../../src/engine/config';
import { runTrials } from '../../src/engine/sgd';
import { figure3 } from '../../examples/paper-figure3';
import type { MethodResult, NoiseKind, RunConfigInput } from '../../src/engine/types';

const TAU = 2 * Math.PI;
const cfg = (input: Partial<RunConfigInput>, dim: number) => resolveConfig({ function: 'f', ...input } as RunConfigInput, { dim });

const sphere = (x: Float64Array) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
};
const rastrigin1 = (x: Float64Array) => 10 + x[0] * x[0] - 10 * Math.cos(TAU * x[0]);

/** −2π·min_u sin(u)/u = 1.364919141…, from the root u* of tan u = u in (π, 3π/2). */
const K = (() => {
  let u = 4.49;
  for (let i = 0; i < 50; i++) u -= (Math.sin(u) - u * Math.cos(u)) / (u * Math.sin(u));
  return (-TAU * Math.sin(u)) / u;
})();
/** paper.md §4: inf_y c(y) of 1-D Rastrigin under N(0, σ²), x* = 0. */
const cOfSigma = (s: number) => 2 - 20 * Math.PI * Math.exp(-2 * Math.PI ** 2 * s * s) * K;

/** A MethodResult with only the fields a test sets filled in. */
function method(partial: Partial<MethodResult>): MethodResult {
  const n = partial.finals?.length ?? partial.finalX?.length ?? partial.checkpoints?.length ?? 0;
  return {
    finals: [],
    finalX: [],
    finalLoss: [],
    divergedMask: new Array(n).fill(false),
    diverged: 0,
    starts: [],
    paths: [],
    pathTrials: [],
    pathSteps: [],
    checkpoints: [],
    checkpointSteps: [],
    stochasticGradNorm: [],
    stageFinals: [],
    ...partial,
  };
}

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
    assert.ok(Number.isNaN(values[600])); // x* = 0 is grid point 600
    const A = 20 * Math.PI * Math.exp(-2 * Math.PI ** 2 * s * s);
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

test('2-D convexity map of the sphere: 2 everywhere but x*, positive fraction 1; region excludes x*', () => {
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
    for (let ix = 0; ix < 21; ix++) {
      if (ix === 10 && iy === 10) assert.ok(Number.isNaN(values[iy][ix]));
      else assert.ok(Math.abs(values[iy][ix] - 2) < 1e-12);
    }
  }
  assert.ok(Math.abs(map.c - 2) < 1e-12);
  assert.equal(map.positiveFraction, 1);
  // argInf lies in the init box and outside the ball of max(2 grid spacings, a) = 0.4 around x*.
  assert.ok(Math.abs(map.argInf[0]) <= 1 && Math.hypot(map.argInf[0], map.argInf[1]) > 0.4);
  // Minimiser m = (0.3, 0) off x*: c(y) = 2(1 − ⟨m, y⟩/‖y‖²) < 0 only inside the disk on [0, m],
  // e.g. −1 at y = (0.2, 0); outside the excluded ball (‖y‖ > 0.4) it stays ≥ 2(1 − 0.3/0.4) > 0.
  const off = convexityMap((x) => (x[0] - 0.3) ** 2 + x[1] ** 2, config, landscape, [0, 0], 0.4, 'uniform');
  assert.ok(Math.abs((off.values as number[][])[10][11] - -1) < 1e-12); // x[11] = 0.2, y[10] = 0
  assert.ok(off.c > 0.5 && off.positiveFraction === 1, String(off.c));
});

test('Figure 3 f with x* = 0: the 0.6 window funnels the whole region to x*, the 0.15 window does not', () => {
  const f = (x: Float64Array) => figure3(x[0]);
  const config = cfg({ domain: { low: [-3], high: [3] }, xStar: [0], stages: [{ radius: 0.15 }, { radius: 0.6 }] }, 1);
  const landscape = computeLandscape(f, config);
  const narrow = convexityMap(f, config, landscape, [0], 0.15, 'uniform');
  const wide = convexityMap(f, config, landscape, [0], 0.6, 'uniform');
  assert.ok(narrow.c < 0 && narrow.positiveFraction < 0.9, `${narrow.c} ${narrow.positiveFraction}`);
  assert.ok(wide.c > 0 && wide.positiveFraction === 1, `${wide.c}`);
});

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
  assert.match(t.explanation, /within 0\.284 of x\* after 230 steps; observed 67% of trials inside/);

  // c ≤ 0: the theorem does not apply, nothing is predicted.
  const neg = theorem1(config, 0, 10, -0.5, [0], sgd);
  assert.equal(neg.conditionHolds, false);
  assert.ok(Number.isNaN(neg.T1) && Number.isNaN(neg.ballRadius) && Number.isNaN(neg.observedInside));
  assert.match(neg.explanation, /does not point to x\* everywhere.*Theorem 1 does not apply/);

  // η too big for L: λ = 0.04 − 0.01·L² ≤ 0 at L = 2 with η = 1 … use L = 30: λ = 0.04 − 0.09 < 0.
  const big = theorem1(config, 0, 30, 2, [0], sgd);
  assert.ok(big.lambda < 0 && Number.isNaN(big.T1));
  assert.match(big.explanation, /too large for Theorem 1/);

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

test('final histograms: 1-D bins of histogramBin, 2-D [iy][ix] counts, diverged and outside points left out', () => {
  const config = cfg({ histogramBin: 0.06 }, 1);
  const domain = { low: [-3], high: [3] };
  const sgd = method({
    finals: [[-3], [3], [0.01], [-0.05], [3.5], [0.02], [1]],
    divergedMask: [false, false, false, false, false, false, true],
  });
  const h = finalHistogram(config, sgd, undefined, domain);
  assert.equal(h.edges.length, 101);
  assert.equal(h.edges[0], -3);
  assert.ok(Math.abs(h.edges[100] - 3) < 1e-12);
  assert.equal(
    h.sgd.reduce((a, b) => a + b, 0),
    5,
  );
  assert.equal(h.sgd[0], 1);
  assert.equal(h.sgd[99], 1);
  assert.equal(h.sgd[50], 2); // 0.01 and 0.02 in [0, 0.06)
  assert.equal(h.sgd[49], 1);
  assert.deepEqual(h.gd, []);
  const gd = method({ finals: [[-2.99]] });
  assert.equal(finalHistogram(config, sgd, gd, domain).gd[0], 1);

  const c2 = cfg({}, 2);
  const d2 = { low: [0, 0], high: [4, 2] };
  const h2 = finalHistogram(
    c2,
    method({
      finals: [
        [0.25, 1.975],
        [0.26, 1.99],
        [3.99, 0.01],
      ],
    }),
    undefined,
    d2,
  );
  assert.equal(h2.sgd2d!.length, 40);
  assert.equal(h2.sgd2d![39][2], 2); // y bin 39 (top), x bin 2
  assert.equal(h2.sgd2d![0][39], 1);
  assert.equal(h2.edgesY![40], 2);
  assert.equal(h2.sgd[2], 2);
  assert.equal(h2.sgd[39], 1);
  assert.equal(h2.gd2d, undefined);

  const c5 = cfg({}, 5);
  const d5 = { low: [-1, -1, -1, -1, -1], high: [1, 1, 1, 1, 1] };
  const h5 = finalHistogram(
    c5,
    method({
      finals: [
        [0.01, 0, 0, 0, 0],
        [1, 1, 1, 1, 1],
      ],
    }),
    undefined,
    d5,
    { xStar: [0, 0, 0, 0, 0] },
  );
  assert.equal(h5.edges.length, 41);
  assert.equal(h5.sgd[0], 1);
  assert.equal(h5.sgd[20], 1); // distance √5 is half the diameter 2√5: the lower edge of bin 20
});

test('trajectory diagnostics (Figure 5) on hand-computed sphere checkpoints', () => {
  const config = cfg({ probeRadius: 0, probeSamples: 3 }, 2);
  const sgd = method({
    checkpointSteps: [0, 10],
    checkpoints: [
      [
        [1, 0],
        [0.5, 0.5],
      ],
      [
        [-2, 1],
        [-1, 0],
      ],
      [
        [9, 9],
        [9, 9],
      ],
    ],
    finalX: [
      [0, 0.1],
      [0, 0],
      [9, 9],
    ],
    stochasticGradNorm: [
      [3, 1],
      [5, 2],
      [100, 100],
    ],
    divergedMask: [false, false, true],
  });
  const grad = (x: Float64Array, out: Float64Array) => {
    out[0] = 2 * x[0];
    out[1] = 2 * x[1];
  };
  const t = trajectoryDiagnostics(sphere, grad, config, sgd);
  // ⟨−∇f(x_t), x_T − x_t⟩: trial 0 → 2, 0.9; trial 1 → 10, 2.
  assert.deepEqual(t.steps, [0, 10]);
  const close = (a: number[], b: number[]) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-12, `${a} vs ${b}`));
  close(t.innerMin, [2, 0.9]);
  close(t.innerMean, [6, 1.45]);
  close(t.probeMean, [6, 1.45]); // probe radius 0: w = x_t
  close(t.probeMin, [2, 0.9]);
  close(t.probeMax, [10, 2]);
  close(t.gradNormMean, [4, 1.5]);
  close(t.gradNormMin, [3, 1]);
  close(t.gradNormMax, [5, 2]);
  // Without a gradient: central differences give the same to ~1e-9.
  const fd = trajectoryDiagnostics(sphere, undefined, config, sgd);
  fd.innerMean.forEach((v, i) => assert.ok(Math.abs(v - t.innerMean[i]) < 1e-8));
  // Probes off x_t on a linear loss: ∇f is constant, so every probe equals the inner product.
  const lin = (x: Float64Array) => 3 * x[0] - x[1];
  const one = method({ checkpointSteps: [0], checkpoints: [[[1, 1]]], finalX: [[2, 3]], stochasticGradNorm: [[1]] });
  const tl = trajectoryDiagnostics(lin, undefined, cfg({ probeRadius: 0.5, probeSamples: 20 }, 2), one);
  for (const v of [tl.probeMean[0], tl.probeMin[0], tl.probeMax[0]]) assert.ok(Math.abs(v - -(3 * 1 - 1 * 2)) < 1e-8);
});

test('computeDiagnostics on the sphere: x* from the smoothed minimum, c = 2, Theorem 1 and success counts', () => {
  const config = cfg(
    { trials: 20, checkpoints: 5, probeSamples: 2, resolution: 201, stages: [{ lr: 0.1, radius: 0.05, steps: 200, noise: 'uniform' }] },
    1,
  );
  const landscape = computeLandscape(sphere, config);
  const sgd = runTrials(sphere, undefined, config, 'sgd', 0, config.trials);
  const gd = runTrials(sphere, undefined, config, 'gd', 0, config.trials);
  const diag = computeDiagnostics(sphere, undefined, config, landscape, sgd, gd);
  assert.equal(diag.xStarSource, 'smoothed-minimum');
  assert.ok(Math.abs(diag.xStar[0]) < 1e-12);
  assert.ok(Math.abs(diag.c - 2) < 1e-12);
  assert.ok(Math.abs(diag.L - 2) < 1e-5);
  const [t] = diag.theorem1;
  // λ = 2·0.1·2 − 0.01·4 = 0.36, b = 0.05²·1.2² = 0.0036, ball √(20b/λ) = √0.2.
  assert.ok(Math.abs(t.lambda - 0.36) < 1e-5 && Math.abs(t.ballRadius - Math.sqrt(0.2)) < 1e-5);
  assert.equal(t.conditionHolds, true);
  assert.equal(t.observedInside, 1);
  // 5% of the domain diameter 6 (0.3) is below the ball √0.2.
  assert.ok(Math.abs(diag.successRadius - 0.3) < 1e-12);
  assert.equal(diag.successSgd, 20);
  assert.equal(diag.successGd, 20);
  assert.equal(
    diag.histogram.sgd.reduce((a, b) => a + b, 0),
    20,
  );
  assert.equal(diag.trajectory.steps.length, 5);
  assert.equal(computeDiagnostics(sphere, undefined, config, landscape, sgd, gd, [0.5]).xStarSource, 'user');
  const withStar = { ...config, xStar: [0.5] };
  assert.equal(computeDiagnostics(sphere, undefined, withStar, landscape, sgd, gd).xStarSource, 'config');
});

test('a stage restarting in its own box is judged on that box (Corollary 2): Rastrigin σ = 0.3', () => {
  const config = cfg(
    {
      trials: 4,
      checkpoints: 3,
      probeSamples: 1,
      resolution: 1201, // 0.715 is a grid point
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
  const diag = computeDiagnostics(rastrigin1, undefined, config, landscape, sgd, undefined);
  assert.equal(diag.theorem1.length, 2);
  // On [-3, 3] the infimum is c(σ) < 0 (at |y| ≈ 0.715); on [-0.5, 0.5] minus the ball of radius
  // 0.3 it is c(y) = 2 + A sin(2πy)/y at |y| = 0.5 − a hair, i.e. 2 + A·sin(2π·0.5)/0.5 = 2.
  assert.ok(Math.abs(diag.theorem1[0].c - cOfSigma(0.3)) < 1e-5);
  assert.ok(Math.abs(diag.theorem1[1].c - 2) < 1e-9, String(diag.theorem1[1].c));
  assert.equal(diag.c, diag.convexity[0].c);
});
