/**
 * Where trials end: (y_T, f(y_T)) on the curve of f (1-D), y_T over a faint map of f (2-D),
 * (‖y_T − x*‖, f(y_T)) for d > 2; SGD beside GD. data-points: the trials drawn.
 */
import type { ViewResult } from '../../src/protocol/webview';
import { drawChart, type Series } from '../shared/charts';
import { withAlpha } from '../shared/color';
import { palette } from '../shared/palette';
import { drawPlot2D } from '../shared/plot2d';
import { distance } from '../shared/shape';
import type { Theme } from '../shared/theme';
import { asGrid, asLine, byGeometry, curveOver, domainX, dots, gridFrame, line, xStarMark, type ChartUi } from './chart';
import { valueHeat } from './heat';
import { finalsOf, shownStage, whereLabel } from './trials';

function shown(view: ViewResult, ui: ChartUi) {
  const stage = shownStage(view, ui);
  return {
    at: whereLabel(stage),
    sgd: finalsOf(view, view.sgd, stage),
    gd: view.gd ? finalsOf(view, view.gd, stage) : undefined,
  };
}

/** What the x-axis of finals against their loss measures. */
interface Axis {
  label: string;
  value: (y: number[]) => number;
  range?: [number, number];
  /** 1-D: the finals sit on the curve of f, and x* is a rule on the axis. */
  onCurve?: boolean;
}

/** Finals as dots against their loss, on an x-axis that measures the coordinate (1-D) or the distance to x* (d > 2). */
function finalsAgainstLoss(axisOf: (view: ViewResult) => Axis) {
  return (canvas: HTMLCanvasElement, view: ViewResult, t: Theme, ui: ChartUi): number => {
    const axis = axisOf(view);
    const p = palette(t);
    const { at, sgd, gd } = shown(view, ui);
    const datasets: Series[] = [];
    if (axis.onCurve) {
      const f = curveOver(view.landscape.x, asLine(view.landscape.f));
      datasets.push(line('f', f, withAlpha(p.f, 0.6), { borderWidth: 1, reference: true } as Partial<Series>));
    }
    const toXY = (q: { y: number[]; loss: number }) => ({ x: axis.value(q.y), y: q.loss });
    if (gd)
      datasets.push(dots(`GD ${at} (${gd.length})`, gd.map(toXY), p.gd, { pointStyle: 'triangle', pointRadius: 3.5 } as Partial<Series>));
    datasets.push(dots(`SGD ${at} (${sgd.length})`, sgd.map(toXY), p.sgd));
    return drawChart(
      canvas,
      {
        datasets,
        xLabel: axis.label,
        yLabel: `f(${at})`,
        ...(axis.range ? { xRange: axis.range } : {}),
        annotations: { vlines: axis.onCurve ? [{ x: view.diagnostics.xStar[0]!, color: p.xStar, label: 'x*' }] : [] },
      },
      t,
    );
  };
}

function finalsPlane(canvas: HTMLCanvasElement, view: ViewResult, t: Theme, ui: ChartUi): number {
  const L = view.landscape;
  const p = palette(t);
  const { at, sgd, gd } = shown(view, ui);
  return drawPlot2D(
    canvas,
    {
      ...gridFrame(L),
      heat: valueHeat(asGrid(L.f), L.x, L.y!, 'f', 0.45, ui.colorScale),
      points: [
        { points: (gd ?? []).map((q) => q.y), color: p.gd, radius: 3, shape: 'diamond' },
        { points: sgd.map((q) => q.y), color: p.sgd, radius: 2.5, shape: 'circle', stroke: t.background },
      ],
      marks: [xStarMark(view, t)],
      legend: [
        { color: p.sgd, label: `SGD ${at} (${sgd.length})`, shape: 'circle' },
        ...(gd ? [{ color: p.gd, label: `GD ${at} (${gd.length})`, shape: 'diamond' as const }] : []),
      ],
    },
    t,
  ).points;
}

export const drawFinals = byGeometry<ChartUi>({
  line: finalsAgainstLoss((view) => ({ label: 'x', value: (y) => y[0]!, range: domainX(view), onCurve: true })),
  plane: finalsPlane,
  slices: finalsAgainstLoss((view) => ({ label: '‖y_T − x*‖', value: (y) => distance(y, view.diagnostics.xStar) })),
});
