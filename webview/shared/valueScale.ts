/**
 * How the values of a map (f or g) become positions t ∈ [0, 1] on a colour map: linear, log or
 * rank (quantile), and which one `auto` picks. Pure (no DOM); unit-tested in
 * test/unit/webview-scale.test.ts.
 *
 * - linear: from the least value to the 98% quantile (the top 2% clipped, so one corner that
 *   explodes does not wash the map into one colour);
 * - log: t = log(1 + u/δ) / log(1 + U/δ) with u = v − min, U the same 98% top and δ = U / 10⁴,
 *   so four decades above the minimum are told apart (Rosenbrock's valley within 0 … 10⁴);
 * - rank: t = the fraction of the map's values below v (every colour covers as many cells).
 *
 * Which one `auto` picks: `autoScale` (src/view/scaleKind.ts, which the host reads too).
 */
import { formatNumber } from './format';
import { niceTicks } from './shape';
import { SCALE_CLIP as CLIP, autoScale, autoScaleOfSorted, clippedTop, finiteSorted } from '../../src/view/scaleKind';

export { autoScale };

export type ScaleKind = 'linear' | 'log' | 'rank';
export type ScaleChoice = ScaleKind | 'auto';

export interface ValueScale {
  kind: ScaleKind;
  /** Position on the colour map, clamped to [0, 1]. */
  at: (v: number) => number;
  /** Value range of the colour bar (least value, clipped top). */
  min: number;
  max: number;
  /** Colour-bar ticks: position and label. */
  ticks: Array<{ t: number; label: string }>;
  /**
   * `n` contour levels evenly spaced in colour: the values at t = 1/(n+1), …, n/(n+1) (on a log
   * scale they crowd toward the minimum as its colours do; on a rank scale they are quantiles).
   */
  levels: (n: number) => number[];
}

const evenly = (n: number) => Array.from({ length: Math.max(0, n) }, (_, k) => (k + 1) / (n + 1));

/** Log scale: δ = top / LOG_SPAN, i.e. four decades above the minimum. */
const LOG_SPAN = 1e4;

const clamp01 = (t: number) => (Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0);

/** The scale of `kind` (or `auto`'s pick) over these values. */
export function valueScale(values: Iterable<number>, choice: ScaleChoice): ValueScale {
  const sorted = finiteSorted(values);
  const kind = choice === 'auto' ? autoScaleOfSorted(sorted) : choice;
  if (sorted.length === 0) return { kind, at: () => 0, min: 0, max: 1, ticks: [], levels: () => [] };
  const lo = sorted[0]!;
  const hi = clippedTop(sorted, CLIP);
  const span = hi - lo;
  if (kind === 'rank') {
    const n = sorted.length;
    // Fraction of values strictly below v, by binary search.
    const below = (v: number) => {
      let a = 0;
      let b = n;
      while (a < b) {
        const m = (a + b) >> 1;
        if (sorted[m]! < v) a = m + 1;
        else b = m;
      }
      return a;
    };
    const at = (v: number) => (n > 1 ? clamp01(below(v) / (n - 1)) : 0);
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((q) => ({ t: q, label: formatNumber(sorted[Math.round(q * (n - 1))]!) }));
    const levels = (k: number) => [...new Set(evenly(k).map((q) => sorted[Math.round(q * (n - 1))]!))];
    return { kind, at, min: lo, max: sorted[n - 1]!, ticks, levels };
  }
  if (!(span > 0)) return { kind, at: () => 0.5, min: lo, max: hi, ticks: [{ t: 0.5, label: formatNumber(lo) }], levels: () => [] };
  if (kind === 'log') {
    const delta = span / LOG_SPAN;
    const denominator = Math.log1p(span / delta);
    const at = (v: number) => clamp01(Math.log1p(Math.max(0, v - lo) / delta) / denominator);
    // Ticks at the minimum and at min + 10^k for the powers of ten from 10δ to the top, labelled
    // "+10^k" above a minimum that is not 0.
    const ticks = [{ t: 0, label: formatNumber(lo) }];
    for (let k = Math.ceil(Math.log10(delta * 10)); Math.pow(10, k) <= span * (1 + 1e-9); k++) {
      const u = Math.pow(10, k);
      ticks.push({ t: at(lo + u), label: lo === 0 ? formatNumber(u) : `+${formatNumber(u)}` });
    }
    const levels = (n: number) => evenly(n).map((t) => lo + delta * Math.expm1(t * denominator));
    return { kind, at, min: lo, max: hi, ticks, levels };
  }
  const at = (v: number) => clamp01((v - lo) / span);
  const ticks = niceTicks(lo, hi, 4).map((v) => ({ t: (v - lo) / span, label: formatNumber(v) }));
  return { kind, at, min: lo, max: hi, ticks, levels: (n) => evenly(n).map((t) => lo + span * t) };
}
