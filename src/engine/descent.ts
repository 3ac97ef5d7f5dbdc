/**
 * Local descent: the one loop by which the engine walks downhill from a point to a nearby minimum
 * of f, and its line search. Three callers, three directions, one loop:
 * - `steepestDescent`: targets.ts refines the landscape grid's minima (−∇f, each move at most a
 *   grid step, so a candidate stays in its own basin);
 * - `dampedNewton`: curvature.ts refines the curvature grid's lowest minima in 1-D and 2-D (the
 *   difference Hessian's Newton step where it is positive definite, else −∇f/ρ; kept in the domain);
 * - `descend`: localMinima.ts's x* and targets for d > 2 (L-BFGS to a gradient-norm tolerance).
 * Every step is the first of t, t/2, t/4, … that lowers f by Armijo's amount (ARMIJO of the
 * decrease the slope predicts) to a finite value; a descent stops when no step is accepted, when
 * its direction rule says so, or after its iterations.
 */
import type { Box, Gradient, Loss } from './types';

/** Armijo's sufficient decrease: a step t along p is taken when f(x + t·p) ≤ f(x) + ARMIJO·t·(∇f·p). */
export const ARMIJO = 1e-4;

/** A direction rule's answer at x: the direction, ∇f(x)·p (negative), the first step tried and p's length (for `minMove`). */
interface Direction {
  p: Float64Array;
  slope: number;
  step: number;
  length?: number;
}

/** How a line search halves: at most `halvings` tries, while step·‖p‖ > `minMove`; each trial point clamped into `box`. */
interface LineSearch {
  halvings?: number;
  minMove?: number;
  box?: Box;
}

/** A descent's direction rule: its direction at x (f(x) = fx), or undefined to stop; told of each move taken, false to stop after it. */
interface DirectionRule {
  direction(x: Float64Array, fx: number): Direction | undefined;
  moved?(x: Float64Array, fx: number, next: Float64Array, fNext: number, step: number): boolean;
}

/** The first step t of dir.step, /2, /4, … with finite f(x + t·p) ≤ fx + ARMIJO·t·slope; the point in `next`. */
function lineSearch(
  loss: Loss,
  x: Float64Array,
  fx: number,
  dir: Direction,
  search: LineSearch,
  next: Float64Array,
): { step: number; f: number } | undefined {
  const { p, slope } = dir;
  const halvings = search.halvings ?? Infinity;
  const box = search.box;
  let t = dir.step;
  for (let k = 0; k < halvings; k++, t /= 2) {
    if (search.minMove !== undefined && !(t * dir.length! > search.minMove)) break;
    for (let i = 0; i < x.length; i++) {
      const v = x[i] + t * p[i];
      next[i] = box ? Math.min(box.high[i], Math.max(box.low[i], v)) : v;
    }
    const ft = loss(next);
    if (Number.isFinite(ft) && ft <= fx + ARMIJO * t * slope) return { step: t, f: ft };
  }
  return undefined;
}

/** The loop: from `start` (f there `fStart`), moves by the rule's direction and the line search until either stops, f is not finite, or after `maxIterations` moves. */
function descendBy(
  loss: Loss,
  start: ArrayLike<number>,
  fStart: number,
  rule: DirectionRule,
  search: LineSearch,
  maxIterations: number,
): { x: Float64Array; f: number; iterations: number } {
  const x = Float64Array.from(start);
  const next = new Float64Array(x.length);
  let fx = fStart;
  let iterations = 0;
  while (iterations < maxIterations && Number.isFinite(fx)) {
    const dir = rule.direction(x, fx);
    if (!dir) break;
    const found = lineSearch(loss, x, fx, dir, search, next);
    if (!found) break;
    iterations++;
    const goOn = rule.moved ? rule.moved(x, fx, next, found.f, found.step) : true;
    x.set(next);
    fx = found.f;
    if (!goOn) break;
  }
  return { x, f: fx, iterations };
}

/**
 * Steepest descent on f from p: the step along −∇f starts at twice the last one taken and is at
 * most `maxMove` long (so a candidate refines within its own basin); the line search gives up once
 * a move would be shorter than 1e-13·max(1, maxMove). Stops where ∇f is zero or not finite.
 */
export function steepestDescent(
  loss: Loss,
  gradient: Gradient,
  p: ArrayLike<number>,
  maxMove: number,
  maxIterations: number,
): { x: Float64Array; fx: number } {
  const d = p.length;
  const g = new Float64Array(d);
  const dir = new Float64Array(d);
  let step = 0;
  const rule: DirectionRule = {
    direction(x) {
      gradient(x, g);
      let g2 = 0;
      for (let i = 0; i < d; i++) g2 += g[i] * g[i];
      if (!(g2 > 0) || !Number.isFinite(g2)) return undefined;
      const gn = Math.sqrt(g2);
      step = Math.min(step > 0 ? 2 * step : Infinity, maxMove / gn);
      for (let i = 0; i < d; i++) dir[i] = -g[i];
      return { p: dir, slope: -g2, step, length: gn };
    },
    moved(_x, _fx, _next, _fNext, taken) {
      step = taken;
      return true;
    },
  };
  const start = Float64Array.from(p);
  const r = descendBy(loss, start, loss(start), rule, { minMove: 1e-13 * Math.max(1, maxMove) }, maxIterations);
  return { x: r.x, fx: r.f };
}

/** A local quadratic model of f at x in 1-D or 2-D: f, the gradient, the Hessian [[a, b], [b, c]] (1-D: a) and its eigenvalues hi ≥ lo. */
export interface LocalQuadratic {
  f0: number;
  g: number[];
  a: number;
  b: number;
  c: number;
  hi: number;
  lo: number;
}

/**
 * Damped Newton in 1-D or 2-D on a local quadratic model (`model(x)`, computed anew at every point
 * reached): the step −H⁻¹∇f where H is positive definite, else the gradient step −∇f/ρ (ρ the
 * larger |eigenvalue|, 1 when H is zero); halved at most `halvings` times from 1, each trial point
 * clamped into `box`; stops when the direction is no descent one, when no halving helps, when a
 * move is at most 1e-12 of the point's scale, or after `maxIterations`. Returns the point and the
 * model there.
 */
export function dampedNewton(
  loss: Loss,
  model: (x: Float64Array) => LocalQuadratic,
  start: ArrayLike<number>,
  box: Box,
  maxIterations: number,
  halvings: number,
): { x: Float64Array; q: LocalQuadratic } {
  const d = start.length;
  const p = new Float64Array(d);
  let q = model(Float64Array.from(start));
  const rule: DirectionRule = {
    direction() {
      const [g0, g1] = q.g as [number, number];
      let p1 = 0;
      if (q.lo > 0) {
        // Newton: solve H p = −g (2 × 2, or f″ p = −f′ in 1-D).
        const det = q.a * q.c - q.b * q.b;
        p[0] = d === 1 ? -g0 / q.a : (-q.c * g0 + q.b * g1) / det;
        p1 = d === 1 ? 0 : (q.b * g0 - q.a * g1) / det;
      } else {
        const rho = Math.max(Math.abs(q.hi), Math.abs(q.lo));
        const scale = rho > 0 ? 1 / rho : 1;
        p[0] = -g0 * scale;
        p1 = -g1 * scale;
      }
      if (d === 2) p[1] = p1;
      const slope = g0 * p[0] + g1 * p1;
      if (!(slope < 0) || !Number.isFinite(slope)) return undefined;
      return { p, slope, step: 1 };
    },
    moved(x, _fx, next) {
      let moved = 0;
      for (let j = 0; j < d; j++) moved = Math.max(moved, Math.abs(next[j] - x[j]));
      q = model(Float64Array.from(next));
      return moved > 1e-12 * Math.max(1, ...Array.from(next, Math.abs));
    },
  };
  const r = descendBy(loss, start, q.f0, rule, { halvings, box }, maxIterations);
  return { x: r.x, q };
}

/** L-BFGS memory (pairs kept). */
const MEMORY = 8;
/** Halvings of the step before the L-BFGS line search gives up, and steps in a row without a strict decrease of f before the descent stops (rounding). */
const MAX_HALVINGS = 40;
const MAX_FLAT = 3;

export interface DescentResult {
  x: Float64Array;
  f: number;
  gradientNorm: number;
  iterations: number;
  /** Whether ‖∇f‖ reached the tolerance (else the line search stalled at rounding, or the iterations ran out). */
  converged: boolean;
}

/**
 * The gradient-norm tolerance at a point where f = fx: 1e-8 · max(1, |f|). Below about
 * √(ε|f|λ) a line search on f cannot tell a step's decrease from rounding (≈ 1e-8 on the
 * two-layer example), so tighter would only stall.
 */
export function gradientTolerance(fx: number): number {
  return 1e-8 * Math.max(1, Math.abs(fx));
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/**
 * Minimises f from `start` by L-BFGS (two-loop recursion, memory MEMORY) with the Armijo
 * backtracking line search (at most MAX_HALVINGS halvings from the unit step); a direction that
 * is not a descent one is replaced by −∇f/max(1, ‖∇f‖) and the memory cleared. Stops when
 * ‖∇f‖ ≤ `gradientTolerance(f)`, when no step is accepted or MAX_FLAT steps in a row leave f
 * unchanged (rounding), or after `maxIterations`. Deterministic.
 */
export function descend(loss: Loss, gradient: Gradient, start: ArrayLike<number>, maxIterations: number): DescentResult {
  const d = start.length;
  const g = new Float64Array(d);
  const gNext = new Float64Array(d);
  const dir = new Float64Array(d);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Array<number>(MEMORY).fill(0);
  const x0 = Float64Array.from(start);
  const f0 = loss(x0);
  gradient(x0, g);
  let gn = Math.sqrt(dot(g, g));
  let flat = 0;
  let converged = false;
  const rule: DirectionRule = {
    direction(_x, fx) {
      if (!Number.isFinite(gn)) return undefined;
      if (gn <= gradientTolerance(fx)) {
        converged = true;
        return undefined;
      }
      // Two-loop recursion: dir = −H∇f.
      dir.set(g);
      for (let k = S.length - 1; k >= 0; k--) {
        alpha[k] = rho[k] * dot(S[k], dir);
        for (let i = 0; i < d; i++) dir[i] -= alpha[k] * Y[k][i];
      }
      const last = S.length - 1;
      const gamma = last >= 0 ? dot(S[last], Y[last]) / dot(Y[last], Y[last]) : 1 / Math.max(1, gn);
      for (let i = 0; i < d; i++) dir[i] *= gamma;
      for (let k = 0; k < S.length; k++) {
        const beta = rho[k] * dot(Y[k], dir);
        for (let i = 0; i < d; i++) dir[i] += (alpha[k] - beta) * S[k][i];
      }
      for (let i = 0; i < d; i++) dir[i] = -dir[i];
      let slope = dot(g, dir);
      if (!(slope < 0)) {
        for (let i = 0; i < d; i++) dir[i] = -g[i] / Math.max(1, gn);
        slope = dot(g, dir);
        S.length = Y.length = rho.length = 0;
      }
      return { p: dir, slope, step: 1 };
    },
    moved(x, fx, next, fNext) {
      gradient(next, gNext);
      const s = new Float64Array(d);
      const y = new Float64Array(d);
      for (let i = 0; i < d; i++) {
        s[i] = next[i] - x[i];
        y[i] = gNext[i] - g[i];
      }
      const sy = dot(s, y);
      // Keep the pair only where the curvature is positive (else the update would not be positive definite).
      if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
        if (S.length === MEMORY) {
          S.shift();
          Y.shift();
          rho.shift();
        }
        S.push(s);
        Y.push(y);
        rho.push(1 / sy);
      }
      flat = fNext < fx ? 0 : flat + 1;
      g.set(gNext);
      gn = Math.sqrt(dot(g, g));
      return flat < MAX_FLAT;
    },
  };
  const r = descendBy(loss, x0, f0, rule, { halvings: MAX_HALVINGS }, maxIterations);
  if (!converged && Number.isFinite(r.f) && gn <= gradientTolerance(r.f)) converged = true;
  return { x: r.x, f: r.f, gradientNorm: gn, iterations: r.iterations, converged };
}
