/**
 * x* and the success targets for d > 2 when the user declares none (issue 14). A grid argmin over
 * 1-D slices is no minimum in 17-D (on the two-layer example it is the centre of the domain, a
 * saddle), so here x* is a real local minimum of f: deterministic descent (L-BFGS with an Armijo
 * backtracking line search, to a gradient-norm tolerance, a saddle left along its most negative
 * Hessian direction) from the trials' finals, lowest f first. The descent itself is descent.ts's.
 *
 * Success for such an f: a network's minima come in symmetric copies (hidden units permute, tanh
 * units flip sign), so one point undercounts. The targets are every distinct minimum the descent
 * from the finals reaches whose f lies within `valueTolerance` of the lowest found, x* (the same share
 * of f's range on the landscape that 1-D and 2-D found targets use, `TARGET_SHARE`; the run takes the
 * range on the slices through x* it returns, `minimaTargets`); success is ending within the success
 * radius of one of them (success.ts's rule, unchanged).
 */
import { descend, type DescentResult } from './descent';
import { distance, inBox } from './geometry';
import { TARGET_SHARE } from './targets';
import { symmetricEigen } from './gradientNoise';
import type { Gradient, Landscape, Loss, MethodResult, MinimaSearch, RunConfig } from './types';

/** Iterations of the descent to x* (from the lowest final), and of every other descent. */
export const XSTAR_ITERATIONS = 2000;
export const DESCENT_ITERATIONS = 500;
/**
 * At most this many finals are descended (the lowest f first); the rest are judged by distance to
 * the targets found. A descent costs up to DESCENT_ITERATIONS full gradients (on the two-layer
 * example about 0.1 s), so descending all of 100,000 finals is out of reach; the cap binds only when
 * more than 256 finals lie near no lowest-value minimum already found (100 trials of two methods never
 * do), and the finals it leaves near no target are counted (`MinimaSearch.capped`) and said: the
 * success count may miss those that lie in a copy of the lowest minimum no descent reached.
 */
export const MAX_DESCENTS = 256;
/** Minima closer than this share of the domain diameter are one minimum. */
const MERGE_SHARE = 1e-3;
/** Saddles left along negative curvature before giving up (x* only). */
const MAX_ESCAPES = 4;
/** The Hessian check (2d gradients) is done up to this dimension. */
export const HESSIAN_MAX_DIM = 64;

/**
 * The Hessian of f at x by central differences of the gradient (step 1e-4·max(1, |x_i|)),
 * symmetrised; its smallest eigenvalue and that eigenvector. 2d gradient calls.
 */
export function smallestCurvature(gradient: Gradient, x: ArrayLike<number>): { value: number; vector: number[] } {
  const d = x.length;
  const p = Float64Array.from(x);
  const up = new Float64Array(d);
  const down = new Float64Array(d);
  const H: number[][] = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let j = 0; j < d; j++) {
    const xj = p[j];
    const h = 1e-4 * Math.max(1, Math.abs(xj));
    p[j] = xj + h;
    const a = p[j];
    gradient(p, up);
    p[j] = xj - h;
    const b = p[j];
    gradient(p, down);
    p[j] = xj;
    for (let i = 0; i < d; i++) H[i][j] = (up[i] - down[i]) / (a - b);
  }
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const m = 0.5 * (H[i][j] + H[j][i]);
      H[i][j] = H[j][i] = m;
    }
  }
  const { values, vectors } = symmetricEigen(H);
  return { value: values[d - 1], vector: vectors[d - 1] };
}

/**
 * `descend`, then (d ≤ HESSIAN_MAX_DIM) the Hessian check: where the smallest curvature is below
 * −1e-6·max(1, |largest|)… a saddle, the point moves along that direction (the side and length, from
 * 1 down by halves, that lowers f most) and descends again, at most MAX_ESCAPES times.
 */
export function descendToMinimum(
  loss: Loss,
  gradient: Gradient,
  start: ArrayLike<number>,
  maxIterations: number,
): DescentResult & { minEigenvalue?: number; escapes: number } {
  let r = descend(loss, gradient, start, maxIterations);
  const d = start.length;
  if (d > HESSIAN_MAX_DIM) return { ...r, escapes: 0 };
  let escapes = 0;
  let iterations = r.iterations;
  for (;;) {
    const curv = smallestCurvature(gradient, r.x);
    if (!(curv.value < -1e-6) || escapes >= MAX_ESCAPES || !Number.isFinite(r.f)) {
      return { ...r, iterations, minEigenvalue: curv.value, escapes };
    }
    // Leave the saddle: the first of ±t·v (t = 1, ½, ¼, …) that lowers f.
    const trial = new Float64Array(d);
    let moved: Float64Array | undefined;
    for (let t = 1; t > 1e-8 && !moved; t /= 2) {
      for (const sign of [1, -1]) {
        for (let i = 0; i < d; i++) trial[i] = r.x[i] + sign * t * curv.vector[i];
        if (loss(trial) < r.f) {
          moved = Float64Array.from(trial);
          break;
        }
      }
    }
    if (!moved) return { ...r, iterations, minEigenvalue: curv.value, escapes };
    escapes++;
    r = descend(loss, gradient, moved, maxIterations);
    iterations += r.iterations;
  }
}

/** f's range over the landscape's finite values (1-D, 2-D or d > 2 slices). */
function landscapeRange(landscape: Landscape): number {
  let lo = Infinity;
  let hi = -Infinity;
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === 'number' && Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  };
  visit(landscape.f);
  return hi > lo ? hi - lo : 0;
}

export interface MinimaOfFinals {
  xStar: number[];
  targets: number[][];
  search: MinimaSearch;
  /** Every distinct minimum found, x* (the lowest) first, then in the order found (for `minimaTargets`). */
  found: Array<{ x: number[]; f: number }>;
  /** The finals left undescended by the cap, and the skip radius they are judged by. */
  pastCap: Array<ArrayLike<number>>;
  skipRadius: number;
}

/**
 * x* and the targets from the finals of every method (see the file comment). Finals that did not
 * diverge, with finite f, inside the domain, are taken lowest f first (ties: method, then trial);
 * one within `skipRadius` of a minimum already found at the lowest value (within the value
 * tolerance on `landscape`, the slices known before x*) is not descended again (it is judged by
 * distance), the others are, up to MAX_DESCENTS. The first descent (from the lowest final) runs the
 * Hessian check. x* is the lowest minimum found (the first found among equal values; the Hessian
 * check is run from it when the first descent did not end there), so no tolerance decides it.
 * `fallbackStart` (the slice grid's minimum) is descended when no final qualifies. Undefined when no
 * descent ends finite inside the domain. The targets: `minimaTargets` on `landscape`.
 */
export function minimaOfFinals(
  loss: Loss,
  gradient: Gradient,
  config: RunConfig,
  landscape: Landscape,
  methods: readonly MethodResult[],
  skipRadius: number,
  fallbackStart: number[],
): MinimaOfFinals | undefined {
  const domain = config.domain;
  const candidates: Array<{ method: number; trial: number; f: number; p: ArrayLike<number> }> = [];
  methods.forEach((m, mi) =>
    m.finals.forEach((p, t) => {
      if (m.divergedMask[t] || !inBox(p, domain)) return;
      const f = loss(Float64Array.from(p));
      if (Number.isFinite(f)) candidates.push({ method: mi, trial: t, f, p });
    }),
  );
  candidates.sort((a, b) => a.f - b.f || a.method - b.method || a.trial - b.trial);
  const range = landscapeRange(landscape);
  const merge = MERGE_SHARE * distance(domain.low, domain.high);
  type Found = { x: number[]; f: number; from?: MinimaSearch['start'] };
  const minima: Found[] = [];
  let first: (DescentResult & { minEigenvalue?: number; escapes: number }) | undefined;
  let descents = 0;
  const tolerance = (best: number) => TARGET_SHARE * range + 1e-9 * Math.max(1, Math.abs(best));
  const bestOf = () => Math.min(...minima.map((m) => m.f));
  const add = (r: DescentResult, from?: MinimaSearch['start']) => {
    if (!Number.isFinite(r.f) || !inBox(r.x, domain)) return;
    if (!minima.some((m) => distance(m.x, r.x) <= merge)) minima.push({ x: Array.from(r.x), f: r.f, ...(from ? { from } : {}) });
  };
  // Candidates from here on were not looked at: the cap was reached.
  let stoppedAt = candidates.length;
  for (const [i, c] of candidates.entries()) {
    if (descents >= MAX_DESCENTS) {
      stoppedAt = i;
      break;
    }
    if (minima.length > 0) {
      const best = bestOf();
      const tol = tolerance(best);
      if (minima.some((m) => m.f <= best + tol && distance(m.x, c.p) <= skipRadius)) continue;
    }
    descents++;
    const from = { method: c.method, trial: c.trial, f: c.f };
    if (!first) {
      first = descendToMinimum(loss, gradient, c.p, XSTAR_ITERATIONS);
      add(first, from);
    } else {
      add(descend(loss, gradient, c.p, DESCENT_ITERATIONS), from);
    }
  }
  if (minima.length === 0) {
    // No final qualified (or none descended to a finite point in the domain): from the slice grid's minimum.
    first = descendToMinimum(loss, gradient, fallbackStart, XSTAR_ITERATIONS);
    descents++;
    add(first);
    if (minima.length === 0) return undefined;
  }
  // x*: the lowest minimum found (the first found among equal values), so it is a target whatever
  // the tolerance; its own descent record: the first descent when it found x*, else x*'s descent
  // continued with the Hessian check.
  const lowest = minima.reduce((b, m) => (m.f < b.f ? m : b));
  const own = first && distance(first.x, lowest.x) <= merge ? first : descendToMinimum(loss, gradient, lowest.x, XSTAR_ITERATIONS);
  const xStar = Array.from(own.x);
  const value = loss(Float64Array.from(xStar));
  const found = [{ ...lowest, x: xStar, f: Math.min(value, lowest.f) }, ...minima.filter((m) => m !== lowest)];
  const start = lowest.from;
  const values = minima.map((m) => m.f).sort((a, b) => a - b);
  const searched: Omit<MinimaOfFinals, 'targets' | 'search'> & { search: Omit<MinimaSearch, 'capped' | 'valueTolerance'> } = {
    xStar,
    found: found.map(({ x, f }) => ({ x, f })),
    pastCap: candidates.slice(stoppedAt).map((c) => c.p),
    skipRadius,
    search: {
      ...(start ? { start } : {}),
      value,
      gradientNorm: own.gradientNorm,
      converged: own.converged,
      iterations: own.iterations,
      ...(own.minEigenvalue !== undefined ? { minEigenvalue: own.minEigenvalue } : {}),
      saddleEscapes: own.escapes,
      candidates: candidates.length,
      descents,
      minima: minima.length,
      values,
      mergeDistance: merge,
    },
  };
  return minimaTargets(searched, landscape);
}

/**
 * The targets among the minima found: those whose f lies within `valueTolerance` — TARGET_SHARE of
 * f's range on `landscape` plus 1e-9·max(1, |f(x*)|) — of the lowest, x* (the lowest) first; and the
 * finals past the cap near none of them (`capped`). `minimaOfFinals` calls it with the slices it
 * had (computed before the trials); the run calls it again with the slices through x* it returns
 * (diagnostics.ts finishRun), so the tolerance is f's range on the slices the result carries.
 */
export function minimaTargets(
  m: Omit<MinimaOfFinals, 'targets' | 'search'> & { search: Omit<MinimaSearch, 'capped' | 'valueTolerance'> },
  landscape: Landscape,
): MinimaOfFinals {
  const best = m.found[0].f;
  const valueTolerance = TARGET_SHARE * landscapeRange(landscape) + 1e-9 * Math.max(1, Math.abs(best));
  const targets = m.found.filter((t) => t.f <= best + valueTolerance).map((t) => t.x);
  // Past the cap, a final near no target is judged by distance alone: it may lie in a copy of the
  // lowest minimum that no descent reached, so the success count may miss it (said in the words).
  const capped = m.pastCap.filter((p) => !targets.some((t) => distance(t, p) <= m.skipRadius)).length;
  return { ...m, targets, search: { ...m.search, capped, valueTolerance } };
}
