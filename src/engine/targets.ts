/**
 * Success targets when the user declares none: the global minima of f as the landscape grid
 * samples it. Every interior local minimum of the sampled f near the lowest value is refined by
 * a few descent steps on f itself; those that end within a small tolerance of the lowest refined
 * value, merged when they meet, are the targets (Himmelblau: its four minima of value 0).
 *
 * The same search, over a box reaching beyond the start boxes, lets the default domain hold the
 * global minima that lie just outside them (`minimaForDomain`; Himmelblau's (−3.78, −3.28) is
 * outside the default start box [−3, 3]²).
 */
import { steepestDescent } from './descent';
import { lossGradient } from './differences';
import { inBox } from './geometry';
import { forEachGridPoint, gridSpacing, gridValue } from './grid';
import type { Box, Gradient, Landscape, Loss, RunConfig, TargetsSource } from './types';

/** Candidates: grid minima within this share of f's range on the grid above the lowest one. */
const CANDIDATE_SHARE = 0.02;
/** At most this many candidates are refined (the lowest). */
const MAX_CANDIDATES = 64;
/** Targets: refined minima within this share of f's range on the grid above the lowest one. */
export const TARGET_SHARE = 1e-4;
/** More global minima than this means f is flat there: no isolated targets (x* is used). */
export const MAX_FOUND_TARGETS = 16;
/** Descent steps per candidate (steepest descent, each move at most a grid step: `steepestDescent`). */
const REFINE_STEPS = 100;

export interface FoundTargets {
  targets: number[][];
  source: TargetsSource;
  /** f at each target. */
  values: number[];
}

/** Interior grid points whose f is finite and no larger than any neighbour's (8 in 2-D, 2 along a line). */
function gridMinima(landscape: Landscape, dim: number): Array<{ p: number[]; v: number }> {
  const f = landscape.f;
  const nx = landscape.x.length;
  const ny = dim === 2 ? (landscape.y?.length ?? 0) : 0;
  const out: Array<{ p: number[]; v: number }> = [];
  const at = (row: number, i: number) => {
    const v = gridValue(f, dim, row, i);
    return v !== undefined && Number.isFinite(v) ? v : Infinity;
  };
  forEachGridPoint(landscape, dim, (p, row, i) => {
    if (i === 0 || i === nx - 1) return;
    if (dim === 2 && (row === 0 || row === ny - 1)) return;
    const v = at(row, i);
    if (!Number.isFinite(v)) return;
    if (dim === 2) {
      for (let dr = -1; dr <= 1; dr++) for (let di = -1; di <= 1; di++) if ((dr || di) && at(row + dr, i + di) < v) return;
    } else if (at(row, i - 1) < v || at(row, i + 1) < v) {
      return;
    }
    out.push({ p: Array.from(p), v });
  });
  return out;
}

/**
 * The global minima of f on the landscape's grid (see the file comment), inside config.domain.
 * When there is no interior grid minimum, or more than MAX_FOUND_TARGETS of them tie (a flat f),
 * the target is x* alone (`source: 'x-star'`).
 */
export function findTargets(
  loss: Loss,
  grad: Gradient | undefined,
  config: RunConfig,
  landscape: Landscape,
  xStar: number[],
): FoundTargets {
  const d = config.dim;
  const fallback = (): FoundTargets => ({ targets: [[...xStar]], source: 'x-star', values: [loss(Float64Array.from(xStar))] });
  let lo = Infinity;
  let hi = -Infinity;
  forEachGridPoint(landscape, d, (_, row, i) => {
    const v = gridValue(landscape.f, d, row, i);
    if (v !== undefined && Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  });
  if (!(hi > lo)) return fallback();
  const range = hi - lo;
  const minima = gridMinima(landscape, d);
  if (minima.length === 0) return fallback();
  const lowest = Math.min(...minima.map((m) => m.v));
  const candidates = minima
    .filter((m) => m.v <= lowest + CANDIDATE_SHARE * range)
    .sort((a, b) => a.v - b.v)
    .slice(0, MAX_CANDIDATES);

  const h = gridSpacing(landscape);
  const gradient = lossGradient(loss, grad, config);
  const refined = candidates
    .map((c) => steepestDescent(loss, gradient, c.p, h, REFINE_STEPS))
    .filter((r) => Number.isFinite(r.fx) && inBox(r.x, config.domain))
    .sort((a, b) => a.fx - b.fx);
  if (refined.length === 0) return fallback();
  const best = refined[0].fx;
  const tol = TARGET_SHARE * range + 1e-12 * Math.max(1, Math.abs(best));
  const kept: Array<{ x: Float64Array; fx: number }> = [];
  for (const r of refined) {
    if (r.fx > best + tol) break;
    // Two candidates that refined to the same minimum (within two grid steps) are one target.
    if (kept.some((k) => Math.hypot(...k.x.map((v, i) => v - r.x[i])) <= 2 * h)) continue;
    kept.push(r);
  }
  if (kept.length > MAX_FOUND_TARGETS) return fallback();
  return { targets: kept.map((k) => Array.from(k.x)), source: 'found', values: kept.map((k) => k.fx) };
}

/** Share of the start boxes' width, on each side, that the default domain's search for minima looks beyond them. */
export const DOMAIN_SEARCH = 0.25;
/** Grid points per axis of that search (1-D, 2-D). */
export const DOMAIN_SEARCH_POINTS = { oneD: 401, twoD: 81 } as const;

/** The box the default domain's search for minima covers: the start boxes' union grown by DOMAIN_SEARCH of its width on each side. */
export function domainSearchBox(boxes: readonly Box[]): Box {
  const d = boxes[0].low.length;
  const low = new Array<number>(d);
  const high = new Array<number>(d);
  for (let i = 0; i < d; i++) {
    const lo = Math.min(...boxes.map((b) => b.low[i]));
    const hi = Math.max(...boxes.map((b) => b.high[i]));
    low[i] = lo - DOMAIN_SEARCH * (hi - lo);
    high[i] = hi + DOMAIN_SEARCH * (hi - lo);
  }
  return { low, high };
}

/**
 * The global minima of f over `box` (`domainSearchBox`), found as `findTargets` finds a run's
 * targets, on a grid of DOMAIN_SEARCH_POINTS per axis; [] when none are isolated (f flat, or no
 * interior minimum) and for d > 2 (no grid). Non-finite values are gaps.
 */
export function minimaForDomain(loss: Loss, grad: Gradient | undefined, config: RunConfig, box: Box): number[][] {
  const d = config.dim;
  if (d > 2) return [];
  const n = d === 1 ? DOMAIN_SEARCH_POINTS.oneD : DOMAIN_SEARCH_POINTS.twoD;
  const axis = (j: number) => Array.from({ length: n }, (_, i) => box.low[j] + (i * (box.high[j] - box.low[j])) / (n - 1));
  const x = axis(0);
  const p = new Float64Array(d);
  const at = (): number => {
    const v = loss(p);
    return Number.isFinite(v) ? v : NaN;
  };
  let landscape: Landscape;
  if (d === 1) {
    landscape = { x, f: x.map((xi) => ((p[0] = xi), at())), smoothed: [] };
  } else {
    const y = axis(1);
    landscape = { x, y, f: y.map((yi) => x.map((xi) => ((p[0] = xi), (p[1] = yi), at()))), smoothed: [] };
  }
  const centre = box.low.map((l, j) => (l + box.high[j]) / 2);
  const found = findTargets(loss, grad, { ...config, domain: box }, landscape, centre);
  return found.source === 'found' ? found.targets : [];
}
