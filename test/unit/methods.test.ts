/**
 * Several methods from the same starts (issue 12): each optimizer's update against the formulas
 * (hand-computed steps on a quadratic; an independent reference loop on Rosenbrock, both with the
 * exact gradient), optimizer state across stages, the noise override, common random numbers, the
 * `methods` setting and its errors, and the same numbers on any number of workers.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ConfigError, resolveConfig } from '../../src/engine/config';
import { runTrials, trialStarts } from '../../src/engine/sgd';
import { runExperiment } from '../../src/engine/experiment';
import { ExperimentRunner } from '../../src/runner/pool';
import { prepareRun } from '../../src/runner/prepare';
import type { MethodSpec, Optimizer, RunConfigInput } from '../../src/engine/types';

const cfg = (input: Partial<RunConfigInput>, dim = 1) => resolveConfig({ function: 'f', ...input } as RunConfigInput, { dim });
const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

/**
 * f(x) = (x − c)² with c = x_0 − 1, so u = x − c starts at 1 and ∇f = 2u: the hand-computed
 * steps below are in u (η = 0.1, PyTorch's default parameters).
 */
function quadratic(config: ReturnType<typeof cfg>) {
  const c = trialStarts(config, -1)[0][0] - 1;
  const loss = (x: Float64Array) => (x[0] - c) ** 2;
  const grad = (x: Float64Array, out: Float64Array) => {
    out[0] = 2 * (x[0] - c);
  };
  return { c, loss, grad };
}

const method = (optimizer: Optimizer, noise?: 'none'): MethodSpec => ({ name: optimizer.kind, optimizer, ...(noise ? { noise } : {}) });

test('three steps of each optimizer on (x − c)², by hand (η = 0.1, u_0 = 1)', () => {
  const config = cfg({ trials: 1, seed: 'q', stages: [{ lr: 0.1, steps: 3, noise: 'none' }] });
  const { c, loss, grad } = quadratic(config);
  // SGD: u ← u − 0.2u = 0.8u.
  // Momentum β = 0.9: v = 2, u = 0.8; v = 1.8 + 1.6 = 3.4, u = 0.46; v = 3.06 + 0.92 = 3.98, u = 0.062.
  // Nesterov β = 0.9: v = 2, u = 1 − 0.1(2 + 1.8) = 0.62; g = 1.24, v = 3.04, u = 0.62 − 0.1(1.24 + 2.736) = 0.2224;
  //   g = 0.4448, v = 2.736 + 0.4448 = 3.1808, u = 0.2224 − 0.1(0.4448 + 2.86272) = −0.108352.
  // SAM ρ = 0.05: ĝ = 2(u + 0.05·sign u): u = 1 − 0.21 = 0.79; 0.79 − 0.168 = 0.622; 0.622 − 0.1344 = 0.4876.
  const expected: Array<[Optimizer, number]> = [
    [{ kind: 'sgd' }, 0.512],
    [{ kind: 'momentum', beta: 0.9 }, 0.062],
    [{ kind: 'nesterov', beta: 0.9 }, -0.108352],
    [{ kind: 'sam', rho: 0.05 }, 0.4876],
  ];
  for (const [opt, uT] of expected) {
    const r = runTrials(loss, grad, config, method(opt), 0, 1);
    close(r.finalX[0][0] - c, uT);
    assert.equal(r.finalsAre, opt.kind === 'sgd' ? 'y_T' : 'x_T');
  }
  // Adam (0.9, 0.999, 1e-8), t = 1, 2, 3, written out: m̂ = m/(1 − 0.9ᵗ), ŝ = s/(1 − 0.999ᵗ).
  const eps = 1e-8;
  const g1 = 2;
  const m1 = 0.1 * g1;
  const s1 = 0.001 * g1 * g1;
  const u1 = 1 - (0.1 * (m1 / 0.1)) / (Math.sqrt(s1 / 0.001) + eps);
  const g2 = 2 * u1;
  const m2 = 0.9 * m1 + 0.1 * g2;
  const s2 = 0.999 * s1 + 0.001 * g2 * g2;
  const u2 = u1 - (0.1 * (m2 / (1 - 0.81))) / (Math.sqrt(s2 / (1 - 0.998001)) + eps);
  const g3 = 2 * u2;
  const m3 = 0.9 * m2 + 0.1 * g3;
  const s3 = 0.999 * s2 + 0.001 * g3 * g3;
  const u3 = u2 - (0.1 * (m3 / (1 - 0.729))) / (Math.sqrt(s3 / (1 - 0.997002999)) + eps);
  close(u1, 0.9, 1e-8); // the first Adam step is η·sign(g), to within ε
  const adam = runTrials(loss, grad, config, method({ kind: 'adam', beta1: 0.9, beta2: 0.999, eps }), 0, 1);
  close(adam.finalX[0][0] - c, u3);
  close(adam.finals[0][0], adam.finalX[0][0], 0);
});

// ---- Rosenbrock: an independent reference loop written from the formulas ----------------

const rosen = (x: Float64Array) => (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2;
const rosenGrad = (x: Float64Array, out: Float64Array) => {
  out[0] = -2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2);
  out[1] = 200 * (x[1] - x[0] ** 2);
};
const gradOf = (p: number[]): number[] => {
  const [a, b] = p;
  return [-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)];
};

/** The reference: T deterministic steps of `opt` from p, state (v, m, s, t) as given. */
function reference(opt: Optimizer, p: number[], lrs: number[], state = { v: [0, 0], s: [0, 0], t: 0 }): number[] {
  let x = [...p];
  for (const lr of lrs) {
    let g = gradOf(x);
    if (opt.kind === 'sam') {
      const n = Math.hypot(...g);
      g = gradOf(x.map((xi, i) => xi + (opt.rho * g[i]) / n));
    }
    if (opt.kind === 'sgd' || opt.kind === 'sam') x = x.map((xi, i) => xi - lr * g[i]);
    else if (opt.kind === 'momentum') {
      state.v = state.v.map((vi, i) => opt.beta * vi + g[i]);
      x = x.map((xi, i) => xi - lr * state.v[i]);
    } else if (opt.kind === 'nesterov') {
      state.v = state.v.map((vi, i) => opt.beta * vi + g[i]);
      x = x.map((xi, i) => xi - lr * (g[i] + opt.beta * state.v[i]));
    } else {
      state.t += 1;
      state.v = state.v.map((mi, i) => opt.beta1 * mi + (1 - opt.beta1) * g[i]);
      state.s = state.s.map((si, i) => opt.beta2 * si + (1 - opt.beta2) * g[i] * g[i]);
      const mHat = state.v.map((mi) => mi / (1 - opt.beta1 ** state.t));
      const sHat = state.s.map((si) => si / (1 - opt.beta2 ** state.t));
      x = x.map((xi, i) => xi - (lr * mHat[i]) / (Math.sqrt(sHat[i]) + opt.eps));
    }
  }
  return x;
}

const OPTIMIZERS: Optimizer[] = [
  { kind: 'sgd' },
  { kind: 'momentum', beta: 0.9 },
  { kind: 'nesterov', beta: 0.8 },
  { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  { kind: 'sam', rho: 0.05 },
];

test('every optimizer on Rosenbrock (exact gradient, no noise) matches the reference loop to 1e-12', () => {
  const config = cfg(
    { trials: 3, seed: 'r', init: { low: [-1.2, -0.5], high: [1.2, 1.5] }, stages: [{ lr: 2e-4, steps: 60, noise: 'none' }] },
    2,
  );
  for (const opt of OPTIMIZERS) {
    const r = runTrials(rosen, rosenGrad, config, method(opt), 0, 3);
    for (let k = 0; k < 3; k++) {
      const want = reference(opt, r.starts[k], new Array(60).fill(2e-4));
      for (let i = 0; i < 2; i++) close(r.finalX[k][i], want[i]);
    }
    assert.equal(r.diverged, 0);
  }
});

test('state carries over between chained stages and resets when a stage restarts from its own box', () => {
  const chained = cfg(
    {
      trials: 2,
      seed: 'c',
      init: { low: [-1.2, -0.5], high: [1.2, 1.5] },
      stages: [
        { lr: 2e-4, steps: 20, noise: 'none' },
        { lr: 1e-4, steps: 15, noise: 'none' },
      ],
    },
    2,
  );
  const lrs = [...new Array(20).fill(2e-4), ...new Array(15).fill(1e-4)];
  for (const opt of OPTIMIZERS) {
    const r = runTrials(rosen, rosenGrad, chained, method(opt), 0, 2);
    for (let k = 0; k < 2; k++) {
      const want = reference(opt, r.starts[k], lrs); // one state through both stages
      for (let i = 0; i < 2; i++) close(r.finalX[k][i], want[i]);
    }
  }
  // Momentum by hand on (x − c)²: two steps at η = 0.1 (u = 0.46, v = 3.4), then one at η = 0.05
  // with v carried: v = 3.06 + 0.92 = 3.98, u = 0.46 − 0.199 = 0.261 (a fresh v would give 0.414).
  const q = cfg({
    trials: 1,
    seed: 'q',
    stages: [
      { lr: 0.1, steps: 2, noise: 'none' },
      { lr: 0.05, steps: 1, noise: 'none' },
    ],
  });
  const { c, loss, grad } = quadratic(q);
  close(runTrials(loss, grad, q, method({ kind: 'momentum', beta: 0.9 }), 0, 1).finalX[0][0] - c, 0.261);

  const restart = cfg(
    {
      trials: 2,
      seed: 'c',
      init: { low: [-1.2, -0.5], high: [1.2, 1.5] },
      stages: [
        { lr: 2e-4, steps: 20, noise: 'none' },
        { lr: 1e-4, steps: 15, noise: 'none', init: { low: [-1, -0.5], high: [1, 1] } },
      ],
    },
    2,
  );
  const second = trialStarts(restart, 1);
  for (const opt of OPTIMIZERS) {
    const r = runTrials(rosen, rosenGrad, restart, method(opt), 0, 2);
    for (let k = 0; k < 2; k++) {
      // The stage's final: x_T, or y_T = x_T − η∇f(x_T) for SGD (the paper's analysis point).
      const xT = reference(opt, r.starts[k], new Array(20).fill(2e-4));
      const first = opt.kind === 'sgd' ? xT.map((v, i) => v - 2e-4 * gradOf(xT)[i]) : xT;
      for (let i = 0; i < 2; i++) close(r.stageFinals[0][k][i], first[i]);
      const want = reference(opt, Array.from(second[k]), new Array(15).fill(1e-4)); // fresh state
      for (let i = 0; i < 2; i++) close(r.finalX[k][i], want[i]);
    }
  }
});

test('same starts and the same noise draws for every method: β = 0 and ρ = 0 are noisy SGD itself', () => {
  const config = cfg(
    {
      trials: 6,
      seed: 'crn',
      init: { low: [-1.2, -0.5], high: [1.2, 1.5] },
      stages: [{ lr: 1e-4, radius: 0.01, steps: 80, noise: 'gaussian' }],
    },
    2,
  );
  const sgd = runTrials(rosen, rosenGrad, config, 'sgd', 0, 6);
  for (const opt of [
    { kind: 'momentum', beta: 0 },
    { kind: 'nesterov', beta: 0 },
    { kind: 'sam', rho: 0 },
  ] as Optimizer[]) {
    const r = runTrials(rosen, rosenGrad, config, method(opt), 0, 6);
    assert.deepEqual(r.starts, sgd.starts);
    for (let k = 0; k < 6; k++) for (let i = 0; i < 2; i++) close(r.finalX[k][i], sgd.finalX[k][i], 1e-11);
  }
  // The noise really moves them: SGD differs from GD (the same method with noise "none").
  const gd = runTrials(rosen, rosenGrad, config, 'gd', 0, 6);
  const gdAgain = runTrials(rosen, rosenGrad, config, { name: 'sgd, no noise', optimizer: { kind: 'sgd' }, noise: 'none' }, 0, 6);
  assert.deepEqual(gdAgain.finalX, gd.finalX);
  assert.notDeepEqual(gd.finalX, sgd.finalX);
  // A method's noise replaces every stage's kind (here gaussian for a uniform stage).
  const uniform = { ...config, stages: config.stages.map((s) => ({ ...s, noise: 'uniform' as const })) };
  const overridden = runTrials(rosen, rosenGrad, uniform, { name: 'g', optimizer: { kind: 'sgd' }, noise: 'gaussian' }, 0, 6);
  assert.deepEqual(overridden.finalX, sgd.finalX);
});

test('RUN.json "methods": PyTorch defaults filled in, the default pair, roles, and clear errors', () => {
  const c = cfg({
    methods: [
      { name: 'SGD' },
      { name: 'heavy ball', optimizer: { kind: 'momentum' } },
      { name: 'Nesterov', optimizer: { kind: 'nesterov', beta: 0.5 } },
      { name: 'Adam', optimizer: { kind: 'adam', beta2: 0.99 } },
      { name: 'SAM', optimizer: { kind: 'sam' }, noise: 'none' },
    ],
  });
  assert.deepEqual(c.methods, [
    { name: 'SGD', optimizer: { kind: 'sgd' } },
    { name: 'heavy ball', optimizer: { kind: 'momentum', beta: 0.9 } },
    { name: 'Nesterov', optimizer: { kind: 'nesterov', beta: 0.5 } },
    { name: 'Adam', optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.99, eps: 1e-8 } },
    { name: 'SAM', optimizer: { kind: 'sam', rho: 0.05 }, noise: 'none' },
  ]);
  assert.equal(c.compareGd, false); // no GD among them
  assert.deepEqual(cfg({}).methods, [
    { name: 'SGD', optimizer: { kind: 'sgd' } },
    { name: 'GD', optimizer: { kind: 'sgd' }, noise: 'none' },
  ]);
  assert.deepEqual(cfg({ compareGd: false }).methods, [{ name: 'SGD', optimizer: { kind: 'sgd' } }]);

  const problems = (input: unknown) => {
    try {
      cfg(input as Partial<RunConfigInput>);
    } catch (e) {
      assert.ok(e instanceof ConfigError, String(e));
      return e.problems.map((p) => `${p.setting} ${p.message}`);
    }
    assert.fail('expected a ConfigError');
  };
  assert.deepEqual(problems({ methods: [{ name: 'a', optimizer: { kind: 'adamw' } }] }), [
    'methods[0].optimizer.kind must be one of sgd, momentum, nesterov, adam, sam; got "adamw" (did you mean adam?)',
  ]);
  assert.deepEqual(problems({ methods: [{ name: 'a', optimizer: { kind: 'momentum', beta: 1 } }] }), [
    'methods[0].optimizer.beta must be a number in [0, 1), got 1',
  ]);
  assert.deepEqual(problems({ methods: [{ name: 'a' }, { name: 'a', noise: 'pink' }] }), [
    'methods[1].name must differ from the other methods\' names; "a" is also methods[0]',
    'methods[1].noise must be one of uniform, gaussian, cube, none, minibatch; got "pink"',
  ]);
  assert.deepEqual(problems({ methods: [] }), [
    'methods must be a list of 1 to 8 methods { "name", "optimizer"?, "noise"? }, got 0 methods',
  ]);
});

const workerScript = join(__dirname, '..', '..', 'dist', 'worker.js');
const runners: ExperimentRunner[] = [];
after(() => runners.forEach((r) => r.dispose()));

test('a five-method run: the same numbers on 1 and 3 workers and in-process; sgd and gd keep their meaning', async () => {
  const input = {
    function: 'figure3',
    trials: 9,
    seed: 'm',
    resolution: 41,
    stages: [{ lr: 0.01, radius: 0.3, steps: 150, noise: 'uniform' as const }],
    methods: [
      { name: 'Momentum', optimizer: { kind: 'momentum' as const } },
      { name: 'SGD' },
      { name: 'Adam', optimizer: { kind: 'adam' as const } },
      { name: 'GD', noise: 'none' as const },
      { name: 'SAM', optimizer: { kind: 'sam' as const } },
    ],
  };
  const src = join(__dirname, '..', '..', 'examples', 'paper-figure3.ts');
  const bundleDir = mkdtempSync(join(tmpdir(), 'sgd-methods-'));
  const results = [];
  for (const workers of [1, 3]) {
    const r = new ExperimentRunner({ workerScript, workers });
    runners.push(r);
    const p = await prepareRun(r, src, input, { bundleDir });
    results.push({ result: await r.run(p.loss, p.config), config: p.config });
  }
  const [a, b] = results.map((x) => x.result);
  const strip = (r: typeof a) =>
    r.methods.map(({ paths, finals, finalX, starts, divergedMask, success, perTarget, name }) => ({
      paths,
      finals,
      finalX,
      starts,
      divergedMask,
      success,
      perTarget,
      name,
    }));
  assert.deepEqual(strip(b), strip(a));
  const { figure3 } = await import('../../examples/paper-figure3');
  const local = runExperiment((x) => figure3(x[0]), undefined, results[0].config);
  assert.deepEqual(strip(local), strip(a));

  assert.deepEqual(
    a.methods.map((m) => [m.name, m.optimizer.kind, m.finalsAre, m.role]),
    [
      ['Momentum', 'momentum', 'x_T', undefined],
      ['SGD', 'sgd', 'y_T', 'sgd'],
      ['Adam', 'adam', 'x_T', undefined],
      ['GD', 'sgd', 'y_T', 'gd'],
      ['SAM', 'sam', 'x_T', undefined],
    ],
  );
  assert.equal(a.sgd.finals, a.methods[1].finals);
  assert.equal(a.gd!.finals, a.methods[3].finals);
  assert.deepEqual(a.finals, a.methods[1].finals);
  for (const m of a.methods) {
    assert.deepEqual(m.starts, a.methods[0].starts);
    assert.equal(m.successRate, m.success / 9);
  }
  assert.equal(a.diagnostics.successSgd, a.methods[1].success);
  assert.equal(a.diagnostics.successGd, a.methods[3].success);
  assert.equal(a.timing.methodsMs!.length, 5);
  assert.equal(a.diagnostics.histogram.methods!.length, 5);
});
