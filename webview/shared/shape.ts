/**
 * Data shaping for the charts: extents, histogram bars, path thinning for the time slider,
 * axis ticks. Pure functions (no DOM); unit-tested in test/unit/webview-shape.test.ts.
 * Colour maps are in color.ts; the quantile extents the colour scales read are in
 * src/view/scaleKind.ts (the host reads them too), re-exported here.
 */
import { robustExtent } from '../../src/view/scaleKind';

export { quantileExtent, robustExtent } from '../../src/view/scaleKind';

/** [min, max] of the finite values, or undefined when there are none. */
export function finiteExtent(values: Iterable<number>): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** Extent over a 2-D grid (rows of numbers). */
export function gridExtent(grid: readonly (readonly number[])[]): [number, number] | undefined {
  return finiteExtent(
    (function* () {
      for (const row of grid) yield* row;
    })(),
  );
}

/**
 * The two half-scales of a signed map centred at 0: the (1 − clip) quantile of |v| over the
 * negative values and over the positive values, each side on its own. A side without values
 * takes the other's scale (1 when both are empty).
 */
export function signedScale(values: Iterable<number>, clip = 0.02): { negative: number; positive: number } {
  const neg: number[] = [];
  const pos: number[] = [];
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < 0) neg.push(-v);
    else if (v > 0) pos.push(v);
  }
  const top = (a: number[]) => robustExtent(a, clip)?.[1];
  const n = top(neg);
  const p = top(pos);
  return { negative: n ?? p ?? 1, positive: p ?? n ?? 1 };
}

export interface Bars {
  /** Bin centres (x positions of the bars). */
  centers: number[];
  /** Bin widths. */
  widths: number[];
  counts: number[];
}

/** Bars from histogram edges (length n+1) and counts (length n). */
export function histogramBars(edges: readonly number[], counts: readonly number[]): Bars {
  const n = Math.min(counts.length, Math.max(0, edges.length - 1));
  const centers: number[] = [];
  const widths: number[] = [];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    centers.push((edges[i]! + edges[i + 1]!) / 2);
    widths.push(edges[i + 1]! - edges[i]!);
    out.push(counts[i]!);
  }
  return { centers, widths, counts: out };
}

/**
 * The bracket [lo, hi = lo + 1] of x in the first `n` increasing xs (xs[lo] ≤ x < xs[hi]), by
 * bisection; for xs[0] ≤ x < xs[n − 1] and n ≥ 2 (the callers handle the ends).
 */
export function bracket(xs: readonly number[], x: number, n = xs.length): [number, number] {
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid;
    else hi = mid;
  }
  return [lo, hi];
}

/** Linear interpolation of ys over increasing xs at x (clamped to the ends; NaN when empty). */
export function interpolate1D(xs: readonly number[], ys: readonly number[], x: number): number {
  const n = Math.min(xs.length, ys.length);
  if (n === 0 || !Number.isFinite(x)) return NaN;
  if (x <= xs[0]!) return ys[0]!;
  if (x >= xs[n - 1]!) return ys[n - 1]!;
  const [lo, hi] = bracket(xs, x, n);
  const t = (x - xs[lo]!) / (xs[hi]! - xs[lo]!);
  return ys[lo]! + t * (ys[hi]! - ys[lo]!);
}

/** `count` indices spread evenly over [0, n), first and last included (all of them when n ≤ count). */
export function evenIndices(n: number, count: number): number[] {
  if (n <= 0 || count <= 0) return [];
  if (count >= n) return Array.from({ length: n }, (_, i) => i);
  if (count === 1) return [0];
  const out: number[] = [];
  for (let k = 0; k < count; k++) {
    const i = Math.round((k * (n - 1)) / (count - 1));
    if (out[out.length - 1] !== i) out.push(i);
  }
  return out;
}

/**
 * The part of a thinned path up to global step `step` (the time slider's position). Points
 * whose step is ≤ `step` are kept; when `step` falls between two kept points the last point is
 * interpolated linearly so the animation moves smoothly between stored points.
 */
export function pathUntil(path: readonly (readonly number[])[], steps: readonly number[], step: number): number[][] {
  const n = Math.min(path.length, steps.length);
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const s = steps[i]!;
    if (s <= step) {
      out.push(path[i]!.slice());
      continue;
    }
    if (i > 0) {
      const s0 = steps[i - 1]!;
      const t = (step - s0) / (s - s0);
      if (t > 0 && t < 1) {
        const a = path[i - 1]!;
        const b = path[i]!;
        out.push(a.map((v, k) => v + t * (b[k]! - v)));
      }
    }
    break;
  }
  return out;
}

/** Keeps at most `max` points of a path (first and last always), for drawing long paths fast. */
export function thinPath<T>(path: readonly T[], max: number): T[] {
  return evenIndices(path.length, max).map((i) => path[i]!);
}

/** Euclidean distance. */
export function distance(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - (b[i] ?? 0);
    s += d * d;
  }
  return Math.sqrt(s);
}

/**
 * Runs of x where a sampled curve is positive, as [from, to] intervals reaching half a cell
 * beyond the outer samples (so a shaded band covers the samples it stands for). A NaN between
 * two positive samples (c(y) is undefined at x* itself) does not split a run.
 */
export function positiveIntervals(x: readonly number[], values: readonly number[]): Array<[number, number]> {
  const n = Math.min(x.length, values.length);
  const positive = (i: number): boolean => {
    const v = values[i]!;
    if (Number.isNaN(v)) return i > 0 && i < n - 1 && values[i - 1]! > 0 && values[i + 1]! > 0;
    return v > 0;
  };
  const half = (i: number, dir: -1 | 1): number => {
    const j = i + dir;
    if (j < 0 || j >= n) return x[i]!;
    return (x[i]! + x[j]!) / 2;
  };
  const out: Array<[number, number]> = [];
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const p = i < n && positive(i);
    if (p && start < 0) start = i;
    if (!p && start >= 0) {
      out.push([half(start, -1), half(i - 1, 1)]);
      start = -1;
    }
  }
  return out;
}

/** "Nice" tick values covering [min, max] with about `count` ticks (1, 2, 5 × 10^k spacing). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  if (min > max) [min, max] = [max, min];
  const raw = (max - min) / Math.max(1, count);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) {
    out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  }
  return out;
}

/**
 * [lo, hi] widened outward to whole steps of the ticks `niceTicks(lo, hi, count)` would draw, so
 * an axis fitted to data starts and ends on round ticks (−20 … 10, not −17.4 … 6.88).
 */
export function roundedRange(lo: number, hi: number, count = 5): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [lo, hi];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return [lo - 1, hi + 1];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const round = (v: number) => (Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return [round(Math.floor(lo / step + 1e-9) * step), round(Math.ceil(hi / step - 1e-9) * step)];
}

/** A stretch of a curve beyond an axis: where it reaches furthest and how far. */
export interface Clipped {
  x: number;
  value: number;
  side: 'above' | 'below';
}

/**
 * The stretches of the curve values[i] over x[i] that leave [lo, hi] (consecutive points beyond the
 * same side), each reported once at its most extreme point: what an axis clipped away.
 */
export function clippedStretches(x: readonly number[], values: readonly number[], lo: number, hi: number): Clipped[] {
  const out: Clipped[] = [];
  let cur: Clipped | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const side = v > hi ? 'above' : v < lo ? 'below' : undefined;
    if (!side || !Number.isFinite(v)) {
      cur = undefined;
      continue;
    }
    if (cur && cur.side === side) {
      if (side === 'above' ? v > cur.value : v < cur.value) {
        cur.value = v;
        cur.x = x[i]!;
      }
      continue;
    }
    cur = { x: x[i]!, value: v, side };
    out.push(cur);
  }
  return out;
}
