/**
 * The colour scales of the heatmaps: a value map of f or g (viridis over the grid's range with
 * the top 2% clipped), the signed map of c(y) (diverging around 0, each side on its own scale) and
 * trial counts per cell.
 * Every 2-D chart takes its scale from here, so a new scale (log, quantile) is added once.
 */
import { diverging, viridis } from '../shared/color';
import type { Heat } from '../shared/plot2d';
import { formatNumber } from '../shared/format';
import { gridExtent, robustExtent, signedScale } from '../shared/shape';
import { rgb, type Theme } from '../shared/theme';
import type { Grid } from './chart';

const colorRanges = new WeakMap<object, [number, number]>();

/** Colour range of a grid (top 2% clipped), computed once per grid object. */
export function gridColorRange(grid: Grid): [number, number] {
  let r = colorRanges.get(grid);
  if (!r) {
    r = robustExtent(grid.flat(), 0.02) ?? [0, 1];
    colorRanges.set(grid, r);
  }
  return r;
}

/** f or g over the grid on viridis, with a colour bar labelled `label`. */
export function valueHeat(grid: Grid, x: readonly number[], y: readonly number[], label: string, opacity = 1): Heat {
  const [lo, hi] = gridColorRange(grid);
  const span = hi > lo ? hi - lo : 1;
  return {
    grid,
    x,
    y,
    opacity,
    cacheKey: `viridis:${lo}:${hi}`,
    color: (v: number) => viridis((v - lo) / span),
    legend: { min: lo, max: hi, label, at: viridis },
  };
}

/**
 * A signed quantity (c(y)) coloured `negative` below 0 and `positive` above, the background at 0.
 * Each side has its own scale (the 98% quantile of its |v|, `signedScale`), so c ≤ 0 shows its
 * colour even when c > 0 reaches a hundred times further; the colour bar puts 0 in its middle and
 * marks an end "≤" / "≥" where values beyond it were clipped to the full colour.
 */
export function signedHeat(
  grid: Grid,
  x: readonly number[],
  y: readonly number[],
  label: string,
  colors: { negative: string; positive: string },
  t: Theme,
): Heat & { scale: { negative: number; positive: number } } {
  const scale = signedScale(grid.flat());
  const { negative: nMax, positive: pMax } = scale;
  const extent = gridExtent(grid);
  const neg = rgb(colors.negative);
  const pos = rgb(colors.positive);
  const mid = rgb(t.background);
  const color = (v: number) => diverging(v, nMax, pMax, neg, mid, pos);
  // Bar position s ∈ [0, 1]: the lower half spans −nMax … 0, the upper half 0 … pMax.
  const valueAt = (s: number) => (s < 0.5 ? (s * 2 - 1) * nMax : (s * 2 - 1) * pMax);
  const lowClipped = !!extent && extent[0] < -nMax;
  const highClipped = !!extent && extent[1] > pMax;
  return {
    grid,
    x,
    y,
    scale,
    color,
    cacheKey: `diverging:${nMax}:${pMax}:${colors.negative}:${colors.positive}:${t.background}`,
    legend: {
      min: -nMax,
      max: pMax,
      label,
      at: (s) => color(valueAt(s)),
      ticks: [
        { t: 0, label: `${lowClipped ? '≤ ' : ''}${formatNumber(-nMax)}` },
        { t: 0.25, label: formatNumber(-nMax / 2) },
        { t: 0.5, label: '0' },
        { t: 0.75, label: formatNumber(pMax / 2) },
        { t: 1, label: `${highClipped ? '≥ ' : ''}${formatNumber(pMax)}` },
      ],
    },
  };
}

/** Counts per cell on viridis from 1 to the largest count; empty cells take the background. */
export function countHeat(counts: Grid, x: readonly number[], y: readonly number[], label: string, t: Theme): Heat {
  let max = 0;
  for (const row of counts) for (const c of row) if (c > max) max = c;
  const bg = rgb(t.background);
  return {
    grid: counts,
    x,
    y,
    color: (v) => (v <= 0 ? bg : viridis(v / Math.max(1, max))),
    legend: { min: 0, max, label, at: viridis },
  };
}
