/**
 * The colour scales of the heatmaps: a value map of f or g (viridis over the grid's range with
 * the top 2% clipped), the signed map of c(y) (diverging around 0) and trial counts per cell.
 * Every 2-D chart takes its scale from here, so a new scale (log, quantile) is added once.
 */
import { diverging, viridis } from '../shared/color';
import type { Heat } from '../shared/plot2d';
import { robustExtent } from '../shared/shape';
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
 * A signed quantity (c(y)) coloured `negative` below 0 and `positive` above, the background at 0,
 * symmetric about 0 up to the 98% quantile of |v|.
 */
export function signedHeat(
  grid: Grid,
  x: readonly number[],
  y: readonly number[],
  label: string,
  colors: { negative: string; positive: string },
  t: Theme,
): Heat {
  const maxAbs = robustExtent(grid.flat().filter(Number.isFinite).map(Math.abs), 0.02)?.[1] ?? 1;
  const neg = rgb(colors.negative);
  const pos = rgb(colors.positive);
  const mid = rgb(t.background);
  return {
    grid,
    x,
    y,
    color: (v) => diverging(v, maxAbs, neg, mid, pos),
    cacheKey: `diverging:${maxAbs}:${colors.negative}:${colors.positive}:${t.background}`,
    legend: { min: -maxAbs, max: maxAbs, label, at: (s) => diverging((2 * s - 1) * maxAbs, maxAbs, neg, mid, pos) },
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
