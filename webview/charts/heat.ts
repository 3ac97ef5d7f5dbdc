/**
 * The colour scales of the heatmaps: a value map of f or g (viridis on a linear, log or rank
 * scale, valueScale.ts), the signed map of c(y) (diverging around 0, each side on its own scale) and
 * trial counts per cell. Every 2-D chart takes its scale from here.
 */
import { diverging, viridis } from '../shared/color';
import type { Heat } from '../shared/plot2d';
import { formatNumber } from '../shared/format';
import { gridExtent, signedScale } from '../shared/shape';
import { valueScale, type ScaleChoice, type ScaleKind, type ValueScale } from '../shared/valueScale';
import { rgb, type Theme } from '../shared/theme';
import { sharedAutoScale } from '../../src/view/scaleKind';
import type { Grid } from './chart';

const scales = new WeakMap<object, Map<ScaleChoice, ValueScale>>();

/** The colour scale of a grid, computed once per grid object and choice (time-slider frames reuse it). */
export function gridScale(grid: Grid, choice: ScaleChoice): ValueScale {
  let byChoice = scales.get(grid);
  if (!byChoice) scales.set(grid, (byChoice = new Map()));
  let s = byChoice.get(choice);
  if (!s) byChoice.set(choice, (s = valueScale(grid.flat(), choice)));
  return s;
}

const sharedKinds = new WeakMap<object, ScaleKind>();

/**
 * The one scale kind every map of f and g of a run takes, so f and the g beside it read alike:
 * `choice` itself, or for `auto` log when any of the maps spans decades (src/view/scaleKind.ts autoScale
 * on each: smoothing narrows g's range, and f on log beside g on linear read as two different
 * functions), else linear. Each map keeps its own range. Computed once per `key` (the landscape).
 */
export function sharedScaleKind(key: object, grids: () => readonly Grid[], choice: ScaleChoice): ScaleKind {
  if (choice !== 'auto') return choice;
  let kind = sharedKinds.get(key);
  if (!kind) sharedKinds.set(key, (kind = sharedAutoScale(grids().map((g) => gridScale(g, 'auto').kind))));
  return kind;
}

/** The scale kind of a 2-D run's f and g maps (sharedScaleKind over landscape.f and every landscape.smoothed). */
export function landscapeScale(landscape: { f: unknown; smoothed: ReadonlyArray<{ values: unknown }> }, choice: ScaleChoice): ScaleKind {
  return sharedScaleKind(landscape, () => [landscape.f as Grid, ...landscape.smoothed.map((s) => s.values as Grid)], choice);
}

const SCALE_WORDS: Record<ScaleKind, string> = { linear: '', log: ' (log)', rank: ' (rank)' };

/**
 * f or g over the grid on viridis, on the scale `choice` (`auto`: log when the map spans decades,
 * see valueScale.ts), with a colour bar labelled `label` and the scale.
 */
export function valueHeat(
  grid: Grid,
  x: readonly number[],
  y: readonly number[],
  label: string,
  opacity = 1,
  choice: ScaleChoice = 'auto',
): Heat & { scale: ScaleKind } {
  const s = gridScale(grid, choice);
  const above = s.kind === 'log' && s.min !== 0 ? ' above its least value' : '';
  return {
    grid,
    x,
    y,
    opacity,
    scale: s.kind,
    cacheKey: `viridis:${s.kind}:${s.min}:${s.max}`,
    color: (v: number) => viridis(s.at(v)),
    legend: { min: s.min, max: s.max, label: `${label}${SCALE_WORDS[s.kind]}${above}`, at: viridis, ticks: s.ticks },
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

/**
 * Counts per cell on viridis from 1 to the largest count (or `sharedMax`, so that columns of
 * several methods or runs read on one scale); empty cells take the background.
 */
export function countHeat(counts: Grid, x: readonly number[], y: readonly number[], label: string, t: Theme, sharedMax?: number): Heat {
  let max = sharedMax ?? 0;
  if (sharedMax === undefined) for (const row of counts) for (const c of row) if (c > max) max = c;
  const bg = rgb(t.background);
  return {
    grid: counts,
    x,
    y,
    color: (v) => (v <= 0 ? bg : viridis(v / Math.max(1, max))),
    legend: { min: 0, max, label, at: viridis },
  };
}
