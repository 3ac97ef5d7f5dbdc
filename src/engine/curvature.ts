/**
 * f's local curvature over its domain, sampled (runs the user's loss, so in a worker: the task
 * 'curvature'): the Hessian's spectral norm ρ(x) (the largest |eigenvalue|) and its smallest
 * eigenvalue λ_min(x) by second differences at sample points, summarised by quantiles — over all
 * the samples, over those where f is low, and at the bottom of the deepest basin seen. In 1-D and
 * 2-D the bottom is found, not guessed from the grid: the lowest grid minima are refined by damped
 * Newton steps to the minima of f (a narrow valley such as Rosenbrock's is missed by a 13 × 13
 * grid, whose lowest point sits on the valley's wall where λ_min is 2, not on its floor at (1, 1)
 * where it is 0.4). The rule that turns them into η, radius and steps is suggest.ts's.
 */
import { dampedNewton, type LocalQuadratic } from './descent';
import { differenceGradient } from './differences';
import { linspace } from './landscape';
import { Normal, stream, uniformInBox } from './rng';
import type { Box, Loss, RunConfig } from './types';

/** The quantile of the Hessian's spectral norm taken as L. */
export const CURVATURE_QUANTILE = 0.9;
/** The quantile of the positive smallest eigenvalues taken as the slow curvature μ. */
export const SLOW_QUANTILE = 0.1;
/** The quantile of f below which samples count as "where f is low" for η's L. */
export const LOW_F_QUANTILE = 0.5;

/**
 * Samples: a grid in 1-D (101 points, ~300 loss calls) and 2-D (13 × 13, ~1500 calls), seeded
 * random points (and the centre) for d > 2 (~10⁵ calls): a second or two for a loss of 1 ms per
 * call in 1-D and 2-D. A kink or a spike moves one or two of them, which the quantile ignores.
 */
const GRID_1D = 101;
const GRID_2D = 13;
const POWER_ITERATIONS = 20;
/**
 * d ≤ 2: the grid's lowest local minima refined (REFINE_STARTS of them), each by at most
 * REFINE_STEPS damped Newton steps of 2d² + 1 loss calls (the difference Hessian, whose stencil
 * gives the gradient too) plus those of the backtracking line search (at most REFINE_HALVINGS):
 * at most 4 × 40 × (9 + 30) = 6240 extra calls in 2-D, in practice a few hundred (Rosenbrock on
 * [−3.6, 3.6]²: see test/unit/suggest.test.ts), against the grid's 1521.
 */
const REFINE_STARTS = 4;
const REFINE_STEPS = 40;
const REFINE_HALVINGS = 30;

/** Local curvature of f over the domain, summarised. */
export interface CurvatureProfile {
  /** Sample points where the Hessian estimate was finite, of `of` sampled. */
  points: number;
  of: number;
  /** L₉₀: the CURVATURE_QUANTILE quantile of the Hessian's spectral norm ρ(x). */
  L: number;
  /**
   * The CURVATURE_QUANTILE quantile of ρ(x) over the samples where f is at most its median over
   * the samples (`lowPoints` of them): f's smoothness where the iterates spend their steps.
   */
  lowL: number;
  lowPoints: number;
  /** The largest ρ(x) sampled (a kink or a far corner often), for comparison. */
  maxL: number;
  /** The median ρ(x). */
  medianL: number;
  /**
   * μ, the slow curvature that sets GD's pace: the smaller of the SLOW_QUANTILE quantile of λ_min(x)
   * over the samples where it is positive and λ_min at the lowest such sample of f (the bottom of
   * the deepest basin seen: Rosenbrock's valley floor, 0.4 at (1, 1), which few samples meet);
   * absent when λ_min is positive nowhere.
   */
  mu?: number;
  /** λ_min at the lowest sample of f where f is locally convex (the deepest basin seen); absent when there is none. */
  basinMu?: number;
  /**
   * d ≤ 2: the deepest locally convex minimum that refining the grid's lowest minima reached (`at`,
   * f, ρ and λ_min there), when it is at most every convex grid sample's f; `basinMu` is then its
   * λ_min (and `mu` at most that).
   */
  basin?: { at: number[]; f: number; rho: number; lamMin: number };
  /** Share of the samples where λ_min(x) > 0 (f locally convex). */
  convexShare: number;
}

/** Linear-interpolated quantile of sorted values (q in [0, 1]). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = q * (sorted.length - 1);
  const i = Math.floor(pos);
  const frac = pos - i;
  return i + 1 < sorted.length ? sorted[i] + frac * (sorted[i + 1] - sorted[i]) : sorted[i];
}

/** The difference step at x: relative to |x|, at least 1e-4. */
function stepAt(x: ArrayLike<number>): number {
  let m = 1;
  for (let j = 0; j < x.length; j++) m = Math.max(m, Math.abs(x[j]));
  return 1e-4 * m;
}

/** Sample points of the domain: a grid for d ≤ 2, the centre and seeded uniform points otherwise. */
function samplePoints(domain: Box, seed: string): Float64Array[] {
  const d = domain.low.length;
  if (d === 1) return linspace(domain.low[0], domain.high[0], GRID_1D).map((x) => Float64Array.of(x));
  if (d === 2) {
    const xs = linspace(domain.low[0], domain.high[0], GRID_2D);
    const ys = linspace(domain.low[1], domain.high[1], GRID_2D);
    return ys.flatMap((y) => xs.map((x) => Float64Array.of(x, y)));
  }
  // About 10⁵ loss calls (each point: 2 × POWER_ITERATIONS Hessian–vector products of 4d calls), 16 to 128 points.
  const count = Math.max(16, Math.min(128, Math.floor(1e5 / (8 * POWER_ITERATIONS * d))));
  const rng = stream(seed, 'suggest');
  const pts: Float64Array[] = [Float64Array.from(domain.low, (l, j) => (l + domain.high[j]) / 2)];
  for (let k = 1; k < count; k++) pts.push(uniformInBox(rng, domain.low, domain.high, new Float64Array(d)));
  return pts;
}

/**
 * ρ(x) (the spectral norm) and λ_min(x) of the difference Hessian at each sample of the domain
 * (1-D: f″; 2-D: the eigenvalues of the 2 × 2 second differences; d > 2: power iteration on
 * Hessian–vector products of central-difference gradients for ρ, then on ρI − H for λ_min),
 * summarised by quantiles. Non-finite estimates (f not defined there) are left out.
 */
export function curvatureProfile(loss: Loss, config: Pick<RunConfig, 'domain' | 'seed'>): CurvatureProfile {
  const domain = config.domain;
  const d = domain.low.length;
  const pts = samplePoints(domain, config.seed);
  const rho: number[] = [];
  const lamMin: number[] = [];
  const fAt: number[] = [];
  // λ_min at the lowest sample of f where f is locally convex: the bottom of the deepest basin seen.
  let lowestF = Infinity;
  let lowestLam = NaN;
  const keep = (r: number, lo: number, fx: number) => {
    rho.push(r);
    lamMin.push(lo);
    fAt.push(fx);
    if (lo > 0 && fx < lowestF) {
      lowestF = fx;
      lowestLam = lo;
    }
  };
  const p = new Float64Array(d);
  const f = (x: Float64Array, dir: number[], h: number): number => {
    for (let j = 0; j < d; j++) p[j] = x[j] + h * dir[j];
    return loss(p);
  };
  let basin: CurvatureProfile['basin'];
  if (d <= 2) {
    /** f, the central-difference gradient and the difference Hessian [[a, b], [b, c]] at x, with its eigenvalues. */
    const local = (x: Float64Array) => {
      const h = stepAt(x);
      const f0 = loss(x);
      const e1 = d === 1 ? [1] : [1, 0];
      const fp1 = f(x, e1, h);
      const fm1 = f(x, e1, -h);
      const a = (fp1 - 2 * f0 + fm1) / (h * h);
      const g = [(fp1 - fm1) / (2 * h), 0];
      let b = 0;
      let c = 0;
      let hi = a;
      let lo = a;
      if (d === 2) {
        const fp2 = f(x, [0, 1], h);
        const fm2 = f(x, [0, 1], -h);
        c = (fp2 - 2 * f0 + fm2) / (h * h);
        g[1] = (fp2 - fm2) / (2 * h);
        b = (f(x, [1, 1], h) - f(x, [1, -1], h) - f(x, [-1, 1], h) + f(x, [1, 1], -h)) / (4 * h * h);
        const r = Math.hypot((a - c) / 2, b);
        hi = (a + c) / 2 + r;
        lo = (a + c) / 2 - r;
      }
      return { f0, g, a, b, c, hi, lo };
    };
    const fGrid: number[] = [];
    for (const x of pts) {
      const q = local(x);
      fGrid.push(q.f0);
      if (!Number.isFinite(q.hi) || !Number.isFinite(q.lo)) continue;
      keep(Math.max(Math.abs(q.hi), Math.abs(q.lo)), q.lo, q.f0);
    }
    basin = refineBasin(local, loss, pts, fGrid, domain);
    if (basin && basin.f <= lowestF) {
      lowestF = basin.f;
      lowestLam = basin.lamMin;
    } else basin = undefined;
  } else {
    const normal = new Normal(stream(config.seed, 'suggest-directions'));
    const g1 = new Float64Array(d);
    const g2 = new Float64Array(d);
    const hv = new Float64Array(d);
    const v = new Float64Array(d);
    const fd = differenceGradient(loss, d);
    const grad = (x: Float64Array, out: Float64Array) => fd(x, out, stepAt(x));
    // H·v by central differences of the gradient along v.
    const hessVec = (x: Float64Array, eps: number) => {
      const q = new Float64Array(d);
      for (let j = 0; j < d; j++) q[j] = x[j] + eps * v[j];
      grad(q, g1);
      for (let j = 0; j < d; j++) q[j] = x[j] - eps * v[j];
      grad(q, g2);
      for (let j = 0; j < d; j++) hv[j] = (g1[j] - g2[j]) / (2 * eps);
    };
    const power = (x: Float64Array, eps: number, shift: number): number => {
      for (let j = 0; j < d; j++) v[j] = normal.next();
      let est = NaN;
      for (let it = 0; it < POWER_ITERATIONS; it++) {
        const n = Math.hypot(...v);
        if (!(n > 0) || !Number.isFinite(n)) return est;
        for (let j = 0; j < d; j++) v[j] /= n;
        hessVec(x, eps);
        // (shift·I − H)·v when shifted, H·v otherwise.
        if (shift !== 0) for (let j = 0; j < d; j++) hv[j] = shift * v[j] - hv[j];
        // Rayleigh quotient (v is a unit vector): a signed eigenvalue estimate.
        let dot = 0;
        for (let j = 0; j < d; j++) dot += v[j] * hv[j];
        est = shift !== 0 ? dot : Math.hypot(...hv);
        v.set(hv);
      }
      return est;
    };
    for (const x of pts) {
      const eps = stepAt(x) * 10;
      const r = power(x, eps, 0);
      if (!Number.isFinite(r)) continue;
      // The largest eigenvalue of ρI − H is ρ − λ_min.
      const top = r > 0 ? power(x, eps, r) : 0;
      if (!Number.isFinite(top)) continue;
      keep(r, r - top, loss(x));
    }
  }
  const sorted = rho.slice().sort((a, b) => a - b);
  const positive = lamMin.filter((l) => l > 0).sort((a, b) => a - b);
  // Where f is low: at most its median over the samples (a non-finite f counts as high).
  const fMedian = quantileSorted(
    fAt.filter((v) => Number.isFinite(v)).sort((a, b) => a - b),
    LOW_F_QUANTILE,
  );
  const low = rho.filter((_, i) => fAt[i] <= fMedian).sort((a, b) => a - b);
  const out: CurvatureProfile = {
    points: rho.length,
    of: pts.length,
    L: quantileSorted(sorted, CURVATURE_QUANTILE),
    lowL: low.length > 0 ? quantileSorted(low, CURVATURE_QUANTILE) : NaN,
    lowPoints: low.length,
    maxL: sorted.length ? sorted[sorted.length - 1] : NaN,
    medianL: quantileSorted(sorted, 0.5),
    convexShare: rho.length ? positive.length / rho.length : 0,
  };
  if (positive.length > 0) out.mu = Math.min(quantileSorted(positive, SLOW_QUANTILE), lowestLam);
  if (lowestLam > 0) out.basinMu = lowestLam;
  if (basin) out.basin = basin;
  return out;
}

/**
 * d ≤ 2: the deepest locally convex minimum reached from the REFINE_STARTS lowest grid minima
 * (samples of finite f at most their finite grid neighbours'), each refined by damped Newton on the
 * difference Hessian (`dampedNewton`, descent.ts: the step −H⁻¹∇f where H is positive definite,
 * else −∇f/ρ; halved at most REFINE_HALVINGS times until f drops by the Armijo amount, the point
 * kept in the domain; stopped after REFINE_STEPS steps, when no halving helps or the step is below
 * 10⁻¹² of the point's scale). Returns the point, f, ρ and λ_min there, or undefined when no
 * refined point is finite with λ_min > 0 (a saddle or a ridge).
 */
function refineBasin(
  local: (x: Float64Array) => LocalQuadratic,
  loss: Loss,
  pts: readonly Float64Array[],
  fGrid: readonly number[],
  domain: Box,
): CurvatureProfile['basin'] {
  const d = domain.low.length;
  const nx = d === 1 ? pts.length : GRID_2D;
  const ny = d === 1 ? 1 : GRID_2D;
  const starts: number[] = [];
  for (let iy = 0; iy < ny; iy++)
    for (let ix = 0; ix < nx; ix++) {
      const k = iy * nx + ix;
      const v = fGrid[k]!;
      if (!Number.isFinite(v)) continue;
      let lowest = true;
      for (let dy = -1; dy <= 1 && lowest; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const jx = ix + dx;
          const jy = iy + dy;
          if ((dx === 0 && dy === 0) || jx < 0 || jy < 0 || jx >= nx || jy >= ny) continue;
          const w = fGrid[jy * nx + jx]!;
          if (Number.isFinite(w) && w < v) {
            lowest = false;
            break;
          }
        }
      if (lowest) starts.push(k);
    }
  starts.sort((i, j) => fGrid[i]! - fGrid[j]!);
  let best: CurvatureProfile['basin'];
  for (const k of starts.slice(0, REFINE_STARTS)) {
    const { x, q } = dampedNewton(loss, local, pts[k]!, domain, REFINE_STEPS, REFINE_HALVINGS);
    if (!Number.isFinite(q.f0) || !Number.isFinite(q.hi) || !(q.lo > 0)) continue;
    if (!best || q.f0 < best.f) best = { at: Array.from(x), f: q.f0, rho: Math.max(Math.abs(q.hi), Math.abs(q.lo)), lamMin: q.lo };
  }
  return best;
}
