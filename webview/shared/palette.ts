/**
 * Which colour each thing the charts draw takes, in both webviews, from the theme's colours.
 * Charts ask for a role (`sgd`, `xStar`, `series(k)`), never for a hue, so a change of palette
 * (contrast, colour-blind safety) is made here once.
 */
import type { Theme } from './theme';

export interface Palette {
  /** SGD's paths, finals and bars. */
  sgd: string;
  /** GD's paths, finals and bars. */
  gd: string;
  /** The x* marker and rules. */
  xStar: string;
  /** Start markers of the sampled paths. */
  start: string;
  /** The loss f drawn as a curve. */
  f: string;
  /** The initialisation box drawn over 2-D maps. */
  box: string;
  /** Zero lines and stage rules. */
  rule: string;
  /** c(y) > 0 and c(y) ≤ 0 on the 2-D map. */
  cPositive: string;
  cNegative: string;
  /** Shading of the intervals where c(y) > 0 (1-D). */
  cPositiveBand: string;
  /** The c(y) = 0 contour on the 2-D map. */
  cZero: string;
  /** The estimated c (the infimum) as a rule, and where c(y) is least on the 2-D map. */
  cEstimate: string;
  cInf: string;
  /** Figure 5: (a) min and mean, (b) the probe in its two readings (toward x_T from x_t, from w), (c) the gradient norm. */
  innerMin: string;
  innerMean: string;
  probe: string;
  probeAtW: string;
  gradNorm: string;
  /** The k-th of several curves of one kind (smoothing radii, slices). */
  series: (k: number) => string;
}

export function palette(t: Theme): Palette {
  const series = [t.blue, t.orange, t.green, t.purple, t.yellow, t.red];
  return {
    sgd: t.blue,
    gd: t.orange,
    xStar: t.red,
    start: t.foreground,
    f: t.foreground,
    box: t.foreground,
    rule: t.muted,
    cPositive: t.blue,
    cNegative: t.red,
    cPositiveBand: t.green,
    cZero: t.foreground,
    cEstimate: t.red,
    cInf: t.foreground,
    innerMin: t.red,
    innerMean: t.blue,
    probe: t.purple,
    probeAtW: t.orange,
    gradNorm: t.green,
    series: (k) => series[k % series.length]!,
  };
}
