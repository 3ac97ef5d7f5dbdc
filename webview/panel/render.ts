/**
 * One function per chart of the landscape panel. Each draws `view` into its canvas for the
 * current theme and UI choices and returns how many data points it drew (the canvas's
 * `data-points`). 1-D, 2-D and d > 2 results each get the picture the paper would use.
 */
import type { ViewResult, ViewMethodResult } from '../../src/protocol/webview';
import type { Landscape } from '../../src/engine/types';
import { drawChart, type Annotations, type XY } from '../shared/charts';
import { formatNumber } from '../shared/format';
import { drawPlot2D, drawPlots2D, type PointLayer } from '../shared/plot2d';
import {
  bin2D,
  binValues,
  distance,
  diverging,
  evenIndices,
  finiteExtent,
  gridExtent,
  histogramBars,
  interpolate1D,
  pathUntil,
  positiveIntervals,
  quantileExtent,
  robustExtent,
  thinPath,
  viridis,
  withAlpha,
} from '../shared/shape';
import { stageStarts } from '../shared/summary';
import { rgb, type Theme } from '../shared/theme';

/** Choices the user makes in the panel (persisted with setState). */
export interface PanelUi {
  /** Which landscape.smoothed[i] is drawn beside f (2-D) or along the slices (d > 2); -1 = the first. */
  landscapeLayer: number;
  /** Index into diagnostics.convexity. */
  convexityIndex: number;
  /** How many of the sampled paths to draw. */
  pathsShown: number;
  /** Index into pathSteps for the time slider; -1 means the end. */
  timeIndex: number;
  /** Which method's density the 2-D histogram shows. */
  density: 'sgd' | 'gd';
  /** Multi-stage runs: where trials are shown, at the end of stage i (0-based) or -1 = the end of the run. */
  finalsStage: number;
}

export const DEFAULT_UI: PanelUi = {
  landscapeLayer: -1,
  convexityIndex: 0,
  pathsShown: 10,
  timeIndex: -1,
  density: 'sgd',
  finalsStage: -1,
};

type Grid = number[][];
const asGrid = (v: number[] | number[][]): Grid => v as Grid;
const asLine = (v: number[] | number[][]): number[] => v as number[];

function palette(t: Theme): string[] {
  return [t.blue, t.orange, t.green, t.purple, t.yellow, t.red];
}

function line(label: string, data: XY[], color: string, extra: Record<string, unknown> = {}) {
  return { type: 'line' as const, label, data, borderColor: color, backgroundColor: color, borderWidth: 1.5, pointRadius: 0, ...extra };
}

function dots(label: string, data: XY[], color: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'scatter' as const,
    label,
    data,
    borderColor: color,
    backgroundColor: withAlpha(color, 0.7),
    pointRadius: 2.5,
    showLine: false,
    ...extra,
  };
}

function xStarDataset(view: ViewResult, y: number, t: Theme) {
  return dots('x*', [{ x: view.diagnostics.xStar[0]!, y }], t.red, {
    pointStyle: 'star',
    pointRadius: 8,
    borderWidth: 2,
    backgroundColor: t.red,
  });
}

function stageRules(view: ViewResult, t: Theme): Annotations['vlines'] {
  return stageStarts(view).map((s, i) => ({ x: s, color: t.muted, label: `stage ${i + 2}` }));
}

function xRange(view: ViewResult): [number, number] {
  const d = view.config.domain;
  return [d.low[0]!, d.high[0]!];
}

function yRange(view: ViewResult): [number, number] {
  const d = view.config.domain;
  return [d.low[1] ?? d.low[0]!, d.high[1] ?? d.high[0]!];
}

const colorRanges = new WeakMap<object, [number, number]>();

/** Colour range of a grid (top 2% clipped), computed once per grid object. */
function gridColorRange(grid: Grid): [number, number] {
  let r = colorRanges.get(grid);
  if (!r) {
    r = robustExtent(grid.flat(), 0.02) ?? [0, 1];
    colorRanges.set(grid, r);
  }
  return r;
}

function heatOf(grid: Grid, x: number[], y: number[], label: string, opacity = 1) {
  const [lo, hi] = gridColorRange(grid);
  const span = hi > lo ? hi - lo : 1;
  return {
    grid,
    x,
    y,
    opacity,
    cacheKey: `viridis:${lo}:${hi}`,
    color: (v: number) => viridis((v - lo) / span),
    legend: { min: lo, max: hi, label, at: viridis },
  };
}

function xStarLayer(view: ViewResult, t: Theme): PointLayer {
  return { points: [view.diagnostics.xStar], color: t.red, radius: 8, shape: 'star', stroke: t.background };
}

/** Landscape: f and g (1-D), a heatmap of f or g (2-D), slices through x* (d > 2). */
/** The axes of a 2-D plot over the landscape grid: its x/y ranges and the coordinate labels. */
function gridFrame(L: Landscape): { xRange: [number, number]; yRange: [number, number]; xLabel: string; yLabel: string } {
  return { xRange: [L.x[0]!, L.x[L.x.length - 1]!], yRange: [L.y![0]!, L.y![L.y!.length - 1]!], xLabel: 'x₁', yLabel: 'x₂' };
}

export function drawLandscape(canvas: HTMLCanvasElement, view: ViewResult, t: Theme, ui: PanelUi): number {
  const L = view.landscape;
  const dim = view.config.dim;
  const colors = palette(t);
  if (canvas.parentElement) canvas.parentElement.style.height = '';
  if (dim === 1) {
    const f = asLine(L.f);
    const datasets = [
      line(
        'f',
        L.x.map((x, i) => ({ x, y: f[i]! })),
        t.foreground,
        { borderWidth: 1 },
      ),
    ];
    L.smoothed.forEach((s, k) => {
      const v = asLine(s.values);
      datasets.push(
        line(
          `g: f convolved with radius ${formatNumber(s.radius)}`,
          L.x.map((x, i) => ({ x, y: v[i]! })),
          colors[k % colors.length]!,
          { borderWidth: 2 },
        ),
      );
    });
    const fAtStar = interpolate1D(L.x, f, view.diagnostics.xStar[0]!);
    drawChart(
      canvas,
      {
        datasets: [...datasets, xStarDataset(view, Number.isFinite(fAtStar) ? fAtStar : (finiteExtent(f)?.[0] ?? 0), t)],
        xLabel: 'x',
        yLabel: 'loss',
        xRange: [L.x[0]!, L.x[L.x.length - 1]!],
      },
      t,
    );
    return datasets.reduce((n, d) => n + d.data.length, 0);
  }
  if (dim === 2) {
    // f beside the smoothed g the user picked (the first one by default).
    const layer = L.smoothed[Math.max(0, ui.landscapeLayer)];
    const common = {
      ...gridFrame(L),
      points: [xStarLayer(view, t)],
      boxes: [{ ...view.config.init, color: t.foreground }],
    };
    const f = asGrid(L.f);
    const specs = [
      { ...common, title: 'f', heat: heatOf(f, L.x, L.y!, 'f'), legend: [{ color: t.red, label: 'x*', shape: 'star' as const }] },
    ];
    if (layer)
      specs.push({
        ...common,
        title: `g = f smoothed by ${layer.noise} noise of radius ${formatNumber(layer.radius)}`,
        heat: heatOf(asGrid(layer.values), L.x, L.y!, 'g'),
        legend: [],
      });
    // Side by side when each plot gets ≥ 340 px, else stacked in a taller box.
    const box = canvas.parentElement;
    const width = box?.clientWidth ?? canvas.clientWidth;
    const direction = specs.length > 1 && width < 680 ? 'column' : 'row';
    if (box) box.style.height = direction === 'column' ? `${Math.round(Math.min(340, width * 0.8)) * specs.length}px` : '';
    const n = drawPlots2D(canvas, specs, t, direction);
    return specs.reduce((s, sp) => s + sp.heat.grid.length * (sp.heat.grid[0]?.length ?? 0), 0) + n - specs.length;
  }
  // d > 2: f (solid) and the chosen g (dashed) along each slice x* + t·u.
  const fs = asGrid(L.f);
  const layer = L.smoothed[Math.max(0, ui.landscapeLayer)];
  const datasets = fs.map((row, s) =>
    line(
      `f, slice ${s + 1}`,
      L.x.map((x, i) => ({ x, y: row[i]! })),
      colors[s % colors.length]!,
      { borderWidth: 1 },
    ),
  );
  if (layer) {
    asGrid(layer.values).forEach((row, s) =>
      datasets.push(
        line(
          `g (radius ${formatNumber(layer.radius)}), slice ${s + 1}`,
          L.x.map((x, i) => ({ x, y: row[i]! })),
          colors[s % colors.length]!,
          { borderDash: [5, 3], borderWidth: 2 },
        ),
      ),
    );
  }
  drawChart(
    canvas,
    {
      datasets,
      xLabel: 't along slice (x = x* + t·u)',
      yLabel: 'loss',
      xRange: [L.x[0]!, L.x[L.x.length - 1]!],
      annotations: { vlines: [{ x: 0, color: t.red, label: 'x*' }] },
    },
    t,
  );
  return datasets.reduce((n, d) => n + d.data.length, 0);
}

/** Indices of the sampled paths to draw. */
function shownPaths(m: ViewMethodResult, ui: PanelUi): number[] {
  return evenIndices(m.paths.length, Math.max(1, ui.pathsShown));
}

/** The global step the time slider stands at. */
export function sliderStep(view: ViewResult, ui: PanelUi): number {
  const steps = view.sgd.pathSteps;
  if (steps.length === 0) return 0;
  if (ui.timeIndex < 0 || ui.timeIndex >= steps.length) return steps[steps.length - 1]!;
  return steps[ui.timeIndex]!;
}

/** Points drawn per path at most (config.trajectoryPoints may keep up to 100 000). */
const MAX_PATH_POINTS = 2000;

/** Path points as [step, ...x] cut at the slider's step, thinned for drawing. */
function cut(path: number[][], steps: number[], step: number): number[][] {
  return thinPath(
    pathUntil(
      path.map((p, i) => [steps[i]!, ...p]),
      steps,
      step,
    ),
    MAX_PATH_POINTS,
  );
}

/** Trajectories: x against step (1-D), paths over f (2-D), distance to x* against step (d > 2). */
export function drawTrajectories(canvas: HTMLCanvasElement, view: ViewResult, t: Theme, ui: PanelUi): number {
  const dim = view.config.dim;
  const step = sliderStep(view, ui);
  const total = view.config.stages.reduce((s, st) => s + st.steps, 0);
  const methods: Array<[string, ViewMethodResult, string]> = [['SGD', view.sgd, t.blue]];
  if (view.gd) methods.push(['GD', view.gd, t.orange]);
  const xStar = view.diagnostics.xStar;
  if (dim === 2) {
    const L = view.landscape;
    const lines = [];
    const starts: number[][] = [];
    const ends: Record<string, number[][]> = {};
    for (const [name, m, color] of methods) {
      ends[name] = [];
      for (const k of shownPaths(m, ui)) {
        const pts = cut(m.paths[k]!, m.pathSteps, step).map((p) => p.slice(1));
        if (pts.length === 0) continue;
        lines.push({
          points: pts,
          color: withAlpha(color, name === 'GD' ? 0.9 : 0.75),
          width: name === 'GD' ? 1.5 : 1.2,
          ...(name === 'GD' ? { dash: [4, 2] } : {}),
        });
        starts.push(pts[0]!);
        ends[name]!.push(pts[pts.length - 1]!);
      }
    }
    return drawPlot2D(
      canvas,
      {
        ...gridFrame(L),
        heat: heatOf(asGrid(L.f), L.x, L.y!, 'f', 0.55),
        lines,
        points: [
          { points: starts, color: t.foreground, radius: 3, shape: 'circle' },
          ...methods.map(([name, , color]) => ({
            points: ends[name]!,
            color,
            radius: 3.5,
            shape: 'square' as const,
            stroke: t.background,
          })),
          xStarLayer(view, t),
        ],
        legend: [
          ...methods.map(([name, , color]) => ({ color, label: `${name} path (■ at step ${step})` })),
          { color: t.foreground, label: 'start', shape: 'circle' as const },
        ],
      },
      t,
    );
  }
  const datasets = [];
  const starts: XY[] = [];
  let n = 0;
  for (const [name, m, color] of methods) {
    const ends: XY[] = [];
    shownPaths(m, ui).forEach((k, j) => {
      const pts = cut(m.paths[k]!, m.pathSteps, step);
      if (pts.length === 0) return;
      const data = pts.map((p) => ({ x: p[0]!, y: dim === 1 ? p[1]! : distance(p.slice(1), xStar) }));
      datasets.push(
        line(j === 0 ? `${name} paths` : '', data, withAlpha(color, name === 'GD' ? 0.9 : 0.6), {
          borderWidth: 1,
          ...(name === 'GD' ? { borderDash: [4, 2] } : {}),
        }),
      );
      starts.push(data[0]!);
      ends.push(data[data.length - 1]!);
      n += data.length;
    });
    datasets.push(dots(`${name} at step ${step}`, ends, color, { pointStyle: 'rect', pointRadius: 4 }));
  }
  datasets.push(dots('start', starts, t.foreground, { pointRadius: 3 }));
  const yr = dim === 1 ? xRange(view) : undefined;
  drawChart(
    canvas,
    {
      datasets,
      xLabel: 'step',
      yLabel: dim === 1 ? 'x' : '‖x − x*‖',
      xRange: [0, total],
      ...(yr ? { yRange: yr } : {}),
      legend: true,
      annotations: { vlines: stageRules(view, t), hlines: dim === 1 ? [{ y: xStar[0]!, color: t.red, label: 'x*' }] : [] },
    },
    t,
  );
  return n;
}

/** The stage whose end "Where trials end" shows, or undefined for the end of the run. */
export function shownStage(view: ViewResult, ui: PanelUi): number | undefined {
  const last = view.config.stages.length - 1;
  if (view.config.dim > 2 || ui.finalsStage < 0 || ui.finalsStage >= last) return undefined;
  return ui.finalsStage;
}

/**
 * Where the trials of `m` are at the end of the run (y_T, f(y_T), diverged trials left out),
 * or at the end of stage `stage` (y after that stage; f interpolated on the landscape grid in
 * 1-D, as the result stores f only at the final iterates).
 */
function finalsOf(view: ViewResult, m: ViewMethodResult, stage: number | undefined): Array<{ y: number[]; loss: number }> {
  const out = [];
  if (stage === undefined) {
    for (let i = 0; i < m.finals.length; i++) if (!m.divergedMask[i]) out.push({ y: m.finals[i]!, loss: m.finalLoss[i]! });
    return out;
  }
  const f = view.config.dim === 1 ? asLine(view.landscape.f) : undefined;
  for (const y of m.stageFinals[stage] ?? []) {
    if (!y.every((v) => Number.isFinite(v))) continue;
    out.push({ y, loss: f ? interpolate1D(view.landscape.x, f, y[0]!) : NaN });
  }
  return out;
}

/** "y_T" or "y after stage 2". */
function whereLabel(stage: number | undefined): string {
  return stage === undefined ? 'y_T' : `y after stage ${stage + 1}`;
}

/** Where trials end: dots at (y_T, f(y_T)) on f (1-D), over f (2-D), (‖y_T − x*‖, f) for d > 2. */
export function drawFinals(canvas: HTMLCanvasElement, view: ViewResult, t: Theme, ui: PanelUi): number {
  const dim = view.config.dim;
  const xStar = view.diagnostics.xStar;
  const stage = shownStage(view, ui);
  const sgd = finalsOf(view, view.sgd, stage);
  const gd = view.gd ? finalsOf(view, view.gd, stage) : [];
  const at = whereLabel(stage);
  if (dim === 2) {
    const L = view.landscape;
    return (
      drawPlot2D(
        canvas,
        {
          ...gridFrame(L),
          heat: heatOf(asGrid(L.f), L.x, L.y!, 'f', 0.45),
          points: [
            { points: gd.map((p) => p.y), color: t.orange, radius: 3, shape: 'diamond' },
            { points: sgd.map((p) => p.y), color: t.blue, radius: 2.5, shape: 'circle', stroke: t.background },
            xStarLayer(view, t),
          ],
          legend: [
            { color: t.blue, label: `SGD ${at} (${sgd.length})`, shape: 'circle' },
            ...(view.gd ? [{ color: t.orange, label: `GD ${at} (${gd.length})`, shape: 'diamond' as const }] : []),
          ],
        },
        t,
      ) - 1
    );
  }
  const datasets = [];
  if (dim === 1) {
    const f = asLine(view.landscape.f);
    datasets.push(
      line(
        'f',
        view.landscape.x.map((x, i) => ({ x, y: f[i]! })),
        withAlpha(t.foreground, 0.6),
        { borderWidth: 1 },
      ),
    );
  }
  const toXY = (p: { y: number[]; loss: number }) => ({ x: dim === 1 ? p.y[0]! : distance(p.y, xStar), y: p.loss });
  if (view.gd) datasets.push(dots(`GD ${at} (${gd.length})`, gd.map(toXY), t.orange, { pointStyle: 'triangle', pointRadius: 3.5 }));
  datasets.push(dots(`SGD ${at} (${sgd.length})`, sgd.map(toXY), t.blue));
  drawChart(
    canvas,
    {
      datasets,
      xLabel: dim === 1 ? 'x' : '‖y_T − x*‖',
      yLabel: `f(${at})`,
      ...(dim === 1 ? { xRange: xRange(view) } : {}),
      annotations: { vlines: dim === 1 ? [{ x: xStar[0]!, color: t.red, label: 'x*' }] : [] },
    },
    t,
  );
  return sgd.length + gd.length;
}

/** Histogram of the final iterates (bins of config.histogramBin; density heatmap in 2-D). */
export function drawHistogram(canvas: HTMLCanvasElement, view: ViewResult, t: Theme, ui: PanelUi): number {
  const dim = view.config.dim;
  const h = view.diagnostics.histogram;
  const xStar = view.diagnostics.xStar;
  const stage = shownStage(view, ui);
  if (dim === 2) {
    const ex = h.edges;
    const ey = h.edgesY ?? h.edges;
    let counts = ui.density === 'gd' && h.gd2d ? h.gd2d : h.sgd2d;
    if (!counts || ex.length < 2 || ey.length < 2 || stage !== undefined) {
      // A stage's end, or no 2-D histogram in the result: bin the points ourselves on the domain.
      const m = ui.density === 'gd' && view.gd ? view.gd : view.sgd;
      const [x0, x1] = xRange(view);
      const [y0, y1] = yRange(view);
      const bx = ex.length > 1 ? ex : binValues([], (x1 - x0) / 30, x0, x1).edges;
      const by = ey.length > 1 ? ey : binValues([], (y1 - y0) / 30, y0, y1).edges;
      counts = bin2D(
        finalsOf(view, m, stage).map((p) => p.y),
        bx,
        by,
      );
      return drawDensity(canvas, view, t, counts, bx, by, ui);
    }
    return drawDensity(canvas, view, t, counts, ex, ey, ui);
  }
  let sgdBars;
  let gdBars;
  let xLabel = 'x';
  if (dim === 1 && h.edges.length > 1 && h.sgd.length > 0 && stage === undefined) {
    sgdBars = histogramBars(h.edges, h.sgd);
    gdBars = view.gd && h.gd.length > 0 ? histogramBars(h.edges, h.gd) : undefined;
  } else {
    // d > 2 (or no histogram in the result): bin |y_T − x*| (or x in 1-D) ourselves.
    const value = (y: number[]) => (dim === 1 ? y[0]! : distance(y, xStar));
    const vals = (m: ViewMethodResult) => finalsOf(view, m, stage).map((p) => value(p.y));
    const sv = vals(view.sgd);
    const gv = view.gd ? vals(view.gd) : [];
    const [lo, hi] = dim === 1 ? xRange(view) : [0, finiteExtent([...sv, ...gv])?.[1] ?? 1];
    const bin = dim === 1 ? view.config.histogramBin : Math.max(view.config.histogramBin, (hi - lo) / 60);
    const sb = binValues(sv, bin, lo, hi);
    sgdBars = histogramBars(sb.edges, sb.counts);
    if (view.gd) {
      const gb = binValues(gv, bin, lo, hi);
      gdBars = histogramBars(gb.edges, gb.counts);
    }
    if (dim > 1) xLabel = '‖y_T − x*‖';
  }
  const bar = (label: string, b: ReturnType<typeof histogramBars>, color: string) => ({
    type: 'bar' as const,
    label,
    data: b.centers.map((x, i) => ({ x, y: b.counts[i]! })),
    backgroundColor: withAlpha(color, 0.75),
    borderColor: color,
    borderWidth: 0,
    barPercentage: 1,
    categoryPercentage: 1,
    grouped: false,
  });
  const datasets = [];
  if (gdBars) datasets.push(bar('GD', gdBars, t.orange));
  datasets.push(bar('SGD', sgdBars, t.blue));
  const width = sgdBars.widths[0] ?? view.config.histogramBin;
  const lo = (sgdBars.centers[0] ?? 0) - width / 2;
  const hi = (sgdBars.centers[sgdBars.centers.length - 1] ?? 1) + width / 2;
  drawChart(
    canvas,
    {
      datasets,
      bars: true,
      xLabel: `${stage === undefined ? xLabel : `${xLabel} after stage ${stage + 1}`} (bins of ${formatNumber(width)})`,
      yLabel: 'trials',
      xRange: [lo, hi],
      annotations: { vlines: dim === 1 ? [{ x: xStar[0]!, color: t.red, label: 'x*' }] : [] },
    },
    t,
  );
  const sum = (b?: { counts: number[] }) => (b ? b.counts.reduce((s, c) => s + c, 0) : 0);
  return sum(sgdBars) + sum(gdBars);
}

function drawDensity(
  canvas: HTMLCanvasElement,
  view: ViewResult,
  t: Theme,
  counts: number[][],
  ex: number[],
  ey: number[],
  ui: PanelUi,
): number {
  const cx = ex.slice(1).map((e, i) => (e + ex[i]!) / 2);
  const cy = ey.slice(1).map((e, i) => (e + ey[i]!) / 2);
  const max = gridExtent(counts)?.[1] ?? 1;
  const bg = rgb(t.background);
  drawPlot2D(
    canvas,
    {
      xRange: [ex[0]!, ex[ex.length - 1]!],
      yRange: [ey[0]!, ey[ey.length - 1]!],
      xLabel: 'x₁',
      yLabel: 'x₂',
      heat: {
        grid: counts,
        x: cx,
        y: cy,
        color: (v) => (v <= 0 ? bg : viridis(v / Math.max(1, max))),
        legend: { min: 0, max, label: `${ui.density === 'gd' ? 'GD' : 'SGD'} trials per cell`, at: viridis },
      },
      points: [xStarLayer(view, t)],
    },
    t,
  );
  return counts.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
}

/** c(y) with the region where it is positive shaded and the estimated c marked. */
export function drawConvexity(canvas: HTMLCanvasElement, view: ViewResult, t: Theme, ui: PanelUi): number {
  const maps = view.diagnostics.convexity;
  const dim = view.config.dim;
  const sel = maps[Math.min(Math.max(0, ui.convexityIndex), maps.length - 1)];
  const L = view.landscape;
  const colors = palette(t);
  if (!sel) {
    drawChart(canvas, { datasets: [], xLabel: 'x', yLabel: 'c(y)' }, t);
    return 0;
  }
  if (dim === 2) {
    const grid = asGrid(sel.values);
    const flat = grid.flat().filter(Number.isFinite).map(Math.abs);
    const maxAbs = robustExtent(flat, 0.02)?.[1] ?? 1;
    const neg = rgb(t.red);
    const pos = rgb(t.blue);
    const mid = rgb(t.background);
    const n = drawPlot2D(
      canvas,
      {
        ...gridFrame(L),
        heat: {
          grid,
          x: L.x,
          y: L.y!,
          color: (v) => diverging(v, maxAbs, neg, mid, pos),
          cacheKey: `diverging:${maxAbs}:${t.red}:${t.blue}:${t.background}`,
          legend: {
            min: -maxAbs,
            max: maxAbs,
            label: `c(y), radius ${formatNumber(sel.radius)}`,
            at: (s) => diverging((2 * s - 1) * maxAbs, maxAbs, neg, mid, pos),
          },
        },
        boxes: [{ ...view.config.init, color: t.foreground }],
        points: [{ points: [sel.argInf], color: t.foreground, radius: 6, shape: 'cross' }, xStarLayer(view, t)],
        legend: [
          { color: t.blue, label: 'c(y) > 0: g points toward x*' },
          { color: t.red, label: 'c(y) ≤ 0' },
          { color: t.foreground, label: `inf c = ${formatNumber(sel.c)}`, shape: 'cross' },
        ],
      },
      t,
    );
    return grid.length * (grid[0]?.length ?? 0) + n - 2;
  }
  const datasets: Array<ReturnType<typeof line>> = [];
  let bands: Annotations['bands'] = [];
  let n = 0;
  if (dim === 1) {
    maps.forEach((m, k) => {
      const v = asLine(m.values);
      const data = L.x.map((x, i) => ({ x, y: v[i]! })).filter((p) => Number.isFinite(p.y));
      n += data.length;
      datasets.push(
        line(`c(y), radius ${formatNumber(m.radius)}`, data, colors[k % colors.length]!, {
          borderWidth: m === sel ? 2.5 : 1,
          spanGaps: true,
        }),
      );
    });
    bands = positiveIntervals(L.x, asLine(sel.values)).map(([from, to]) => ({ from, to, color: withAlpha(t.green, 0.14) }));
  } else {
    asGrid(sel.values).forEach((row, s) => {
      const data = L.x.map((x, i) => ({ x, y: row[i]! })).filter((p) => Number.isFinite(p.y));
      n += data.length;
      datasets.push(line(`c along slice ${s + 1}`, data, colors[s % colors.length]!, { spanGaps: true }));
    });
  }
  // Scale to the selected radius's curve (1%–99% quantiles, plus 0 and the estimated c): the
  // curves of much smaller radii can be orders of magnitude larger and would flatten it.
  const selValues = dim === 1 ? asLine(sel.values) : asGrid(sel.values).flat();
  const ext = quantileExtent(selValues, 0.01, 0.99);
  const cs = Number.isFinite(sel.c) ? [sel.c] : [];
  const yr: [number, number] | undefined = ext ? [Math.min(ext[0], 0, ...cs), Math.max(ext[1], 0, ...cs)] : undefined;
  drawChart(
    canvas,
    {
      datasets,
      xLabel: dim === 1 ? 'y' : 't along slice',
      xRange: [L.x[0]!, L.x[L.x.length - 1]!],
      yLabel: 'c(y) = ⟨−∇g(y), x* − y⟩ / ‖x* − y‖²',
      ...(yr ? { yRange: [yr[0] - 0.05 * (yr[1] - yr[0]), yr[1] + 0.05 * (yr[1] - yr[0])] as [number, number] } : {}),
      annotations: {
        bands,
        hlines: [
          { y: 0, color: t.muted, dash: [] },
          { y: sel.c, color: t.red, label: `estimated c = ${formatNumber(sel.c)}` },
        ],
      },
    },
    t,
  );
  return n;
}

function series(steps: number[], values: number[]): XY[] {
  return steps.map((x, i) => ({ x, y: values[i]! })).filter((p) => Number.isFinite(p.y));
}

/** Figure 5(a): ⟨−∇f(x_t), x_T − x_t⟩, minimum and mean over trials. */
export function drawFig5Inner(canvas: HTMLCanvasElement, view: ViewResult, t: Theme): number {
  const tr = view.diagnostics.trajectory;
  const datasets = [
    line('min over trials', series(tr.steps, tr.innerMin), t.red, { borderWidth: 2 }),
    line('mean', series(tr.steps, tr.innerMean), t.blue),
  ];
  drawChart(
    canvas,
    {
      datasets,
      xLabel: 'step t',
      yLabel: '⟨−∇f(x_t), x_T − x_t⟩',
      annotations: { hlines: [{ y: 0, color: t.muted, dash: [] }], vlines: stageRules(view, t) },
    },
    t,
  );
  return datasets.reduce((s, d) => s + d.data.length, 0);
}

function band(label: string, steps: number[], mean: number[], lo: number[], hi: number[], color: string) {
  return [
    line('', series(steps, lo), 'transparent', { borderWidth: 0 }),
    line(`${label} min–max`, series(steps, hi), 'transparent', { borderWidth: 0, fill: '-1', backgroundColor: withAlpha(color, 0.2) }),
    line(`${label} mean`, series(steps, mean), color, { borderWidth: 2 }),
  ];
}

/** Figure 5(b): the inner product at random points w near x_t (mean with min/max band). */
export function drawFig5Probe(canvas: HTMLCanvasElement, view: ViewResult, t: Theme): number {
  const tr = view.diagnostics.trajectory;
  const datasets = band('probe', tr.steps, tr.probeMean, tr.probeMin, tr.probeMax, t.purple);
  drawChart(
    canvas,
    {
      datasets,
      xLabel: 'step t',
      yLabel: `⟨−∇f(w), x_T − x_t⟩, ‖w − x_t‖ ≤ ${formatNumber(view.config.probeRadius)}`,
      annotations: { hlines: [{ y: 0, color: t.muted, dash: [] }], vlines: stageRules(view, t) },
    },
    t,
  );
  return datasets[2]!.data.length;
}

/** Figure 5(c): the stochastic gradient's norm along the trajectories. */
export function drawFig5GradNorm(canvas: HTMLCanvasElement, view: ViewResult, t: Theme): number {
  const tr = view.diagnostics.trajectory;
  const datasets = band('‖∇f + ω‖', tr.steps, tr.gradNormMean, tr.gradNormMin, tr.gradNormMax, t.green);
  const ext = finiteExtent([...tr.gradNormMin, ...tr.gradNormMax]);
  const yLog = !!ext && ext[0] > 0 && ext[1] / ext[0] > 100;
  drawChart(
    canvas,
    { datasets, xLabel: 'step t', yLabel: 'stochastic gradient norm', yLog, annotations: { vlines: stageRules(view, t) } },
    t,
  );
  return datasets[2]!.data.length;
}
