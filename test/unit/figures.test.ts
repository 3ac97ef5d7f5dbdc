import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finalHistogram } from '../../src/engine/histogram';
import { trajectoryDiagnostics } from '../../src/engine/trajectory';
import { cfg, method, sphere } from '../fixtures/diagnostics';

/** finalHistogram's roles: the first method is SGD, and GD (the second) when there is one. */
const SGD_ONLY = { sgd: 0, gd: -1 };
const SGD_GD = { sgd: 0, gd: 1 };

test('final histograms: 1-D bins of histogramBin, 2-D [iy][ix] counts, diverged and outside points left out', () => {
  const config = cfg({ histogramBin: 0.06 }, 1);
  const domain = { low: [-3], high: [3] };
  const sgd = method({
    finals: [[-3], [3], [0.01], [-0.05], [3.5], [0.02], [1]],
    divergedMask: [false, false, false, false, false, false, true],
  });
  const h = finalHistogram(config, [sgd], SGD_ONLY, domain);
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
  assert.equal(finalHistogram(config, [sgd, gd], SGD_GD, domain).gd[0], 1);
  // A domain of ±2·10⁵ at 0.06 would be 6.7 million bins: 10,000 bins of width 40 instead.
  const wide = finalHistogram(config, [method({ finals: [[-2e5], [0], [39.9], [40], [2e5]] })], SGD_ONLY, { low: [-2e5], high: [2e5] });
  assert.equal(wide.edges.length, 10_001);
  assert.equal(wide.edges[1] - wide.edges[0], 40);
  assert.equal(wide.sgd[0], 1);
  assert.equal(wide.sgd[5000], 2); // 0 and 39.9 in [0, 40)
  assert.equal(wide.sgd[5001], 1);
  assert.equal(wide.sgd[9999], 1);

  const c2 = cfg({}, 2);
  const d2 = { low: [0, 0], high: [4, 2] };
  const h2 = finalHistogram(
    c2,
    [
      method({
        finals: [
          [0.25, 1.975],
          [0.26, 1.99],
          [3.99, 0.01],
        ],
      }),
    ],
    SGD_ONLY,
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
    [
      method({
        finals: [
          [0.01, 0, 0, 0, 0],
          [1, 1, 1, 1, 1],
        ],
      }),
    ],
    SGD_ONLY,
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
  close(t.probeAtWMean!, [6, 1.45]); // w = x_t: both readings agree
  close(t.probeAtWMin!, [2, 0.9]);
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

test('issue 10 §3: Figure 5(b) in both readings — late in a run on a convex quadratic only ⟨−∇f(w), x_T − x_t⟩ goes negative', () => {
  // f = ‖x‖², x_T = 0, x_t = (0.01, 0), probe ball 0.5: ⟨−∇f(w), x_T − w⟩ = 2‖w‖² ≥ 0 exactly,
  // while ⟨−∇f(w), x_T − x_t⟩ = 2⟨w, x_t⟩ = 2(0.01·w₁) reaches −2·0.01·(0.5 − 0.01) = −0.0098.
  const config = cfg({ probeRadius: 0.5, probeSamples: 400 }, 2);
  const sgd = method({ checkpointSteps: [900], checkpoints: [[[0.01, 0]]], finalX: [[0, 0]], stochasticGradNorm: [[1]] });
  const t = trajectoryDiagnostics(sphere, undefined, config, sgd);
  assert.ok(t.probeMin[0] < -0.009 && t.probeMin[0] >= -0.0098 - 1e-9, String(t.probeMin[0]));
  assert.ok(t.probeAtWMin![0] >= 0, String(t.probeAtWMin![0]));
  // E 2‖w‖² = 2(‖x_t‖² + E‖u‖²) with E‖u‖² = r²·d/(d + 2) = 0.125 for u uniform in the 2-D disk;
  // 400 samples: standard error of 2‖u‖² is 2·r²·√(1/3 − 1/4)/20 = 0.0072.
  assert.ok(Math.abs(t.probeAtWMean![0] - 2 * (1e-4 + 0.125)) < 4 * 0.0072, String(t.probeAtWMean![0]));
  // Linear f = 3x₀ − x₁: the readings differ by ⟨∇f, w − x_t⟩, at most ‖∇f‖·0.5 = √10/2.
  const lin = (x: Float64Array) => 3 * x[0] - x[1];
  const one = method({ checkpointSteps: [0], checkpoints: [[[1, 1]]], finalX: [[2, 3]], stochasticGradNorm: [[1]] });
  const tl = trajectoryDiagnostics(lin, undefined, cfg({ probeRadius: 0.5, probeSamples: 50 }, 2), one);
  assert.ok(tl.probeAtWMax![0] - -1 <= Math.sqrt(10) / 2 + 1e-8 && -1 - tl.probeAtWMin![0] <= Math.sqrt(10) / 2 + 1e-8);
  assert.ok(tl.probeAtWMax![0] - tl.probeAtWMin![0] > 0.5);
});

test('exact sums: the value does not depend on the order or grouping of the terms', async () => {
  const { addExact, exactValue, mergeExact } = await import('../../src/engine/exactSum');
  const sumOf = (xs: number[]) => {
    const p: number[] = [];
    for (const x of xs) addExact(p, x);
    return p;
  };
  assert.equal(exactValue(sumOf([1e100, 1, -1e100])), 1);
  assert.equal(exactValue(sumOf([0.1, 0.2, 0.3, -0.6])), exactValue(sumOf([-0.6, 0.3, 0.2, 0.1])));
  // Multiples of 2⁻³⁰ below 2²⁰ add exactly in integers: the oracle.
  let seed = 7;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const xs = Array.from({ length: 5000 }, () => Math.round(rand() * 2 ** 50) / 2 ** 30);
  const exact = xs.reduce((s, x) => s + BigInt(x * 2 ** 30), 0n);
  const whole = exactValue(sumOf(xs));
  assert.equal(whole, Number(exact) / 2 ** 30);
  // Any grouping merged gives the same double; a plain running sum in another order need not.
  const parts = [xs.slice(0, 1234), xs.slice(1234, 1235), xs.slice(1235, 4000), xs.slice(4000)].map(sumOf);
  const merged: number[] = [];
  for (const p of [...parts].reverse()) mergeExact(merged, p);
  assert.equal(exactValue(merged), whole);
  // Huge and tiny terms together: correctly rounded (1 + 2⁻⁵³ + 2⁻¹⁰⁶ rounds up to 1 + 2⁻⁵²).
  assert.equal(exactValue(sumOf([1, 2 ** -53, 2 ** -106])), 1 + 2 ** -52);
});

test('Figure 5 summed per trial chunk as the trials end: any split merges to the same numbers, and (a) is the mean of ⟨−∇f(x_t), x_T − x_t⟩ over the trials', async () => {
  const { runTrials, mergeMethodResults } = await import('../../src/engine/sgd');
  const { resolveConfig } = await import('../../src/engine/config');
  const { figure5Series } = await import('../../src/engine/trajectory');
  const q = (x: Float64Array) => x[0] * x[0] + 3 * x[1] * x[1] + 0.5 * Math.sin(2 * x[0]);
  const qGrad = (x: Float64Array, out: Float64Array) => {
    out[0] = 2 * x[0] + Math.cos(2 * x[0]);
    out[1] = 6 * x[1];
  };
  const config = resolveConfig(
    {
      function: 'q',
      trials: 23,
      seed: 'f5',
      checkpoints: 7,
      probeSamples: 3,
      sampleTrajectories: 4,
      stages: [{ lr: 0.02, radius: 0.2, steps: 150, noise: 'uniform' }],
    },
    { dim: 2 },
  );
  const whole = runTrials(q, qGrad, config, 'sgd', 0, 23);
  const split = mergeMethodResults([
    runTrials(q, qGrad, config, 'sgd', 0, 5),
    runTrials(q, qGrad, config, 'sgd', 5, 6),
    runTrials(q, qGrad, config, 'sgd', 6, 23),
  ]);
  const series = figure5Series(whole.checkpointSteps, whole.figure5!);
  assert.deepEqual(figure5Series(split.checkpointSteps, split.figure5!), series);
  assert.deepEqual(split.checkpointX, whole.checkpointX);
  assert.deepEqual(split.checkpointGrad2, whole.checkpointGrad2);
  // Only the sampled trials' checkpoints are kept in the result; GD keeps none.
  assert.equal(whole.checkpoints.length, 4);
  assert.deepEqual(runTrials(q, qGrad, config, 'gd', 0, 23).checkpointSteps, []);
  // (a) by the closed-form gradient from the kept checkpoints: min exact, mean to rounding.
  const C = whole.checkpointSteps.length;
  for (let c = 0; c < C; c++) {
    const vals: number[] = [];
    for (let t = 0; t < 23; t++) {
      const x = whole.checkpointX!.subarray((t * C + c) * 2, (t * C + c + 1) * 2);
      const g = new Float64Array(2);
      qGrad(x, g);
      const xT = whole.finalX[t];
      vals.push(-(g[0] * (xT[0] - x[0]) + g[1] * (xT[1] - x[1])));
      assert.equal(whole.checkpointGrad2![t * C + c], g[0] * g[0] + g[1] * g[1]);
    }
    assert.equal(series.innerMin[c], Math.min(...vals));
    const mean = vals.reduce((s, v) => s + v, 0) / vals.length;
    assert.ok(Math.abs(series.innerMean[c] - mean) <= 1e-12 * Math.max(1, Math.abs(mean)), `${series.innerMean[c]} vs ${mean}`);
    // The sampled trials' checkpoints are the first 4 trials' x_t.
    assert.deepEqual(whole.checkpoints[3][c], Array.from(whole.checkpointX!.subarray((3 * C + c) * 2, (3 * C + c + 1) * 2)));
  }
});

test('addExactAt keeps the exact sum: its partials add up, in exact integer arithmetic, to the terms (values far apart in size included)', async () => {
  const { addExact, addExactAt } = await import('../../src/engine/exactSum');
  // Every finite double is an integer multiple of 2⁻¹⁰⁷⁴: its exact value as that integer.
  const exact = (x: number): bigint => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x);
    const bits = view.getBigUint64(0);
    const sign = bits >> 63n ? -1n : 1n;
    const e = Number((bits >> 52n) & 0x7ffn);
    const m = bits & ((1n << 52n) - 1n);
    return e === 0 ? sign * m : sign * ((m | (1n << 52n)) << BigInt(e - 1));
  };
  const total = (xs: ArrayLike<number>) => Array.from(xs).reduce((s, x) => s + exact(x), 0n);
  let seed = 11;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const xs = Array.from({ length: 3000 }, () => (rand() - 0.5) * 2 ** Math.floor(rand() * 200 - 100));
  xs.push(1e300, -1e300, 2 ** -1070, 3, -3);
  const typed = new Float64Array(4 + 2000);
  const list: number[] = [];
  let n = 0;
  for (let k = 0; k < xs.length; k++) {
    n = addExactAt(typed, 4, n, xs[k]);
    addExact(list, xs[k]);
    if (k % 97 === 0 || k === xs.length - 1) {
      const want = total(xs.slice(0, k + 1));
      assert.equal(total(typed.subarray(4, 4 + n)), want, `after ${k + 1} terms`);
      assert.equal(total(list), want, `addExact after ${k + 1} terms`);
    }
  }
  assert.ok(n > 3, `the partials grew to ${n}`);
  // Non-overlapping partials, increasing in magnitude (Shewchuk's invariant).
  for (let i = 1; i < n; i++) assert.ok(Math.abs(typed[4 + i - 1]) < Math.abs(typed[4 + i]), `partial ${i}`);
});

test('Figure 5 gradients on scalars (a loss of 1 or 2 numbers) equal the central differences on arrays, bit for bit', async () => {
  const { centralDifference, scalarDifferenceGradient } = await import('../../src/engine/differences');
  const { adaptLoss } = await import('../../src/engine/adapt');
  // Moderate values (the plain step) and large ones (|f| > 64 |∂f|: the step enlarged by ∛R).
  const twos: Array<(x: number, y: number) => number> = [
    (x, y) => 20 + x * x - 10 * Math.cos(2 * Math.PI * x) + y * y - 10 * Math.cos(2 * Math.PI * y),
    (x, y) => 1e9 + Math.sin(3 * x) + x ** 4 * y,
    (x, y) => 1e5 * x + 1e7 + y * y,
  ];
  const ones: Array<(x: number) => number> = [(x) => Math.sin(5 * x) + 0.1 * x * x, (x) => 1e9 + Math.sin(3 * x) + x ** 4];
  const points = [-7.3, -1, -0.3, 0, 1e-9, 0.7, 2.5, 123.4];
  const check = (loss: ReturnType<typeof adaptLoss>, d: number, x: Float64Array) => {
    for (const h of [undefined, 1e-4]) {
      const fast = scalarDifferenceGradient(loss, d, h)!;
      const want = new Float64Array(d);
      const got = new Float64Array(d);
      const copy = Float64Array.from(x);
      centralDifference(loss, Float64Array.from(x), want, h);
      fast(x, got);
      assert.deepEqual(Array.from(got), Array.from(want), `at ${Array.from(x)}, h ${h}`);
      assert.deepEqual(x, copy, 'the input is left alone');
    }
  };
  for (const f of twos) for (const a of points) for (const b of points) check(adaptLoss(f, 'scalars', 2), 2, Float64Array.of(a, b));
  for (const f of ones) for (const a of points) check(adaptLoss(f, 'scalars', 1), 1, Float64Array.of(a));
  // Only losses on scalars: none for an array loss or d > 2.
  assert.equal(
    scalarDifferenceGradient(
      adaptLoss((v: number[]) => v[0], 'array', 2),
      2,
    ),
    undefined,
  );
  assert.equal(
    scalarDifferenceGradient(
      adaptLoss((x: number, y: number, z: number) => x + y + z, 'scalars', 3),
      3,
    ),
    undefined,
  );
});

test('Figure 5 of a loss on scalars: the same sums as through the array loss, and the same over any split of the trials', async () => {
  const { runTrials, mergeMethodResults } = await import('../../src/engine/sgd');
  const { resolveConfig } = await import('../../src/engine/config');
  const { figure5Series } = await import('../../src/engine/trajectory');
  const { adaptLoss } = await import('../../src/engine/adapt');
  const f = (x: number, y: number) => 20 + x * x - 10 * Math.cos(2 * Math.PI * x) + y * y - 10 * Math.cos(2 * Math.PI * y);
  const scalars = adaptLoss(f, 'scalars', 2);
  const array: typeof scalars = (x) => f(x[0], x[1]);
  const config = resolveConfig(
    {
      function: 'f',
      trials: 30,
      seed: 's',
      checkpoints: 9,
      probeSamples: 4,
      stages: [{ lr: 0.002, radius: 0.3, steps: 300, noise: 'uniform' }],
    },
    { dim: 2 },
  );
  const viaScalars = runTrials(scalars, undefined, config, 'sgd', 0, 30);
  const viaArray = runTrials(array, undefined, config, 'sgd', 0, 30);
  const series = figure5Series(viaScalars.checkpointSteps, viaScalars.figure5!);
  assert.deepEqual(figure5Series(viaArray.checkpointSteps, viaArray.figure5!), series);
  assert.deepEqual(viaArray.figure5, viaScalars.figure5);
  assert.deepEqual(viaArray.checkpointGrad2, viaScalars.checkpointGrad2);
  const split = mergeMethodResults(
    [0, 7, 8, 30].slice(0, -1).map((from, i) => runTrials(scalars, undefined, config, 'sgd', from, [7, 8, 30][i])),
  );
  assert.deepEqual(figure5Series(split.checkpointSteps, split.figure5!), series);
  assert.ok(series.probeMean.every(Number.isFinite));
});
