import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  computeLandscape,
  gradientRowsSplit,
  gradientsWithLandscape,
  landscapeKey,
  landscapeRows,
  landscapeRowsSplit,
  linspace,
  mergeLandscapes,
  sliceDirections,
  type GradientGrid,
} from '../../src/engine/landscape';
import { gridDiskUsesFft } from '../../src/engine/gridSmoothing';
import { resolveConfig } from '../../src/engine/config';
import type { RunConfigInput } from '../../src/engine/types';

const cfg = (input: Partial<RunConfigInput>, dim: number) => resolveConfig({ function: 'f', ...input } as RunConfigInput, { dim });

test('2-D layout is f[iy][ix] = f(x[ix], y[iy]); symmetric smoothing keeps a linear function', () => {
  const asym = (p: Float64Array) => p[0] + 10 * p[1];
  const config = cfg(
    {
      domain: { low: [0, -1], high: [1, 3] },
      resolution: 5,
      stages: [
        { radius: 0.2, noise: 'uniform' },
        { radius: 0.1, noise: 'gaussian' },
      ],
    },
    2,
  );
  const L = computeLandscape(asym, config);
  assert.deepEqual(L.x, [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(L.y, [-1, 0, 1, 2, 3]);
  const f = L.f as number[][];
  for (let iy = 0; iy < 5; iy++) for (let ix = 0; ix < 5; ix++) assert.equal(f[iy][ix], L.x[ix] + 10 * L.y![iy]);
  assert.deepEqual(
    L.smoothed.map((s) => [s.radius, s.noise]),
    [
      [0.2, 'uniform'],
      [0.1, 'gaussian'],
    ],
  );
  for (const s of L.smoothed) {
    const v = s.values as number[][];
    for (let iy = 0; iy < 5; iy++) for (let ix = 0; ix < 5; ix++) assert.ok(Math.abs(v[iy][ix] - f[iy][ix]) < 1e-12);
  }
});

test('one smoothed curve per distinct noisy (radius, noise); none for GD-only runs', () => {
  const sq = (p: Float64Array) => p[0] * p[0];
  const stages = [
    { radius: 0.3, noise: 'uniform' as const },
    { radius: 0.3, noise: 'uniform' as const },
    { radius: 0.3, noise: 'none' as const },
    { radius: 0.15, noise: 'uniform' as const },
  ];
  const L = computeLandscape(sq, cfg({ resolution: 11, stages }, 1));
  assert.deepEqual(
    L.smoothed.map((s) => s.radius),
    [0.3, 0.15],
  );
  // Uniform window of x²: g = x² + a²/3.
  const v = L.smoothed[0].values as number[];
  L.x.forEach((x, i) => assert.ok(Math.abs(v[i] - (x * x + 0.03)) < 1e-12));
  assert.equal(computeLandscape(sq, cfg({ resolution: 11, stages: [{ noise: 'none' }] }, 1)).smoothed.length, 0);
});

test('row ranges merge back to the whole landscape (1-D, 2-D, d > 2)', () => {
  const f = (p: Float64Array) => {
    let s = 0;
    for (let i = 0; i < p.length; i++) s += Math.sin(3 * p[i] + i) + p[i] * p[i];
    return s;
  };
  const configs = [
    cfg({ resolution: 13, stages: [{ radius: 0.2 }] }, 1),
    cfg({ resolution: 9, stages: [{ radius: 0.2 }, { radius: 0.5, noise: 'cube' }] }, 2),
    cfg({ resolution: 7, slices: 4, stages: [{ radius: 0.2 }] }, 3),
  ];
  for (const config of configs) {
    const whole = computeLandscape(f, config);
    const rows = landscapeRows(config);
    const cuts = [0, 1, Math.floor(rows / 2), rows];
    const parts = cuts.slice(1).map((to, k) => computeLandscape(f, config, { rowFrom: cuts[k], rowTo: to }));
    assert.deepEqual(mergeLandscapes(parts), whole);
  }
  assert.throws(() => computeLandscape(f, configs[0], { rowFrom: 5, rowTo: 14 }), RangeError);
  // onRow counts the rows of the range, one call per row; a throw from it stops the landscape.
  const seen: Array<[number, number]> = [];
  computeLandscape(f, configs[1], { rowFrom: 2, rowTo: 6, onRow: (done, total) => seen.push([done, total]) });
  assert.deepEqual(seen, [
    [1, 4],
    [2, 4],
    [3, 4],
    [4, 4],
  ]);
  let calls = 0;
  const stop = () => {
    if (++calls === 2) throw new Error('stop');
  };
  assert.throws(() => computeLandscape(f, configs[2], { onRow: stop }), /stop/);
  assert.equal(calls, 2);
});

test('d > 2: slices through x* along orthonormal seeded directions, t ∈ [−R, R]', () => {
  const f = (p: Float64Array) => p[0] + 2 * p[1] - p[3];
  const config = cfg({ resolution: 5, slices: 3, domain: { low: [-1, -1, -1, -1], high: [1, 1, 1, 1] }, stages: [{ radius: 0.3 }] }, 4);
  const xs = [0.1, 0.2, 0.3, 0.4];
  const L = computeLandscape(f, config, { xStar: xs });
  assert.deepEqual(L.origin, xs);
  assert.deepEqual(L.x, linspace(-2, 2, 5)); // R = half the diagonal of [-1, 1]^4 = 2
  const dirs = L.directions!;
  assert.equal(dirs.length, 3);
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 3; b++) {
      const dot = dirs[a].reduce((s, v, j) => s + v * dirs[b][j], 0);
      assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-12);
    }
  }
  assert.deepEqual(sliceDirections(config), dirs); // seeded: the same for every worker
  const F = L.f as number[][];
  for (let s = 0; s < 3; s++) {
    L.x.forEach((t, i) => {
      const p = Float64Array.from(xs, (o, j) => o + t * dirs[s][j]);
      assert.ok(Math.abs(F[s][i] - f(p)) < 1e-12);
    });
  }
  // Configured directions are normalised and used as given.
  const fixed = cfg({ resolution: 3, sliceDirections: [[0, 0, 0, 2]], stages: [{ radius: 0.3 }] }, 4);
  const Lf = computeLandscape(f, fixed);
  assert.deepEqual(Lf.directions, [[0, 0, 0, 1]]);
  // The row count follows the directions given, whatever `slices` says.
  assert.equal(landscapeRows({ ...fixed, slices: 5 }), 1);
  assert.equal((Lf.f as number[][]).length, 1);
  assert.deepEqual(Lf.origin, [0, 0, 0, 0]);
});

test('d > 2 slices carry the Monte-Carlo standard error of g; the closed form lies within a few of them', () => {
  const TAU = 2 * Math.PI;
  const rastrigin = (p: Float64Array) => {
    let s = 10 * p.length;
    for (let i = 0; i < p.length; i++) s += p[i] * p[i] - 10 * Math.cos(TAU * p[i]);
    return s;
  };
  // paper.md §4: Rastrigin under N(0, σ²I) is 10d + Σ[x² + σ² − 10e^{−2π²σ²} cos 2πx].
  const s = 0.3;
  const exact = (p: number[]) =>
    10 * p.length + p.reduce((acc, v) => acc + v * v + s * s - 10 * Math.exp(-2 * Math.PI ** 2 * s * s) * Math.cos(TAU * v), 0);
  const config = cfg(
    { resolution: 41, slices: 3, domain: { low: [-2, -2, -2, -2, -2], high: [2, 2, 2, 2, 2] }, stages: [{ radius: s, noise: 'gaussian' }] },
    5,
  );
  const L = computeLandscape(rastrigin, config, { xStar: [0.1, -0.2, 0.3, 0, 0.5] });
  const curve = L.smoothed[0];
  const values = curve.values as number[][];
  const se = curve.stdError!;
  assert.equal(se.length, 3);
  let worst = 0;
  let meanSe = 0;
  for (let k = 0; k < 3; k++) {
    L.x.forEach((t, i) => {
      const p = L.origin!.map((o, j) => o + t * L.directions![k][j]);
      assert.ok(se[k][i] > 0 && Number.isFinite(se[k][i]));
      worst = Math.max(worst, Math.abs(values[k][i] - exact(p)) / se[k][i]);
      meanSe += se[k][i] / (3 * L.x.length);
    });
  }
  // A standard error that means something: the true value within 5 of them everywhere, and the
  // errors are not all far smaller than the stated SE (the SE is not inflated).
  assert.ok(worst < 5, `worst |error|/SE = ${worst}`);
  assert.ok(worst > 0.5, `worst |error|/SE = ${worst}: the SE overstates the error`);
  // 512 points leave ~1% of g's range here: what the panel must show beside the curve.
  assert.ok(meanSe > 0.05 && meanSe < 2, `mean SE ${meanSe}`);
  // Row blocks carry their SE through the merge.
  const parts = [
    computeLandscape(rastrigin, config, { xStar: L.origin, rowFrom: 0, rowTo: 1 }),
    computeLandscape(rastrigin, config, { xStar: L.origin, rowFrom: 1, rowTo: 3 }),
  ];
  assert.deepEqual(mergeLandscapes(parts).smoothed[0].stdError, se);
  // 1-D and 2-D values are quadratures: no SE.
  assert.equal(computeLandscape(rastrigin, cfg({ resolution: 11, stages: [{ radius: 0.2 }] }, 1)).smoothed[0].stdError, undefined);
});

test('landscapeKey: what it leaves out does not change the landscape or its ∇g maps; what it keeps does', () => {
  const rastrigin = (p: Float64Array) =>
    20 + p[0] * p[0] - 10 * Math.cos(2 * Math.PI * p[0]) + p[1] * p[1] - 10 * Math.cos(2 * Math.PI * p[1]);
  const spiky = (p: Float64Array) => Math.abs(Math.sin(3 * p[0])) + 0.1 * p[0] * p[0];
  const base: Partial<RunConfigInput> = {
    seed: 1,
    trials: 10,
    domain: { low: [-2, -2], high: [2, 2] },
    resolution: 21,
    stages: [
      { lr: 0.01, radius: 0.3, steps: 100, noise: 'uniform' },
      { lr: 0.001, radius: 0.2, steps: 50, noise: 'gaussian' },
    ],
  };
  // Each a change of a field landscapeKey leaves out (in 1-D and 2-D).
  const leftOut: Array<[string, Partial<RunConfigInput>]> = [
    ['seed', { seed: 'other' }],
    ['trials', { trials: 500 }],
    ['compareGd', { compareGd: false }],
    ['methods', { methods: [{ name: 'Adam', optimizer: { kind: 'adam' } }] }],
    ['recorded series', { sampleTrajectories: 3, trajectoryPoints: 50, checkpoints: 7 }],
    ['probes', { probeRadius: 0.1, probeSamples: 2 }],
    ['histogram, divergence', { histogramBin: 0.5, divergenceFactor: 10 }],
    ['success radius', { successRadius: 0.2 }],
    [
      "stages' lr, steps and start box",
      {
        stages: [
          { lr: 0.5, radius: 0.3, steps: 7, noise: 'uniform', init: { low: [-1, -1], high: [0, 0] } },
          { lr: 0.2, radius: 0.2, steps: 9, noise: 'gaussian' },
        ],
      },
    ],
  ];
  for (const [dim, loss] of [
    [2, rastrigin],
    [1, spiky],
  ] as const) {
    const at = (input: Partial<RunConfigInput>) => {
      const merged = { ...base, ...input };
      if (dim === 1) {
        merged.domain = { low: [-2], high: [2] };
        merged.stages = merged.stages!.map((s) => (s.init ? { ...s, init: { low: [-1], high: [0] } } : s));
      }
      return cfg(merged, dim);
    };
    const config = at({});
    const gradients: GradientGrid[] = [];
    const landscape = computeLandscape(loss, config, { gradientsOut: gradients });
    if (dim === 2) assert.ok(gradients.length > 0, 'the 2-D landscape computes ∇g with g');
    for (const [what, change] of leftOut) {
      const other = at(change);
      assert.equal(landscapeKey(other), landscapeKey(config), `${dim}-D: ${what} is left out of the key`);
      const otherGradients: GradientGrid[] = [];
      assert.deepEqual(computeLandscape(loss, other, { gradientsOut: otherGradients }), landscape, `${dim}-D: ${what}`);
      assert.deepEqual(otherGradients, gradients, `${dim}-D: ${what} (∇g)`);
    }
    // What it keeps: a change there changes the landscape, and the key.
    for (const [what, change] of [
      ['a radius', { stages: [{ ...base.stages![0], radius: 0.4 }, base.stages![1]] }],
      ['a noise', { stages: [base.stages![0], { ...base.stages![1], noise: 'cube' }] }],
      ['the resolution', { resolution: 11 }],
    ] as Array<[string, Partial<RunConfigInput>]>) {
      const other = at(change);
      assert.notEqual(landscapeKey(other), landscapeKey(config), `${dim}-D: ${what} is keyed`);
      assert.notDeepEqual(computeLandscape(loss, other), landscape, `${dim}-D: ${what} changes the landscape`);
    }
  }
  // d > 2 draws its slices from the seed: there the seed is keyed.
  const d3 = (seed: string) => cfg({ seed, domain: { low: [-1, -1, -1], high: [1, 1, 1] }, resolution: 11 }, 3);
  assert.notEqual(landscapeKey(d3('a')), landscapeKey(d3('b')));
  const bowl = (p: Float64Array) => p[0] * p[0] + 2 * p[1] * p[1] + 3 * p[2] * p[2];
  assert.notDeepEqual(computeLandscape(bowl, d3('a')).directions, computeLandscape(bowl, d3('b')).directions);
});

test('the FFT choices skip the stencils of disks under 8 grid steps, which never go by FFT', () => {
  // The skip (landscape.ts FFT_NEVER_BELOW_STEPS) must only save work: below 8 steps the stencils'
  // own choice is direct sums, for g alone and for ∇g alone, on square and stretched domains.
  for (const [n, sx, sy] of [
    [51, 10, 10],
    [201, 10.24, 10.24],
    [201, 100, 2],
    [401, 3, 1],
  ]) {
    const h = Math.min(sx, sy) / (n - 1);
    for (const steps of [2, 5.9, 7.99]) {
      for (const what of ['value', 'gradient'] as const) {
        const fft = gridDiskUsesFft({ lo: 0, hi: sx, n }, { lo: 0, hi: sy, n }, steps * h, {}, what);
        assert.equal(fft, false, `n ${n}, ${sx} × ${sy}, ${steps} steps, ${what}`);
      }
    }
    const config = resolveConfig({ function: 'f', dim: 2, resolution: n, domain: { low: [0, 0], high: [sx, sy] }, radius: 5.9 * h });
    assert.equal(landscapeRowsSplit(config), true);
    assert.deepEqual(gradientsWithLandscape(config), [{ radius: 5.9 * h, noise: 'uniform' }]);
    assert.equal(gradientRowsSplit(config, 5.9 * h, 'uniform'), true);
  }
  // A wide disk still asks the stencils: 40 steps on 201 points goes by FFT, so one row block.
  const wide = resolveConfig({
    function: 'f',
    dim: 2,
    resolution: 201,
    domain: { low: [0, 0], high: [10.24, 10.24] },
    radius: 40 * 0.0512,
  });
  assert.equal(landscapeRowsSplit(wide), false);
  assert.equal(gradientRowsSplit(wide, 40 * 0.0512, 'uniform'), false);
});
