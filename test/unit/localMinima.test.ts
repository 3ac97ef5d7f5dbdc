/**
 * x* and the targets for d > 2 (src/engine/localMinima.ts), against oracles written here: the
 * least-squares minimum from the normal equations solved by Gaussian elimination, the minima of a
 * quartic double well from its cubic's roots (bisection), and the rule "success = ending within
 * the success radius of a minimum of the lowest value" counted by hand from the finals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { descend } from '../../src/engine/descent';
import { MAX_DESCENTS, descendToMinimum, minimaOfFinals, minimaTargets } from '../../src/engine/localMinima';
import { computeLandscape } from '../../src/engine/landscape';
import { finiteSumGradient, finiteSumLoss, type FiniteSum } from '../../src/engine/finiteSum';
import { resolveConfig } from '../../src/engine/config';
import { runExperiment } from '../../src/engine/experiment';
import type { Gradient, Landscape, Loss, MethodResult, RunConfigInput } from '../../src/engine/types';
import { minimaSearchText } from '../../src/view/minima';

const dist = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.hypot(...Array.from(a, (v, i) => v - b[i]));

/** Every run here: a loss `f` with no x* or targets declared, 21 points a landscape slice; the test's trials, seed, boxes and stages. */
const runConfig = (
  input: Pick<RunConfigInput, 'trials' | 'seed' | 'stages'> & Record<'init' | 'domain', { low: number; high: number }>,
  shape: { dim: number; examples?: number },
) => resolveConfig({ function: 'f', resolution: 21, ...input }, shape);

/** Solves M x = r by Gaussian elimination with partial pivoting. */
function solve(M: number[][], r: number[]): number[] {
  const n = r.length;
  const a = M.map((row, i) => [...row, r[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(a[i][c]) > Math.abs(a[p][c])) p = i;
    [a[c], a[p]] = [a[p], a[c]];
    for (let i = c + 1; i < n; i++) {
      const m = a[i][c] / a[c][c];
      for (let j = c; j <= n; j++) a[i][j] -= m * a[c][j];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = a[i][n];
    for (let j = i + 1; j < n; j++) s -= a[i][j] * x[j];
    x[i] = s / a[i][i];
  }
  return x;
}

test('a 4-D least-squares finite sum with minibatch noise: x* is the normal equations’ solution to 1e-6, a minimum, the one target', () => {
  // ℓ(w, (a, b)) = ½(a·w − b)², 24 fixed rows; minimum: AᵀA w = Aᵀb.
  const A = Array.from({ length: 24 }, (_, i) => [1, Math.sin(1.3 * i), Math.cos(0.7 * i + 0.2), ((i % 7) - 3) / 3]);
  const b = A.map((a, i) => 0.5 * a[0] - 0.8 * a[1] + 0.3 * a[2] + 1.1 * a[3] + 0.2 * Math.sin(5 * i));
  const fs: FiniteSum = {
    n: A.length,
    example: (w, i) => 0.5 * (A[i].reduce((s, v, j) => s + v * w[j], 0) - b[i]) ** 2,
    exampleGradient: (w, i, out) => {
      const r = A[i].reduce((s, v, j) => s + v * w[j], 0) - b[i];
      for (let j = 0; j < 4; j++) out[j] = r * A[i][j];
    },
  };
  const AtA = [0, 1, 2, 3].map((j) => [0, 1, 2, 3].map((k) => A.reduce((s, a) => s + a[j] * a[k], 0)));
  const Atb = [0, 1, 2, 3].map((j) => A.reduce((s, a, i) => s + a[j] * b[i], 0));
  const wStar = solve(AtA, Atb);
  const config = runConfig(
    {
      trials: 8,
      seed: 'lm4',
      init: { low: -1, high: 1 },
      domain: { low: -3, high: 3 },
      stages: [{ lr: 0.1, steps: 200, noise: 'minibatch', batchSize: 4 }],
    },
    { dim: 4, examples: A.length },
  );
  const result = runExperiment(finiteSumLoss(fs), finiteSumGradient(fs, 0), config);
  const d = result.diagnostics;
  assert.equal(d.xStarSource, 'descent');
  assert.equal(d.targetsSource, 'descent');
  assert.ok(dist(d.xStar, wStar) < 1e-6, `x* ${d.xStar} vs ${wStar}`);
  assert.equal(d.targets.length, 1);
  const s = d.minimaSearch!;
  assert.ok(s.converged && s.minEigenvalue! > 0, JSON.stringify(s));
  assert.equal(s.saddleEscapes, 0);
  // f(x*) = ½ mean of the squared residuals at the oracle's minimum.
  const fStar = A.reduce((acc, a, i) => acc + 0.5 * (a.reduce((t, v, j) => t + v * wStar[j], 0) - b[i]) ** 2, 0) / A.length;
  assert.ok(Math.abs(s.value - fStar) < 1e-12, `${s.value} vs ${fStar}`);
  // The measured noise and the plane are at the new x*.
  assert.deepEqual(d.gradientNoise!.at, d.xStar);
  assert.deepEqual(d.plane!.origin, d.xStar);
  // Every trial that ended within the radius of the oracle's minimum is a success, and no other.
  const sgdFinals = result.sgd.finals;
  const byHand = sgdFinals.filter((p) => dist(p, wStar) <= d.successRadius).length;
  assert.equal(d.successSgd, byHand);
});

/** f(w) = (w₀² − 1)² + t·w₀ + Σ_{i≥1} w_i²: two wells at the roots of 4w³ − 4w + t = 0 near ±1. */
function doubleWell(t: number): { loss: Loss; grad: Gradient } {
  const loss: Loss = (w) => (w[0] * w[0] - 1) ** 2 + t * w[0] + w[1] * w[1] + w[2] * w[2];
  const grad: Gradient = (w, out) => {
    out[0] = 4 * w[0] * (w[0] * w[0] - 1) + t;
    out[1] = 2 * w[1];
    out[2] = 2 * w[2];
  };
  return { loss, grad };
}

/** The root of 4w³ − 4w + t in [lo, hi] (a sign change there), by bisection to rounding. */
function cubicRoot(t: number, lo: number, hi: number): number {
  const p = (w: number) => 4 * w * w * w - 4 * w + t;
  let a = lo;
  let b = hi;
  for (let k = 0; k < 200; k++) {
    const m = 0.5 * (a + b);
    if (p(a) * p(m) <= 0) b = m;
    else a = m;
  }
  return 0.5 * (a + b);
}

const wellConfig = () =>
  runConfig(
    {
      trials: 40,
      seed: 'wells',
      init: { low: -1.8, high: 1.8 },
      domain: { low: -2, high: 2 },
      stages: [{ lr: 0.02, steps: 600, noise: 'gaussian', radius: 0.002 }],
    },
    { dim: 3 },
  );

test('mirrored minima (±1, 0, 0) of equal value: both are targets, and success counts the finals near either', () => {
  const { loss, grad } = doubleWell(0);
  const r = runExperiment(loss, grad, wellConfig());
  const d = r.diagnostics;
  assert.equal(d.targetsSource, 'descent');
  assert.equal(d.targets.length, 2);
  const plus = [1, 0, 0];
  const minus = [-1, 0, 0];
  assert.ok(d.targets.some((t) => dist(t, plus) < 1e-6) && d.targets.some((t) => dist(t, minus) < 1e-6), JSON.stringify(d.targets));
  assert.ok(dist(d.xStar, plus) < 1e-6 || dist(d.xStar, minus) < 1e-6);
  const near = (p: number[]) => Math.min(dist(p, plus), dist(p, minus)) <= d.successRadius;
  const sgdByHand = r.sgd.finals.filter((p, i) => !r.sgd.divergedMask[i] && near(p)).length;
  const gdByHand = r.gd!.finals.filter((p, i) => !r.gd!.divergedMask[i] && near(p)).length;
  assert.equal(d.successSgd, sgdByHand);
  assert.equal(d.successGd, gdByHand);
  // Both wells got trials, and success against x* alone would have missed the other well's.
  const atPlus = r.sgd.finals.filter((p) => dist(p, plus) <= d.successRadius).length;
  assert.ok(atPlus > 0 && atPlus < sgdByHand, `${atPlus} of ${sgdByHand}`);
  assert.equal(sgdByHand, 40);
  const words = minimaSearchText(d, d.minimaSearch!, (i) => ['SGD', 'GD'][i]);
  assert.ok(words.includes('the 2 at f(x*) within'), words);
});

test('a tilted double well: only the lower minimum is a target; finals in the higher one fail', () => {
  const t = 0.4;
  const { loss, grad } = doubleWell(t);
  const r = runExperiment(loss, grad, wellConfig());
  const d = r.diagnostics;
  const low = [cubicRoot(t, -1.5, -0.6), 0, 0];
  const high = [cubicRoot(t, 0.6, 1.5), 0, 0];
  assert.equal(d.targets.length, 1);
  assert.ok(dist(d.xStar, low) < 1e-6, `${d.xStar} vs ${low}`);
  assert.equal(d.minimaSearch!.minima, 2);
  const fHigh = loss(Float64Array.from(high));
  assert.ok(Math.abs(d.minimaSearch!.values[1] - fHigh) < 1e-12);
  const byHand = r.sgd.finals.filter((p, i) => !r.sgd.divergedMask[i] && dist(p, low) <= d.successRadius).length;
  assert.equal(d.successSgd, byHand);
  assert.ok(byHand > 0 && byHand < 40, String(byHand));
});

test('descent: 4-D Rosenbrock to (1, 1, 1, 1) within 1e-6; a start on a saddle is left along its negative curvature', () => {
  const rosen: Loss = (w) => {
    let s = 0;
    for (let i = 0; i < 3; i++) s += 100 * (w[i + 1] - w[i] * w[i]) ** 2 + (1 - w[i]) ** 2;
    return s;
  };
  const rosenGrad: Gradient = (w, out) => {
    out.fill(0);
    for (let i = 0; i < 3; i++) {
      const u = w[i + 1] - w[i] * w[i];
      out[i] += -400 * w[i] * u - 2 * (1 - w[i]);
      out[i + 1] += 200 * u;
    }
  };
  const r = descend(rosen, rosenGrad, [-1.2, 1, -0.5, 0.8], 5000);
  assert.ok(r.converged && dist(r.x, [1, 1, 1, 1]) < 1e-6, `${r.x} after ${r.iterations}`);
  // (0, 0, 0) is a stationary point of the symmetric double well with curvature −4 along w₀.
  const { loss, grad } = doubleWell(0);
  assert.equal(descend(loss, grad, [0, 0, 0], 100).iterations, 0);
  const m = descendToMinimum(loss, grad, [0, 0, 0], 100);
  assert.equal(m.escapes, 1);
  assert.ok(Math.abs(Math.abs(m.x[0]) - 1) < 1e-6 && Math.abs(m.x[1]) < 1e-6 && Math.abs(m.x[2]) < 1e-6, String(m.x));
  // Its Hessian there is diag(8, 2, 2): the smallest eigenvalue 2, by central differences of ∇f.
  assert.ok(Math.abs(m.minEigenvalue! - 2) < 1e-6, String(m.minEigenvalue));
});

test('more than 256 finals in distinct minima of one value: 256 descended, the rest past the cap counted as capped and said', () => {
  // f(w) = Σ sin²(π wⱼ): a minimum of value 0 at every integer point. 300 finals, each 0.05 from its
  // own integer point (all distinct), so none lies within the skip radius 0.2 of another's minimum.
  const loss: Loss = (w) => Math.sin(Math.PI * w[0]) ** 2 + Math.sin(Math.PI * w[1]) ** 2 + Math.sin(Math.PI * w[2]) ** 2;
  const grad: Gradient = (w, out) => {
    for (let j = 0; j < 3; j++) out[j] = Math.PI * Math.sin(2 * Math.PI * w[j]);
  };
  const points: number[][] = [];
  for (let a = -4; a <= 4 && points.length < 300; a++)
    for (let b = -4; b <= 4 && points.length < 300; b++) for (let c = -4; c <= 4 && points.length < 300; c++) points.push([a, b, c]);
  const finals = points.map((p) => [p[0] + 0.05, p[1] - 0.05, p[2] + 0.05]);
  const config = runConfig(
    { trials: 300, seed: 'cap', init: { low: -5, high: 5 }, domain: { low: -5, high: 5 }, stages: [{ lr: 0.01, steps: 1, noise: 'none' }] },
    { dim: 3 },
  );
  const method = { finals, divergedMask: finals.map(() => false) } as unknown as MethodResult;
  const landscape = { x: [0, 1], f: [[0, 3]], smoothed: [] } as unknown as Landscape;
  const found = minimaOfFinals(loss, grad, config, landscape, [method], 0.2, [0, 0, 0])!;
  assert.equal(found.search.candidates, 300);
  assert.equal(found.search.descents, MAX_DESCENTS);
  assert.equal(found.targets.length, MAX_DESCENTS, 'each descent found its own integer point');
  for (const t of found.targets) t.forEach((v) => assert.ok(Math.abs(v - Math.round(v)) < 1e-6));
  assert.equal(found.search.capped, 300 - MAX_DESCENTS);
  const text = minimaSearchText({ targets: found.targets }, found.search, () => 'SGD');
  assert.match(text, new RegExp(`${300 - MAX_DESCENTS} came past the first 256 descents and lie near no target`));
});

/** f's range over a landscape's finite values. */
function fRange(landscape: Landscape): number {
  const v = (landscape.f as number[][]).flat().filter(Number.isFinite);
  return Math.max(...v) - Math.min(...v);
}

test('the value tolerance is 1e-4 of f’s range on the slices the result carries (through x*), not on the slices through the centre', () => {
  // The mirrored wells: the result's slices pass through x* = (±1, 0, 0); those the search had, through the centre 0.
  const { loss, grad } = doubleWell(0);
  const config = wellConfig();
  const r = runExperiment(loss, grad, config);
  const d = r.diagnostics;
  assert.deepEqual(r.landscape.origin, d.xStar);
  const s = d.minimaSearch!;
  const carried = 1e-4 * fRange(r.landscape) + 1e-9 * Math.max(1, Math.abs(s.value));
  const centre = 1e-4 * fRange(computeLandscape(loss, config)) + 1e-9 * Math.max(1, Math.abs(s.value));
  assert.ok(Math.abs(centre - carried) > 1e-3 * carried, `the two ranges differ: ${centre} vs ${carried}`);
  assert.ok(Math.abs(s.valueTolerance - carried) <= 1e-15, `${s.valueTolerance} = ${carried}`);
});

test('minimaTargets: which minima are targets follows the range of the slices given; x* is the lowest minimum whatever the range', () => {
  // A slightly tilted double well: the wells differ by about 2t = 2e-3 in f.
  const t = 1e-3;
  const { loss, grad } = doubleWell(t);
  const low = [cubicRoot(t, -1.5, -0.6), 0, 0];
  const high = [cubicRoot(t, 0.6, 1.5), 0, 0];
  const gap = loss(Float64Array.from(high)) - loss(Float64Array.from(low));
  // One final near each minimum, the one in the higher well lower (its descent comes first): x* is
  // still the lower minimum, not the first found within the tolerance.
  const finals = [high.map((v) => v + 0.01), [low[0], 0.3, 0]];
  assert.ok(loss(Float64Array.from(finals[0])) < loss(Float64Array.from(finals[1])));
  const method = { finals, divergedMask: [false, false] } as unknown as MethodResult;
  const slices = (range: number) => ({ x: [0, 1], f: [[0, range]], smoothed: [] }) as unknown as Landscape;
  // Range 100: tolerance 1e-2 > gap, both wells are targets; range 1: 1e-4 < gap, the lower alone.
  const wide = minimaOfFinals(loss, grad, wellConfig(), slices(100), [method], 0.2, [0, 0, 0])!;
  assert.equal(wide.targets.length, 2);
  assert.ok(dist(wide.xStar, low) < 1e-6, `x* ${wide.xStar} is the lower well ${low}`);
  assert.deepEqual(wide.search.start, { method: 0, trial: 1, f: loss(Float64Array.from(finals[1])) });
  assert.ok(dist(wide.targets[0], wide.xStar) === 0);
  const narrow = minimaTargets(wide, slices(1));
  assert.ok(gap > 1e-4 + 2e-9 && gap < 1e-2, String(gap));
  assert.equal(narrow.targets.length, 1);
  assert.ok(dist(narrow.targets[0], low) < 1e-6);
  assert.equal(narrow.search.valueTolerance, 1e-4 + 1e-9 * Math.max(1, Math.abs(wide.search.value)));
  assert.deepEqual(narrow.xStar, wide.xStar);
  // And back: the wide range gives both again.
  assert.equal(minimaTargets(narrow, slices(100)).targets.length, 2);
});
