/**
 * Histogram of where trials end: bars of y_T (1-D, bins of config.histogramBin), a density map
 * of y_T (2-D), bars of ‖y_T − x*‖ (d > 2); SGD over GD. data-points: the trials in the bins.
 */
import type { ViewMethodResult, ViewResult } from '../../src/protocol/webview';
import { drawChart, type Series } from '../shared/charts';
import { withAlpha } from '../shared/color';
import { formatNumber } from '../shared/format';
import { palette } from '../shared/palette';
import { drawPlot2D } from '../shared/plot2d';
import { bin2D, binValues, distance, finiteExtent, histogramBars, type Bars } from '../shared/shape';
import type { Theme } from '../shared/theme';
import { byGeometry, domainX, domainY, xStarMark, type ChartUi } from './chart';
import { countHeat } from './heat';
import { finalsOf, shownStage } from './trials';

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

function drawBars(
  canvas: HTMLCanvasElement,
  view: ViewResult,
  t: Theme,
  sgd: Bars,
  gd: Bars | undefined,
  xLabel: string,
  xStarRule: boolean,
): number {
  const p = palette(t);
  const datasets: Series[] = [];
  if (gd) datasets.push(bar('GD', gd, p.gd));
  datasets.push(bar('SGD', sgd, p.sgd));
  const width = sgd.widths[0] ?? view.config.histogramBin;
  const lo = (sgd.centers[0] ?? 0) - width / 2;
  const hi = (sgd.centers[sgd.centers.length - 1] ?? 1) + width / 2;
  return drawChart(
    canvas,
    {
      datasets,
      bars: true,
      xLabel: `${xLabel} (bins of ${formatNumber(width)})`,
      yLabel: 'trials',
      xRange: [lo, hi],
      annotations: { vlines: xStarRule ? [{ x: view.diagnostics.xStar[0]!, color: p.xStar, label: 'x*' }] : [] },
    },
    t,
  );
}

function histogramLine(canvas: HTMLCanvasElement, view: ViewResult, t: Theme, ui: ChartUi): number {
  const h = view.diagnostics.histogram;
  const stage = shownStage(view, ui);
  if (h.edges.length > 1 && h.sgd.length > 0 && stage === undefined) {
    const gd = view.gd && h.gd.length > 0 ? histogramBars(h.edges, h.gd) : undefined;
    return drawBars(canvas, view, t, histogramBars(h.edges, h.sgd), gd, 'x', true);
  }
  const [lo, hi] = domainX(view);
  const bars = (m: ViewMethodResult) => {
    const b = binValues(
      finalsOf(view, m, stage).map((q) => q.y[0]!),
      view.config.histogramBin,
      lo,
      hi,
    );
    return histogramBars(b.edges, b.counts);
  };
  const label = stage === undefined ? 'x' : `x after stage ${stage + 1}`;
  return drawBars(canvas, view, t, bars(view.sgd), view.gd ? bars(view.gd) : undefined, label, true);
}

function histogramSlices(canvas: HTMLCanvasElement, view: ViewResult, t: Theme, ui: ChartUi): number {
  const stage = shownStage(view, ui);
  const vals = (m: ViewMethodResult) => finalsOf(view, m, stage).map((q) => distance(q.y, view.diagnostics.xStar));
  const sv = vals(view.sgd);
  const gv = view.gd ? vals(view.gd) : [];
  const [lo, hi] = [0, finiteExtent([...sv, ...gv])?.[1] ?? 1];
  const bin = Math.max(view.config.histogramBin, (hi - lo) / 60);
  const bars = (v: number[]) => {
    const b = binValues(v, bin, lo, hi);
    return histogramBars(b.edges, b.counts);
  };
  return drawBars(canvas, view, t, bars(sv), view.gd ? bars(gv) : undefined, '‖y_T − x*‖', false);
}

function histogramPlane(canvas: HTMLCanvasElement, view: ViewResult, t: Theme, ui: ChartUi): number {
  const h = view.diagnostics.histogram;
  const stage = shownStage(view, ui);
  let ex = h.edges;
  let ey = h.edgesY ?? h.edges;
  let counts = ui.density === 'gd' && h.gd2d ? h.gd2d : h.sgd2d;
  if (!counts || ex.length < 2 || ey.length < 2 || stage !== undefined) {
    // A stage's end, or no 2-D histogram in the result: bin the points ourselves on the domain.
    const m = ui.density === 'gd' && view.gd ? view.gd : view.sgd;
    const [x0, x1] = domainX(view);
    const [y0, y1] = domainY(view);
    ex = ex.length > 1 ? ex : binValues([], (x1 - x0) / 30, x0, x1).edges;
    ey = ey.length > 1 ? ey : binValues([], (y1 - y0) / 30, y0, y1).edges;
    counts = bin2D(
      finalsOf(view, m, stage).map((q) => q.y),
      ex,
      ey,
    );
  }
  const cx = ex.slice(1).map((e, i) => (e + ex[i]!) / 2);
  const cy = ey.slice(1).map((e, i) => (e + ey[i]!) / 2);
  const who = ui.density === 'gd' ? 'GD' : 'SGD';
  drawPlot2D(
    canvas,
    {
      xRange: [ex[0]!, ex[ex.length - 1]!],
      yRange: [ey[0]!, ey[ey.length - 1]!],
      xLabel: 'x₁',
      yLabel: 'x₂',
      heat: countHeat(counts, cx, cy, `${who} trials per cell`, t),
      marks: [xStarMark(view, t)],
    },
    t,
  );
  return counts.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
}

export const drawHistogram = byGeometry<ChartUi>({ line: histogramLine, plane: histogramPlane, slices: histogramSlices });
