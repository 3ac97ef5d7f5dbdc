/**
 * Histogram of where trials end: bars of y_T (1-D, bins of config.histogramBin), a kernel density
 * of y_T with the finals on top (2-D), bars of ‖y_T − x*‖ (d > 2); every method in its colour,
 * bars side by side in one chart or one column per method on shared axes (methods.ts picks);
 * after the stage the user picked in a multi-stage run. The bars' bins are the engine's
 * (diagnostics.histogram, the view's stageHistograms). data-points: the trials in the bins drawn
 * (2-D: the finals inside the domain the density is made of).
 */
import type { Histogram } from '../../src/engine/types';
import type { ViewResult } from '../../src/protocol/webview';
import { drawChart, type Series } from '../shared/charts';
import { viridis, withAlpha } from '../shared/color';
import { formatNumber } from '../shared/format';
import { palette } from '../shared/palette';
import { drawPlots2D, type Heat, type Plot2DSpec } from '../shared/plot2d';
import { kde2d, kdeBandwidth } from '../shared/density';
import { histogramBars, type Bars } from '../shared/shape';
import { rgb, type Theme } from '../shared/theme';
import { byGeometry, fitPlaneHeight, planeGrid, xStarMark, type ChartUi } from './chart';
import { countsOf, inBox, methodLabel, methodsLayout, shownMethods, type ShownMethod } from './methods';
import { finalsOf, shownSnapshot, shownStage, trialsAt } from './trials';

/**
 * The histogram of what "Where trials end" shows (the run's end, the end of the stage picked, or
 * every trial at the time slider's snapshot), and its label.
 */
function shown(view: ViewResult, ui: ChartUi): { h: Histogram | undefined; after: string } {
  const snap = shownSnapshot(view, ui);
  const atSnap = snap && view.snapshotHistograms?.[snap.index];
  if (snap && atSnap) return { h: atSnap, after: ` at step ${snap.step}` };
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
function densityMethod(methods: ShownMethod[], view: ViewResult, ui: ChartUi): number {
  const pick = ui.density;
  const i =
    typeof pick === 'number'
      ? methods.findIndex((s) => s.k === pick)
      : methods.findIndex((s) => (pick === 'gd' ? !!view.gd && s.m === view.gd : s.m === view.sgd));
  return Math.max(0, i);
}

/** Each snapshot's density (by the snapshot's array, for the grid `key`): computed once per snapshot. */
const densityCache = new WeakMap<object, { key: string; value: { h: [number, number]; density: number[][]; max: number } }>();

/** Columns of the density grid across the domain (rows by its aspect). */
const DENSITY_COLUMNS = 96;

/**
 * 2-D: where the trials end as a density, a Gaussian kernel estimate (shared/density.ts: its
 * bandwidth adapts to the number of trials, where fixed histogram cells left 100 finals as
 * scattered single dots, and to clusters — Scott's rule on one cloud, the clusters' own width from
 * the nearest-neighbour distances when the finals sit at a few minima, one grid cell when they sit
 * on exact points), in expected finals per unit area, with the finals on top as points; one
 * column per method on one colour scale, or the method picked. Finals outside the domain are left
 * out (the finals chart draws them on its edge). data-points: the finals the density is made of;
 * data-bandwidth: each drawn density's kernel widths "hx,hy", ";"-separated; data-densities: each
 * drawn density's method and its number of finals ("SGD:97;GD:100").
 */
function histogramPlane(canvas: HTMLCanvasElement, view: ViewResult, t: Theme, ui: ChartUi): number {
  const box = view.config.domain;
  const snap = shownSnapshot(view, ui);
  const stage = snap ? undefined : shownStage(view, ui);
  const all = shownMethods(view, t);
  const columns = methodsLayout(view, ui) === 'columns';
  const drawn = columns ? all : all.slice(densityMethod(all, view, ui)).slice(0, 1);
  const [x0, x1] = [box.low[0]!, box.high[0]!];
  const [y0, y1] = [box.low[1]!, box.high[1]!];
  const nx = DENSITY_COLUMNS;
  const ny = Math.max(8, Math.min(4 * nx, Math.round((nx * (y1 - y0)) / (x1 - x0))));
  const gx = Array.from({ length: nx }, (_, i) => x0 + ((i + 0.5) * (x1 - x0)) / nx);
  const gy = Array.from({ length: ny }, (_, i) => y0 + ((i + 0.5) * (y1 - y0)) / ny);
  // A kernel no narrower than a grid cell (all finals on one point would draw nothing).
  const floor: [number, number] = [(x1 - x0) / nx, (y1 - y0) / ny];
  const layers = drawn.map((s) => {
    const finals = (snap ? trialsAt(view, s.m, snap) : finalsOf(view, s.m, stage)).map((q) => q.y).filter((y) => inBox(y, box));
    // The density of a snapshot is computed once (Play passes it on many frames).
    const source = snap ? s.m.snapshots[snap.index] : undefined;
    const key = `${x0},${x1},${y0},${y1},${nx},${ny}`;
    const cached = source ? densityCache.get(source) : undefined;
    if (cached && cached.key === key) return { s, finals, ...cached.value };
    const h = kdeBandwidth(finals, floor);
    const density = kde2d(finals, gx, gy, h).map((row) => row.map((v) => v * finals.length));
    const value = { h, density, max: Math.max(0, ...density.flat()) };
    if (source) densityCache.set(source, { key, value });
    return { s, finals, ...value };
  });
  const top = Math.max(1e-300, ...layers.map((l) => l.max));
  const frame = ui.zoom
    ? { xRange: [...ui.zoom.x] as [number, number], yRange: [...ui.zoom.y] as [number, number] }
    : { xRange: [x0, x1] as [number, number], yRange: [y0, y1] as [number, number] };
  const grid = columns ? planeGrid(canvas, layers.length) : { columns: 1, rows: 1 };
  fitPlaneHeight(canvas, frame, { ...grid, title: true, max: columns ? 480 : 560 });
  const bg = rgb(t.background);
  const specs: Plot2DSpec[] = layers.map(({ s, finals, h, density, max }, i) => {
    const scaleTop = columns ? top : max;
    const heat: Heat = {
      grid: density,
      x: gx,
      y: gy,
      // Below 1% of the top the background shows: the density has no edge of its own (and with no
      // finals at all, nothing but the background).
      color: (v) => (!(scaleTop > 0) || v < scaleTop * 0.01 ? bg : viridis(v / scaleTop)),
      cacheKey: `kde:${scaleTop}:${t.background}`,
    };
    // Nothing to draw (every trial diverged or left the domain): no colour bar of an empty scale.
    if ((!columns || i === layers.length - 1) && scaleTop > 1e-300)
      heat.legend = {
        min: 0,
        max: scaleTop,
        label: `${columns ? '' : `${methodLabel(s)} `}${snap ? 'trials' : 'finals'} per unit area`,
        at: viridis,
      };
    return {
      ...frame,
      xLabel: 'x₁',
      yLabel: i % grid.columns === 0 ? 'x₂' : '',
      // Each density is one method's finals alone (never the methods mixed): its title names it.
      title: `${methodLabel(s)}${columns ? ' · ' : ': '}${
        finals.length
          ? `${finals.length} ${snap ? `trials at step ${snap.step}` : 'finals'}, kernel h = ${formatNumber(h[0])} × ${formatNumber(h[1])}`
          : `no ${snap ? `trials at step ${snap.step}` : 'finals'} inside the domain`
      }`,
      ...(columns ? { titleMark: { color: s.color, shape: s.shape } } : {}),
      heat,
      points: [{ points: finals, color: s.color, radius: 2, shape: s.shape, stroke: t.background }],
      marks: [xStarMark(view, t)],
    };
  });
  drawPlots2D(canvas, specs, t, grid.columns);
  // For tests: what the density shows ("end", "stage 1", "step 400").
  canvas.dataset.where = snap ? `step ${snap.step}` : stage !== undefined ? `stage ${stage + 1}` : 'end';
  canvas.dataset.bandwidth = layers.map((l) => l.h.join(',')).join(';');
  // For tests: whose finals each drawn density is made of, and how many ("SGD:5631;GD:6400").
  canvas.dataset.densities = layers.map((l) => `${l.s.name}:${l.finals.length}`).join(';');
  return layers.reduce((n, l) => n + l.finals.length, 0);
}

export const drawHistogram = byGeometry<ChartUi>({
  line: histogramBarsOf({ label: 'x', xStarRule: true }),
  plane: histogramPlane,
  slices: histogramBarsOf({ label: '‖y_T − x*‖', toLastOccupied: true }),
});
