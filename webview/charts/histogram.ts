/**
 * Histogram of where trials end: bars of y_T (1-D, bins of config.histogramBin), a density map
 * of y_T (2-D), bars of ‖y_T − x*‖ (d > 2); every method in its colour, overlaid in one chart or
 * one column per method on shared axes (methods.ts picks); after the stage the user picked in a
 * multi-stage run. The bins are the engine's (diagnostics.histogram, the view's stageHistograms):
 * nothing is binned here. data-points: the trials in the bins drawn.
 */
import type { Histogram } from '../../src/engine/types';
import type { ViewResult } from '../../src/protocol/webview';
import { drawChart, type Series } from '../shared/charts';
import { withAlpha } from '../shared/color';
import { formatNumber } from '../shared/format';
import { palette } from '../shared/palette';
import { drawPlots2D, type Plot2DSpec } from '../shared/plot2d';
import { histogramBars, type Bars } from '../shared/shape';
import type { Theme } from '../shared/theme';
import { byGeometry, xStarMark, type ChartUi } from './chart';
import { countHeat } from './heat';
import { countsOf, methodLabel, methodsLayout, shownMethods, type ShownMethod } from './methods';
import { shownStage } from './trials';

/** The histogram of what "Where trials end" shows (the run's end, or the end of the stage picked), and its label. */
function shown(view: ViewResult, ui: ChartUi): { h: Histogram | undefined; after: string } {
  const stage = shownStage(view, ui);
  if (stage === undefined) return { h: view.diagnostics.histogram, after: '' };
  return { h: view.stageHistograms[stage], after: ` after stage ${stage + 1}` };
}

/**
 * One method's bars, opaque: several methods stand side by side within each bin (grouped), so no
 * bar covers or tints another.
 */
function bar(label: string, b: Bars, color: string): Series {
  return {
    type: 'bar',
    label,
    data: b.centers.map((x, i) => ({ x, y: b.counts[i]! })),
    backgroundColor: color,
    borderColor: color,
    borderWidth: 0,
    barPercentage: 1,
    categoryPercentage: 1,
    grouped: true,
    pointStyle: 'rect',
  } as Series;
}

/** What the bars of a 1-D histogram measure, and how much of the axis they get. */
interface Axis {
  label: string;
  /** 1-D: x* as a rule on the axis. */
  xStarRule?: boolean;
  /**
   * d > 2: the distance bins reach the domain's diameter while trials end near x*, so the axis
   * stops after the last bin holding a trial.
   */
  toLastOccupied?: boolean;
}

/** Index one past the last bin with a count in any of `counts` (0 when all are empty). */
function occupiedBins(...counts: number[][]): number {
  let n = 0;
  for (const c of counts) for (let i = c.length - 1; i >= n; i--) if (c[i]! > 0) n = i + 1;
  return n;
}

/** The methods drawn with their counts on the histogram's edges (methods with no counts, e.g. GD while a run starts, left out). */
function methodCounts(
  view: ViewResult,
  h: Histogram | undefined,
  t: Theme,
): Array<{ s: ShownMethod; counts: number[]; counts2d?: number[][] }> {
  return shownMethods(view, t)
    .map((s) => ({ s, ...countsOf(h, s, view) }))
    .filter(({ counts, counts2d }) => counts.length > 0 || !!counts2d);
}

function histogramBarsOf(axis: Axis) {
  return (canvas: HTMLCanvasElement, view: ViewResult, t: Theme, ui: ChartUi): number => {
    const p = palette(t);
    const { h, after } = shown(view, ui);
    const edges = h?.edges ?? [];
    const methods = methodCounts(view, h, t);
    const width = edges.length > 1 ? edges[1]! - edges[0]! : view.config.histogramBin;
    const last = axis.toLastOccupied ? Math.max(1, occupiedBins(...methods.map((m) => m.counts))) : edges.length - 1;
    const range: [number, number] | undefined = edges.length > 1 ? [edges[0]!, edges[last]!] : undefined;
    const xLabel = `${axis.label}${after} (bins of ${formatNumber(width)})`;
    if (methodsLayout(view, ui) === 'columns') {
      // Shared axes: the same bins and the same count axis in every column.
      const top = Math.max(1, ...methods.flatMap((m) => m.counts));
      const specs: Plot2DSpec[] = methods.map(({ s, counts }, i) => ({
        xRange: range ?? [0, 1],
        yRange: [0, top * 1.05],
        aspect: 'free',
        xLabel,
        yLabel: i === 0 ? 'trials' : '',
        title: `${methodLabel(s)} · ${counts.reduce((a, b) => a + b, 0)} binned`,
        titleMark: { color: s.color, shape: s.shape },
        rects: counts.flatMap((c, b) =>
          c > 0 ? [{ x0: edges[b]!, x1: edges[b + 1]!, y0: 0, y1: c, color: withAlpha(s.color, 0.85) }] : [],
        ),
        rules: axis.xStarRule ? [{ x: view.diagnostics.xStar[0]!, color: p.xStar, label: 'x*' }] : [],
      }));
      drawPlots2D(canvas, specs, t);
      return methods.reduce((n, m) => n + m.counts.reduce((a, b) => a + b, 0), 0);
    }
    // Overlaid: the methods' bars side by side in each bin, in the methods' order.
    const datasets = methods.map(({ s, counts }) => bar(methodLabel(s), histogramBars(edges, counts), s.color));
    return drawChart(
      canvas,
      {
        datasets,
        bars: true,
        xLabel,
        yLabel: 'trials',
        ...(range ? { xRange: range } : {}),
        annotations: { vlines: axis.xStarRule ? [{ x: view.diagnostics.xStar[0]!, color: p.xStar, label: 'x*' }] : [] },
      },
      t,
    );
  };
}

/** The method whose density the overlaid 2-D histogram shows (the user's pick, else the first). */
function densityMethod(methods: Array<{ s: ShownMethod }>, view: ViewResult, ui: ChartUi): number {
  const pick = ui.density;
  const i =
    typeof pick === 'number'
      ? methods.findIndex(({ s }) => s.k === pick)
      : methods.findIndex(({ s }) => (pick === 'gd' ? !!view.gd && s.m === view.gd : s.m === view.sgd));
  return Math.max(0, i);
}

/** 2-D: trials per cell, one column per method or the method picked; empty cells in the background colour. */
function histogramPlane(canvas: HTMLCanvasElement, view: ViewResult, t: Theme, ui: ChartUi): number {
  const { h } = shown(view, ui);
  const ex = h?.edges ?? [];
  const ey = h?.edgesY ?? [];
  const methods = methodCounts(view, h, t);
  const centres = (e: number[]) => e.slice(1).map((v, i) => (v + e[i]!) / 2);
  const [x0, x1] = ex.length > 1 ? [ex[0]!, ex[ex.length - 1]!] : [view.config.domain.low[0]!, view.config.domain.high[0]!];
  const [y0, y1] = ey.length > 1 ? [ey[0]!, ey[ey.length - 1]!] : [view.config.domain.low[1]!, view.config.domain.high[1]!];
  const columns = methodsLayout(view, ui) === 'columns';
  const drawn = columns ? methods : methods.slice(densityMethod(methods, view, ui)).slice(0, 1);
  // Columns share one colour scale (the largest count of any) and one colour bar, on the last.
  const top = columns ? Math.max(1, ...drawn.flatMap(({ counts2d }) => (counts2d ?? []).flat())) : undefined;
  const specs: Plot2DSpec[] = drawn.map(({ s, counts2d }, i) => ({
    xRange: [x0, x1],
    yRange: [y0, y1],
    xLabel: 'x₁',
    yLabel: i === 0 ? 'x₂' : '',
    ...(columns ? { title: methodLabel(s), titleMark: { color: s.color, shape: s.shape } } : {}),
    heat: (() => {
      const heat = countHeat(
        counts2d ?? [],
        centres(ex),
        centres(ey),
        columns ? 'trials per cell' : `${methodLabel(s)} trials per cell`,
        t,
        top,
      );
      if (columns && i < drawn.length - 1) delete heat.legend;
      return heat;
    })(),
    marks: [xStarMark(view, t)],
  }));
  drawPlots2D(canvas, specs, t);
  return drawn.reduce((n, { counts2d }) => n + (counts2d ?? []).reduce((a, row) => a + row.reduce((b, c) => b + c, 0), 0), 0);
}

export const drawHistogram = byGeometry<ChartUi>({
  line: histogramBarsOf({ label: 'x', xStarRule: true }),
  plane: histogramPlane,
  slices: histogramBarsOf({ label: '‖y_T − x*‖', toLastOccupied: true }),
});
