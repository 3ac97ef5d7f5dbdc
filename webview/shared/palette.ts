/**
 * Which colour each thing the charts draw takes, in both webviews, from the theme's colours.
 * Charts ask for a role (`sgd`, `xStar`, `series(k)`), never for a hue, so a change of palette
 * (contrast, colour-blind safety) is made here once.
 */
import type { Shape } from './canvasMarks';
import type { Theme } from './theme';

/**
 * The methods' colours (RUN.json `methods`, in their order; the paper's pair SGD, GD is methods 0
 * and 1): Okabe and Ito's colour-blind-safe set, ordered so the first four stay apart under
 * protanopia, deuteranopia and tritanopia, with the shades that read on the theme's background
 * (dark: the light ones; light: the dark ones; high contrast takes the set of its background).
 * test/unit/webview-palette.test.ts checks the contrast against the background and the pairwise
 * distance under simulated colour-vision deficiencies.
 */
export const METHOD_COLORS = {
  dark: ['#56b4e9', '#e69f00', '#009e73', '#cc79a7', '#f0e442', '#d55e00', '#ffffff', '#999999'],
  light: ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#8c6d00', '#56b4e9', '#000000', '#808080'],
} as const;

/** Each method's marker (a second cue beside the colour): circle, diamond, square, triangle, cross, … */
export const METHOD_SHAPES: readonly Shape[] = ['circle', 'diamond', 'square', 'triangle', 'cross', 'circle', 'diamond', 'cross'];

/** The colour set of a theme kind's background. */
export function methodColors(kind: Theme['kind']): readonly string[] {
  return kind === 'dark' || kind === 'high-contrast' ? METHOD_COLORS.dark : METHOD_COLORS.light;
}

export interface Palette {
  /** SGD's paths, finals and bars (method 0's colour: SGD is the first method by default). */
  sgd: string;
  /** GD's paths, finals and bars (method 1's colour). */
  gd: string;
  /** Method k's colour (k in the order of config.methods; wraps after 8, the most a run has). */
  method: (k: number) => string;
  /** Method k's marker shape. */
  methodShape: (k: number) => Shape;
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
  const methods = methodColors(t.kind);
  return {
    sgd: methods[0]!,
    gd: methods[1]!,
    method: (k) => methods[((k % methods.length) + methods.length) % methods.length]!,
    methodShape: (k) => METHOD_SHAPES[((k % METHOD_SHAPES.length) + METHOD_SHAPES.length) % METHOD_SHAPES.length]!,
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
