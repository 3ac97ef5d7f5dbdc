/**
 * The plane through x* for d > 2 (src/engine/plane.ts) against closed forms written here: the top
 * eigenvectors of a covariance built from a known orthogonal matrix, least-squares coordinates of
 * a path built in the plane plus a known normal part, and a quadratic, whose antithetic
 * Monte-Carlo g is f plus one constant, so f on the plane and c(y) = sᵀAs/‖s‖² are exact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PLANE_RESOLUTION,
  PLANE_SAMPLES,
  gridPartials,
  planeConvexity,
  planeDiagnostics,
  planeDirections,
  projectModelFinals,
  projectOntoPlane,
} from '../../src/engine/plane';
import { finiteSumGradient, finiteSumLoss, type FiniteSum } from '../../src/engine/finiteSum';
import { resolveConfig } from '../../src/engine/config';
import { runExperiment } from '../../src/engine/experiment';
import type { GradientNoise } from '../../src/engine/types';
import { cfg, method } from '../fixtures/diagnostics';
import { planeText } from '../../src/view/plane';
import { formatNumber } from '../../src/view/format';

/** Householder reflection I − 2wwᵀ/‖w‖²: an orthogonal matrix whose columns are known exactly. */
function householder(w: number[]): number[][] {
  const n2 = w.reduce((s, x) => s + x * x, 0);
  return w.map((wi, i) => w.map((wj, j) => (i === j ? 1 : 0) - (2 * wi * wj) / n2));
}
const column = (Q: number[][], k: number) => Q.map((r) => r[k]);
const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

function noiseWith(cov: number[][], lr = 0.1): GradientNoise {
  const trace = cov.reduce((s, r, i) => s + r[i], 0);
  return {
    at: [],
    batchSize: 2,
    sampling: 'uniform',
    examples: 10,
    lr,
    covariance: cov,
    trace,
    equivalentRadius: lr * Math.sqrt(trace),
    isotropicSigma: lr * Math.sqrt(trace / cov.length),
    checkpoints: { steps: [], traceMean: [], traceMin: [], traceMax: [], trials: 0 },
  };
}

const Q = householder([1, -2, 0.5, 3]);
const LAMBDA = [5, 3, 1, 0.5];
/** C = Q diag(5, 3, 1, 0.5) Qᵀ: its eigenvectors are Q's columns. */
const C = Q.map((_, i) => Q.map((__, j) => LAMBDA.reduce((s, l, k) => s + l * Q[i][k] * Q[j][k], 0)));

/** The 4-D quadratic f(x) = ½ (x − m)ᵀ A (x − m), m = (0.5, −0.5, 1, 0), A = Q diag(4, 1, 2, 3) Qᵀ: along Q's columns 0 and 1, sᵀAs/‖s‖² is 4 and 1. */
function quadratic4(): { m: number[]; A: number[][]; f: (x: Float64Array) => number } {
  const m = [0.5, -0.5, 1, 0];
  const aEig = [4, 1, 2, 3];
  const A = Q.map((_, i) => Q.map((__, j) => aEig.reduce((s, l, k) => s + l * Q[i][k] * Q[j][k], 0)));
  const f = (x: Float64Array) => {
    let s = 0;
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) s += 0.5 * (x[i] - m[i]) * A[i][j] * (x[j] - m[j]);
    return s;
  };
  return { m, A, f };
}

test('minibatch plane: the top two eigenvectors of a known covariance, with its eigenvalues', () => {
  const config = cfg({ domain: { low: [-2, -2, -2, -2], high: [2, 2, 2, 2] } }, 4);
  const p = planeDirections(config, [0, 0, 0, 0], noiseWith(C));
  assert.equal(p.source, 'noise-eigenvectors');
  assert.ok(Math.abs(p.eigenvalues![0] - 5) < 1e-12 && Math.abs(p.eigenvalues![1] - 3) < 1e-12, String(p.eigenvalues));
  for (const k of [0, 1]) {
    const q = column(Q, k);
    // Same line, sign fixed so the largest component is positive.
    assert.ok(Math.abs(Math.abs(dot(p.directions[k], q)) - 1) < 1e-12);
    const big = p.directions[k].reduce((m, x) => (Math.abs(x) > Math.abs(m) ? x : m), 0);
    assert.ok(big > 0);
  }
});

test('no minibatch noise: configured directions, else seeded filter-normalised ones of ‖x*‖ (unit at x* = 0)', () => {
  const given = planeDirections(
    cfg(
      {
        sliceDirections: [
          [3, 0, 4],
          [0, 2, 0],
          [1, 1, 1],
        ],
      },
      3,
    ),
    [1, 1, 1],
  );
  assert.equal(given.source, 'configured');
  assert.deepEqual(given.directions, [
    [0.6, 0, 0.8],
    [0, 1, 0],
  ]);
  const config = cfg({ seed: 'plane' }, 5);
  const xStar = [1, -2, 2, 0, 4];
  const a = planeDirections(config, xStar);
  const b = planeDirections(config, xStar);
  assert.equal(a.source, 'filter-normalized');
  assert.deepEqual(a.directions, b.directions, 'seeded');
  for (const dir of a.directions) assert.ok(Math.abs(Math.hypot(...dir) - 5) < 1e-12); // ‖x*‖ = 5
  assert.ok(Math.abs(dot(a.directions[0], a.directions[1])) < 25, 'two different draws');
  for (const dir of planeDirections(config, [0, 0, 0, 0, 0]).directions) assert.ok(Math.abs(Math.hypot(...dir) - 1) < 1e-12);
});

test('projection: least-squares coordinates of x* + αu + βv + (a normal part), for directions that are not orthogonal', () => {
  const origin = [1, 2, 3, 4];
  const u = [1, 1, 0, 0];
  const v = [0, 1, 1, 0];
  const normal = [1, -1, 1, 0]; // ⊥ u and v
  const offsets = [0, 0.5, -0.25];
  for (const [alpha, beta] of [
    [2, -3],
    [0.1, 0.7],
  ]) {
    for (const s of offsets) {
      const x = origin.map((o, j) => o + alpha * u[j] + beta * v[j] + s * normal[j]);
      const p = projectOntoPlane(x, origin, u, v);
      assert.ok(Math.abs(p.alpha - alpha) < 1e-12 && Math.abs(p.beta - beta) < 1e-12, `${p.alpha} ${p.beta}`);
      const r = origin.map((_, j) => alpha * u[j] + beta * v[j] + s * normal[j]);
      const expected = Math.hypot(...normal.map((c) => s * c)) / Math.hypot(...r);
      assert.ok(Math.abs(p.offPlane - expected) < 1e-12, `${p.offPlane} vs ${expected}`);
    }
  }
});

test('grid partials and c(y) are exact for a quadratic in (α, β), edges and the limit at x* included', () => {
  const alpha = [-1, -0.5, 0, 0.5, 1];
  const beta = [-0.8, -0.4, 0, 0.4, 0.8];
  const u = [1, 0, 1];
  const v = [0, 2, 1];
  // g(α, β) = 3α² − αβ + 2β² + α (a quadratic in the plane's coordinates).
  const g = beta.map((b) => alpha.map((a) => 3 * a * a - a * b + 2 * b * b + a));
  const { da, db } = gridPartials(g, 0.5, 0.4);
  beta.forEach((b, j) =>
    alpha.forEach((a, i) => {
      assert.ok(Math.abs(da[j][i] - (6 * a - b + 1)) < 1e-12);
      assert.ok(Math.abs(db[j][i] - (-a + 4 * b)) < 1e-12);
    }),
  );
  const c = planeConvexity(g, alpha, beta, u, v);
  const G = [
    [dot(u, u), dot(u, v)],
    [dot(u, v), dot(v, v)],
  ];
  beta.forEach((b, j) =>
    alpha.forEach((a, i) => {
      if (a === 0 && b === 0) return;
      const expected = (a * (6 * a - b + 1) + b * (-a + 4 * b)) / (G[0][0] * a * a + 2 * G[0][1] * a * b + G[1][1] * b * b);
      assert.ok(Math.abs(c[j][i] - expected) < 1e-12, `${a} ${b}`);
    }),
  );
  // At x*: min over s of sᵀHs / sᵀGs with H = [[6, −1], [−1, 4]]: the smaller root of det(H − λG).
  const H = [
    [6, -1],
    [-1, 4],
  ];
  const A = G[0][0] * G[1][1] - G[0][1] ** 2;
  const B = -(H[0][0] * G[1][1] + H[1][1] * G[0][0] - 2 * H[0][1] * G[0][1]);
  const Cc = H[0][0] * H[1][1] - H[0][1] ** 2;
  const lmin = (-B - Math.sqrt(B * B - 4 * A * Cc)) / (2 * A);
  assert.ok(Math.abs(c[2][2] - lmin) < 1e-9, `${c[2][2]} vs ${lmin}`);
  // Brute force of the same minimum over directions.
  let brute = Infinity;
  for (let k = 0; k < 100000; k++) {
    const t = (Math.PI * k) / 100000;
    const s = [Math.cos(t), Math.sin(t)];
    const num = H[0][0] * s[0] ** 2 + 2 * H[0][1] * s[0] * s[1] + H[1][1] * s[1] ** 2;
    const den = G[0][0] * s[0] ** 2 + 2 * G[0][1] * s[0] * s[1] + G[1][1] * s[1] ** 2;
    brute = Math.min(brute, num / den);
  }
  assert.ok(Math.abs(brute - lmin) < 1e-8);
});

test('a quadratic on the eigenvector plane: f exact, g = f + one constant ≈ ½ tr(AΣ), c(y) = sᵀAs/‖s‖², paths projected', () => {
  // f(x) = ½ (x − m)ᵀ A (x − m) (`quadratic4`); the plane along C's top eigenvectors (Q's columns 0, 1).
  const { m, A, f } = quadratic4();
  const config = cfg(
    { domain: { low: [-3, -3, -3, -3], high: [3, 3, 3, 3] }, init: { low: [-2, -2, -2, -2], high: [2, 2, 2, 2] }, seed: 'q' },
    4,
  );
  const u = column(Q, 0);
  const v = column(Q, 1);
  // A path in the plane (α, β) = (1 − t, 0.5(1 − t)) and a final off it.
  const path = [0, 0.25, 0.5, 1].map((t) => m.map((c, j) => c + (1 - t) * u[j] + 0.5 * (1 - t) * v[j]));
  const sgd = method({ paths: [path], pathTrials: [0], finals: [m.map((c, j) => c + 0.2 * u[j] + 0.1 * column(Q, 2)[j])] });
  const noise = noiseWith(C, 0.2);
  const plane = planeDiagnostics({ loss: f, config, xStar: m, sgd, noise, resolution: 21, samples: 64 })!;
  assert.equal(plane.source, 'noise-eigenvectors');
  assert.deepEqual(plane.origin, m);
  // The paths: exactly (1 − t, 0.5(1 − t)); the extent 10% past the widest projected point (α = 1).
  plane.paths[0].forEach((p, k) => {
    const t = [0, 0.25, 0.5, 1][k];
    const sign = dot(plane.directions[0], u) > 0 ? 1 : -1;
    const signV = dot(plane.directions[1], v) > 0 ? 1 : -1;
    assert.ok(Math.abs(p[0] - sign * (1 - t)) < 1e-12 && Math.abs(p[1] - signV * 0.5 * (1 - t)) < 1e-12);
  });
  assert.ok(Math.abs(plane.alpha[20] - 1.1) < 1e-12 && plane.alpha[10] === 0);
  // The off-plane part: median of [0 (path points), 0.1/√(0.05)] with the final: path points count 0.
  assert.equal(plane.offPlane, 0);
  const [pu, pv] = plane.directions;
  const Au = (w: number[]) => A.map((r) => dot(r, w));
  plane.beta.forEach((b, j) =>
    plane.alpha.forEach((a, i) => {
      const s = pu.map((c, k) => a * c + b * pv[k]);
      assert.ok(Math.abs(plane.f[j][i] - 0.5 * dot(s, Au(s))) < 1e-12);
    }),
  );
  // Laws: the stage's uniform ball (radius 0.3: E zzᵀ = a²/(d + 2)·I), the measured Gaussian η²C and the isotropic one of the same trace.
  assert.deepEqual(
    plane.smoothed.map((s) => s.kind),
    ['stage', 'measured', 'isotropic'],
  );
  const iso = (s2: number) => C.map((r, i) => r.map((_, j) => (i === j ? s2 : 0)));
  for (const s of plane.smoothed) {
    const Sigma =
      s.kind === 'measured' ? C.map((r) => r.map((c) => 0.04 * c)) : iso(s.kind === 'stage' ? 0.09 / 6 : noise.isotropicSigma ** 2);
    const half = 0.5 * A.reduce((acc, r, i) => acc + r.reduce((t, aij, j) => t + aij * Sigma[j][i], 0), 0);
    const shift = s.values[0][0] - plane.f[0][0];
    for (let j = 0; j < 21; j++) for (let i = 0; i < 21; i++) assert.ok(Math.abs(s.values[j][i] - plane.f[j][i] - shift) < 1e-12);
    // The constant is ½ mean zᵀAz over 32 pairs: ½ tr(AΣ) within 4 standard errors.
    assert.ok(Math.abs(shift - half) < 4 * s.stdError[0][0], `${shift} vs ${half} ± ${s.stdError[0][0]}`);
    plane.beta.forEach((b, j) =>
      plane.alpha.forEach((a, i) => {
        const sv = pu.map((c, k) => a * c + b * pv[k]);
        const n2 = dot(sv, sv);
        const expected = n2 > 0 ? dot(sv, Au(sv)) / n2 : Math.min(dot(pu, Au(pu)), dot(pv, Au(pv)));
        assert.ok(Math.abs(s.convexity[j][i] - expected) < 1e-8, `${a} ${b}: ${s.convexity[j][i]} vs ${expected}`);
      }),
    );
    // uᵀAu and vᵀAv: Q's columns 0 and 1 give 4 and 1, no cross term: inf c = 1 on the box.
    assert.ok(Math.abs(s.c - 1) < 1e-8);
  }
});

test('through a run: a 3-D finite sum with minibatch noise gets the eigenvector plane of its measured C, paths projected', () => {
  // ℓ(w, e) = ½‖w − e‖² + ⟨w, e⟩² / 4 on 12 fixed points: per-example gradients w − e + ⟨w, e⟩e/2.
  const E = Array.from({ length: 12 }, (_, i) => [Math.sin(i + 1), Math.cos(2 * i + 1), 0.3 * ((i % 5) - 2)]);
  const fs: FiniteSum = {
    n: E.length,
    example: (w, i) => {
      const e = E[i];
      const we = w[0] * e[0] + w[1] * e[1] + w[2] * e[2];
      return 0.5 * ((w[0] - e[0]) ** 2 + (w[1] - e[1]) ** 2 + (w[2] - e[2]) ** 2) + (we * we) / 4;
    },
    exampleGradient: (w, i, out) => {
      const e = E[i];
      const we = w[0] * e[0] + w[1] * e[1] + w[2] * e[2];
      for (let j = 0; j < 3; j++) out[j] = w[j] - e[j] + 0.5 * we * e[j];
    },
  };
  const config = resolveConfig(
    {
      function: 'f',
      trials: 6,
      seed: 'p3',
      resolution: 21,
      init: { low: -1, high: 1 },
      domain: { low: -2, high: 2 },
      sampleTrajectories: 3,
      stages: [{ lr: 0.1, steps: 40, noise: 'minibatch', batchSize: 3 }],
    },
    { dim: 3, examples: E.length },
  );
  const result = runExperiment(finiteSumLoss(fs), finiteSumGradient(fs, 0), config);
  const plane = result.diagnostics.plane!;
  const gn = result.diagnostics.gradientNoise!;
  assert.equal(plane.source, 'noise-eigenvectors');
  const Cx = gn.covariance;
  plane.directions.forEach((q, k) => {
    const Cq = Cx.map((r) => dot(r, q));
    assert.ok(
      Cq.every((c, j) => Math.abs(c - plane.eigenvalues![k] * q[j]) < 1e-10 * gn.trace),
      'C q = λ q',
    );
  });
  assert.deepEqual(plane.origin, result.diagnostics.xStar);
  assert.equal(plane.paths.length, result.sgd.paths.length);
  result.sgd.paths.forEach((path, k) =>
    path.forEach((x, t) => {
      const p = projectOntoPlane(x, plane.origin, plane.directions[0], plane.directions[1]);
      assert.deepEqual(plane.paths[k][t], [p.alpha, p.beta]);
    }),
  );
  assert.equal(plane.f.length, PLANE_RESOLUTION);
  assert.equal(plane.samples, PLANE_SAMPLES);
  assert.deepEqual(
    plane.smoothed.map((s) => s.kind),
    ['measured', 'isotropic'],
  );
  // The model trials' finals (Gaussian kicks N(0, η²C(x*)) and N(0, σ²I)) projected the same way, trial by trial.
  const mt = gn.modelTrials!;
  assert.equal(mt.anisotropicFinals.length, 6);
  for (const [got, finals] of [
    [plane.modelFinals!.anisotropic, mt.anisotropicFinals],
    [plane.modelFinals!.isotropic, mt.isotropicFinals],
  ] as const) {
    assert.equal(got.length, finals.length);
    finals.forEach((x, i) => {
      const p = projectOntoPlane(x, plane.origin, plane.directions[0], plane.directions[1]);
      assert.deepEqual(got[i], [p.alpha, p.beta]);
    });
  }
  // The summary (CLI and panel) names the directions and C's eigenvalues along them.
  const words = planeText(plane);
  assert.ok(
    words.startsWith('Plane through x* (d = 3): x* + αu + βv with the top two eigenvectors u, v of the gradient-noise covariance C(x*)'),
    words,
  );
  assert.ok(words.includes(`λ₁ = ${formatNumber(plane.eigenvalues![0])}, λ₂ = ${formatNumber(plane.eigenvalues![1])}`), words);
});

test('a plane that misses the start box (x* found outside it) takes inf c(y) over its whole grid, and says so', () => {
  // f = ½ (x − m)ᵀ A (x − m) (`quadratic4`); the start box far from m: no plane point lies in it.
  const { m, f } = quadratic4();
  const config = cfg(
    { domain: { low: [-9, -9, -9, -9], high: [9, 9, 9, 9] }, init: { low: [6, 6, 6, 6], high: [8, 8, 8, 8] }, seed: 'q' },
    4,
  );
  const u = column(Q, 0);
  const sgd = method({ paths: [[m.map((c, j) => c + u[j])]], pathTrials: [0], finals: [m] });
  const plane = planeDiagnostics({ loss: f, config, xStar: m, sgd, noise: noiseWith(C, 0.2), resolution: 11, samples: 8 })!;
  assert.equal(plane.region, 'grid');
  for (const s of plane.smoothed) {
    // Along u and v, sᵀAs/‖s‖² runs over [1, 4] on the plane: inf 1 (the v axis), every point positive.
    assert.ok(Math.abs(s.c - 1) < 1e-8, String(s.c));
    assert.equal(s.positiveFraction, 1);
  }
  assert.ok(planeText(plane).includes('inf c(y) over the whole grid (no point of the plane lies in the start box)'), planeText(plane));
});

test("the model trials' finals on the plane: projected after the plane, [NaN, NaN] when diverged, outside the grid counted; offPlane stays the sgd method's", () => {
  const { m, f } = quadratic4();
  const config = cfg(
    { domain: { low: [-3, -3, -3, -3], high: [3, 3, 3, 3] }, init: { low: [-2, -2, -2, -2], high: [2, 2, 2, 2] }, seed: 'q' },
    4,
  );
  const [u, v, w] = [column(Q, 0), column(Q, 1), column(Q, 2)];
  const at = (a: number, b: number, off = 0) => m.map((c, j) => c + a * u[j] + b * v[j] + off * w[j]);
  // The sgd final at α = 0.5 with a part 0.5 off the plane (offPlane 0.5/√0.5); one model final at α = −2, β = 1 with a part off the plane.
  const sgd = method({ paths: [], pathTrials: [], finals: [at(0.5, 0, 0.5)] });
  const modelTrials = { anisotropicFinals: [at(-2, 1, 3), at(0.1, 0.2)], isotropicFinals: [new Array<number>(4).fill(NaN), at(0, -1)] };
  const plane = planeDiagnostics({ loss: f, config, xStar: m, sgd, noise: noiseWith(C, 0.2), resolution: 11, samples: 8 })!;
  assert.equal(plane.modelFinals, undefined);
  plane.modelFinals = projectModelFinals(plane, modelTrials);
  const sign = [Math.sign(dot(plane.directions[0], u)), Math.sign(dot(plane.directions[1], v))];
  const close = (p: number[], q: number[]) => p.every((x, k) => Math.abs(x - sign[k] * q[k]) < 1e-12);
  const mf = plane.modelFinals!;
  assert.ok(close(mf.anisotropic[0], [-2, 1]) && close(mf.anisotropic[1], [0.1, 0.2]), JSON.stringify(mf.anisotropic));
  assert.ok(mf.isotropic[0].every(Number.isNaN) && close(mf.isotropic[1], [0, -1]), JSON.stringify(mf.isotropic));
  // The grid stays the sgd method's (|α| = 0.5, 10% past it): the model finals at α = −2 and at β = −1 lie outside it, and the words count them.
  assert.ok(Math.abs(plane.alpha[10] - 0.55) < 1e-12, String(plane.alpha[10]));
  assert.ok(planeText(plane).includes('(2 of 3 lie outside the grid and are not drawn)'), planeText(plane));
  // Only the sgd final counts for offPlane (with the three model finals, two in the plane, the median would be 0).
  assert.ok(Math.abs(plane.offPlane - Math.SQRT1_2) < 1e-12, String(plane.offPlane));
});
