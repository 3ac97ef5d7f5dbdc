/**
 * One-point convexity c(y) of the smoothed landscape: the curve of every radius with the region
 * where the chosen one is positive shaded and the estimated c as a rule (1-D), a signed map with
 * its c = 0 contour and inf c marked (2-D), c along each slice (d > 2). data-points: the curve
 * points or map cells drawn; the 2-D map also sets data-contour-segments (segments of the c = 0
 * line drawn) and data-color-scale ("−a,b": c ≤ −a and c ≥ b take the full colours).
 */
import type { ConvexityMap } from '../../src/engine/types';
import type { ViewResult } from '../../src/protocol/webview';
import { drawChart, type Annotations, type Series } from '../shared/charts';
import { withAlpha } from '../shared/color';
import { formatNumber } from '../shared/format';
import { palette } from '../shared/palette';
import { contourSegments } from '../shared/contour';
import { drawPlot2D } from '../shared/plot2d';
import { positiveIntervals, quantileExtent } from '../shared/shape';
import type { Theme } from '../shared/theme';
import { asGrid, asLine, byGeometry, curveOver, gridFrame, gridXRange, line, xStarMark, type ChartUi, type Draw } from './chart';
import { signedHeat } from './heat';
import { unsmoothedNoiseText } from '../../src/view/gradientNoise';

/** The map the user picked (undefined when the run has none: no noisy stage, or a live view). */
function selected(view: ViewResult, ui: ChartUi): ConvexityMap | undefined {
  const maps = view.diagnostics.convexity;
  return maps[Math.min(Math.max(0, ui.convexityIndex), maps.length - 1)];
}

/** Empty axes when there is no c(y) to draw. */
function orEmpty(draw: (canvas: HTMLCanvasElement, view: ViewResult, t: Theme, sel: ConvexityMap) => number): Draw<ChartUi> {
  return (canvas, view, t, ui) => {
    delete canvas.dataset.contourSegments;
    delete canvas.dataset.colorScale;
    const sel = selected(view, ui);
    return sel ? draw(canvas, view, t, sel) : drawChart(canvas, { datasets: [], xLabel: 'x', yLabel: 'c(y)' }, t);
  };
}

const finite = (data: { x: number; y: number }[]) => data.filter((q) => Number.isFinite(q.y));

/**
 * c(y) curves with the y-axis fitted to the selected curve (1%–99% quantiles, plus 0 and the
 * estimated c): the curves of much smaller radii can be orders of magnitude larger and would flatten it.
 */
function curves(
  canvas: HTMLCanvasElement,
  view: ViewResult,
  t: Theme,
  sel: ConvexityMap,
  datasets: Series[],
  xLabel: string,
  bands: Annotations['bands'],
) {
  const p = palette(t);
  const ext = quantileExtent((sel.values as Array<number | number[]>).flat(), 0.01, 0.99);
  const cs = Number.isFinite(sel.c) ? [sel.c] : [];
  const yr: [number, number] | undefined = ext ? [Math.min(ext[0], 0, ...cs), Math.max(ext[1], 0, ...cs)] : undefined;
  return drawChart(
    canvas,
    {
      datasets,
      xLabel,
      xRange: gridXRange(view.landscape),
      yLabel: 'c(y) = ⟨−∇g(y), x* − y⟩ / ‖x* − y‖²',
      ...(yr ? { yRange: [yr[0] - 0.05 * (yr[1] - yr[0]), yr[1] + 0.05 * (yr[1] - yr[0])] as [number, number] } : {}),
      annotations: {
        bands,
        hlines: [
          { y: 0, color: p.rule, dash: [] },
          { y: sel.c, color: p.cEstimate, label: `estimated c = ${formatNumber(sel.c)}` },
        ],
      },
    },
    t,
  );
}

/** The legend name of a map: its radius, or f itself for radius 0 (a stage without noise, or with minibatch noise). */
function radiusLabel(m: ConvexityMap, view: ViewResult): string {
  return m.radius > 0 ? `c(y), radius ${formatNumber(m.radius)}` : `c(y) of f (${unsmoothedNoiseText(view.config.stages)})`;
}

/** 1-D: c(y) of every radius (the chosen one bold), where the chosen one is positive shaded. */
const convexityLine = orEmpty((canvas, view, t, sel) => {
  const p = palette(t);
  const x = view.landscape.x;
  const datasets = view.diagnostics.convexity.map((m, k) =>
    line(radiusLabel(m, view), finite(curveOver(x, asLine(m.values))), p.series(k), {
      borderWidth: m === sel ? 2.5 : 1,
      spanGaps: true,
    } as Partial<Series>),
  );
  const bands = positiveIntervals(x, asLine(sel.values)).map(([from, to]) => ({ from, to, color: withAlpha(p.cPositiveBand, 0.14) }));
  return curves(canvas, view, t, sel, datasets, 'y', bands);
});

/** d > 2: the chosen radius's c along each slice. */
const convexitySlices = orEmpty((canvas, view, t, sel) => {
  const p = palette(t);
  const datasets = asGrid(sel.values).map((row, s) =>
    line(`c along slice ${s + 1}`, finite(curveOver(view.landscape.x, row)), p.series(s), { spanGaps: true } as Partial<Series>),
  );
  return curves(canvas, view, t, sel, datasets, 't along slice', []);
});

/**
 * 2-D: c(y) as a signed map centred at 0 (c > 0 one colour, c ≤ 0 the other, each side on its own
 * scale), the c = 0 line drawn, inf c and x* marked.
 */
const convexityPlane = orEmpty((canvas, view, t, sel) => {
  const L = view.landscape;
  const p = palette(t);
  const label = radiusLabel(sel, view);
  const grid = asGrid(sel.values);
  const heat = signedHeat(grid, L.x, L.y!, label, { negative: p.cNegative, positive: p.cPositive }, t);
  const zero = contourSegments(grid, L.x, L.y!, 0);
  const drawn = drawPlot2D(
    canvas,
    {
      ...gridFrame(L),
      heat,
      contours: [{ segments: zero, color: p.cZero, width: 1.25 }],
      boxes: [{ ...view.config.init, color: p.box }],
      marks: [{ points: [sel.argInf], color: p.cInf, radius: 6, shape: 'cross' }, xStarMark(view, t)],
      legend: [
        { color: p.cPositive, label: `c(y) > 0: ${sel.radius > 0 ? 'g' : 'f'} points toward x*` },
        { color: p.cNegative, label: 'c(y) ≤ 0' },
        { color: p.cZero, label: 'c(y) = 0', shape: 'line' },
        { color: p.cInf, label: `inf c = ${formatNumber(sel.c)}`, shape: 'cross' },
      ],
    },
    t,
  );
  canvas.dataset.contourSegments = String(drawn.segments);
  canvas.dataset.colorScale = `${-heat.scale.negative},${heat.scale.positive}`;
  return drawn.cells;
});

export const drawConvexity = byGeometry<ChartUi>({ line: convexityLine, plane: convexityPlane, slices: convexitySlices });
