/**
 * Which colour each thing the charts draw takes, in every webview (panel, side panel, sweep).
 * Charts ask for a role (`sgd`, `xStar`, `series(k)`), never for a hue, so a change of palette
 * (contrast, colour-blind safety) is made here once.
 *
 * The hues are fixed per background (dark: dark and high-contrast themes; light: light and
 * high-contrast light), not read from the theme's `charts.*` colours: those differ from theme
 * to theme and cannot be checked, and VS Code's red, orange and yellow fall together for
 * red-green colour-blind users. Text, axes, rules and the curve of f keep the theme's
 * foreground, muted and grid colours. test/unit/webview-palette.test.ts computes the WCAG
 * contrast of every hue against the dark, light and high-contrast backgrounds (≥ 3:1, WCAG 2.1
 * SC 1.4.11 for graphical objects) and their distances under simulated colour-vision deficiencies.
 */
import type { Shape } from './canvasMarks';
import type { Theme } from './theme';

/**
 * The methods' colours (RUN.json `methods`, in their order; the paper's pair SGD, GD is methods 0
 * and 1): Okabe and Ito's colour-blind-safe set, ordered so the first four stay apart under
 * protanopia, deuteranopia and tritanopia, with the shades that read on the theme's background
 * (dark: the light ones; light: the dark ones; high contrast takes the set of its background).
 * Okabe and Ito's sky blue reaches only 2.31:1 on white, so the light set's sixth colour is Paul
 * Tol's wine (#882255, 8.73:1), the hue furthest from the other seven under every simulated vision,
 * and its reddish purple #cc79a7 (3.06:1 on white, barely over the line for a thin path) is taken
 * darker in the light set (#b0508a, 4.82:1; the least ΔE among the first four stays 17.0).
 * test/unit/webview-palette.test.ts checks every colour's contrast against every background
 * (≥ 3:1) and the pairwise distance under simulated colour-vision deficiencies.
 */
export const METHOD_COLORS = {
  dark: ['#56b4e9', '#e69f00', '#009e73', '#cc79a7', '#f0e442', '#d55e00', '#ffffff', '#999999'],
  light: ['#0072b2', '#d55e00', '#009e73', '#b0508a', '#8c6d00', '#882255', '#000000', '#808080'],
} as const;

/** The other hues: Okabe and Ito's set again (blue against vermillion for a signed quantity) and a red for x*. */
export const ROLE_COLORS = {
  dark: {
    xStar: '#ff6b6b',
    positive: '#56b4e9',
    negative: '#e8743b',
    positiveBand: '#009e73',
    estimate: '#ff6b6b',
    innerMin: '#e8743b',
    innerMean: '#56b4e9',
    probe: '#cc79a7',
    probeAtW: '#e69f00',
    gradNorm: '#009e73',
  },
  light: {
    xStar: '#c8102e',
    positive: '#0072b2',
    negative: '#c24e00',
    positiveBand: '#009e73',
    estimate: '#c8102e',
    innerMin: '#c24e00',
    innerMean: '#0072b2',
    probe: '#b0508a',
    probeAtW: '#8c6d00',
    gradNorm: '#007a58',
  },
} as const;

/**
 * The colour sets' backgrounds, for the tests: the editor background (the webviews' page) of VS
 * Code's Dark Modern, Dark+, Dark 2026 (the default dark theme of the VS Code the e2e suite runs) and Dark
 * High Contrast; Light Modern, Light+, Light 2026 and Light High Contrast are all white.
 * test/e2e/10-themes.test.ts checks that the real themes give the webview one of these.
 */
export const BACKGROUNDS = { dark: ['#1f1f1f', '#1e1e1e', '#121314', '#000000'], light: ['#ffffff'] } as const;

/** Which colour set a theme kind takes: that of its background. */
export function colorSet(kind: Theme['kind']): 'dark' | 'light' {
  return kind === 'dark' || kind === 'high-contrast' ? 'dark' : 'light';
}

/** Each method's marker (a second cue beside the colour): circle, diamond, square, triangle, cross, … */
export const METHOD_SHAPES: readonly Shape[] = ['circle', 'diamond', 'square', 'triangle', 'cross', 'circle', 'diamond', 'cross'];

/** The colour set of a theme kind's background. */
export function methodColors(kind: Theme['kind']): readonly string[] {
  return METHOD_COLORS[colorSet(kind)];
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
  /** Diverged trials (a fraction drawn as a line). */
  diverged: string;
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
  /** The k-th of several curves of one kind (smoothing radii, slices): the methods' colours in their order. */
  series: (k: number) => string;
}

export function palette(t: Theme): Palette {
  const methods = methodColors(t.kind);
  const r = ROLE_COLORS[colorSet(t.kind)];
  return {
    sgd: methods[0]!,
    gd: methods[1]!,
    method: (k) => methods[((k % methods.length) + methods.length) % methods.length]!,
    methodShape: (k) => METHOD_SHAPES[((k % METHOD_SHAPES.length) + METHOD_SHAPES.length) % METHOD_SHAPES.length]!,
    xStar: r.xStar,
    start: t.foreground,
    f: t.foreground,
    box: t.foreground,
    rule: t.muted,
    cPositive: r.positive,
    cNegative: r.negative,
    cPositiveBand: r.positiveBand,
    diverged: r.negative,
    cZero: t.foreground,
    cEstimate: r.estimate,
    cInf: t.foreground,
    innerMin: r.innerMin,
    innerMean: r.innerMean,
    probe: r.probe,
    probeAtW: r.probeAtW,
    gradNorm: r.gradNorm,
    series: (k) => methods[k % methods.length]!,
  };
}
