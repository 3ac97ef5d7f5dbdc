/**
 * Histogram of where trials end: bars of y_T (1-D, bins of config.histogramBin), a density map
 * of y_T (2-D), bars of ‖y_T − x*‖ (d > 2); SGD over GD; after the stage the user picked in a
 * multi-stage run. The bins are the engine's (diagnostics.histogram, the view's stageHistograms):
 * nothing is binned here. data-points: the trials in the bins drawn.
 */
import type { Histogram } from '../../src/engine/types';
import type { ViewResult } from '../../src/protocol/webview';
import { drawChart, type Series } from '../shared/charts';
import { withAlpha } from '../shared/color';
import { formatNumber } from '../shared/format';
import { palette } from '../shared/palette';
import { drawPlot2D } from '../shared/plot2d';
import { histogramBars, type Bars } from '../shared/shape';
import type { Theme } from '../shared/theme';
import { byGeometry, xStarMark, type ChartUi } from './chart';
import { countHeat } from './heat';
import { shownStage } from './trials';

/** The histogram of what "Where trials end" shows (the run's end, or the end of the stage picked), and its label. */
function shown(view: ViewResult, ui: ChartUi): { h: Histogram | undefined; after: string } {
  const stage = shownStage(view, ui);
  if (stage === undefined) return { h: view.diagnostics.histogram, after: '' };
  return { h: view.stageHistograms[stage], after: ` after stage ${stage + 1}` };
}

function bar(label: string, b: Bars, color: string): Series {
  return {
    type: 'bar',
    label,
    data: b.centers.map((x, i) => ({ x, y: b.counts[i]! })),
    backgroundColor: withAlpha(color, 0.75),
    borderColor: color,
    borderWidth: 0,
    barPercentage: 1,
    categoryPercentage: 1,
    grouped: false,
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

function histogramBarsOf(axis: Axis) {
  return (canvas: HTMLCanvasElement, view: ViewResult, t: Theme, ui: ChartUi): number => {
    const p = palette(t);
    const { h, after } = shown(view, ui);
    const edges = h?.edges ?? [];
    const gdCounts = view.gd && h && h.gd.length > 0 ? h.gd : undefined;
    const datasets: Series[] = [];
    if (gdCounts) datasets.push(bar('GD', histogramBars(edges, gdCounts), p.gd));
    datasets.push(bar('SGD', histogramBars(edges, h?.sgd ?? []), p.sgd));
    const width = edges.length > 1 ? edges[1]! - edges[0]! : view.config.histogramBin;
    const last = axis.toLastOccupied ? Math.max(1, occupiedBins(h?.sgd ?? [], gdCounts ?? [])) : edges.length - 1;
    const range: [number, number] | undefined = edges.length > 1 ? [edges[0]!, edges[last]!] : undefined;
    return drawChart(
      canvas,
      {
        datasets,
        bars: true,
        xLabel: `${axis.label}${after} (bins of ${formatNumber(width)})`,
        yLabel: 'trials',
        ...(range ? { xRange: range } : {}),
        annotations: { vlines: axis.xStarRule ? [{ x: view.diagnostics.xStar[0]!, color: p.xStar, label: 'x*' }] : [] },
      },
      t,
    );
  };
}

/** 2-D: trials per cell of SGD or GD (the user's pick), empty cells in the background colour. */
function histogramPlane(canvas: HTMLCanvasElement, view: ViewResult, t: Theme, ui: ChartUi): number {
  const { h } = shown(view, ui);
  const ex = h?.edges ?? [];
  const ey = h?.edgesY ?? [];
  const gd = ui.density === 'gd' && !!view.gd && !!h?.gd2d;
  const counts = (gd ? h?.gd2d : h?.sgd2d) ?? [];
  const centres = (e: number[]) => e.slice(1).map((v, i) => (v + e[i]!) / 2);
  const [x0, x1] = ex.length > 1 ? [ex[0]!, ex[ex.length - 1]!] : [view.config.domain.low[0]!, view.config.domain.high[0]!];
  const [y0, y1] = ey.length > 1 ? [ey[0]!, ey[ey.length - 1]!] : [view.config.domain.low[1]!, view.config.domain.high[1]!];
  drawPlot2D(
    canvas,
    {
      xRange: [x0, x1],
      yRange: [y0, y1],
      xLabel: 'x₁',
      yLabel: 'x₂',
      heat: countHeat(counts, centres(ex), centres(ey), `${gd ? 'GD' : 'SGD'} trials per cell`, t),
      marks: [xStarMark(view, t)],
    },
    t,
  );
  return counts.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
}

export const drawHistogram = byGeometry<ChartUi>({
  line: histogramBarsOf({ label: 'x', xStarRule: true }),
  plane: histogramPlane,
  slices: histogramBarsOf({ label: '‖y_T − x*‖', toLastOccupied: true }),
});
