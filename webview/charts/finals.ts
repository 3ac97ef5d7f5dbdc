/**
 * Where trials end: (y_T, f(y_T)) on the curve of f (1-D), y_T over a faint map of f (2-D),
 * (‖y_T − x*‖, f(y_T)) for d > 2; every method of the run in its colour and marker, overlaid in
 * one chart or one column per method with shared axes (the paper's Figure 3 row 2, methods.ts
 * picks). Finals outside the drawn domain are put on its edge with an outlined marker and counted
 * in the legend, never dropped. data-points: the trials drawn (inside and on the edge).
 */
import type { ViewResult } from '../../src/protocol/webview';
import { drawChart, type Series } from '../shared/charts';
import { withAlpha } from '../shared/color';
import { palette } from '../shared/palette';
import { drawPlots2D, type Plot2DSpec, type PointLayer } from '../shared/plot2d';
import { distance, gridExtent } from '../shared/shape';
import type { Theme } from '../shared/theme';
import {
  asGrid,
  asLine,
  byGeometry,
  curveOver,
  domainX,
  dots,
  fitPlaneHeight,
  gridFrame,
  planeGrid,
  line,
  xStarMark,
  type ChartUi,
} from './chart';
import { landscapeScale, valueHeat } from './heat';
import { drawingOrder, inBox, isNoiseless, methodLabel, methodsLayout, ontoEdge, shownMethods, type ShownMethod } from './methods';
import { finalsOf, shownSnapshot, shownStage, trialsAt, whereLabel } from './trials';

type Final = { y: number[]; loss: number };

/**
 * Each method's finals (at the end, or after the stage picked) or, with the time slider before
 * the end, every trial at the snapshot it shows; split into inside the domain and outside it.
 */
function shown(view: ViewResult, ui: ChartUi, t: Theme) {
  const snap = shownSnapshot(view, ui);
  const stage = snap ? undefined : shownStage(view, ui);
  const box = view.config.domain;
  return {
    at: whereLabel(stage, snap),
    snap,
    methods: shownMethods(view, t).map((s) => {
      const all = snap ? trialsAt(view, s.m, snap) : finalsOf(view, s.m, stage);
      const inside: Final[] = [];
      const outside: Final[] = [];
      for (const q of all) (view.config.dim > 2 || inBox(q.y, box) ? inside : outside).push(q);
      return { s, all, inside, outside };
    }),
  };
}

/** "SGD y_T (200)", "Adam x_T (200, 3 on the edge: outside the plot)". */
function legendText(s: ShownMethod, at: string, n: number, outside: number): string {
  const where = s.finalsAre === 'x_T' && at === 'y_T' ? 'x_T' : at;
  return `${s.name} ${where} (${n}${outside > 0 ? `, ${outside} outside the plot, on its edge` : ''})`;
}

/** A column's title: the method and its success count at the end, when the run has them (or the step the column shows). */
function columnTitle(s: ShownMethod, view: ViewResult, outside: number, at?: string): string {
  const ok = at ? ` · ${at}` : s.run ? ` · ${s.run.success}/${view.config.trials} ✓` : '';
  return `${methodLabel(s)}${ok}${outside > 0 ? ` · ${outside} outside` : ''}`;
}

/**
 * Data points of one method: inside at their place, outside on the domain's edge (outlined). A
 * noiseless method's (GD's) inside points larger and ringed in the background's colour, as they sit
 * on a few exact points inside the noisy methods' clouds (drawn on top of them: drawingOrder).
 */
function pointLayers(s: ShownMethod, inside: Final[], outside: Final[], view: ViewResult, t: Theme, radius = 3): PointLayer[] {
  const box = view.config.domain;
  const plain = isNoiseless(view, s);
  return [
    {
      points: inside.map((q) => q.y),
      color: s.color,
      radius: plain ? radius + 1.5 : radius,
      shape: s.shape,
      ...(plain ? { stroke: t.background } : {}),
    },
    { points: outside.map((q) => ontoEdge(q.y, box)), color: s.color, radius: radius + 1.5, shape: s.shape, stroke: t.foreground },
  ];
}

/** Target marks (every minimum success counts against), x* the larger star. */
function targetMarks(view: ViewResult, t: Theme): PointLayer[] {
  const targets = view.diagnostics.targets ?? [];
  const others = targets.filter((_, i) => i !== view.diagnostics.xStarTarget);
  return [
    ...(others.length > 0 ? [{ points: others, color: palette(t).xStar, radius: 6, shape: 'star' as const, stroke: t.background }] : []),
    xStarMark(view, t),
  ];
}

// ---- overlaid: every method in one chart ----

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
    if (methodsLayout(view, ui) === 'columns') return finalsColumnsAgainstLoss(canvas, view, t, ui, axis);
    const p = palette(t);
    const { at, methods } = shown(view, ui, t);
    const datasets: Series[] = [];
    if (axis.onCurve) {
      const f = curveOver(view.landscape.x, asLine(view.landscape.f));
      datasets.push(line('f', f, withAlpha(p.f, 0.6), { borderWidth: 1, reference: true } as Partial<Series>));
    }
    const [lo, hi] = axis.range ?? [-Infinity, Infinity];
    // Chart.js draws the first dataset on top: the reverse of the drawing order (noiseless methods on top, outlined).
    for (const { s, all, outside } of drawingOrder(view, methods).reverse()) {
      const data = all.map((q) => ({ x: Math.min(hi, Math.max(lo, axis.value(q.y))), y: q.loss }));
      const plain = isNoiseless(view, s);
      datasets.push(
        dots(legendText(s, at, all.length, outside.length), data, s.color, {
          pointStyle: chartStyle(s.shape),
          pointRadius: plain ? 4 : s.k === 0 ? 2.5 : 3.5,
          ...(plain ? { backgroundColor: s.color, borderColor: t.background, borderWidth: 1.5 } : {}),
        } as Partial<Series>),
      );
    }
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

/** Chart.js's name of a marker shape. */
function chartStyle(shape: ShownMethod['shape']): string {
  return { circle: 'circle', diamond: 'rectRot', square: 'rect', triangle: 'triangle', cross: 'crossRot', star: 'star', line: 'line' }[
    shape
  ];
}

function finalsPlane(canvas: HTMLCanvasElement, view: ViewResult, t: Theme, ui: ChartUi): number {
  const L = view.landscape;
  const { at, snap, methods } = shown(view, ui, t);
  const heat = valueHeat(asGrid(L.f), L.x, L.y!, 'f', 0.45, landscapeScale(L, ui.colorScale));
  const frame = gridFrame(L, ui.zoom);
  if (methodsLayout(view, ui) === 'columns') {
    const grid = planeGrid(canvas, methods.length);
    fitPlaneHeight(canvas, frame, { ...grid, title: true, max: 480 });
    const specs: Plot2DSpec[] = methods.map(({ s, inside, outside }, i) => ({
      ...frame,
      ...(i % grid.columns > 0 ? { yLabel: '' } : {}),
      title: columnTitle(s, view, outside.length, snap ? at : undefined),
      titleMark: { color: s.color, shape: s.shape },
      marksUnder: true,
      heat: { ...heat, ...(i < methods.length - 1 ? { legend: undefined } : {}) } as typeof heat,
      points: pointLayers(s, inside, outside, view, t),
      marks: targetMarks(view, t),
    }));
    return drawPlots2D(canvas, specs, t, grid.columns).points;
  }
  fitPlaneHeight(canvas, frame, { max: 560, legendRows: methods.length > 2 ? 2 : 1 });
  return drawPlots2D(
    canvas,
    [
      {
        ...frame,
        heat,
        // Drawn bottom to top: the noisy methods (the first on top of them), then the noiseless ones over all.
        points: drawingOrder(view, methods).flatMap(({ s, inside, outside }) => pointLayers(s, inside, outside, view, t)),
        marks: targetMarks(view, t),
        marksUnder: true,
        legend: methods.map(({ s, all, outside }) => ({
          color: s.color,
          label: legendText(s, at, all.length, outside.length),
          shape: s.shape,
        })),
      },
    ],
    t,
  ).points;
}

/**
 * Columns of finals against their loss (1-D on the curve of f, d > 2 against the distance to x*),
 * every column on the same axes.
 */
function finalsColumnsAgainstLoss(canvas: HTMLCanvasElement, view: ViewResult, t: Theme, ui: ChartUi, axis: Axis): number {
  const p = palette(t);
  const { at, snap, methods } = shown(view, ui, t);
  const losses = methods.flatMap(({ all }) => all.map((q) => q.loss)).filter(Number.isFinite);
  const curve = axis.onCurve ? asLine(view.landscape.f) : [];
  const ext = gridExtent([[...curve.filter(Number.isFinite), ...losses]]);
  const [y0, y1] = ext ?? [0, 1];
  const pad = (y1 - y0) * 0.04 || 1;
  const yRange: [number, number] = [y0 - pad, y1 + pad];
  const xs = methods.flatMap(({ all }) => all.map((q) => axis.value(q.y)));
  const xRange: [number, number] = axis.range ?? [0, Math.max(1e-12, ...xs) * 1.05];
  const clampX = (v: number) => Math.min(xRange[1], Math.max(xRange[0], v));
  const specs: Plot2DSpec[] = methods.map(({ s, inside, outside }, i) => ({
    xRange,
    yRange,
    aspect: 'free',
    xLabel: axis.label,
    yLabel: i === 0 ? `f(${at})` : '',
    title: columnTitle(s, view, outside.length, snap ? at : undefined),
    titleMark: { color: s.color, shape: s.shape },
    lines: axis.onCurve
      ? [
          {
            points: view.landscape.x.map((x, j) => [x, curve[j]!]).filter((q) => Number.isFinite(q[1])),
            color: withAlpha(p.f, 0.6),
            width: 1,
          },
        ]
      : [],
    rules: axis.onCurve ? [{ x: view.diagnostics.xStar[0]!, color: p.xStar, label: 'x*' }] : [],
    points: [
      { points: inside.map((q) => [clampX(axis.value(q.y)), q.loss]), color: s.color, radius: 3, shape: s.shape },
      { points: outside.map((q) => [clampX(axis.value(q.y)), q.loss]), color: s.color, radius: 4, shape: s.shape, stroke: t.foreground },
    ],
  }));
  return drawPlots2D(canvas, specs, t).points;
}

export const drawFinals = byGeometry<ChartUi>({
  line: finalsAgainstLoss((view) => ({ label: 'x', value: (y) => y[0]!, range: domainX(view), onCurve: true })),
  plane: finalsPlane,
  slices: finalsAgainstLoss((view) => ({ label: '‖y_T − x*‖', value: (y) => distance(y, view.diagnostics.xStar) })),
});
