/** Defaults that fit the function (engine/suggest.ts): the curvature profile and the rule, against closed forms. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { resolveConfig, resolveWithSources } from '../../src/engine/config';
import { runTrials } from '../../src/engine/sgd';
import {
  GD_TOLERANCE,
  LR_FRACTION,
  MAX_STEPS,
  MIN_STEPS,
  curvatureProfile,
  divergenceAdvice,
  suggestSettings,
  suggestedRadius,
  type CurvatureProfile,
} from '../../src/engine/suggest';
import type { RunConfigInput } from '../../src/engine/types';

const box = (low: number[], high: number[]) => ({ low, high });
/** f = ½(4x² + ½y²): Hessian diag(4, ½) everywhere. */
const quad = (x: Float64Array) => 0.5 * (4 * x[0] * x[0] + 0.5 * x[1] * x[1]);

test('a quadratic with Hessian diag(4, 1/2): L₉₀ = 4, μ = 1/2, η = 0.45/4, steps from the GD contraction', () => {
  const domain = box([-3, -3], [3, 3]);
  const p = curvatureProfile(quad, { domain, seed: '1' });
  assert.equal(p.points, 13 * 13);
  assert.ok(Math.abs(p.L - 4) < 1e-5, `L₉₀ ${p.L}`);
  assert.ok(Math.abs(p.maxL - 4) < 1e-5);
  assert.ok(Math.abs(p.mu! - 0.5) < 1e-5, `μ ${p.mu}`);
  assert.equal(p.convexShare, 1);
  const s = suggestSettings(p, domain, ['lr', 'radius', 'steps']);
  // The stated fraction of 1/L, to 3 significant digits.
  assert.equal(LR_FRACTION, 0.45);
  assert.ok(Math.abs(s.lr! / (0.45 / 4) - 1) <= 5e-3, `η ${s.lr}`); // 3 significant digits
  assert.equal(s.radius, 0.3);
  // Closed form: GD multiplies the error along eigenvalue λ by (1 − ηλ) per step; the slowest is λ = ½.
  const q = Math.max(Math.abs(1 - s.lr! * 0.5), Math.abs(1 - s.lr! * 4));
  const needed = Math.ceil(Math.log(1 / GD_TOLERANCE) / -Math.log(q));
  assert.equal(s.steps, Math.max(MIN_STEPS, needed));
  assert.equal(s.capped, false);
  assert.ok(q ** s.steps! <= GD_TOLERANCE && q ** (needed - 1) > GD_TOLERANCE);
});

test('the suggested steps bring the engine’s GD within tolerance of the minimum on that quadratic', () => {
  const domain = box([-3, -3], [3, 3]);
  const s = suggestSettings(curvatureProfile(quad, { domain, seed: '1' }), domain, ['lr', 'radius', 'steps']);
  const config = resolveConfig(
    { function: 'f', trials: 20, domain, stages: [{ lr: s.lr!, steps: s.steps!, noise: 'none' }] } as RunConfigInput,
    { dim: 2 },
  );
  const gd = runTrials(quad, (x, out) => ((out[0] = 4 * x[0]), (out[1] = 0.5 * x[1])), config, 'gd', 0, 20);
  for (let k = 0; k < 20; k++) {
    const start = Math.hypot(...gd.starts[k]);
    const end = Math.hypot(...gd.finalX[k]);
    assert.ok(end <= GD_TOLERANCE * start + 1e-12, `trial ${k}: ${end} from ${start}`);
  }
});

test('η comes from the curvature where f is low: f = x⁴ on [−1, 1] has ρ = 12x², and f ≤ its median exactly where |x| ≤ its median', () => {
  const p = curvatureProfile((x) => x[0] ** 4, { domain: box([-1], [1]), seed: '1' });
  // Brute force on the profile's grid (101 points): f's median, the points at or below it, the
  // 90th percentile (linear interpolation) of 12x² there and over all of them.
  const xs = Array.from({ length: 101 }, (_, i) => -1 + (2 * i) / 100);
  const q90 = (v: number[]) => {
    const a = v.slice().sort((x, y) => x - y);
    const pos = 0.9 * (a.length - 1);
    const i = Math.floor(pos);
    return a[i]! + (pos - i) * ((a[i + 1] ?? a[i]!) - a[i]!);
  };
  const fs = xs.map((x) => x ** 4).sort((a, b) => a - b);
  const median = fs[50]!;
  const low = xs.filter((x) => x ** 4 <= median);
  assert.equal(p.lowPoints, low.length);
  assert.ok(Math.abs(p.lowL / q90(low.map((x) => 12 * x * x)) - 1) < 1e-4, `lowL ${p.lowL}`);
  assert.ok(Math.abs(p.L / q90(xs.map((x) => 12 * x * x)) - 1) < 1e-4, `L ${p.L}`);
  assert.ok(p.lowL < p.L / 3);
  const s = suggestSettings(p, box([-1], [1]), ['lr']);
  assert.equal(s.lr, Number((0.45 / p.lowL).toPrecision(3)));
  assert.match(s.why.lr!, /lower half/);
  // The divergence advice keeps the whole domain's L₉₀ (the conservative η).
  assert.equal(divergenceAdvice(p, 1).suggestedLr, Number((0.45 / p.L).toPrecision(3)));
});

test('the radius is capped where the kicks’ spread at the minimum reaches half the success radius; the engine’s SGD settles inside it', () => {
  const domain = box([-3, -3], [3, 3]);
  const p = curvatureProfile(quad, { domain, seed: '1' });
  // The bottom of the deepest basin sampled is the origin: λ_min = ½ there.
  assert.ok(Math.abs(p.basinMu! - 0.5) < 1e-5, `basin μ ${p.basinMu}`);
  const eps = 0.05 * 6 * Math.SQRT2;
  const s = suggestSettings(p, domain, ['lr', 'radius'], undefined, { noise: 'uniform', successRadius: eps });
  const em = s.lr! * 0.5;
  const a = (eps / 2) * Math.sqrt((4 * em * (2 - em)) / 2);
  assert.equal(s.radius, Number(a.toPrecision(3)));
  assert.match(s.why.radius!, /spread at the minimum/);
  // Gaussian kicks have per-coordinate variance a² (k = 1), the cube's a²/3; no context: no cap.
  const g = suggestSettings(p, domain, ['radius'], s.lr, { noise: 'gaussian', successRadius: eps });
  assert.equal(g.radius, Number(((eps / 2) * Math.sqrt((em * (2 - em)) / 2)).toPrecision(3)));
  assert.equal(suggestSettings(p, domain, ['radius'], s.lr).radius, 0.3);
  // The engine's SGD from x* at that radius: per direction λ the iterate x_{t+1} = (1 − ηλ)x_t − kick
  // has stationary variance σ²/(ηλ(2 − ηλ)), σ² = a²/4 per coordinate for the uniform disc.
  const trials = 2000;
  const config = resolveConfig(
    {
      function: 'f',
      trials,
      domain,
      init: box([-1e-3, -1e-3], [1e-3, 1e-3]),
      compareGd: false,
      stages: [{ lr: s.lr!, radius: s.radius!, steps: 600, noise: 'uniform' }],
    } as RunConfigInput,
    { dim: 2 },
  );
  const sgd = runTrials(quad, (x, out) => ((out[0] = 4 * x[0]), (out[1] = 0.5 * x[1])), config, 'sgd', 0, trials);
  let sum = 0;
  for (let k = 0; k < trials; k++) sum += sgd.finalX[k]![0]! ** 2 + sgd.finalX[k]![1]! ** 2;
  const sigma2 = s.radius! ** 2 / 4;
  const exact = [4, 0.5].reduce((acc, l) => {
    const e = s.lr! * l;
    return acc + sigma2 / (e * (2 - e));
  }, 0);
  const mean = sum / trials;
  assert.ok(Math.abs(mean / exact - 1) < 0.1, `E‖y‖² ${mean} against ${exact}`);
  assert.ok(mean <= (eps / 2) ** 2, `E‖y‖² ${mean} inside (ε/2)² = ${(eps / 2) ** 2}`);
});

test('Rosenbrock’s valley floor is found: the grid’s lowest minima refined to (1, 1), where the Hessian [[802, −400], [−400, 200]] has eigenvalues 501 ± √(501² − 400)', () => {
  const rosenbrock = (x: Float64Array) => (1 - x[0]) ** 2 + 100 * (x[1] - x[0] * x[0]) ** 2;
  const top = 501 + Math.sqrt(501 ** 2 - 400); // 1001.6
  const bottom = 501 - Math.sqrt(501 ** 2 - 400); // 0.399
  // The default domain of a file with no options ([−3.6, 3.6]²) and examples/rosenbrock.ts's.
  for (const domain of [box([-3.6, -3.6], [3.6, 3.6]), box([-2, -1], [2, 3])]) {
    let calls = 0;
    const p = curvatureProfile((x) => (calls++, rosenbrock(x)), { domain, seed: '1' });
    assert.ok(p.basin, 'a basin');
    assert.ok(Math.hypot(p.basin.at[0]! - 1, p.basin.at[1]! - 1) < 1e-4, `at ${p.basin.at}`);
    assert.ok(Math.abs(p.basin.rho / top - 1) < 1e-3, `ρ ${p.basin.rho} against ${top}`);
    assert.ok(Math.abs(p.basin.lamMin / bottom - 1) < 1e-3, `λ_min ${p.basin.lamMin} against ${bottom}`);
    // The radius's cap and the steps see the floor's slow direction, not a grid point's on the wall.
    assert.equal(p.basinMu, p.basin.lamMin);
    assert.ok(p.mu! <= p.basin.lamMin);
    // The 13 × 13 grid's 9 calls a point, and the refinement's bounded extra (4 starts × 40 steps × (9 + 30)).
    assert.ok(calls > 169 * 9 && calls <= 169 * 9 + 4 * 40 * 39, `${calls} loss calls`);
  }
  // Where the grid already holds the minimum (the quadratic's origin), the refinement changes nothing.
  const q = curvatureProfile(quad, { domain: box([-3, -3], [3, 3]), seed: '1' });
  assert.deepEqual(q.basin?.at, [0, 0]);
  assert.ok(Math.abs(q.basinMu! - 0.5) < 1e-5);
});

test('a kink does not set L₉₀: f = x² + 50|x − 0.36| has f″ = 2 off one point, a sample (x = 0.36 is on the 101-point grid), where second differences are ~100/h', () => {
  const f = (x: Float64Array) => x[0] * x[0] + 50 * Math.abs(x[0] - 0.36);
  const p = curvatureProfile(f, { domain: box([-3], [3]), seed: '1' });
  assert.ok(p.maxL > 1e4, `max ${p.maxL}`);
  assert.ok(Math.abs(p.L - 2) < 1e-4, `L₉₀ ${p.L}`);
  assert.ok(Math.abs(p.medianL - 2) < 1e-4);
  const s = suggestSettings(p, box([-3], [3]), ['lr']);
  assert.equal(s.lr, 0.225);
  assert.match(s.why.lr!, /not the largest/);
});

test('d > 2: power iteration finds the extreme eigenvalues of diag(1, …, 5) and of a rotated quadratic', () => {
  const diag = (x: Float64Array) => {
    let s = 0;
    for (let i = 0; i < 5; i++) s += 0.5 * (i + 1) * x[i] * x[i];
    return s;
  };
  const p = curvatureProfile(diag, { domain: box([-1, -1, -1, -1, -1], [1, 1, 1, 1, 1]), seed: '1' });
  assert.ok(Math.abs(p.L - 5) < 1e-3, `L₉₀ ${p.L}`);
  assert.ok(Math.abs(p.mu! - 1) < 1e-3, `μ ${p.mu}`);
  // ½(u·x)² + 0.1‖x‖² in 3-D with u = (1, 2, 2)/3: eigenvalues 1.2 (along u) and 0.2 (twice).
  const rot = (x: Float64Array) => {
    const u = (x[0] + 2 * x[1] + 2 * x[2]) / 3;
    return 0.5 * u * u + 0.1 * (x[0] ** 2 + x[1] ** 2 + x[2] ** 2);
  };
  const r = curvatureProfile(rot, { domain: box([-2, -2, -2], [2, 2, 2]), seed: '7' });
  assert.ok(Math.abs(r.L - 1.2) < 1e-3, `L₉₀ ${r.L}`);
  assert.ok(Math.abs(r.mu! - 0.2) < 1e-3, `μ ${r.mu}`);
});

test('radius is 5% of the domain’s mean side width; no basin or no curvature: steps and lr keep their defaults, saying why', () => {
  assert.equal(suggestedRadius(box([-3, -3], [3, 3])), 0.3);
  assert.equal(suggestedRadius(box([-2, -1], [2, 3])), 0.2);
  assert.equal(suggestedRadius(box([0, 0], [1, 3])), 0.1);
  const concave = curvatureProfile((x) => -x[0] * x[0], { domain: box([-1], [1]), seed: '1' });
  assert.equal(concave.mu, undefined);
  const s = suggestSettings(concave, box([-1], [1]), ['lr', 'steps']);
  assert.equal(s.lr, 0.225);
  assert.equal(s.steps, undefined);
  assert.match(s.why.steps!, /nowhere locally convex/);
  const flat: CurvatureProfile = { points: 401, of: 401, L: 0, lowL: 0, lowPoints: 201, maxL: 0, medianL: 0, convexShare: 0 };
  const t = suggestSettings(flat, box([-1], [1]), ['lr']);
  assert.equal(t.lr, undefined);
  assert.match(t.why.lr!, /keeps its default/);
});

test('steps follow the user’s η when only steps are unset, and are capped at MAX_STEPS (saying so)', () => {
  const p: CurvatureProfile = { points: 1, of: 1, L: 2, lowL: 2, lowPoints: 1, maxL: 2, medianL: 2, mu: 2, convexShare: 1 };
  const s = suggestSettings(p, box([-1], [1]), ['steps'], 0.00005);
  const needed = Math.ceil(Math.log(1000) / -Math.log(1 - 0.0001));
  assert.ok(needed > MAX_STEPS);
  assert.equal(s.stepsNeeded, needed);
  assert.equal(s.steps, MAX_STEPS);
  assert.equal(s.capped, true);
  assert.match(s.why.steps!, new RegExp(`capped at ${MAX_STEPS}: .* needs ${needed}`));
  assert.equal(s.lr, undefined);
});

test('suggestions rank just above the table defaults: they fill only what no layer sets', () => {
  const suggested = { lr: 0.5, radius: 0.7, steps: 123 };
  const input = { function: 'f' } as RunConfigInput;
  // Nothing set: every field comes from the suggestion.
  const none = resolveWithSources(input, { dim: 1 });
  assert.deepEqual(none.unset, ['lr', 'radius', 'steps']);
  const all = resolveWithSources(input, { dim: 1, suggested });
  assert.deepEqual(all.suggested, ['lr', 'radius', 'steps']);
  assert.deepEqual([all.config.stages[0].lr, all.config.stages[0].radius, all.config.stages[0].steps], [0.5, 0.7, 123]);
  // The settings set lr, the file's defaults steps, RUN.json the radius: nothing is left to suggest.
  const r = resolveWithSources({ function: 'f', radius: 0.2 } as RunConfigInput, {
    dim: 1,
    base: { lr: 0.02 },
    options: { defaults: { steps: 50 } },
    suggested,
  });
  assert.deepEqual(r.suggested, []);
  assert.deepEqual([r.config.stages[0].lr, r.config.stages[0].radius, r.config.stages[0].steps], [0.02, 0.2, 50]);
  // A file's stages that leave lr out take the suggested one; their own radius and steps stay.
  const staged = resolveWithSources(input, {
    dim: 1,
    options: {
      defaults: {
        stages: [
          { radius: 0.3, steps: 10 },
          { radius: 0.1, steps: 20 },
        ],
      },
    },
    suggested,
  });
  assert.deepEqual(staged.suggested, ['lr']);
  assert.deepEqual(
    staged.config.stages.map((s) => [s.lr, s.radius, s.steps]),
    [
      [0.5, 0.3, 10],
      [0.5, 0.1, 20],
    ],
  );
  // Noise "none" has no radius to suggest.
  assert.deepEqual(resolveWithSources({ function: 'f', noise: 'none' } as RunConfigInput, { dim: 1 }).unset, ['lr', 'steps']);
});

test('the CLI reports which values were suggested, and suggests nothing when RUN.json sets them', () => {
  const root = join(__dirname, '..', '..');
  const cli = join(root, 'dist', 'cli.js');
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });
  const r = run('run', 'examples/sphere.ts', '--quiet', '--trials', '20');
  assert.equal(r.status, 0, r.stderr);
  // Radius: 5% of the mean width (0.3) capped at (ε/2)·√(4·0.45·1.55/2) with ε = 0.05·6√2 (the spread at the minimum).
  assert.match(r.stdout, /20 trials × 100 steps @ lr 0\.225, uniform radius 0\.251/);
  assert.match(r.stdout, /suggested from the function/);
  assert.match(r.stdout, /^ {2}lr 0\.225: η = 0\.45\/L .* L = 2,/m);
  assert.match(r.stdout, /^ {2}radius 0\.251: the largest whose spread at the minimum stays inside half the success radius 0\.424/m);
  assert.match(r.stdout, /^ {2}steps 100: /m);
  assert.match(r.stdout, /within 0\.4243 of x\*: SGD 20\/20, GD 20\/20/);
  const fig3 = run('run', 'examples/paper-figure3.ts', '--quiet', '--trials', '4', '--function', 'figure3');
  assert.equal(fig3.status, 0, fig3.stderr);
  assert.doesNotMatch(fig3.stdout, /suggested/);
});
